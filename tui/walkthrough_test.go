package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
	"github.com/nslab/nslab/scenarios"
	"github.com/nslab/nslab/tui/term"
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
	h.untilWalk(walkReady, -1)
	failSecondStep(h)

	// The learner mounts it in the ns pane by hand; the lab sees it.
	fixByHand(h)

	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkResult, -1)
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
	h.until("the second scenario's first step, ready", func(m *Model) bool { return m.walk.sc == 1 && m.walk.phase == walkReady })
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
	h.untilWalk(walkResult, -1)
	h.send(press(tea.KeyF5, 0), press(tea.KeyF5, 0))
	h.untilWalk(walkResult, 1)
	fixByHand(h)
	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkResult, -1)
	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkFinished, -1)
	// The end says what was done, and offers no walkthrough key: they do
	// nothing now.
	f := ansi.Strip(h.frame())
	for _, want := range []string{"every lesson is done", "2 lessons and their 4 steps done; 8 checks passed."} {
		if !strings.Contains(f, want) {
			t.Errorf("the end lacks %q:\n%s", want, f)
		}
	}
	help := f[strings.LastIndex(f, "\n")+1:]
	for _, gone := range []string{"f5", "alt+p"} {
		if strings.Contains(help, gone) {
			t.Errorf("the help bar still offers %s at the end: %q", gone, help)
		}
	}

	// One mark per run or re-check of a step.
	want := []string{"tmpfs-demo 1/2", "tmpfs-demo 2/2", "tmpfs-demo 2/2", "second 1/2", "second 2/2", "second 2/2"}
	h.until(fmt.Sprintf("%d step marks in the recording", len(want)), func(*Model) bool { return len(rec.got()) == len(want) })
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
	h.until(fmt.Sprintf("state %d, with the mount made by hand", s.Seq), func(m *Model) bool { return m.state.Seq == s.Seq })
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
	h.untilWalk(walkBroken, -1)
	f := ansi.Strip(h.frame())
	if !strings.Contains(f, "the lab init ended") || !strings.Contains(f, "f5 try again") {
		t.Fatalf("the failure is not shown:\n%s", f)
	}
	// Alt+p has no step to go back to: the help bar does not offer it.
	if help := f[strings.LastIndex(f, "\n")+1:]; strings.Contains(help, "alt+p") || !strings.Contains(help, "f5") {
		t.Errorf("after a failed start the help bar offers %q, want f5 and not alt+p", help)
	}
	h.send(press(tea.KeyF5, 0))
	h.until("the retried start to fail too", func(m *Model) bool { return m.walk.phase == walkBroken && m.walk.gen == 2 })
}

