package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/scenarios"
	"github.com/nslab/nslab/tui/term"
)

// walkPhase is where the walkthrough is in the current step.
type walkPhase int

const (
	walkStarting  walkPhase = iota // the lab is being reset for a scenario
	walkRewinding                  // the lab is being reset and earlier steps replayed
	walkReady                      // the step is shown; its command has not run
	walkRunning                    // the command or a re-check is running
	walkResult                     // the step ran: its checks are shown
	walkFinished                   // every scenario is done
	walkBroken                     // a scenario could not start, or a rewind failed
)

// walkKey is a walkthrough key taken while the lab was busy, to act on when
// the step is ready.
type walkKey int

const (
	keyNone walkKey = iota
	keyStep         // F5: run the step (or go on)
	keyBack         // Alt+p: go back a step
)

// stepText is what the bar shows of one step before it runs, placeholders
// expanded.
type stepText struct {
	narration, hint scenarios.Text
	command         string
	pane            lab.Role
	labels          []scenarios.Text
}

// walkthrough is the narration bar and the step engine's driver: it runs one
// step at a time in a command and shows its checks as they come back.
type walkthrough struct {
	ctx  context.Context
	scs  []scenarios.Scenario
	slab scenarios.Lab
	lang scenarios.Lang
	// panes type the steps' commands; delay is their pause between
	// characters, taken away while a rewind replays earlier steps.
	panes []Pane
	delay time.Duration

	sc, step   int
	phase      walkPhase
	rechecking bool
	runner     *scenarios.Runner
	steps      []stepText
	results    map[int]scenarios.StepResult
	problem    string
	// rewound says that walkBroken is a failed rewind, to step rewindTo.
	rewound  bool
	rewindTo int
	// queued is a key pressed while the lab was busy.
	queued walkKey
	// gen numbers scenario starts and rewinds, so a late answer for an old
	// one is ignored.
	gen int
	// spot says, after a step, what changed in the panels.
	spot string
	// finished counts what the finished scenarios passed, for the end screen.
	finished totals
	// screens are the panes' terminals: a lesson, and a rewind, starts them
	// afresh under a rule naming it.
	screens []term.Terminal
	// watched: this is a spectator's copy (see Share): the bar names no
	// key, the teacher's keys run the steps.
	watched bool
}

// totals are what the walkthrough went through: lessons finished, their
// steps and the checks that passed.
type totals struct{ lessons, steps, checks int }

// finishScenario adds the current scenario's steps and passed checks to the
// totals, once, as it is left for the next.
func (w *walkthrough) finishScenario() {
	w.finished.lessons++
	w.finished.steps += len(w.steps)
	for _, res := range w.results {
		for _, c := range res.Checks {
			if c.State == scenarios.Passed {
				w.finished.checks++
			}
		}
	}
}

func newWalkthrough(ctx context.Context, scs []scenarios.Scenario, slab scenarios.Lab, lang scenarios.Lang, panes []Pane, delay time.Duration) *walkthrough {
	if lang == "" {
		lang = scenarios.EN
	}
	return &walkthrough{ctx: ctx, scs: scs, slab: slab, lang: lang, panes: panes, delay: delay, results: map[int]scenarios.StepResult{}}
}

// scenarioStartedMsg reports that the lab was reset for a scenario.
type scenarioStartedMsg struct {
	gen    int
	runner *scenarios.Runner
	steps  []stepText
	err    error
}

// stepDoneMsg reports a step's run or re-check.
type stepDoneMsg struct {
	gen     int
	step    int
	recheck bool
	result  scenarios.StepResult
}

// rewoundMsg reports the end of a rewind: the lab is at the state before step
// (or err says where the replay stopped).
type rewoundMsg struct {
	gen   int
	step  int
	steps []stepText
	err   error
}

// running reports whether commands are being typed into the panes, a step's
// or a rewind's (quitting then asks first).
func (w *walkthrough) running() bool { return w.phase == walkRunning || w.phase == walkRewinding }

// busy reports whether the lab is being reset: walkthrough keys wait.
func (w *walkthrough) busy() bool { return w.phase == walkStarting || w.phase == walkRewinding }

