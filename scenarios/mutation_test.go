package scenarios

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
)

// TestEveryStepIsChecked is the lessons' mutation test. For every step with a command, the
// lesson runs up to that step with the command replaced, and at least one check of the step
// must fail; a check that passes whatever the learner typed proves nothing.
//
// Two mutants per step. `true` does nothing and prints nothing. The replay prints what the
// real command printed in a run of its own and exits with its status, but changes nothing:
// only a check of the kernel can tell it from the real command, so every step that changes
// state must have one that fails. A display-only step (display_only: true) changes nothing
// by definition; its kernel checks prove the state it shows, and its replay is not tried.
// Nor is a refused step's (refused: true): the kernel refuses the real command too, so its
// output names the exact error and its kernel checks prove that nothing changed.
func TestEveryStepIsChecked(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	scs := loadForThisLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	// One lab for every mutant: Start resets it (fresh namespaces, workspace, canary).
	live := patient{Live(startLab(t, ctx))}
	var trueScore, replayScore score
	for _, sc := range scs {
		real := realRun(t, ctx, live, sc)
		for i, st := range sc.Steps {
			if st.Command == "" {
				continue
			}
			line := fmt.Sprintf("%s step %d (%s)", sc.ID, i+1, st.Command)
			caught, why := mutantCaught(t, ctx, live, sc, i, func(Workspace) string { return "true" })
			trueScore.add(caught, line+": "+why, !st.DisplayOnly && !st.Refused)
			if st.DisplayOnly || st.Refused {
				continue
			}
			caught, why = mutantCaught(t, ctx, live, sc, i, func(ws Workspace) string {
				return replayCommand(real.res[i], real.ws, ws)
			})
			replayScore.add(caught, line+": "+why, true)
		}
	}
	t.Logf("mutation score, command replaced by true: %d of %d steps caught", trueScore.caught, trueScore.steps)
	t.Logf("mutation score, command replaced by a replay of its output and status: %d of %d state-changing steps caught (display-only and refused steps are not replayed)",
		replayScore.caught, replayScore.steps)
	for _, s := range []struct {
		name string
		sc   score
	}{{"true", trueScore}, {"a replay of its output", replayScore}} {
		if len(s.sc.missed) > 0 {
			t.Errorf("%d state-changing steps pass with their command replaced by %s:\n%s",
				len(s.sc.missed), s.name, strings.Join(s.sc.missed, "\n"))
		}
	}
	if trueScore.steps == 0 {
		t.Fatal("no step with a command: nothing was mutated")
	}
}

// score counts mutants and keeps the ones that must have been caught and were not.
type score struct {
	steps, caught int
	missed        []string
}

func (s *score) add(caught bool, line string, mustCatch bool) {
	s.steps++
	if caught {
		s.caught++
	} else if mustCatch {
		s.missed = append(s.missed, line)
	}
}

// realRunResult is one real run of a lesson: each step's result and the workspace it ran in.
type realRunResult struct {
	ws  Workspace
	res map[int]Result
}

// realRun runs sc once, every step passing, and keeps what each command printed.
func realRun(t *testing.T, ctx context.Context, l Lab, sc Scenario) realRunResult {
	t.Helper()
	r, err := Start(ctx, l, sc)
	if err != nil {
		t.Fatal(err)
	}
	out := realRunResult{ws: r.Workspace(), res: map[int]Result{}}
	for i := range sc.Steps {
		out.res[i] = runStep(t, r, ctx, i).Result
	}
	return out
}

// replayCommand is a command line that prints res's output and exits with its status, and
// does nothing else; the token of the run it came from becomes the token of this one. It
// is printf's format (octal escapes for all but plain ASCII), so busybox sh takes it too.
func replayCommand(res Result, was, now Workspace) string {
	out := strings.ReplaceAll(res.Output, "\r\n", "\n")
	if was.Token != "" {
		out = strings.ReplaceAll(out, was.Token, now.Token)
	}
	var b strings.Builder
	for _, c := range []byte(out) {
		switch {
		case c == '%':
			b.WriteString("%%")
		case c == '\\' || c == '\'' || c < ' ' || c > '~':
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	return fmt.Sprintf("printf '%s'; (exit %d)", b.String(), res.Exit)
}

// mutantCaught runs sc up to step i, with step i's command replaced by mutant's, and
// reports whether a check of step i failed; if none did, why names the checks that
// passed. The steps before i must pass: a mutant is measured on the road the lesson takes.
func mutantCaught(t *testing.T, ctx context.Context, l Lab, sc Scenario, i int, mutant func(Workspace) string) (caught bool, why string) {
	t.Helper()
	r, err := Start(ctx, l, sc)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < i; j++ {
		runStep(t, r, ctx, j)
	}
	// The runner types what its scenario says: give it a copy whose step i is the mutant.
	r.sc.Steps = append([]Step(nil), sc.Steps...)
	r.sc.Steps[i].Command = mutant(r.Workspace())
	res := r.Run(ctx, i)
	if res.Err != nil {
		t.Fatalf("%s step %d mutated to %q: %v", sc.ID, i+1, r.sc.Steps[i].Command, res.Err)
	}
	if !res.Passed() {
		return true, ""
	}
	var passed []string
	for _, c := range res.Checks {
		passed = append(passed, c.Line(EN))
	}
	return false, "every check passed: " + strings.Join(passed, "; ")
}