// TestWalkthroughIgnoresStaleResults: a result for another step or an
// earlier scenario start changes nothing.
func TestWalkthroughIgnoresStaleResults(t *testing.T) {
	w := newWalkthrough(context.Background(), []scenarios.Scenario{sampleScenario(t)}, nil, "", nil, 0)
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

// threeSteps is a scenario whose steps each type a command and check its exit
// status; the third has no command.
func threeSteps(t *testing.T, third string) scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse("three.yaml", []byte(`id: three
title: {en: Three steps, ko: 세 단계}
summary: {en: One after another., ko: 차례로.}
steps:
  - pane: host
    narration: {en: First., ko: 첫째.}
    command: echo one
    checks:
      - exit: 0
  - pane: ns
    narration: {en: Second., ko: 둘째.}
    command: echo two
    checks:
      - exit: 0
  - pane: host
    narration: {en: Third., ko: 셋째.}
`+third))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// stepTo runs steps with F5 until the given step is ready.
func stepTo(h *harness, step int) {
	h.t.Helper()
	for {
		var at int
		var phase walkPhase
		h.do(func(m *Model) { at, phase = m.walk.step, m.walk.phase })
		if at == step && phase == walkReady {
			return
		}
		h.send(press(tea.KeyF5, 0))
		h.until(fmt.Sprintf("step %d's result, or the next step ready", at+1), func(m *Model) bool {
			return m.walk.phase == walkResult || (m.walk.phase == walkReady && m.walk.step != at)
		})
	}
}

// TestWalkthroughRewind: Alt+p at step i not yet run rewinds to step i-1 for
// real: the lab is reset, the commands of the steps before i-1 are typed
// again at once (no type delay), and step i-1 shows ready to run with its
// checks not evaluated. Alt+p at a step that ran rewinds to that step.
func TestWalkthroughRewind(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl}
	h := startHarnessWith(t, fl, 100, 30, Options{Walkthrough: []scenarios.Scenario{threeSteps(t, "    command: echo three\n")}, ScenarioLab: sl})
	stepTo(h, 2)
	resets, ran := sl.counts()
	if resets != 1 || strings.Join(ran, ",") != "echo one,echo two" {
		t.Fatalf("before the rewind: %d resets, typed %q", resets, ran)
	}

	h.send(press('p', tea.ModAlt))
	h.untilWalk(walkReady, -1)
	resets, ran = sl.counts()
	if resets != 2 || strings.Join(ran, ",") != "echo one,echo two,echo one" {
		t.Errorf("the rewind to step 2: %d resets (want 2), typed %q (want step 1's command again)", resets, ran)
	}
	sl.mu.Lock()
	delays := append([]time.Duration(nil), sl.delays...)
	sl.mu.Unlock()
	if want := []time.Duration{DefaultTypeDelay, DefaultTypeDelay, 0}; fmt.Sprint(delays) != fmt.Sprint(want) {
		t.Errorf("type delays of the typed commands %v, want %v (none while replaying)", delays, want)
	}
	for _, r := range lab.Roles {
		fl.panes[r].mu.Lock()
		d := fl.panes[r].delay
		fl.panes[r].mu.Unlock()
		if d != DefaultTypeDelay {
			t.Errorf("after the rewind the %s pane types with %v, want %v again", r, d, DefaultTypeDelay)
		}
	}
	var step int
	var evaluated bool
	h.do(func(m *Model) { step = m.walk.step; _, evaluated = m.walk.results[1] })
	if step != 1 || evaluated {
		t.Errorf("after the rewind: step %d, checks evaluated %v; want step 2 of 3 ready, not evaluated", step+1, evaluated)
	}
	f := ansi.Strip(h.frame())
	if !strings.Contains(f, "step 2/3") || !strings.Contains(f, "f5 run") || !strings.Contains(f, "· exit status 0") {
		t.Errorf("the bar does not show step 2 ready with its check pending:\n%s", f)
	}

	// Run it again: it types its command once more and passes.
	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkResult, 1)
	if _, ran = sl.counts(); ran[len(ran)-1] != "echo two" {
		t.Errorf("the step after the rewind typed %q, want echo two", ran[len(ran)-1])
	}

	// Alt+p from the finished step goes back to that step, not yet run:
	// only the steps before it are typed again.
	h.send(press('p', tea.ModAlt))
	h.until("a rewind to step 2, ready", func(m *Model) bool { return m.walk.phase == walkReady && m.walk.gen == 3 })
	resets, ran = sl.counts()
	if resets != 3 || strings.Join(ran[len(ran)-1:], ",") != "echo one" {
		t.Errorf("Alt+p after step 2 ran: %d resets (want 3), typed last %q (want echo one)", resets, ran[len(ran)-1])
	}
	h.do(func(m *Model) { step = m.walk.step; _, evaluated = m.walk.results[1] })
	if step != 1 || evaluated {
		t.Errorf("Alt+p after step 2 ran: step %d, evaluated %v; want step 2 ready, not run", step+1, evaluated)
	}
}

// TestWalkthroughRewindFirstStep: at the first step Alt+p starts the scenario
// again: a reset and nothing typed.
func TestWalkthroughRewindFirstStep(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl}
	h := startHarnessWith(t, fl, 100, 30, Options{Walkthrough: []scenarios.Scenario{sampleScenario(t)}, ScenarioLab: sl})
	h.untilWalk(walkReady, -1)
	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkResult, -1)
	h.send(press('p', tea.ModAlt))
	h.untilWalk(walkReady, -1)
	resets, ran := sl.counts()
	if resets != 2 || len(ran) != 1 {
		t.Errorf("%d resets and %d commands, want a second reset and nothing typed again", resets, len(ran))
	}
	h.do(func(m *Model) {
		if _, ok := m.walk.results[0]; ok || m.walk.step != 0 {
			t.Errorf("step %d, its result kept %v; want the first step, not run", m.walk.step+1, ok)
		}
	})
}