// start resets the lab for the current scenario, in a command.
func (w *walkthrough) start() tea.Cmd {
	if w.sc >= len(w.scs) {
		// The end: the bar shrinks to what it says, the panes grow.
		w.phase, w.steps, w.spot = walkFinished, nil, ""
		return nil
	}
	w.gen++
	w.phase, w.step, w.problem, w.spot, w.rewound = walkStarting, 0, "", "", false
	w.runner, w.steps, w.results = nil, nil, map[int]scenarios.StepResult{}
	ctx, slab, sc, gen := w.ctx, w.slab, w.scs[w.sc], w.gen
	screens, rule := w.screens, wordsFor(w.lang).lessonRule(w.sc+1, len(w.scs), sc.ID, sc.Title.In(w.lang))
	return func() tea.Msg {
		// Before the reset: the new shells' prompts come after the rule.
		freshScreens(screens, rule)
		if slab == nil {
			return scenarioStartedMsg{gen: gen, err: fmt.Errorf("start scenario %s: no lab to run it on", sc.ID)}
		}
		r, err := scenarios.Start(ctx, slab, sc)
		if err != nil {
			return scenarioStartedMsg{gen: gen, err: err}
		}
		return scenarioStartedMsg{gen: gen, runner: r, steps: stepTexts(r, sc)}
	}
}

// stepTexts reads every step's texts from a runner once, so the bar never
// calls the runner while a step runs.
func stepTexts(r *scenarios.Runner, sc scenarios.Scenario) []stepText {
	out := make([]stepText, len(sc.Steps))
	for i, st := range sc.Steps {
		n, h := r.Narration(i)
		t := stepText{narration: n, hint: h, command: r.Command(i), pane: st.Pane}
		for j := range st.Checks {
			t.labels = append(t.labels, r.Label(i, j))
		}
		out[i] = t
	}
	return out
}

// started handles the end of a scenario start.
func (w *walkthrough) started(msg scenarioStartedMsg) {
	if msg.gen != w.gen {
		return
	}
	if msg.err != nil {
		w.phase, w.problem = walkBroken, oneLine(msg.err.Error())
		return
	}
	w.runner, w.steps, w.phase = msg.runner, msg.steps, walkReady
	if len(w.steps) == 0 {
		w.phase = walkResult
	}
}

// run runs (or re-checks) the current step in a command.
func (w *walkthrough) run(recheck bool) tea.Cmd {
	w.phase, w.rechecking, w.spot = walkRunning, recheck, ""
	ctx, r, i, gen := w.ctx, w.runner, w.step, w.gen
	return func() tea.Msg {
		var res scenarios.StepResult
		if recheck {
			res = r.Recheck(ctx, i)
		} else {
			res = r.Run(ctx, i)
		}
		return stepDoneMsg{gen: gen, step: i, recheck: recheck, result: res}
	}
}

// done handles a step's result; it reports whether it was for the current
// step.
func (w *walkthrough) done(msg stepDoneMsg) bool {
	if msg.gen != w.gen || msg.step != w.step || w.phase != walkRunning {
		return false
	}
	w.results[msg.step] = msg.result
	w.phase = walkResult
	return true
}

// advance is F5: run the step, re-check it after a failure, or go on to the
// next step (and scenario) after a pass. While the lab is being reset the
// press is kept and acted on when the step is ready.
func (w *walkthrough) advance() tea.Cmd {
	switch w.phase {
	case walkStarting, walkRewinding:
		w.queued = keyStep
	case walkBroken:
		if w.rewound {
			return w.rewind(w.rewindTo)
		}
		return w.start()
	case walkReady:
		return w.run(false)
	case walkResult:
		res, ran := w.results[w.step]
		if len(w.steps) > 0 && (!ran || !res.Passed()) {
			return w.run(ran)
		}
		w.spot = ""
		return w.next()
	}
	return nil
}

// next goes on to the next step, or starts the next scenario after the last.
func (w *walkthrough) next() tea.Cmd {
	w.step++
	if w.step < len(w.steps) {
		w.phase = walkReady
		return nil
	}
	w.finishScenario()
	w.sc++
	return w.start()
}

// passedWithoutCommand reports whether the step just shown passed and had
// nothing to type: one F5 both checked it and moves on.
func (w *walkthrough) passedWithoutCommand(msg stepDoneMsg) bool {
	if w.phase != walkResult || w.step >= len(w.steps) || w.steps[w.step].command != "" {
		return false
	}
	return msg.result.Passed()
}

