package scenarios

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

const engineScenario = `id: demo
title: {en: Demo, ko: 데모}
summary: {en: A demo., ko: 데모입니다.}
ns_pane: host
steps:
  - pane: ns
    narration: {en: "Look at {{rootfs}}.", ko: "{{rootfs}} 를 보세요."}
  - pane: host
    narration: {en: Mount., ko: 마운트하세요.}
    command: mount -t tmpfs tmpfs {{workspace}}/x
    timeout: 3s
    hint: {en: "Try {{workspace}}.", ko: "{{workspace}} 를 써 보세요."}
    checks:
      - exit: 0
      - mounted: "{{workspace}}/x"
        fstype: tmpfs
`

// mustStart starts sc on l and fails the test if it cannot.
func mustStart(t *testing.T, l Lab, sc Scenario) *Runner {
	t.Helper()
	r, err := Start(context.Background(), l, sc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func parseEngineScenario(t *testing.T) Scenario {
	t.Helper()
	sc, err := Parse("demo.yaml", []byte(engineScenario))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func xMount() mnt.Mount { return mount(400, 102, "/tmp/nslab/x", "tmpfs", "tmpfs", "/", 0, 70) }

func TestRunnerRunsAStep(t *testing.T) {
	sc := parseEngineScenario(t)
	f := newFakeLab()
	f.onRun["mount -t tmpfs tmpfs /tmp/nslab/x"] = func(f *fakeLab) { f.addMount(lab.Host, xMount()) }
	r, err := Start(context.Background(), f, sc)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.resets) != 1 || f.resets[0] != StartHost {
		t.Errorf("resets = %v, want one with the ns pane in host", f.resets)
	}
	if got := r.Command(1); got != "mount -t tmpfs tmpfs /tmp/nslab/x" {
		t.Errorf("Command(1) = %q", got)
	}
	if n, h := r.Narration(1); n.EN != "Mount." || h.KO != "/tmp/nslab 를 써 보세요." {
		t.Errorf("Narration(1) = %+v, %+v", n, h)
	}
	if n, _ := r.Narration(0); n.EN != "Look at /tmp/nslab/rootfs." {
		t.Errorf("Narration(0) = %+v", n)
	}
	if l := r.Label(1, 1); l.EN != "mounted tmpfs at /tmp/nslab/x in host" {
		t.Errorf("Label(1, 1) = %+v", l)
	}

	res := r.Run(context.Background(), 0)
	if !res.Passed() || res.Ran || len(f.runs) != 0 {
		t.Errorf("narration-only step: %+v, runs %v", res, f.runs)
	}
	res = r.Run(context.Background(), 1)
	if !res.Passed() || !res.Ran || res.Pane != lab.Host || len(res.Checks) != 2 {
		t.Fatalf("step 2: %+v", res)
	}
	if len(f.runs) != 1 || f.runs[0] != (fakeRun{lab.Host, "mount -t tmpfs tmpfs /tmp/nslab/x", 3 * time.Second}) {
		t.Errorf("runs = %+v", f.runs)
	}
}

func TestRunnerFailsWhenTheKernelDisagrees(t *testing.T) {
	f := newFakeLab() // the mount never appears
	r, err := Start(context.Background(), f, parseEngineScenario(t))
	if err != nil {
		t.Fatal(err)
	}
	res := r.Run(context.Background(), 1)
	if res.Passed() || res.Checks[0].State != Passed || res.Checks[1].State != Failed {
		t.Errorf("got %+v", res)
	}
	if p := res.Problem(EN); p != "" {
		t.Errorf("a failed check is not a step problem: %q", p)
	}
}

func TestRunnerTimeoutIsAFailedStep(t *testing.T) {
	f := newFakeLab()
	f.results["mount -t tmpfs tmpfs /tmp/nslab/x"] = Result{Exit: -1, TimedOut: true, Duration: 3 * time.Second}
	r := mustStart(t, f, parseEngineScenario(t))
	res := r.Run(context.Background(), 1)
	if res.Passed() || res.Err != nil {
		t.Fatalf("got %+v", res)
	}
	if p := res.Problem(EN); p != "the command did not finish within 3s (no end mark)" {
		t.Errorf("problem = %q", p)
	}
	if !strings.Contains(res.Checks[0].Reason.EN, "no end mark") {
		t.Errorf("exit check after a timeout: %s", res.Checks[0].Line(EN))
	}
}

func TestRunnerLabErrors(t *testing.T) {
	f := newFakeLab()
	f.runErr = errors.New("the pane's shell has exited")
	r := mustStart(t, f, parseEngineScenario(t))
	res := r.Run(context.Background(), 1)
	if res.Passed() || res.Err == nil || !strings.Contains(res.Problem(EN), "the pane's shell has exited") {
		t.Errorf("got %+v", res)
	}
	for _, i := range []int{-1, 2} {
		if res := r.Run(context.Background(), i); res.Err == nil || res.Passed() {
			t.Errorf("Run(%d) = %+v", i, res)
		}
		if res := r.Recheck(context.Background(), i); res.Err == nil || res.Passed() {
			t.Errorf("Recheck(%d) = %+v", i, res)
		}
	}
	f = newFakeLab()
	f.resetErr = errors.New("no privileges")
	if _, err := Start(context.Background(), f, parseEngineScenario(t)); err == nil || !strings.Contains(err.Error(), "no privileges") {
		t.Errorf("Start with a failing reset: %v", err)
	}
}

func TestRunnerStopsOnCancel(t *testing.T) {
	f := newFakeLab()
	f.block = true
	r := mustStart(t, f, parseEngineScenario(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan StepResult)
	go func() { done <- r.Run(ctx, 1) }()
	cancel()
	res := <-done
	if res.Passed() || !errors.Is(res.Err, context.Canceled) {
		t.Errorf("got %+v", res)
	}
}

func TestRecheckSkipsOutputChecks(t *testing.T) {
	f := newFakeLab()
	r := mustStart(t, f, parseEngineScenario(t))
	if res := r.Run(context.Background(), 1); res.Passed() {
		t.Fatalf("the mount is missing, yet %+v", res)
	}
	f.addMount(lab.Host, xMount()) // the learner mounts it by hand
	res := r.Recheck(context.Background(), 1)
	if !res.Passed() || res.Ran || len(f.runs) != 1 {
		t.Fatalf("got %+v, runs %v", res, f.runs)
	}
	if res.Checks[0].State != Skipped || res.Checks[0].Mark() != "–" || res.Checks[1].State != Passed {
		t.Errorf("checks = %+v", res.Checks)
	}

	// A step whose only checks are about its output has nothing to re-check.
	sc, err := Parse("o.yaml", []byte(validHead+validStep))
	if err != nil {
		t.Fatal(err)
	}
	r = mustStart(t, newFakeLab(), sc)
	res = r.Recheck(context.Background(), 0)
	if res.Passed() || res.Problem(EN) != "nothing to re-check without running the command again" {
		t.Errorf("got %+v, problem %q", res, res.Problem(EN))
	}
}

func TestRunHeadlessTranscript(t *testing.T) {
	sc := parseEngineScenario(t)
	f := newFakeLab()
	f.onRun["mount -t tmpfs tmpfs /tmp/nslab/x"] = func(f *fakeLab) { f.addMount(lab.Host, xMount()) }
	f.results["mount -t tmpfs tmpfs /tmp/nslab/x"] = Result{Output: "mounted\r\nfine\n"}
	var out bytes.Buffer
	ok, err := RunHeadless(context.Background(), f, []Scenario{sc}, &out, TranscriptOptions{Lang: EN, Narration: true})
	if err != nil || !ok {
		t.Fatalf("ok=%v err=%v\n%s", ok, err, out.String())
	}
	want := `== demo (1/1): Demo
   A demo.
-- 1/2 [ns]
   # Look at /tmp/nslab/rootfs.
-- 2/2 [host] $ mount -t tmpfs tmpfs /tmp/nslab/x
   # Mount.
   | mounted
   | fine
   ✓ exit status 0: got 0
   ✓ mounted tmpfs at /tmp/nslab/x in host: mount 400: tmpfs tmpfs, root /, rw,relatime

1/1 passed
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRunHeadlessStopsAScenarioAtItsFirstFailure(t *testing.T) {
	sc := parseEngineScenario(t)
	sc.Steps[0], sc.Steps[1] = sc.Steps[1], sc.Steps[0] // the failing step first
	other := parseEngineScenario(t)
	other.ID = "other"
	f := newFakeLab()
	var out bytes.Buffer
	ok, err := RunHeadless(context.Background(), f, []Scenario{sc, other}, &out, TranscriptOptions{Lang: KO})
	if err != nil || ok {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
	got := out.String()
	for _, want := range []string{
		"== demo (1/2): 데모\n",
		"   ✗ host 창에서 /tmp/nslab/x 경로에 마운트됨 (tmpfs): host 창의 마운트 테이블에 없습니다 (마운트 3개, 가장 가까운 것: /tmp tmpfs)\n",
		"   힌트: /tmp/nslab 를 써 보세요.\n",
		"   중단: 남은 1단계는 실행하지 않았습니다\n",
		"== other (2/2): 데모\n",
		"\n0/2 통과; 실패: demo, other\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
	if first, _, _ := strings.Cut(got, "== other"); strings.Contains(first, "-- 2/2") {
		t.Errorf("a step after the failure ran:\n%s", got)
	}
	if len(f.resets) != 2 {
		t.Errorf("resets = %d, want one per scenario", len(f.resets))
	}
}

func TestRunHeadlessReportsAFailedStart(t *testing.T) {
	f := newFakeLab()
	f.resetErr = errors.New("cannot unshare")
	var out bytes.Buffer
	ok, err := RunHeadless(context.Background(), f, []Scenario{parseEngineScenario(t)}, &out, TranscriptOptions{})
	if ok || err != nil || !strings.Contains(out.String(), "   ✗ start scenario demo: reset the lab: cannot unshare\n") {
		t.Errorf("ok=%v err=%v\n%s", ok, err, out.String())
	}
}

func TestRunHeadlessCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	ok, err := RunHeadless(ctx, newFakeLab(), []Scenario{parseEngineScenario(t)}, &out, TranscriptOptions{})
	if ok || !errors.Is(err, context.Canceled) {
		t.Errorf("ok=%v err=%v", ok, err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRunHeadlessWriteError(t *testing.T) {
	ok, err := RunHeadless(context.Background(), newFakeLab(), []Scenario{parseEngineScenario(t)}, failingWriter{}, TranscriptOptions{})
	if ok || err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("ok=%v err=%v", ok, err)
	}
}

func TestRunHeadlessMarkdownHandout(t *testing.T) {
	sc := parseEngineScenario(t)
	f := newFakeLab()
	f.onRun["mount -t tmpfs tmpfs /tmp/nslab/x"] = func(f *fakeLab) { f.addMount(lab.Host, xMount()) }
	f.results["mount -t tmpfs tmpfs /tmp/nslab/x"] = Result{Output: "has ``` fences\n"}
	var out, md bytes.Buffer
	ok, err := RunHeadless(context.Background(), f, []Scenario{sc}, &out, TranscriptOptions{Lang: EN, Markdown: &md})
	if err != nil || !ok {
		t.Fatalf("ok=%v err=%v\n%s", ok, err, out.String())
	}
	want := "# nslab: a lab transcript\n\n" +
		"## 1. Demo (`demo`)\n\nA demo.\n\n" +
		"### Step 1/2 — ns\n\nLook at /tmp/nslab/rootfs.\n\n\n" +
		"### Step 2/2 — host\n\nMount.\n\n" +
		"```console\n[host] # mount -t tmpfs tmpfs /tmp/nslab/x\n```\n\n" +
		"````text\nhas ``` fences\n````\n\n" +
		"- ✓ exit status 0: got 0\n" +
		"- ✓ mounted tmpfs at /tmp/nslab/x in host: mount 400: tmpfs tmpfs, root /, rw,relatime\n\n" +
		"---\n\n**1/1 passed**\n"
	if md.String() != want {
		t.Errorf("markdown:\n%s\nwant:\n%s", md.String(), want)
	}

	// A failure carries its hint and the steps left, in the chosen language.
	sc.Steps[0], sc.Steps[1] = sc.Steps[1], sc.Steps[0]
	md.Reset()
	ok, err = RunHeadless(context.Background(), newFakeLab(), []Scenario{sc}, &out, TranscriptOptions{Lang: KO, Markdown: &md})
	got := md.String()
	if ok || err != nil || !strings.Contains(got, "# nslab 실습 기록") || !strings.Contains(got, "- ✗ host 창에서 /tmp/nslab/x 경로에 마운트됨") ||
		!strings.Contains(got, "> 힌트: /tmp/nslab 를 써 보세요.") || !strings.Contains(got, "*중단: 남은 1단계는 실행하지 않았습니다*") ||
		!strings.Contains(got, "**0/1 통과** — 실패: demo") {
		t.Errorf("failed run, Korean handout:\n%s", got)
	}
}

func TestRewindResetsAndReplays(t *testing.T) {
	sc := parseEngineScenario(t) // step 0: narration only in ns; step 1: mount in host
	sc.Steps = append(sc.Steps, sc.Steps[1])
	f := newFakeLab()
	r, err := Start(context.Background(), f, sc)
	if err != nil {
		t.Fatal(err)
	}
	for i, pass := range []bool{true, false, false} { // the mount never appears
		if res := r.Run(context.Background(), i); res.Err != nil || res.Passed() != pass {
			t.Fatalf("step %d: %+v, want passed %v", i+1, res, pass)
		}
	}
	runsBefore := len(f.runs)
	if err := r.Rewind(context.Background(), 2); err != nil {
		t.Fatalf("rewind: %v", err)
	}
	if len(f.resets) != 2 || f.resets[1] != sc.NSStart {
		t.Errorf("resets %v, want a second one with the scenario's start", f.resets)
	}
	replayed := f.runs[runsBefore:]
	if len(replayed) != 1 || replayed[0].cmd != "mount -t tmpfs tmpfs /tmp/nslab/x" || replayed[0].pane != lab.Host {
		t.Errorf("replayed %+v, want step 2's command only (step 1 is narration)", replayed)
	}
	for _, bad := range []int{-1, 3} {
		if err := r.Rewind(context.Background(), bad); err == nil {
			t.Errorf("rewind to %d accepted", bad)
		}
	}
	f.resetErr = errors.New("cannot unshare")
	if err := r.Rewind(context.Background(), 1); err == nil || !strings.Contains(err.Error(), "cannot unshare") {
		t.Errorf("rewind with a failing reset: %v", err)
	}
	f.resetErr = nil
	f.results["mount -t tmpfs tmpfs /tmp/nslab/x"] = Result{TimedOut: true}
	if err := r.Rewind(context.Background(), 2); err == nil || !strings.Contains(err.Error(), "did not finish") {
		t.Errorf("rewind whose replay times out: %v", err)
	}
}

// When a step passed, and what it says went wrong apart from its checks.
func TestStepResultVerdict(t *testing.T) {
	passed := CheckResult{State: Passed}
	failed := CheckResult{State: Failed}
	skipped := CheckResult{State: Skipped}
	tests := []struct {
		name    string
		res     StepResult
		pass    bool
		problem Text
	}{
		{"lab error", StepResult{Command: "x", Err: errors.New("boom\nagain")}, false,
			Text{EN: `could not run the step: boom\nagain`, KO: `단계를 실행하지 못했습니다: boom\nagain`}},
		{"timed out", StepResult{Command: "x", Ran: true, Result: Result{TimedOut: true, Duration: 2960 * time.Millisecond}, Checks: []CheckResult{passed}}, false,
			Text{EN: "the command did not finish within 3s (no end mark)", KO: "명령이 3s 안에 끝나지 않았습니다 (끝 표시 없음)"}},
		{"timed out before, re-checked now", StepResult{Command: "x", Result: Result{TimedOut: true}, Checks: []CheckResult{passed}}, true, Text{}},
		{"ran, every check passed", StepResult{Command: "x", Ran: true, Checks: []CheckResult{passed, passed}}, true, Text{}},
		{"ran, a check failed", StepResult{Command: "x", Ran: true, Checks: []CheckResult{passed, failed}}, false, Text{}},
		{"ran, no checks", StepResult{Command: "x", Ran: true}, true, Text{}},
		{"re-checked, only skipped", StepResult{Command: "x", Checks: []CheckResult{skipped, skipped}}, false,
			Text{EN: "nothing to re-check without running the command again", KO: "명령을 다시 실행하지 않고는 다시 확인할 것이 없습니다"}},
		{"re-checked, one evaluated", StepResult{Command: "x", Checks: []CheckResult{skipped, passed}}, true, Text{}},
		{"re-checked, one failed", StepResult{Command: "x", Checks: []CheckResult{skipped, failed}}, false, Text{}},
		{"re-checked, no checks", StepResult{Command: "x"}, true, Text{}},
		{"narration only", StepResult{}, true, Text{}},
		{"narration only, a check failed", StepResult{Checks: []CheckResult{failed}}, false, Text{}},
		{"narration only, only skipped", StepResult{Checks: []CheckResult{skipped}}, true, Text{}},
	}
	for _, tt := range tests {
		if got := tt.res.Passed(); got != tt.pass {
			t.Errorf("%s: Passed() = %v, want %v", tt.name, got, tt.pass)
		}
		for _, l := range []Lang{EN, KO} {
			if got, want := tt.res.Problem(l), tt.problem.In(l); got != want {
				t.Errorf("%s: Problem(%s) = %q, want %q", tt.name, l, got, want)
			}
		}
	}
}

// Every way a runner can fail says which step of which scenario, and why.
func TestRunnerErrorsSayWhere(t *testing.T) {
	ctx := context.Background()
	const mountCmd = "mount -t tmpfs tmpfs /tmp/nslab/x"
	errText := func(err error) string {
		if err == nil {
			return "<nil>"
		}
		return err.Error()
	}
	f := newFakeLab()
	r := mustStart(t, f, parseEngineScenario(t))
	for _, tt := range []struct {
		got  error
		want string
	}{
		{r.Run(ctx, -1).Err, "run step 0 of demo: no such step (2 steps)"},
		{r.Run(ctx, 2).Err, "run step 3 of demo: no such step (2 steps)"},
		{r.Recheck(ctx, -1).Err, "re-check step 0 of demo: no such step (2 steps)"},
		{r.Recheck(ctx, 2).Err, "re-check step 3 of demo: no such step (2 steps)"},
		{r.Rewind(ctx, -1), "rewind demo to step 0: no such step (2 steps)"},
		{r.Rewind(ctx, 2), "rewind demo to step 3: no such step (2 steps)"},
	} {
		if errText(tt.got) != tt.want {
			t.Errorf("got %s\nwant %s", errText(tt.got), tt.want)
		}
	}
	if len(f.runs) != 0 || len(f.resets) != 1 {
		t.Errorf("a bad index ran %v, reset %d times", f.runs, len(f.resets))
	}
	for _, i := range []int{-1, 2} {
		if c, l, j := r.Command(i), r.Label(i, 0), r.Label(1, i); c != "" || !l.IsZero() || !j.IsZero() {
			t.Errorf("step %d: command %q, label %+v; check %d of step 2: label %+v", i, c, l, i, j)
		}
		if n, h := r.Narration(i); !n.IsZero() || !h.IsZero() {
			t.Errorf("narration of step %d: %+v, %+v", i, n, h)
		}
	}

	// Step 0 of a scenario that starts with a command has all of its parts.
	swapped := parseEngineScenario(t)
	swapped.Steps[0], swapped.Steps[1] = swapped.Steps[1], swapped.Steps[0]
	r0 := mustStart(t, f, swapped)
	if c, l := r0.Command(0), r0.Label(0, 0); c != mountCmd || l.EN != "exit status 0" {
		t.Errorf("step 1: command %q, label of check 1 %+v", c, l)
	}
	if n, _ := r0.Narration(0); n.EN != "Mount." {
		t.Errorf("step 1: narration %+v", n)
	}
	if err := r0.Rewind(ctx, 0); err != nil || len(f.runs) != 0 {
		t.Errorf("rewind to step 1: %v, replayed %v", err, f.runs)
	}

	// A rewind to a third step replays the second.
	sc3 := parseEngineScenario(t)
	sc3.Steps = append(sc3.Steps, sc3.Steps[1])
	r3 := mustStart(t, f, sc3)
	f.runErr = errors.New("the pane's shell has exited")
	if got := errText(r.Run(ctx, 1).Err); got != "run step 2 of demo in host: the pane's shell has exited" {
		t.Errorf("Run with a lab error: %s", got)
	}
	if got := errText(r3.Rewind(ctx, 2)); got != "rewind demo: replay step 2 in host: the pane's shell has exited" {
		t.Errorf("Rewind with a lab error: %s", got)
	}
	f.runErr = nil
	f.results[mountCmd] = Result{TimedOut: true}
	if got := errText(r3.Rewind(ctx, 2)); got != `rewind demo: replay step 2 in host: "`+mountCmd+`" did not finish` {
		t.Errorf("Rewind whose replay times out: %s", got)
	}

	// The context ends while the command runs: no checks, and the step says so.
	cctx, cancel := context.WithCancel(ctx)
	f.results[mountCmd] = Result{Output: "done"}
	f.onRun[mountCmd] = func(*fakeLab) { cancel() }
	res := r.Run(cctx, 1)
	if errText(res.Err) != "run step 2 of demo: context canceled" || !res.Ran || res.Result.Output != "done" || len(res.Checks) != 0 {
		t.Errorf("Run cancelled during the command: %+v", res)
	}
	// A re-check in an ended context evaluates nothing, and says so.
	res = r.Recheck(cctx, 1)
	if errText(res.Err) != "re-check step 2 of demo: context canceled" || res.Passed() || len(res.Checks) != 2 ||
		res.Checks[0].State != Skipped || res.Checks[1].State != Failed ||
		res.Checks[1].Reason != (Text{EN: "not checked: interrupted", KO: "확인하지 못했습니다: 중단되었습니다"}) {
		t.Errorf("Recheck in an ended context: %+v", res)
	}

	f.resetErr = errors.New("cannot unshare")
	if got := errText(r.Rewind(ctx, 1)); got != "rewind demo: reset the lab: cannot unshare" {
		t.Errorf("Rewind with a failing reset: %s", got)
	}
	if _, err := Start(ctx, f, parseEngineScenario(t)); errText(err) != "start scenario demo: reset the lab: cannot unshare" {
		t.Errorf("Start with a failing reset: %s", errText(err))
	}
	f.resetErr, f.wsErr = nil, errors.New("no rootfs")
	if got := errText(r.Rewind(ctx, 1)); got != "rewind demo: read the workspace: no rootfs" {
		t.Errorf("Rewind without a workspace: %s", got)
	}
	if _, err := Start(ctx, f, parseEngineScenario(t)); errText(err) != "start scenario demo: read the workspace: no rootfs" {
		t.Errorf("Start without a workspace: %s", errText(err))
	}
}

// A re-check shows the result of the step's last run; a rewind forgets it.
func TestRecheckShowsTheLastRun(t *testing.T) {
	ctx := context.Background()
	f := newFakeLab()
	f.results["mount -t tmpfs tmpfs /tmp/nslab/x"] = Result{Output: "first", Exit: 3}
	r := mustStart(t, f, parseEngineScenario(t))
	if res := r.Recheck(ctx, 1); res.Result != (Result{}) {
		t.Errorf("before any run: %+v", res.Result)
	}
	r.Run(ctx, 1)
	if res := r.Recheck(ctx, 1); res.Result != (Result{Output: "first", Exit: 3}) || res.Ran {
		t.Errorf("after a run: %+v", res)
	}
	if err := r.Rewind(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if res := r.Recheck(ctx, 1); res.Result != (Result{}) {
		t.Errorf("after a rewind to the step: %+v", res.Result)
	}
}

// A scenario stopped at a failure counts the steps left after it, in both renderings;
// at the last step nothing is left and nothing is said.
func TestRunHeadlessCountsTheStepsNotRun(t *testing.T) {
	sc := parseEngineScenario(t) // step 2 fails: the mount never appears
	sc.Steps = append(sc.Steps, sc.Steps[0], sc.Steps[0])
	for _, tt := range []struct {
		steps int
		text  string
		md    string
	}{
		{4, "   stopped: 2 later steps not run\n", "\n*stopped: 2 later steps not run*\n"},
		{3, "   stopped: 1 later steps not run\n", "\n*stopped: 1 later steps not run*\n"},
		{2, "", ""},
	} {
		sc := sc
		sc.Steps = sc.Steps[:tt.steps]
		var out, md bytes.Buffer
		ok, err := RunHeadless(context.Background(), newFakeLab(), []Scenario{sc}, &out, TranscriptOptions{Lang: EN, Markdown: &md})
		if ok || err != nil {
			t.Fatalf("%d steps: ok=%v err=%v", tt.steps, ok, err)
		}
		for _, r := range []struct{ got, want string }{{out.String(), tt.text}, {md.String(), tt.md}} {
			if tt.steps == 2 {
				if strings.Contains(r.got, "stopped") {
					t.Errorf("failed at the last step, yet:\n%s", r.got)
				}
			} else if !strings.Contains(r.got, r.want) {
				t.Errorf("%d steps: no %q in\n%s", tt.steps, r.want, r.got)
			}
		}
	}
}