// TestWalkthroughRewindFails: a replayed command that does not finish stops
// the rewind; the bar says so, and F5 tries again.
func TestWalkthroughRewindFails(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl, results: map[string]scenarios.Result{}}
	h := startHarnessWith(t, fl, 100, 30, Options{Walkthrough: []scenarios.Scenario{threeSteps(t, "    command: echo three\n")}, ScenarioLab: sl})
	stepTo(h, 2)
	sl.mu.Lock()
	sl.results["echo one"] = scenarios.Result{TimedOut: true}
	sl.mu.Unlock()
	h.send(press('p', tea.ModAlt))
	h.untilWalk(walkBroken, -1)
	f := ansi.Strip(h.frame())
	if !strings.Contains(f, "could not rewind") || !strings.Contains(f, "did not finish") || !strings.Contains(f, "f5 try again") {
		t.Fatalf("the failed rewind is not shown:\n%s", f)
	}
	sl.mu.Lock()
	delete(sl.results, "echo one")
	sl.mu.Unlock()
	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkReady, 1)
	if resets, _ := sl.counts(); resets != 3 {
		t.Errorf("%d resets, want 3 (start, failed rewind, retry)", resets)
	}
}

// TestWalkthroughKeysWaitForTheLab: F5 pressed while the lab is being reset
// is shown as taken and acted on when the step is ready; so is Alt+p pressed
// while a step runs.
func TestWalkthroughKeysWaitForTheLab(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl, hold: make(chan struct{}), release: make(chan struct{})}
	h := startHarnessWith(t, fl, 100, 30, Options{Walkthrough: []scenarios.Scenario{threeSteps(t, "    command: echo three\n")}, ScenarioLab: sl})
	h.untilWalk(walkStarting, -1)
	h.send(press(tea.KeyF5, 0))
	if f := ansi.Strip(h.frame()); !strings.Contains(f, "f5 taken") {
		t.Errorf("F5 during the reset is not shown as taken:\n%s", f)
	}
	// The reset ends: the step runs without another press.
	close(sl.hold)
	h.untilWalk(walkRunning, 0)

	// Alt+p while the step runs waits for its result, then rewinds.
	h.send(press('p', tea.ModAlt))
	if f := ansi.Strip(h.frame()); !strings.Contains(f, "alt+p taken") {
		t.Errorf("Alt+p during a run is not shown as taken:\n%s", f)
	}
	deliver(t, sl.release, struct{}{}, "the step's command")
	h.until("the rewind to the first step, ready", func(m *Model) bool { return m.walk.phase == walkReady && m.walk.gen == 2 })
	resets, ran := sl.counts()
	if resets != 2 || strings.Join(ran, ",") != "echo one" {
		t.Errorf("%d resets, typed %q; want the run, then a rewind to the start", resets, ran)
	}
	if f := ansi.Strip(h.frame()); strings.Contains(f, "taken") {
		t.Errorf("a key acted on is still shown as waiting:\n%s", f)
	}
}

// TestWalkthroughStepWithoutCommand: one F5 checks a step that types nothing
// and, when it passes, moves on; a failing one stays with its hint.
func TestWalkthroughStepWithoutCommand(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl}
	sc := threeSteps(t, "    checks:\n      - mounted: /tmp/mount_test\n")
	failing := threeSteps(t, "    hint: {en: Mount it first., ko: 먼저 마운트하세요.}\n    checks:\n      - mounted: /nowhere\n")
	failing.ID = "failing"
	h := startHarnessWith(t, fl, 100, 30, Options{Walkthrough: []scenarios.Scenario{sc, failing}, ScenarioLab: sl})
	stepTo(h, 2)
	if f := ansi.Strip(h.frame()); !strings.Contains(f, "f5 check and go on") {
		t.Errorf("a step without a command does not say F5 checks and goes on:\n%s", f)
	}
	h.send(press(tea.KeyF5, 0))
	h.until("the second scenario's first step, ready", func(m *Model) bool { return m.walk.sc == 1 && m.walk.phase == walkReady })
	if _, ran := sl.counts(); len(ran) != 2 {
		t.Errorf("typed %q; the third step has nothing to type", ran)
	}

	stepTo(h, 2)
	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkResult, -1)
	var res scenarios.StepResult
	h.do(func(m *Model) { res = m.walk.results[2] })
	if res.Passed() || len(res.Checks) != 1 {
		t.Fatalf("the failing step: passed %v, %d checks", res.Passed(), len(res.Checks))
	}
	if f := ansi.Strip(h.frame()); !strings.Contains(f, "Mount it first") || !strings.Contains(f, "step 3/3") {
		t.Errorf("a failed step without a command did not stay with its hint:\n%s", f)
	}
}