// ShortHelp is the walkthrough's keys: none once every scenario is done,
// when they do nothing.
func (w *walkthrough) ShortHelp(k KeyMap) []key.Binding {
	switch {
	case w.phase == walkFinished || w.sc >= len(w.scs):
		return nil
	case w.phase == walkBroken && !w.rewound:
		return []key.Binding{k.Step} // a start that failed has no step to go back to
	}
	return []key.Binding{k.Step, k.Previous}
}

// back is Alt+p: go back for real, the lab reset and the steps before
// replayed. From a step that ran it goes back to that step, not yet run;
// from a step not run yet, to the one before (at the first step, the
// scenario starts again). While the lab is busy the press is kept for when
// the step is ready.
func (w *walkthrough) back() tea.Cmd {
	switch w.phase {
	case walkStarting, walkRewinding, walkRunning:
		w.queued = keyBack
	case walkResult:
		return w.rewind(w.step)
	case walkReady:
		return w.rewind(max(w.step-1, 0))
	case walkBroken:
		if w.rewound {
			return w.rewind(max(w.rewindTo-1, 0))
		}
	}
	return nil
}

// takeQueued returns the key kept while the lab was busy, once the step is
// ready for it.
func (w *walkthrough) takeQueued() walkKey {
	if w.busy() || w.phase == walkRunning {
		return keyNone
	}
	if w.phase == walkBroken {
		w.queued = keyNone // the press was for a step that is not there
		return keyNone
	}
	k := w.queued
	w.queued = keyNone
	return k
}

// rewind resets the lab and replays the steps before step to, in a command.
// The panes type at once meanwhile, and at their pace again after.
func (w *walkthrough) rewind(to int) tea.Cmd {
	if w.runner == nil || to < 0 || to >= len(w.steps) {
		return nil
	}
	w.gen++
	w.phase, w.step, w.rewindTo, w.rewound, w.problem, w.spot = walkRewinding, to, to, false, "", ""
	for i := range w.results {
		if i >= to {
			delete(w.results, i)
		}
	}
	ctx, r, gen, panes, delay, sc := w.ctx, w.runner, w.gen, w.panes, w.delay, w.scs[w.sc]
	screens, rule := w.screens, wordsFor(w.lang).rewindRule(w.sc+1, len(w.scs), sc.ID, to+1)
	return func() tea.Msg {
		freshScreens(screens, rule)
		for _, p := range panes {
			p.SetTypeDelay(0)
		}
		err := r.Rewind(ctx, to)
		for _, p := range panes {
			p.SetTypeDelay(delay)
		}
		// A fresh workspace may name other paths: read the texts again.
		return rewoundMsg{gen: gen, step: to, steps: stepTexts(r, sc), err: err}
	}
}

// rewoundTo handles the end of a rewind.
func (w *walkthrough) rewoundTo(msg rewoundMsg) bool {
	if msg.gen != w.gen || w.phase != walkRewinding {
		return false
	}
	w.steps = msg.steps
	if msg.err != nil {
		w.phase, w.rewound, w.problem = walkBroken, true, oneLine(msg.err.Error())
		return true
	}
	w.phase = walkReady
	return true
}

// freshScreens starts each pane's screen afresh, as clear(1) does in tmux:
// the lines down to the last one written go into the scrollback, where the
// reader finds them again, and a dim rule naming what comes heads the clean
// screen, so the text below and the pane's title (its mnt:[…]) agree.
func freshScreens(screens []term.Terminal, rule string) {
	for _, t := range screens {
		t.ScrollToLive()
		if t.State().AltScreen {
			// A program the reset kills leaves its screen behind.
			_, _ = t.Write([]byte("\x1b[?1049l"))
		}
		_, _ = t.Write(freshScreen(t, rule))
	}
}

