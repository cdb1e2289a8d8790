package tui

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
	"github.com/nslab/nslab/scenarios"
)

// recorder is a Record writer that also marks steps.
type recorder struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	marks []string
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.Write(p)
}

func (r *recorder) Mark(label string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.marks = append(r.marks, label)
	return nil
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.marks...)
}

// TestWalkthroughRecheckAndFinish: a failed step is fixed by hand and
// re-checked without typing its command again; the next scenario starts on a
// reset lab; the last one ends the walkthrough.
func TestWalkthroughRecheckAndFinish(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl}
	second := sampleScenario(t)
	second.ID = "second"
	rec := &recorder{}
	h := startHarnessWith(t, fl, 100, 30, Options{
		Walkthrough: []scenarios.Scenario{sampleScenario(t), second}, ScenarioLab: sl, Record: rec})
	h.until(func(m *Model) bool { return m.walk.phase == walkReady })
	failSecondStep(h)

	// The learner mounts it in the ns pane by hand; the lab sees it.
	fixByHand(h)

	h.send(press(tea.KeyF5, 0))
	h.until(func(m *Model) bool { return m.walk.phase == walkResult })
	var res scenarios.StepResult
	h.do(func(m *Model) { res = m.walk.results[1] })
	if res.Ran || !res.Passed() {
		t.Fatalf("re-check: ran %v, passed %v; want a passing re-check that typed nothing", res.Ran, res.Passed())
	}
	sl.mu.Lock()
	ran := len(sl.ran)
	sl.mu.Unlock()
	if ran != 2 {
		t.Errorf("%d commands typed, want 2 (the re-check types none)", ran)
	}

	// On to the next scenario: the lab is reset and step 1 shows.
	fl.setState(sampleState())
	h.send(press(tea.KeyF5, 0))
	h.until(func(m *Model) bool { return m.walk.sc == 1 && m.walk.phase == walkReady })
	sl.mu.Lock()
	resets := sl.resets
	sl.mu.Unlock()
	if resets != 2 {
		t.Errorf("%d resets, want one per scenario", resets)
	}
	if f := ansi.Strip(h.frame()); !strings.Contains(f, "step 1/2") || !strings.Contains(f, "second 2/2") {
		t.Errorf("the second scenario's first step is not shown:\n%s", f)
	}

	// Through the second scenario to the end.
	h.send(press(tea.KeyF5, 0))
	h.until(func(m *Model) bool { return m.walk.phase == walkResult })
	h.send(press(tea.KeyF5, 0), press(tea.KeyF5, 0))
	h.until(func(m *Model) bool { return m.walk.phase == walkResult && m.walk.step == 1 })
	fixByHand(h)
	h.send(press(tea.KeyF5, 0))
	h.until(func(m *Model) bool { return m.walk.phase == walkResult })
	h.send(press(tea.KeyF5, 0))
	h.until(func(m *Model) bool { return m.walk.phase == walkFinished })
	if f := ansi.Strip(h.frame()); !strings.Contains(f, "every scenario is done") {
		t.Errorf("the end is not shown:\n%s", f)
	}

	// One mark per run or re-check of a step.
	want := []string{"tmpfs-demo 1/2", "tmpfs-demo 2/2", "tmpfs-demo 2/2", "second 1/2", "second 2/2", "second 2/2"}
	h.until(func(*Model) bool { return len(rec.got()) == len(want) })
	if got := rec.got(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("marks %q, want %q", got, want)
	}
}

// fixByHand mounts /tmp/mount_test in the ns pane, as a learner would after
// the sample's second step failed.
func fixByHand(h *harness) {
	h.t.Helper()
	s := h.lab.State()
	ns := append(append([]mnt.Mount(nil), s.NS.Mounts...), mount(230, 205, "/tmp/mount_test", "tmpfs", "tmpfs", private))
	s.NS.Mounts, s.Diff, s.Seq = ns, mnt.Diff(s.Host.Mounts, ns), s.Seq+1
	h.lab.setState(s)
	h.lab.events <- lab.Event{Time: fixedNow, Pane: lab.NS, Kind: lab.MountAdded, Mount: &ns[len(ns)-1]}
	h.until(func(m *Model) bool { return m.state.Seq == s.Seq })
}

// TestWalkthroughTypesVisibly: the panes type commands slowly enough to watch
// while the walkthrough runs, and at once again after it.
func TestWalkthroughTypesVisibly(t *testing.T) {
	fl := newFakeLab()
	m := New(context.Background(), fl, Options{Walkthrough: []scenarios.Scenario{sampleScenario(t)}, ScenarioLab: &fakeScenarioLab{lab: fl}})
	for _, r := range lab.Roles {
		if d := fl.panes[r].delay; d != DefaultTypeDelay {
			t.Errorf("%s pane types with %v between characters, want %v", r, d, DefaultTypeDelay)
		}
	}
	m.Close()
	for _, r := range lab.Roles {
		if d := fl.panes[r].delay; d != 0 {
			t.Errorf("%s pane still types slowly after the walkthrough", r)
		}
	}
	m2 := New(context.Background(), fl, Options{})
	defer m2.Close()
	for _, r := range lab.Roles {
		if d := fl.panes[r].delay; d != 0 {
			t.Errorf("the free-form lab set a type delay on %s", r)
		}
	}
}

// brokenLab cannot reset.
type brokenLab struct{ fakeScenarioLab }

func (b *brokenLab) Reset(context.Context, scenarios.NSStart) error {
	return errors.New("reset: the lab init ended")
}

func TestWalkthroughStartFails(t *testing.T) {
	fl := newFakeLab()
	h := startHarnessWith(t, fl, 100, 30, Options{Walkthrough: []scenarios.Scenario{sampleScenario(t)}, ScenarioLab: &brokenLab{fakeScenarioLab{lab: fl}}})
	h.until(func(m *Model) bool { return m.walk.phase == walkBroken })
	f := ansi.Strip(h.frame())
	if !strings.Contains(f, "the lab init ended") || !strings.Contains(f, "f5 try again") {
		t.Fatalf("the failure is not shown:\n%s", f)
	}
	h.send(press(tea.KeyF5, 0))
	h.until(func(m *Model) bool { return m.walk.phase == walkBroken && m.walk.gen == 2 })
}

// TestWalkthroughIgnoresStaleResults: a result for another step or an
// earlier scenario start changes nothing.
func TestWalkthroughIgnoresStaleResults(t *testing.T) {
	w := newWalkthrough(context.Background(), []scenarios.Scenario{sampleScenario(t)}, nil, "")
	w.gen, w.phase, w.step = 2, walkRunning, 1
	if w.done(stepDoneMsg{gen: 1, step: 1}) || w.done(stepDoneMsg{gen: 2, step: 0}) {
		t.Fatal("a stale result was taken")
	}
	if w.phase != walkRunning {
		t.Fatal("a stale result changed the phase")
	}
	w.started(scenarioStartedMsg{gen: 1, err: errors.New("old")})
	if w.phase != walkRunning {
		t.Fatal("a stale start changed the phase")
	}
}
