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
		w.phase = walkFinished
		return nil
	}
	w.gen++
	w.phase, w.step, w.problem, w.spot, w.rewound = walkStarting, 0, "", "", false
	w.runner, w.steps, w.results = nil, nil, map[int]scenarios.StepResult{}
	ctx, slab, sc, gen := w.ctx, w.slab, w.scs[w.sc], w.gen
	return func() tea.Msg {
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

// ShortHelp is the walkthrough's keys.
func (w *walkthrough) ShortHelp(k KeyMap) []key.Binding { return []key.Binding{k.Step, k.Previous} }

// back is Alt+p: go back one step for real, the lab reset and the steps
// before it replayed (at the first step, the scenario starts again). While
// the lab is busy the press is kept for when the step is ready.
func (w *walkthrough) back() tea.Cmd {
	switch w.phase {
	case walkStarting, walkRewinding, walkRunning:
		w.queued = keyBack
	case walkReady, walkResult:
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
	return func() tea.Msg {
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

// markName names the current step for a recording's marker.
func (w *walkthrough) markName() string {
	if w.sc >= len(w.scs) {
		return ""
	}
	return fmt.Sprintf("%s %d/%d", w.scs[w.sc].ID, w.step+1, len(w.steps))
}

// words are the bar's own words in each language.
type words struct {
	step, hint, pane, noCommand, starting, running, rechecking    string
	run, next, recheck, passed, failed, finished, broken, retry   string
	look, after, rewindFailed, stepQueued, backQueued, checkAndGo string
	replaying                                                     string
	// rewinding takes the step number it goes back to.
	rewinding func(step int) string
}

func wordsFor(l scenarios.Lang) words {
	if l == scenarios.KO {
		return words{
			step: "단계", hint: "힌트", pane: "패널", noCommand: "(입력할 명령 없음)",
			starting: "랩을 초기화하는 중", running: "실행 중", rechecking: "다시 확인하는 중",
			run: "f5 실행", next: "f5 다음", recheck: "손으로 고친 뒤 f5 다시 확인",
			passed: "통과", failed: "실패", finished: "모든 시나리오를 마쳤습니다",
			broken: "시나리오를 시작하지 못했습니다", retry: "f5 다시 시도", look: "바뀐 곳",
			after:        "두 패널은 계속 자유롭게 쓸 수 있습니다. f10 으로 끝냅니다.",
			rewindFailed: "되감지 못했습니다", stepQueued: "f5 받음: 준비되면 실행합니다",
			backQueued: "alt+p 받음: 준비되면 한 단계 되돌아갑니다", checkAndGo: "f5 확인하고 다음",
			rewinding: func(n int) string { return fmt.Sprintf("%d단계로 되감는 중", n) },
			replaying: "랩을 새로 만들고, 이 단계 앞의 명령을 빠르게 다시 입력합니다.",
		}
	}
	return words{
		step: "step", hint: "hint", pane: "pane", noCommand: "(nothing to type)",
		starting: "resetting the lab", running: "running", rechecking: "re-checking",
		run: "f5 run", next: "f5 next", recheck: "fix it by hand, f5 re-check",
		passed: "passed", failed: "failed", finished: "every scenario is done",
		broken: "could not start the scenario", retry: "f5 try again", look: "look",
		after:        "The panes are still yours to explore; f10 quits.",
		rewindFailed: "could not rewind", stepQueued: "f5 taken: runs when ready",
		backQueued: "alt+p taken: goes back a step when ready", checkAndGo: "f5 check and go on",
		rewinding: func(n int) string { return fmt.Sprintf("rewinding to step %d", n) },
		replaying: "A fresh lab; the commands of the steps before this one are typed again, quickly.",
	}
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
		if w.step < len(w.steps) && w.steps[w.step].command == "" {
			return st.Key.Render(wd.checkAndGo)
		}
		return st.Key.Render(wd.run)
	case walkResult:
		res, ran := w.results[w.step]
		if !ran || res.Passed() {
			return st.Pass.Render(symPass+" "+wd.passed) + " " + st.Key.Render(wd.next)
		}
		return st.Fail.Render(symFail+" "+wd.failed) + " " + st.Key.Render(wd.recheck)
	case walkBroken:
		what := wd.broken
		if w.rewound {
			what = wd.rewindFailed
		}
		return st.Fail.Render(symFail+" "+what) + " " + st.Key.Render(wd.retry)
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
		return []string{st.Pass.Render(symPass + " " + wd.finished), st.Muted.Render(wd.after)}
	case w.phase == walkBroken:
		return []string{st.Fail.Render(symFail + " " + w.problem)}
	case w.phase == walkStarting || w.step >= len(w.steps):
		sc := w.scs[w.sc]
		return wrapStyled(st.Narration, sc.Summary.In(w.lang), width)
	}
	t := w.steps[w.step]
	var out prioritized
	for i, l := range wrapStyled(st.Narration, t.narration.In(w.lang), width) {
		out.add(l, prioNarration+boolInt(i < 2)*(prioKeep-prioNarration), true)
	}
	if t.command != "" {
		out.add(st.Muted.Render(fmt.Sprintf("[%s] ", t.pane))+st.Command.Render("$ "+t.command), prioKeep+1, false)
	} else {
		out.add(st.Muted.Render(fmt.Sprintf("[%s] %s", t.pane, wd.noCommand)), prioKeep+1, false)
	}
	res, ran := w.results[w.step]
	showResult := ran && w.phase != walkRunning
	for j, lbl := range t.labels {
		if showResult && j < len(res.Checks) {
			c := res.Checks[j]
			mark, ms, prio := c.Mark(), st.Pass, prioCheck
			switch c.State {
			case scenarios.Failed:
				ms, prio = st.Fail, prioKeep
			case scenarios.Skipped:
				ms = st.Skip
			}
			line := ms.Render(mark) + " " + st.Normal.Render(c.Label.In(w.lang))
			if r := oneLine(c.Reason.In(w.lang)); r != "" {
				line += st.Muted.Render(": " + r)
			}
			out.add(line, prio, false)
			continue
		}
		mark := symPending
		if w.phase == walkRunning {
			mark = symRunning
		}
		out.add(st.Pending.Render(mark)+" "+st.Muted.Render(lbl.In(w.lang)), prioCheck, false)
	}
	if showResult {
		if p := res.Problem(w.lang); p != "" {
			out.add(st.Fail.Render(symFail+" "+p), prioKeep+1, false)
		}
		if !res.Passed() && !t.hint.IsZero() {
			for _, l := range wrapStyled(st.Hint, wd.hint+": "+t.hint.In(w.lang), width) {
				out.add(l, prioHint, false)
			}
		}
	}
	switch {
	case w.phase == walkRewinding:
		out.add(st.Warn.Render(symRunning+" ")+st.Muted.Render(wd.replaying), prioSpot, false)
	case w.spot != "":
		out.add(st.Spot.Render(symSpotlight+" "+wd.look+": ")+w.spot, prioSpot, false)
	}
	return out.fit(height, width)
}

// Priorities of the bar's lines: when the bar is short, the lowest go first,
// from the bottom up.
const (
	prioSpot = iota + 1
	prioCheck
	prioNarration
	prioHint
	prioKeep
)

// prioritized is a list of lines, each with how much it matters.
type prioritized struct {
	lines     []string
	prio      []int
	narration []bool
}

func (p *prioritized) add(line string, prio int, narration bool) {
	p.lines = append(p.lines, line)
	p.prio = append(p.prio, prio)
	p.narration = append(p.narration, narration)
}

// fit drops the least important lines until height remain; a narration that
// lost lines ends in "…".
func (p *prioritized) fit(height, width int) []string {
	keep := make([]bool, len(p.lines))
	for i := range keep {
		keep[i] = true
	}
	n := len(p.lines)
	cut := false
	for prio := prioSpot; n > height && prio <= prioKeep+1; prio++ {
		for i := len(p.lines) - 1; i >= 0 && n > height; i-- {
			if keep[i] && p.prio[i] == prio {
				keep[i] = false
				n--
				cut = cut || p.narration[i]
			}
		}
	}
	var out []string
	lastNarration := -1
	for i, l := range p.lines {
		if keep[i] {
			if p.narration[i] {
				lastNarration = len(out)
			}
			out = append(out, l)
		}
	}
	if cut && lastNarration >= 0 {
		out[lastNarration] = ansi.Truncate(out[lastNarration], max(width-1, 1), "") + "…"
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
// size from step to step (a resize makes every program in them redraw).
func (w *walkthrough) wantHeight(st Styles, width int) int {
	inner := max(width-2, 1)
	h := len(w.content(st, inner, 1<<20))
	for _, t := range w.steps {
		n := len(wrap(strings.TrimSpace(t.narration.In(w.lang)), inner)) + 1 + len(t.labels) + 1
		if !t.hint.IsZero() {
			n += len(wrap(wordsFor(w.lang).hint+": "+t.hint.In(w.lang), inner))
		}
		h = max(h, n)
	}
	return h + 2
}

// View draws the bar.
func (w *walkthrough) View(st Styles, r rect) []string {
	in := r.inner()
	return drawBox(st, r, boxSpec{
		Title:  w.title(st),
		Status: w.status(st),
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