// freshScreen is what freshScreens writes to one terminal.
func freshScreen(t term.Terminal, rule string) []byte {
	cols, rows := t.Size()
	used := t.Cursor().Y
	for i, l := range strings.Split(ansi.Strip(t.Render()), "\n") {
		if strings.TrimSpace(l) != "" {
			used = max(used, i)
		}
	}
	var b strings.Builder
	// Nothing a killed program left behind: DECSTR (margins, cursor keys,
	// colours…), mouse and focus reports, bracketed paste (the new shell
	// asks for what it wants). Then line feeds on the last row scroll the
	// used rows up into the scrollback.
	b.WriteString("\x1b[!p\x1b[?9l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1004l\x1b[?1005l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[0m")
	if rows > 0 {
		fmt.Fprintf(&b, "\x1b[%d;1H%s", rows, strings.Repeat("\n", min(used+1, rows)))
	}
	b.WriteString("\x1b[2J\x1b[H\x1b[2m")
	for _, l := range ruleLines(rule, cols) {
		b.WriteString(l + "\r\n")
	}
	b.WriteString("\x1b[0m")
	return []byte(b.String())
}

// ruleLines are "── text ───" across cols cells, the text wrapped at spaces
// (never inside a word) when it is longer, the rule drawn on after its end.
func ruleLines(text string, cols int) []string {
	if cols < 8 {
		return []string{text}
	}
	lines := wrap("── "+text, cols)
	last := len(lines) - 1
	if n := cols - cellWidth(lines[last]) - 1; n > 0 {
		lines[last] += " " + strings.Repeat("─", n)
	}
	return lines
}

// markName names the current step for a recording's marker.
func (w *walkthrough) markName() string {
	if w.sc >= len(w.scs) {
		return ""
	}
	return fmt.Sprintf("%s %d/%d", w.scs[w.sc].ID, w.step+1, len(w.steps))
}

// title is the bar's top border: "step 2/7 · tmpfs — A new mount stays …".
func (w *walkthrough) title(st Styles) string {
	wd := wordsFor(w.lang)
	if w.sc >= len(w.scs) {
		return st.Step.Render(wd.finished)
	}
	sc := w.scs[w.sc]
	n := len(w.steps)
	if n == 0 {
		n = len(sc.Steps)
	}
	label := fmt.Sprintf("%s %d/%d", wd.step, min(w.step+1, max(n, 1)), n)
	s := st.Step.Render(label) + st.Muted.Render(" · ") + st.Title.Render(sc.Title.In(w.lang))
	if len(w.scs) > 1 {
		s += st.Muted.Render(fmt.Sprintf(" · %s %d/%d", sc.ID, w.sc+1, len(w.scs)))
	}
	return s
}

// status is the bar's phase and the key that moves on, on its top border.
func (w *walkthrough) status(st Styles) string {
	wd := wordsFor(w.lang)
	queued := ""
	switch w.queued {
	case keyStep:
		queued = " " + st.Key.Render(wd.stepQueued)
	case keyBack:
		queued = " " + st.Key.Render(wd.backQueued)
	}
	switch w.phase {
	case walkStarting:
		return st.Warn.Render(symRunning+" "+wd.starting) + queued
	case walkRewinding:
		return st.Warn.Render(symRunning+" "+wd.rewinding(w.step+1)) + queued
	case walkRunning:
		if w.rechecking {
			return st.Warn.Render(symRunning+" "+wd.rechecking) + queued
		}
		return st.Warn.Render(symRunning+" "+wd.running) + queued
	case walkReady:
		if w.watched {
			return st.Muted.Render(shareWordsFor(w.lang).teacherRuns)
		}
		if w.step < len(w.steps) && w.steps[w.step].command == "" {
			return st.Key.Render(wd.checkAndGo)
		}
		return st.Key.Render(wd.run)
	case walkResult:
		res, ran := w.results[w.step]
		sep := st.Muted.Render(" · ")
		if !ran || res.Passed() {
			if w.watched {
				return st.Pass.Render(symPass + " " + wd.passed)
			}
			return st.Pass.Render(symPass+" "+wd.passed) + sep + st.Key.Render(wd.next)
		}
		if w.watched {
			return st.Fail.Render(symFail + " " + wd.failed)
		}
		return st.Fail.Render(symFail+" "+wd.failed) + sep + st.Key.Render(wd.recheck)
	case walkBroken:
		what := wd.broken
		if w.rewound {
			what = wd.rewindFailed
		}
		if w.watched {
			return st.Fail.Render(symFail + " " + what)
		}
		return st.Fail.Render(symFail+" "+what) + st.Muted.Render(" · ") + st.Key.Render(wd.tryAgain)
	}
	return ""
}

