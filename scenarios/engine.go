package scenarios

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nslab/nslab/lab"
)

// StepResult is what happened when a step ran or was re-checked.
type StepResult struct {
	// Index is the step's index in its scenario (from 0).
	Index int
	Pane  lab.Role
	// Command is the command as typed, placeholders expanded ("" for narration only).
	Command string
	// Ran is set when the command was typed in this run (not on a re-check).
	Ran    bool
	Result Result
	Checks []CheckResult
	// Err is set when the lab could not run the command at all, or the context ended.
	Err error
	// Timeout is the step's timeout, for saying what a timed-out step was allowed.
	Timeout time.Duration
}

// Passed reports whether the step succeeded: the command ran and finished (if it has
// one), no check failed, and a re-check evaluated at least one check.
func (r StepResult) Passed() bool {
	if r.Err != nil || (r.Ran && r.Result.TimedOut) {
		return false
	}
	evaluated := 0
	for _, c := range r.Checks {
		switch c.State {
		case Failed:
			return false
		case Passed:
			evaluated++
		}
	}
	return r.Ran || r.Command == "" || evaluated > 0 || len(r.Checks) == 0
}

// Problem says in one line why a step failed apart from its checks ("" if nothing):
// the lab's error or a command that never finished.
func (r StepResult) Problem(l Lang) string {
	// Ifs, not a switch: a mutation tester counts a case expression as never run.
	if errors.Is(r.Err, context.Canceled) {
		return interruptedText.In(l)
	}
	if r.Err != nil {
		return oneLine(Text{EN: "could not run the step: " + r.Err.Error(),
			KO: "단계를 실행하지 못했습니다: " + r.Err.Error()}.In(l))
	}
	if r.Ran && r.Result.TypingTimedOut {
		return Text{EN: fmt.Sprintf("typing the command took longer than the step's timeout of %s; it was not run", r.Timeout),
			KO: fmt.Sprintf("명령을 입력하는 데 단계의 제한 시간 %s보다 오래 걸려 실행하지 않았습니다", r.Timeout)}.In(l)
	}
	if r.Ran && r.Result.TimedOut {
		return Text{EN: fmt.Sprintf("the command did not finish within %s (no end mark)", r.Result.Duration.Round(1e8)),
			KO: fmt.Sprintf("명령이 %s 안에 끝나지 않았습니다 (끝 표시 없음)", r.Result.Duration.Round(1e8))}.In(l)
	}
	if !r.Ran && r.Command != "" && !r.Passed() {
		evaluated := false
		for _, c := range r.Checks {
			evaluated = evaluated || c.State != Skipped
		}
		if !evaluated {
			return Text{EN: "nothing to re-check without running the command again",
				KO: "명령을 다시 실행하지 않고는 다시 확인할 것이 없습니다"}.In(l)
		}
	}
	return ""
}

// interruptedText is what a step or a scenario cut short by nslab's own end (a signal,
// the user quitting) says, rather than "context canceled".
var interruptedText = Text{EN: "interrupted", KO: "중단되었습니다"}

// transcriptErr is an error as a transcript shows it: one line, "interrupted" for an ended
// context.
func transcriptErr(err error, l Lang) string {
	if errors.Is(err, context.Canceled) {
		return interruptedText.In(l)
	}
	return oneLine(err.Error())
}

// Runner drives one scenario on a lab, step by step, for the UI and the headless run
// alike. It does one thing at a time: call its methods from one goroutine.
type Runner struct {
	lab  Lab
	sc   Scenario
	ws   Workspace
	last map[int]Result
}

// Start resets the lab for sc (the ns pane started as sc asks) and reads the workspace
// that the placeholders name.
func Start(ctx context.Context, l Lab, sc Scenario) (*Runner, error) {
	if err := l.Reset(ctx, sc.NSStart); err != nil {
		return nil, fmt.Errorf("start scenario %s: reset the lab: %w", sc.ID, err)
	}
	ws, err := l.Workspace(ctx)
	if err != nil {
		return nil, fmt.Errorf("start scenario %s: read the workspace: %w", sc.ID, err)
	}
	return &Runner{lab: l, sc: sc, ws: ws, last: map[int]Result{}}, nil
}

// Scenario is the scenario being run.
func (r *Runner) Scenario() Scenario { return r.sc }

// Workspace is the placeholders' values for this run.
func (r *Runner) Workspace() Workspace { return r.ws }

// Command is step i's command with placeholders expanded, as it will be typed.
func (r *Runner) Command(i int) string {
	if i < 0 || i >= len(r.sc.Steps) {
		return ""
	}
	return r.ws.Expand(r.sc.Steps[i].Command)
}

// Narration is step i's narration and Hint its hint, placeholders expanded.
func (r *Runner) Narration(i int) (narration, hint Text) {
	if i < 0 || i >= len(r.sc.Steps) {
		return Text{}, Text{}
	}
	st := r.sc.Steps[i]
	return r.ws.expandText(st.Narration), r.ws.expandText(st.Hint)
}

