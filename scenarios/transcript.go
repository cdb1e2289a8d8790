package scenarios

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// TranscriptOptions choose how a headless run reads.
type TranscriptOptions struct {
	Lang Lang
	// Narration also prints each step's narration.
	Narration bool
	// Markdown, when set, also receives the transcript as a Markdown handout: steps,
	// narration, commands, outputs and check results, written as the run goes.
	Markdown io.Writer
	// Rootless skips the lessons whose file says they need root (Scenario.NeedsRoot),
	// saying why: the lab runs in a user namespace.
	Rootless bool
}

// RunHeadless runs each scenario in turn on l, as `nslab run` does, and writes a
// transcript to w: per scenario a header; per step the pane, the command, its output
// (indented) and each check ✓/✗ with its reason. A scenario stops at its first failed
// step (the later steps build on it). It reports whether every step passed; the error is
// for a failed write or an ended context, not for failed checks.
func RunHeadless(ctx context.Context, l Lab, scs []Scenario, w io.Writer, opts TranscriptOptions) (bool, error) {
	lang := opts.Lang
	if lang == "" {
		lang = EN
	}
	reps := []reporter{&textReport{transcript{w: w}, opts.Narration}}
	if opts.Markdown != nil {
		reps = append(reps, &markdownReport{transcript: transcript{w: opts.Markdown}})
	}
	rep := fanout(reps)
	allPassed := true
	var failed, skipped []string
	for n, sc := range scs {
		if err := ctx.Err(); err != nil {
			return false, fmt.Errorf("run scenarios: %w", err)
		}
		rep.scenario(sc, n, len(scs), lang)
		if opts.Rootless && !sc.NeedsRoot.IsZero() {
			rep.skipped(sc.NeedsRoot, lang)
			skipped = append(skipped, sc.ID)
			continue
		}
		if !runOne(ctx, l, sc, rep, lang) {
			allPassed = false
			failed = append(failed, sc.ID)
		}
		if err := rep.error(); err != nil {
			return false, fmt.Errorf("write transcript: %w", err)
		}
	}
	rep.summary(len(scs)-len(skipped), failed, skipped, lang)
	if err := rep.error(); err != nil {
		return false, fmt.Errorf("write transcript: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("run scenarios: %w", err)
	}
	return allPassed, nil
}

// stepReport is what one step of a headless run printed and proved.
type stepReport struct {
	n, of           int
	narration, hint Text
	res             StepResult
	// notRun counts the later steps skipped after a failure.
	notRun int
}

// reporter renders a headless run; textReport and markdownReport are the two renderings.
type reporter interface {
	scenario(sc Scenario, n, of int, lang Lang)
	startFailed(err error, lang Lang)
	step(st stepReport, lang Lang)
	// skipped names the lessons not run (rootless); total counts the others.
	summary(total int, failed, skipped []string, lang Lang)
	// skipped says why a lesson is not run: it needs root and the lab is rootless.
	skipped(why Text, lang Lang)
	error() error
}

func runOne(ctx context.Context, l Lab, sc Scenario, rep reporter, lang Lang) bool {
	r, err := Start(ctx, l, sc)
	if err != nil {
		rep.startFailed(err, lang)
		return false
	}
	for i := range sc.Steps {
		st := stepReport{n: i + 1, of: len(sc.Steps)}
		st.narration, st.hint = r.Narration(i)
		st.res = r.Run(ctx, i)
		if !st.res.Passed() {
			st.notRun = len(sc.Steps) - i - 1
		}
		rep.step(st, lang)
		if !st.res.Passed() {
			return false
		}
	}
	return true
}

var (
	hintLabel = Text{EN: "hint: ", KO: "힌트: "}
	doneWords = map[Lang][2]string{EN: {"passed", "failed"}, KO: {"통과", "실패"}}
	// skipLabel heads why a lesson is not run rootless; skippedWord names those in the
	// summary.
	skipLabel   = Text{EN: "skipped, needs root: ", KO: "건너뜀, root 권한 필요: "}
	skippedWord = Text{EN: "skipped (need root)", KO: "건너뜀(root 권한 필요)"}
)

func stoppedText(rest int) Text {
	return Text{EN: fmt.Sprintf("stopped: %d later steps not run", rest),
		KO: fmt.Sprintf("중단: 남은 %d단계는 실행하지 않았습니다", rest)}
}

// textReport is the terminal transcript of `nslab run`.
type textReport struct {
	transcript
	narration bool
}

func (t *textReport) scenario(sc Scenario, n, of int, lang Lang) {
	t.printf("== %s (%d/%d): %s\n", sc.ID, n+1, of, sc.Title.In(lang))
	t.block("   ", sc.Summary.In(lang))
}

func (t *textReport) startFailed(err error, l Lang) { t.printf("   ✗ %s\n", transcriptErr(err, l)) }

func (t *textReport) step(st stepReport, lang Lang) {
	res := st.res
	if res.Command == "" {
		t.printf("-- %d/%d [%s]\n", st.n, st.of, res.Pane)
	} else {
		t.printf("-- %d/%d [%s] $ %s\n", st.n, st.of, res.Pane, res.Command)
	}
	if t.narration {
		t.block("   # ", st.narration.In(lang))
	}
	if res.Ran {
		t.block("   | ", ExpandTabs(strings.TrimRight(res.Result.Output, "\r\n")))
	}
	for _, c := range res.Checks {
		t.printf("   %s\n", ExpandTabs(c.Line(lang)))
	}
	if p := res.Problem(lang); p != "" {
		t.printf("   ✗ %s\n", p)
	}
	if !res.Passed() {
		if !st.hint.IsZero() {
			t.block("   "+hintLabel.In(lang), st.hint.In(lang))
		}
		if st.notRun > 0 {
			t.printf("   %s\n", stoppedText(st.notRun).In(lang))
		}
	}
}

func (t *textReport) summary(total int, failed, skipped []string, lang Lang) {
	word := doneWords[lang]
	t.printf("\n%d/%d %s", total-len(failed), total, word[0])
	if len(failed) > 0 {
		t.printf("; %s: %s", word[1], strings.Join(failed, ", "))
	}
	if len(skipped) > 0 {
		t.printf("; %s: %s", skippedWord.In(lang), strings.Join(skipped, ", "))
	}
	t.printf("\n")
}

func (t *textReport) skipped(why Text, lang Lang) {
	t.block("   ", skipLabel.In(lang)+why.In(lang))
}

// markdownReport is the handout: one section per scenario, one subsection per step.
type markdownReport struct {
	transcript
	started bool
}

func (m *markdownReport) scenario(sc Scenario, n, of int, lang Lang) {
	if !m.started {
		m.started = true
		m.printf("# %s\n\n", Text{EN: "nslab: a lab transcript", KO: "nslab 실습 기록"}.In(lang))
	}
	m.printf("## %d. %s (`%s`)\n\n%s\n\n", n+1, sc.Title.In(lang), sc.ID, sc.Summary.In(lang))
}

func (m *markdownReport) startFailed(err error, l Lang) {
	m.printf("✗ %s\n\n", transcriptErr(err, l))
}

func (m *markdownReport) step(st stepReport, lang Lang) {
	res := st.res
	m.printf("### %s %d/%d — %s\n\n", Text{EN: "Step", KO: "단계"}.In(lang), st.n, st.of, res.Pane)
	m.printf("%s\n\n", st.narration.In(lang))
	if res.Command != "" {
		m.fence("console", "["+string(res.Pane)+"] # "+res.Command)
	}
	if res.Ran && strings.TrimSpace(res.Result.Output) != "" {
		m.fence("text", ExpandTabs(strings.TrimRight(res.Result.Output, "\r\n")))
	}
	for _, c := range res.Checks {
		m.printf("- %s\n", ExpandTabs(c.Line(lang)))
	}
	if p := res.Problem(lang); p != "" {
		m.printf("- ✗ %s\n", p)
	}
	if !res.Passed() {
		if !st.hint.IsZero() {
			m.printf("\n> %s%s\n", hintLabel.In(lang), st.hint.In(lang))
		}
		if st.notRun > 0 {
			m.printf("\n*%s*\n", stoppedText(st.notRun).In(lang))
		}
	}
	m.printf("\n")
}

// fence writes a code block whose fence is longer than any run of backticks inside it.
func (m *markdownReport) fence(lang, body string) {
	ticks := "```"
	for strings.Contains(body, ticks) {
		ticks += "`"
	}
	m.printf("%s%s\n%s\n%s\n\n", ticks, lang, body, ticks)
}

func (m *markdownReport) summary(total int, failed, skipped []string, lang Lang) {
	word := doneWords[lang]
	m.printf("---\n\n**%d/%d %s**", total-len(failed), total, word[0])
	if len(failed) > 0 {
		m.printf(" — %s: %s", word[1], strings.Join(failed, ", "))
	}
	if len(skipped) > 0 {
		m.printf(" — %s: %s", skippedWord.In(lang), strings.Join(skipped, ", "))
	}
	m.printf("\n")
}

func (m *markdownReport) skipped(why Text, lang Lang) {
	m.printf("*%s%s*\n\n", skipLabel.In(lang), why.In(lang))
}

// ExpandTabs turns tabs into spaces to the next multiple of eight columns of
// their line, as the terminal showed them: after the transcript's indent, in a
// handout or in the walkthrough's bar a tab would no longer line the columns up.
func ExpandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case '\n', '\r':
			b.WriteRune(r)
			col = 0
		default:
			b.WriteRune(r)
			col += ansi.StringWidth(string(r))
		}
	}
	return b.String()
}