// content gives the bar's lines at an inner width: narration, command, checks,
// the hint on a failure and what the spotlight shows. The narration is what
// gives way when the bar is short.
func (w *walkthrough) content(st Styles, width, height int) []string {
	wd := wordsFor(w.lang)
	switch {
	case w.sc >= len(w.scs) || w.phase == walkFinished:
		out := wrapStyled(st.Pass, symPass+" "+wd.totals(w.finished.lessons, w.finished.steps, w.finished.checks), width)
		return append(out, wrapStyled(st.Muted, wd.after, width)...)
	case w.phase == walkBroken:
		return wrapStyled(st.Fail, symFail+" "+w.problem, width)
	case w.phase == walkStarting || w.step >= len(w.steps):
		sc := w.scs[w.sc]
		return wrapStyled(st.Narration, sc.Summary.In(w.lang), width)
	}
	t := w.steps[w.step]
	var out prioritized
	for i, l := range wrapStyled(st.Narration, t.narration.In(w.lang), width) {
		prio := prioNarration
		switch i {
		case 0:
			prio = prioKeep
		case 1:
			prio = prioHint
		}
		out.add(bar{text: l, prio: prio, para: paraNarration})
	}
	if t.command != "" {
		lead := fmt.Sprintf("[%s] ", t.pane)
		for i, l := range commandLines(lead, t.command, width) {
			if i == 0 {
				out.add(bar{text: st.Muted.Render(lead) + st.Command.Render(l), prio: prioCommand})
			} else {
				out.add(bar{text: strings.Repeat(" ", cellWidth(lead)) + st.Command.Render(l), prio: prioCommand})
			}
		}
	} else {
		out.add(bar{text: st.Muted.Render(fmt.Sprintf("[%s] %s", t.pane, wd.noCommand)), prio: prioCommand})
	}
	res, ran := w.results[w.step]
	showResult := ran && w.phase != walkRunning
	for j, lbl := range t.labels {
		if showResult && j < len(res.Checks) {
			c := res.Checks[j]
			ms, prio, more, kind := st.Pass, prioCheck, prioPassedMore, checkPassed
			switch c.State {
			case scenarios.Failed:
				ms, prio, more, kind = st.Fail, prioFailed, prioHint, checkFailed
			case scenarios.Skipped:
				ms = st.Skip
			}
			out.addCheck(st, width, ms.Render(c.Mark()), scenarios.ExpandTabs(c.Label.In(w.lang)), scenarios.ExpandTabs(oneLine(c.Reason.In(w.lang))), prio, more, kind)
			continue
		}
		mark := symPending
		if w.phase == walkRunning {
			mark = symRunning
		}
		out.addPending(st, width, st.Pending.Render(mark), scenarios.ExpandTabs(lbl.In(w.lang)))
	}
	if showResult {
		if p := res.Problem(w.lang); p != "" {
			for _, l := range wrapStyled(st.Fail, symFail+" "+p, width) {
				out.add(bar{text: l, prio: prioCommand})
			}
		}
		if !res.Passed() && !t.hint.IsZero() {
			// After a failure what to do outlasts the narration's second line.
			for i, l := range wrapStyled(st.Hint, wd.hint+": "+t.hint.In(w.lang), width) {
				out.add(bar{text: l, prio: prioHint + boolInt(i == 0)*(prioKeep-prioHint), para: paraHint})
			}
		}
	}
	switch {
	case w.phase == walkRewinding:
		out.addLead(st.Warn, symRunning+" ", st.Muted, wd.replaying, width, prioSpot, paraSpot)
	case w.spot != "":
		out.addLead(st.Spot, symSpotlight+" "+wd.look+": ", st.Normal, w.spot, width, prioSpot, paraSpot)
	}
	return out.fit(st, &wd, height, width)
}

// Priorities of the bar's lines: when the bar is short, the lowest go first,
// from the bottom up. A failed check outlasts everything but the command;
// the wrapped end of a passed check's reason goes first of all.
const (
	prioPassedMore = iota + 1
	prioSpot
	prioCheck
	prioNarration
	prioHint
	prioKeep
	prioFailed
	prioCommand
)

// What a bar line is of a check: its first line, by the check's state.
const (
	checkNone = iota
	checkPassed
	checkPending
	checkFailed
)