// Label is what check j of step i claims, placeholders expanded (for showing the
// checks before the step runs).
func (r *Runner) Label(i, j int) Text {
	if i < 0 || i >= len(r.sc.Steps) || j < 0 || j >= len(r.sc.Steps[i].Checks) {
		return Text{}
	}
	return label(r.sc.Steps[i].Checks[j], r.ws)
}

// Run types step i's command into its pane, waits for it to end (or time out), then
// evaluates the step's checks against the live kernel. A timeout is a failed step,
// reported in the result; only a bad index or a lab that cannot run is an Err.
func (r *Runner) Run(ctx context.Context, i int) StepResult {
	if i < 0 || i >= len(r.sc.Steps) {
		return StepResult{Index: i, Err: fmt.Errorf("run step %d of %s: no such step (%d steps)", i+1, r.sc.ID, len(r.sc.Steps))}
	}
	st := r.sc.Steps[i]
	out := StepResult{Index: i, Pane: st.Pane, Command: r.Command(i), Timeout: st.Timeout}
	var res *Result
	if out.Command != "" {
		got, err := r.lab.Run(ctx, st.Pane, out.Command, st.Timeout)
		if err != nil {
			out.Err = fmt.Errorf("run step %d of %s in %s: %w", i+1, r.sc.ID, st.Pane, err)
			return out
		}
		out.Ran, out.Result = true, got
		r.last[i] = got
		res = &got
	}
	if err := ctx.Err(); err != nil {
		out.Err = fmt.Errorf("run step %d of %s: %w", i+1, r.sc.ID, err)
		return out
	}
	p := newProbe(ctx, r.lab, r.ws)
	for _, c := range st.Checks {
		out.Checks = append(out.Checks, p.evaluate(c, res))
	}
	return out
}

// Recheck evaluates step i's kernel checks again without typing its command (the
// learner fixed things by hand). Checks of the command's own exit status or output are
// skipped: they belong to a run, and the learner's own typing is not seen.
func (r *Runner) Recheck(ctx context.Context, i int) StepResult {
	if i < 0 || i >= len(r.sc.Steps) {
		return StepResult{Index: i, Err: fmt.Errorf("re-check step %d of %s: no such step (%d steps)", i+1, r.sc.ID, len(r.sc.Steps))}
	}
	st := r.sc.Steps[i]
	out := StepResult{Index: i, Pane: st.Pane, Command: r.Command(i)}
	if got, ok := r.last[i]; ok {
		out.Result = got
	}
	p := newProbe(ctx, r.lab, r.ws)
	for _, c := range st.Checks {
		if c.Kind.needsCommand() {
			out.Checks = append(out.Checks, CheckResult{Check: c, State: Skipped, Label: label(c, r.ws),
				Reason: Text{EN: "about the command's own output; run the step to check it",
					KO: "명령 자체의 출력에 대한 확인입니다; 단계를 실행해야 확인됩니다"}})
			continue
		}
		out.Checks = append(out.Checks, p.evaluate(c, nil))
	}
	if err := ctx.Err(); err != nil {
		out.Err = fmt.Errorf("re-check step %d of %s: %w", i+1, r.sc.ID, err)
	}
	return out
}

// Rewind goes back to the state before step i for real: the lab is thrown away and a fresh
// one started (new namespaces, new workspace and canary), then steps 0..i-1 have their
// commands typed again without checks, so the kernel is where it was when step i was
// first reached. The learner then runs step i again. It stops at the first command that
// cannot run or does not finish, and says which.
func (r *Runner) Rewind(ctx context.Context, i int) error {
	if i < 0 || i >= len(r.sc.Steps) {
		return fmt.Errorf("rewind %s to step %d: no such step (%d steps)", r.sc.ID, i+1, len(r.sc.Steps))
	}
	if err := r.lab.Reset(ctx, r.sc.NSStart); err != nil {
		return fmt.Errorf("rewind %s: reset the lab: %w", r.sc.ID, err)
	}
	ws, err := r.lab.Workspace(ctx)
	if err != nil {
		return fmt.Errorf("rewind %s: read the workspace: %w", r.sc.ID, err)
	}
	r.ws, r.last = ws, map[int]Result{}
	for j := 0; j < i; j++ {
		st := r.sc.Steps[j]
		cmd := r.Command(j)
		if cmd == "" {
			continue
		}
		got, err := r.lab.Run(ctx, st.Pane, cmd, st.Timeout)
		if err != nil {
			return fmt.Errorf("rewind %s: replay step %d in %s: %w", r.sc.ID, j+1, st.Pane, err)
		}
		if got.TimedOut {
			return fmt.Errorf("rewind %s: replay step %d in %s: %q did not finish", r.sc.ID, j+1, st.Pane, cmd)
		}
		r.last[j] = got
	}
	return nil
}