// fanout sends every report to several renderings.
type fanout []reporter

func (f fanout) scenario(sc Scenario, n, of int, lang Lang) {
	for _, r := range f {
		r.scenario(sc, n, of, lang)
	}
}

func (f fanout) startFailed(err error, lang Lang) {
	for _, r := range f {
		r.startFailed(err, lang)
	}
}

func (f fanout) step(st stepReport, lang Lang) {
	for _, r := range f {
		r.step(st, lang)
	}
}

func (f fanout) summary(total int, failed, skipped []string, lang Lang) {
	for _, r := range f {
		r.summary(total, failed, skipped, lang)
	}
}

func (f fanout) skipped(why Text, lang Lang) {
	for _, r := range f {
		r.skipped(why, lang)
	}
}

func (f fanout) error() error {
	for _, r := range f {
		if err := r.error(); err != nil {
			return err
		}
	}
	return nil
}

// transcript writes lines and remembers the first write error.
type transcript struct {
	w   io.Writer
	err error
}

func (t *transcript) error() error { return t.err }

func (t *transcript) printf(format string, args ...any) {
	if t.err != nil {
		return
	}
	_, t.err = fmt.Fprintf(t.w, format, args...)
}

// block writes text with every line prefixed.
func (t *transcript) block(prefix, text string) {
	if text == "" {
		return
	}
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		t.printf("%s%s\n", prefix, strings.TrimRight(line, "\r"))
	}
}
