package scenarios

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// TranscriptOptions choose how a headless run reads.
type TranscriptOptions struct {
	Lang Lang
	// Narration also prints each step's narration.
	Narration bool
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
	tw := &transcript{w: w}
	allPassed := true
	var failed []string
	for n, sc := range scs {
		if err := ctx.Err(); err != nil {
			return false, fmt.Errorf("run scenarios: %w", err)
		}
		tw.printf("== %s (%d/%d): %s\n", sc.ID, n+1, len(scs), sc.Title.In(lang))
		tw.block("   ", sc.Summary.In(lang))
		ok := runOne(ctx, l, sc, tw, opts, lang)
		if !ok {
			allPassed = false
			failed = append(failed, sc.ID)
		}
		if tw.err != nil {
			return false, fmt.Errorf("write transcript: %w", tw.err)
		}
	}
	word := map[Lang][2]string{EN: {"passed", "failed"}, KO: {"통과", "실패"}}[lang]
	tw.printf("\n%d/%d %s", len(scs)-len(failed), len(scs), word[0])
	if len(failed) > 0 {
		tw.printf("; %s: %s", word[1], strings.Join(failed, ", "))
	}
	tw.printf("\n")
	if tw.err != nil {
		return false, fmt.Errorf("write transcript: %w", tw.err)
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("run scenarios: %w", err)
	}
	return allPassed, nil
}

func runOne(ctx context.Context, l Lab, sc Scenario, tw *transcript, opts TranscriptOptions, lang Lang) bool {
	r, err := Start(ctx, l, sc)
	if err != nil {
		tw.printf("   ✗ %s\n", oneLine(err.Error()))
		return false
	}
	for i, st := range sc.Steps {
		cmd := r.Command(i)
		if cmd == "" {
			tw.printf("-- %d/%d [%s]\n", i+1, len(sc.Steps), st.Pane)
		} else {
			tw.printf("-- %d/%d [%s] $ %s\n", i+1, len(sc.Steps), st.Pane, cmd)
		}
		narration, hint := r.Narration(i)
		if opts.Narration {
			tw.block("   # ", narration.In(lang))
		}
		res := r.Run(ctx, i)
		if res.Ran {
			tw.block("   | ", strings.TrimRight(res.Result.Output, "\r\n"))
		}
		for _, c := range res.Checks {
			tw.printf("   %s\n", c.Line(lang))
		}
		if p := res.Problem(lang); p != "" {
			tw.printf("   ✗ %s\n", p)
		}
		if !res.Passed() {
			if !hint.IsZero() {
				tw.block("   "+Text{EN: "hint: ", KO: "힌트: "}.In(lang), hint.In(lang))
			}
			if rest := len(sc.Steps) - i - 1; rest > 0 {
				tw.printf("   %s\n", Text{EN: fmt.Sprintf("stopped: %d later steps not run", rest),
					KO: fmt.Sprintf("중단: 남은 %d단계는 실행하지 않았습니다", rest)}.In(lang))
			}
			return false
		}
	}
	return true
}

// transcript writes lines and remembers the first write error.
type transcript struct {
	w   io.Writer
	err error
}

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