// TestWalkthroughRewindingInKorean: the bar says in Korean that it rewinds,
// and that an early F5 was taken.
func TestWalkthroughRewindingInKorean(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl}
	h := startHarnessWith(t, fl, 100, 30, Options{Lang: scenarios.KO, Walkthrough: []scenarios.Scenario{threeSteps(t, "    command: echo three\n")}, ScenarioLab: sl})
	stepTo(h, 2)
	sl.mu.Lock()
	sl.hold = make(chan struct{})
	sl.mu.Unlock()
	h.send(press('p', tea.ModAlt), press(tea.KeyF5, 0))
	f := ansi.Strip(h.frame())
	for _, want := range []string{"2단계로 되돌리는 중", "실습 환경을 새로 만들고", "f5 받음"} {
		if !strings.Contains(f, want) {
			t.Errorf("the Korean bar lacks %q:\n%s", want, f)
		}
	}
	close(sl.hold)
	h.untilWalk(walkResult, 1)
}

// longLabels is a scenario whose one step has a check label longer than the
// bar is wide at 80 columns, and a long command.
func longLabels(t *testing.T) scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse("long.yaml", []byte(`id: long
title: {en: Long labels, ko: 긴 라벨}
summary: {en: One step., ko: 한 단계.}
steps:
  - pane: ns
    narration: {en: Look., ko: 보세요.}
    command: mount -t tmpfs -o size=1m,mode=0755,uid=0,gid=0 tmpfs /tmp/nslab/a/rather/long/path/to/mount/on/here
    checks:
      - output_contains: "this is a rather long piece of text that the output must contain"
      - mounted: /tmp/nslab/a/rather/long/path/to/mount/on/here
        fstype: tmpfs
`))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestWalkthroughWrapsChecksAndCommand: where the bar has the rows, a check's
// label and a long command wrap under themselves instead of being cut with
// "…", before the step runs and after.
func TestWalkthroughWrapsChecksAndCommand(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl}
	h := startHarnessWith(t, fl, 80, 24, Options{Walkthrough: []scenarios.Scenario{longLabels(t)}, ScenarioLab: sl})
	h.untilWalk(walkReady, 0)
	var bar []string
	h.do(func(m *Model) { bar = m.walk.content(m.st, m.lay.Narration.inner().W, m.lay.Narration.inner().H) })
	plain := ansi.Strip(strings.Join(bar, "\n"))
	if strings.Contains(plain, "…") {
		t.Errorf("the bar cuts a line though it has the rows:\n%s", plain)
	}
	words := strings.Join(strings.Fields(plain), " ")
	for _, want := range []string{`output contains "this is a rather long piece of text that the output must contain"`,
		"tmpfs /tmp/nslab/a/rather/long/path/to/mount/on/here"} {
		if !strings.Contains(words, want) {
			t.Errorf("the bar lacks %q:\n%s", want, plain)
		}
	}
	f := ansi.Strip(h.frame())
	if strings.Contains(f[:strings.Index(f, "┏")], "…") {
		t.Errorf("the frame's bar cuts a line:\n%s", f)
	}
}

