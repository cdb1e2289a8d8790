package scenarios

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
)

// TestEveryStepIsChecked is the lessons' mutation test: for every step with a command, the
// lesson runs up to that step with the command replaced by `true`, and at least one check
// of the step must fail. A check that passes whatever the learner typed proves nothing. A
// display-only step (display_only: true) changes nothing, so `true` in its place leaves the
// kernel as its checks want it: those checks prove the displayed state on the kernel, and
// its mutant only counts in the score if an output check catches it.
func TestEveryStepIsChecked(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	scs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	// One lab for every mutant: Start resets it (fresh namespaces, workspace, canary).
	live := patient{Live(startLab(t, ctx))}
	steps, caught := 0, 0
	var missed []string
	for _, sc := range scs {
		for i, st := range sc.Steps {
			if st.Command == "" {
				continue
			}
			steps++
			ok, why := mutantCaught(t, ctx, live, sc, i)
			if ok {
				caught++
				continue
			}
			line := fmt.Sprintf("%s step %d (%s): %s", sc.ID, i+1, st.Command, why)
			if st.DisplayOnly {
				t.Logf("display-only, not caught: %s", line)
				continue
			}
			missed = append(missed, line)
		}
	}
	t.Logf("mutation score: %d of %d steps caught (command replaced by true)", caught, steps)
	if steps == 0 {
		t.Fatal("no step with a command: nothing was mutated")
	}
	if len(missed) > 0 {
		t.Errorf("%d state-changing steps pass with their command replaced by true:\n%s",
			len(missed), strings.Join(missed, "\n"))
	}
}

// mutantCaught runs sc up to step i, with step i's command replaced by `true`, and reports
// whether a check of step i failed; if none did, why names the checks that passed. The
// steps before i must pass: a mutant is only measured on the road the lesson takes.
func mutantCaught(t *testing.T, ctx context.Context, l Lab, sc Scenario, i int) (caught bool, why string) {
	t.Helper()
	mut := sc
	mut.Steps = append([]Step(nil), sc.Steps...)
	mut.Steps[i].Command = "true"
	r, err := Start(ctx, l, mut)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < i; j++ {
		runStep(t, r, ctx, j)
	}
	res := r.Run(ctx, i)
	if res.Err != nil {
		t.Fatalf("%s step %d with `true`: %v", sc.ID, i+1, res.Err)
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