// Paragraphs of the bar: one that loses lines ends in "…".
const (
	paraNone = iota
	paraNarration
	paraHint
	paraSpot
)

// bar is one line of the narration bar.
type bar struct {
	text string
	prio int
	// para is the paragraph the line belongs to.
	para int
	// check says the line is the first of a check, and of what state.
	check int
	// cont says the line continues the check above; cut is that check's
	// first line alone, cut to the width and marked, for when its
	// continuation lines do not fit.
	cont bool
	cut  string
}

// prioritized is the bar's lines, each with how much it matters.
type prioritized struct{ lines []bar }

func (p *prioritized) add(b bar) { p.lines = append(p.lines, b) }

// addCheck adds a check's result: its mark, label and reason, wrapped
// under the label; prio is its first line's priority, more the rest's.
func (p *prioritized) addCheck(st Styles, width int, mark, label, reason string, prio, more, kind int) {
	plain := label
	if reason != "" {
		plain += ": " + reason
	}
	lines := wrap(plain, max(width-2, 1))
	// The label in the text's style, the reason muted.
	left := label
	style := func(l string) string {
		switch {
		case left == "":
			return st.Muted.Render(l)
		case strings.HasPrefix(l, left):
			out := st.Normal.Render(left) + st.Muted.Render(l[len(left):])
			left = ""
			return out
		default:
			left = strings.TrimLeft(strings.TrimPrefix(left, l), " ")
			return st.Normal.Render(l)
		}
	}
	first := mark + " " + style(lines[0])
	cut := first
	if len(lines) > 1 {
		full := st.Normal.Render(label)
		if reason != "" {
			full += st.Muted.Render(": " + reason)
		}
		cut = cutWords(mark+" "+full, width)
	}
	p.add(bar{text: first, prio: prio, check: kind, cut: cut})
	for _, l := range lines[1:] {
		p.add(bar{text: "  " + style(l), prio: more, cont: true})
	}
}

// addLead adds a paragraph that starts with a lead in its own style, both
// wrapped together at spaces.
func (p *prioritized) addLead(ls interface{ Render(...string) string }, lead string, ts interface{ Render(...string) string }, text string, width, prio, para int) {
	for i, l := range wrap(lead+text, width) {
		if i == 0 && strings.HasPrefix(l, lead) {
			p.add(bar{text: ls.Render(lead) + ts.Render(l[len(lead):]), prio: prio, para: para})
			continue
		}
		p.add(bar{text: ts.Render(l), prio: prio, para: para})
	}
}

// addPending adds a check not run yet: its label, muted, wrapped under
// itself; the wrapped lines go before anything else when the bar is short,
// and the first line is then cut and marked.
func (p *prioritized) addPending(st Styles, width int, mark, label string) {
	lines := wrap(label, max(width-2, 1))
	first := mark + " " + st.Muted.Render(lines[0])
	cut := first
	if len(lines) > 1 {
		cut = cutWords(mark+" "+st.Muted.Render(label), width)
	}
	p.add(bar{text: first, prio: prioCheck, check: checkPending, cut: cut})
	for _, l := range lines[1:] {
		p.add(bar{text: "  " + st.Muted.Render(l), prio: prioPassedMore, cont: true})
	}
}

// commandLines is a step's command as the bar shows it after lead ("[ns] "):
// "$ " and the command, wrapped at spaces under itself, so a long command is
// read whole.
func commandLines(lead, command string, width int) []string {
	in := cellWidth(lead)
	lines := wrap(scenarios.ExpandTabs("$ "+command), max(width-in, 1))
	if len(lines) == 0 {
		return []string{""}
	}
	return lines
}