func TestExpandTabs(t *testing.T) {
	for _, c := range [][2]string{
		{"a\tb", "a       b"},
		{"\tx", "        x"},
		{"12345678\tx", "12345678        x"},
		{"한글\tx", "한글    x"},
		{"a\n\tb", "a\n        b"},
		{"none", "none"},
	} {
		if got := scenarios.ExpandTabs(c[0]); got != c[1] {
			t.Errorf("scenarios.ExpandTabs(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

// TestShellExitNotAFailure: a shell that exits normally is said so without
// the red ✗ of a failure, in the pane and in the event log; one that fails
// keeps it.
func TestShellExitNotAFailure(t *testing.T) {
	h := startHarness(t, 160, 48, Options{})
	h.lab.events <- lab.Event{Time: fixedNow, Pane: lab.NS, Kind: lab.ShellExited, Status: 0}
	h.until("the ns shell shown as exited", func(m *Model) bool { return !m.panes[1].alive })
	f := ansi.Strip(h.frame())
	if strings.Contains(f, symFail) {
		t.Errorf("a normal exit is shown with %s:\n%s", symFail, f)
	}
	if !strings.Contains(f, "shell exited · enter: new shell") || !strings.Contains(f, "ns   "+symPass+" shell exited") {
		t.Errorf("the normal exit is not said in the pane and the log:\n%s", f)
	}
	h.lab.events <- lab.Event{Time: fixedNow, Pane: lab.Host, Kind: lab.ShellExited, Status: 2}
	h.until("the host shell shown as exited", func(m *Model) bool { return !m.panes[0].alive })
	f = ansi.Strip(h.frame())
	if !strings.Contains(f, symFail+" exited (2)") || !strings.Contains(f, "host "+symFail+" shell exited") {
		t.Errorf("a failed exit is not marked %s:\n%s", symFail, f)
	}
}

// TestWalkthroughLessonStartsOnAFreshScreen: each lesson starts on a clean
// pane screen headed by a rule naming it; what the panes showed before is in
// their scrollback, and a program's alternate screen is left.
func TestWalkthroughLessonStartsOnAFreshScreen(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl}
	second := threeSteps(t, "    command: echo three\n")
	h := startHarnessWith(t, fl, 100, 30, Options{Walkthrough: []scenarios.Scenario{sampleScenario(t), second}, ScenarioLab: sl})
	h.untilWalk(walkReady, 0)
	screen := func(i int) string {
		var s string
		h.do(func(m *Model) { s = ansi.Strip(m.panes[i].term.Render()) })
		return s
	}
	for i := range 2 {
		// The rule wraps between words in a 48-column pane.
		lines := strings.SplitN(screen(i), "\n", 3)
		if got := strings.Join(strings.Fields(lines[0]+" "+lines[1]), " "); !strings.HasPrefix(got, "── lesson 1/2 · tmpfs-demo · A new mount stays in its own namespace ─") {
			t.Fatalf("pane %d starts with %q, want the lesson's rule", i, got)
		}
	}
	// The lesson's work: output on both panes, and a program on the
	// alternate screen in ns.
	shellOutput(h)
	h.lab.panes[lab.NS].output("\x1b[?1049h\x1b[?1000h\x1b[?1006h\x1b[?1h\x1b[2J\x1b[Hvi screen")
	h.until("vi on the ns pane", func(m *Model) bool { return strings.Contains(ansi.Strip(m.panes[1].term.Render()), "vi screen") })

	stepTo(h, 1)
	fixByHand(h)
	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkResult, 1)
	h.send(press(tea.KeyF5, 0))
	h.until("the second lesson, ready", func(m *Model) bool { return m.walk.sc == 1 && m.walk.phase == walkReady })
	for i := range 2 {
		s := screen(i)
		lines := strings.Split(s, "\n")
		if !strings.HasPrefix(lines[0], "── lesson 2/2 · three · Three steps ─") {
			t.Errorf("pane %d starts with %q, want the second lesson's rule", i, lines[0])
		}
		if strings.TrimSpace(strings.Join(lines[1:], "")) != "" {
			t.Errorf("pane %d is not clean below the rule:\n%s", i, s)
		}
	}
	h.do(func(m *Model) {
		if st := m.panes[1].term.State(); st.AltScreen || st.Modes.Mouse != term.MouseOff || st.Modes.MouseSGR || st.Modes.CursorKeysApp {
			t.Errorf("the ns pane keeps what the killed program set: alternate screen %v, modes %+v", st.AltScreen, st.Modes)
		}
		// The first lesson's output is in the scrollback, where it was.
		p := m.panes[0].term
		p.ScrollBy(100)
		if back := ansi.Strip(p.Render()); !strings.Contains(back, "[host] ~ # mkdir -p /tmp/mount_test") || !strings.Contains(back, "── lesson 1/2") {
			t.Errorf("the host pane's scrollback lacks the first lesson:\n%s", back)
		}
		p.ScrollToLive()
	})
}

// TestRuleLines: a rule too long for the pane wraps between words, never
// inside one, and the rule is drawn on after its end.
func TestRuleLines(t *testing.T) {
	got := ruleLines("수업 4/12 · tmpfs · 새 마운트는 자기 네임스페이스에만 있습니다", 30)
	for _, l := range got {
		if w := cellWidth(l); w > 30 {
			t.Errorf("line %q is %d cells, more than 30", l, w)
		}
	}
	if joined := strings.Join(got, " "); !strings.Contains(joined, "네임스페이스에만") {
		t.Errorf("a word was broken: %q", got)
	}
	if last := got[len(got)-1]; !strings.HasSuffix(last, "─") || cellWidth(last) != 30 {
		t.Errorf("the last line %q does not draw the rule to 30 cells", last)
	}
}