// fit keeps the lines that matter most in height lines. A check is never
// left out without a line saying how many and whether they passed; failed
// checks are kept before anything else but the command. A narration or hint
// that lost lines ends in "…", as does a check whose reason lost its wrapped
// lines.
func (p *prioritized) fit(st Styles, wd *words, height, width int) []string {
	drop := func(height int) []bool {
		keep := make([]bool, len(p.lines))
		n := 0
		for i := range p.lines {
			keep[i] = true
			n++
		}
		for prio := prioPassedMore; n > height && prio <= prioCommand; prio++ {
			for i := len(p.lines) - 1; i >= 0 && n > height; i-- {
				if keep[i] && p.lines[i].prio == prio {
					keep[i] = false
					n--
				}
			}
		}
		// A check's wrapped lines stay together or go together, and go
		// with its first line.
		for i := 0; i < len(p.lines); i++ {
			if p.lines[i].check == checkNone {
				continue
			}
			all := keep[i]
			for j := i + 1; j < len(p.lines) && p.lines[j].cont; j++ {
				all = all && keep[j]
			}
			for j := i + 1; j < len(p.lines) && p.lines[j].cont; j++ {
				keep[j] = all
			}
		}
		return keep
	}
	hiddenChecks := func(keep []bool) (n, failed int, pending bool) {
		for i, b := range p.lines {
			if b.check != checkNone && !keep[i] {
				n++
				failed += boolInt(b.check == checkFailed)
				pending = pending || b.check == checkPending
			}
		}
		return n, failed, pending
	}
	keep := drop(height)
	hidden, failed, pending := hiddenChecks(keep)
	if hidden > 0 && height > 1 {
		keep = drop(height - 1) // a line to say so
		hidden, failed, pending = hiddenChecks(keep)
	}
	lastCheck := -1
	for i, b := range p.lines {
		if b.check != checkNone || b.cont {
			lastCheck = i
		}
	}
	var out []string
	lastKept, cut := map[int]int{}, map[int]bool{}
	for i, b := range p.lines {
		if keep[i] {
			text := b.text
			if b.check != checkNone && i+1 < len(p.lines) && p.lines[i+1].cont && !keep[i+1] {
				text = b.cut
			}
			if b.para != paraNone {
				lastKept[b.para] = len(out)
			}
			out = append(out, text)
		} else if b.para != paraNone {
			cut[b.para] = true
		}
		if i == lastCheck && hidden > 0 {
			what := wd.checksHidden(hidden, failed)
			if pending {
				what = wd.checksMore(hidden)
			}
			out = append(out, st.Muted.Render(what))
		}
	}
	for para := range cut {
		if i, ok := lastKept[para]; ok {
			out[i] = ansi.Truncate(out[i], max(width-1, 1), "") + "…"
		}
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// wantHeight is the bar's height with its border: enough for the longest step
// of the scenario with its hint and a spotlight line, so the panes keep their
// size from step to step (a resize makes every program in them redraw). A
// step's result does not change it: a reason too long for its line wraps
// only if the bar has room, and is cut and marked otherwise.
func (w *walkthrough) wantHeight(st Styles, width int) int {
	inner := max(width-2, 1)
	h := 0
	if w.sc >= len(w.scs) || w.step >= len(w.steps) || w.phase == walkFinished || w.phase == walkBroken || w.phase == walkStarting {
		h = len(w.content(st, inner, 1<<20))
	}
	for _, t := range w.steps {
		n := len(wrap(strings.TrimSpace(t.narration.In(w.lang)), inner)) + 1 + 1
		if t.command != "" {
			n += len(commandLines(fmt.Sprintf("[%s] ", t.pane), t.command, inner)) - 1
		}
		for _, l := range t.labels {
			n += len(wrap(scenarios.ExpandTabs(l.In(w.lang)), max(inner-2, 1)))
		}
		if !t.hint.IsZero() {
			n += len(wrap(wordsFor(w.lang).hint+": "+t.hint.In(w.lang), inner))
		}
		h = max(h, n)
	}
	return h + 2
}

// View draws the bar.
// locked says a program owns the focused pane's keys: the walkthrough's keys
// then work after Ctrl-g, and the status says so.
func (w *walkthrough) View(st Styles, r rect, locked bool) []string {
	in := r.inner()
	status := w.status(st)
	if locked && (w.phase == walkReady || w.phase == walkResult || w.phase == walkBroken) {
		status += " " + st.Muted.Render(wordsFor(w.lang).prefixFirst)
	}
	return drawBox(st, r, boxSpec{
		Title:  w.title(st),
		Status: status,
		Lines:  w.content(st, in.W, in.H),
	})
}

// wrapStyled wraps plain text and styles each line.
func wrapStyled(s interface{ Render(...string) string }, text string, width int) []string {
	var out []string
	for _, l := range wrap(strings.TrimSpace(text), width) {
		out = append(out, s.Render(l))
	}
	return out
}
