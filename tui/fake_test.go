package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/moby/sys/mountinfo"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
	"github.com/nslab/nslab/scenarios"
)

// hangLimit bounds waits for something that must happen; reaching it means it
// never happened, not that it was slow. It is minutes, not seconds: a busy CI
// machine may take long, and every wait ends as soon as what it awaits is
// there, so a generous limit costs a passing run nothing.
const hangLimit = 2 * time.Minute

// fixedNow is the clock of every golden frame.
var fixedNow = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// fakePane is a pane without a shell: the test writes its output, and its
// input and resizes are recorded.
type fakePane struct {
	mu       sync.Mutex
	role     lab.Role
	sink     io.Writer
	input    bytes.Buffer
	cols     int
	rows     int
	resizes  int
	alive    bool
	status   int
	restarts int
	delay    time.Duration
	onInput  chan struct{}
	// refuse makes the next writes fail as the lab's full input queue does.
	refuse int
	// shell is the shell's pid, that of sampleState's snapshot; fg the
	// foreground group, the shell's unless a test runs a program.
	shell, fg int
}

func newFakePane(r lab.Role) *fakePane {
	shell := 4242
	if r == lab.NS {
		shell = 4250
	}
	return &fakePane{role: r, alive: true, cols: 80, rows: 24, onInput: make(chan struct{}, 1), shell: shell, fg: shell}
}

func (p *fakePane) ShellPID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.alive {
		return 0
	}
	return p.shell
}

func (p *fakePane) ForegroundGroup() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fg
}

func (p *fakePane) Write(b []byte) (int, error) {
	p.mu.Lock()
	if p.refuse > 0 {
		p.refuse--
		p.mu.Unlock()
		return 0, errors.New("pane input queue full")
	}
	p.input.Write(b)
	p.mu.Unlock()
	select {
	case p.onInput <- struct{}{}:
	default:
	}
	return len(b), nil
}

func (p *fakePane) SetSink(w io.Writer) {
	p.mu.Lock()
	p.sink = w
	p.mu.Unlock()
}

func (p *fakePane) Resize(cols, rows int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if cols < 1 || rows < 1 {
		return errors.New("bad size")
	}
	p.cols, p.rows = cols, rows
	p.resizes++
	return nil
}

func (p *fakePane) Restart(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.restarts++
	p.alive = true
	return nil
}

func (p *fakePane) Alive() (bool, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.alive, p.status
}

func (p *fakePane) SetTypeDelay(d time.Duration) {
	p.mu.Lock()
	p.delay = d
	p.mu.Unlock()
}

// output writes as the shell would.
func (p *fakePane) output(s string) {
	p.mu.Lock()
	sink := p.sink
	p.mu.Unlock()
	if sink != nil {
		_, _ = sink.Write([]byte(s))
	}
}

func (p *fakePane) typed() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.input.String()
}

func (p *fakePane) size() (int, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cols, p.rows
}

// fakeLab is a lab whose state the test sets.
type fakeLab struct {
	panes  map[lab.Role]*fakePane
	events chan lab.Event
	mu     sync.Mutex
	state  lab.State
	// marks is what EndMarks says: commands ended so far.
	marks uint64
}

func newFakeLab() *fakeLab {
	return &fakeLab{
		panes:  map[lab.Role]*fakePane{lab.Host: newFakePane(lab.Host), lab.NS: newFakePane(lab.NS)},
		events: make(chan lab.Event, 64),
		state:  sampleState(),
	}
}

func (f *fakeLab) Pane(r lab.Role) Pane {
	if p, ok := f.panes[r]; ok {
		return p
	}
	return nil
}
func (f *fakeLab) Events() <-chan lab.Event { return f.events }
func (f *fakeLab) EndMarks() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.marks
}
func (f *fakeLab) State() lab.State {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state
}

func (f *fakeLab) setState(s lab.State) {
	f.mu.Lock()
	f.state = s
	f.mu.Unlock()
}

// ----- sample kernel state -----

func mount(id, parent int, point, fstype, source string, prop mnt.Propagation) mnt.Mount {
	minor := 0
	for _, c := range point + fstype {
		minor = (minor*31 + int(c)) % 251
	}
	return mnt.Mount{Info: mountinfo.Info{ID: id, Parent: parent, Major: 0, Minor: minor, Root: "/",
		Mountpoint: point, Options: "rw,relatime", FSType: fstype, Source: source, VFSOptions: "rw"},
		Propagation: prop}
}

var (
	private = mnt.Propagation{Type: mnt.Private}
	slave1  = mnt.Propagation{Type: mnt.Slave, Master: 1}
)

func shared(n int) mnt.Propagation { return mnt.Propagation{Type: mnt.Shared, PeerGroup: n} }

func slaveOf(n int) mnt.Propagation { return mnt.Propagation{Type: mnt.Slave, Master: n} }

// nsInodes are a process's namespaces: mntIno for mnt, the same numbers for
// the rest in every process, and each for-children link its base's, as
// after any unshare but unshare --pid or --time without a fork.
func nsInodes(mntIno uint64) map[lab.NSType]uint64 {
	m := map[lab.NSType]uint64{}
	for i, t := range lab.NSTypes {
		m[t] = 4026531834 + uint64(i)
	}
	for _, t := range lab.NSTypes {
		if base, ok := nsBase(t); ok {
			m[t] = m[base]
		}
	}
	m[lab.NSMnt] = mntIno
	return m
}

// sampleTables are a host and an ns table with one row of every diff class
// (/tmp/shared_demo is shared:7 on the host side, a private copy remounted
// read-only in ns), and a slave copy: /run is shared:3 on the host side and
// master:3 in ns.
func sampleTables() (host, ns []mnt.Mount) {
	common := func(base int, rootProp mnt.Propagation) []mnt.Mount {
		return []mnt.Mount{
			mount(base, base-1, "/", "ext4", "/dev/vda1", rootProp),
			mount(base+1, base, "/proc", "proc", "proc", private),
			mount(base+2, base, "/sys", "sysfs", "sysfs", private),
			mount(base+3, base, "/dev", "devtmpfs", "udev", private),
			mount(base+4, base+3, "/dev/pts", "devpts", "devpts", private),
			mount(base+5, base, "/tmp", "tmpfs", "nslab-workspace", private),
		}
	}
	host = append(common(100, slave1),
		mount(120, 105, "/tmp/mount_test", "tmpfs", "tmpfs", private),
		mount(121, 105, "/tmp/shared_demo", "tmpfs", "demo", shared(7)),
		mount(122, 100, "/run", "tmpfs", "tmpfs", shared(3)))
	readOnly := mount(221, 205, "/tmp/shared_demo", "tmpfs", "demo", private)
	readOnly.Options = "ro,relatime"
	ns = append(common(200, slave1),
		mount(220, 205, "/tmp/ns_only", "tmpfs", "tmpfs", private),
		readOnly,
		mount(222, 200, "/run", "tmpfs", "tmpfs", slaveOf(3)))
	return host, ns
}

func sampleState() lab.State {
	host, ns := sampleTables()
	return lab.State{
		Host: lab.Snapshot{Pane: lab.Host, PID: 4242, Comm: "bash", NS: nsInodes(4026532301), Root: "/", Cwd: "/root", Mounts: host, TablePID: 4242, Time: fixedNow},
		NS:   lab.Snapshot{Pane: lab.NS, PID: 4250, Comm: "bash", NS: nsInodes(4026532377), Root: "/", Cwd: "/root", Mounts: ns, TablePID: 4250, Time: fixedNow},
		Diff: mnt.Diff(host, ns),
		Seq:  1,
	}
}

// ----- fake scenarios lab -----

// fakeScenarioLab runs no commands: each gives the canned result, and the
// kernel is the fake lab's state.
type fakeScenarioLab struct {
	lab     *fakeLab
	mu      sync.Mutex
	resets  int
	results map[string]scenarios.Result
	// release, when set, holds Run until the test sends on it; hold does
	// the same for Reset.
	release chan struct{}
	hold    chan struct{}
	ran     []string
	// delays is the pane's type delay at each Run.
	delays []time.Duration
}

func (f *fakeScenarioLab) Reset(ctx context.Context, _ scenarios.NSStart) error {
	f.mu.Lock()
	f.resets++
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// counts gives the resets so far and the commands typed.
func (f *fakeScenarioLab) counts() (resets int, ran []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.resets, append([]string(nil), f.ran...)
}

func (f *fakeScenarioLab) Run(ctx context.Context, pane lab.Role, cmd string, _ time.Duration) (scenarios.Result, error) {
	p := f.lab.panes[pane]
	p.mu.Lock()
	delay := p.delay
	p.mu.Unlock()
	f.mu.Lock()
	f.ran = append(f.ran, cmd)
	f.delays = append(f.delays, delay)
	rel := f.release
	res, ok := f.results[cmd]
	f.mu.Unlock()
	if rel != nil {
		select {
		case <-rel:
		case <-ctx.Done():
			return scenarios.Result{}, ctx.Err()
		}
	}
	if !ok {
		res = scenarios.Result{Exit: 0}
	}
	return res, nil
}

func (f *fakeScenarioLab) Inspect(pane lab.Role) (lab.Snapshot, error) {
	return f.lab.State().Snapshot(pane), nil
}

func (f *fakeScenarioLab) PathVisible(lab.Role, string) (bool, error) { return false, nil }
func (f *fakeScenarioLab) RootIsMountpoint(lab.Role) (bool, error)    { return true, nil }
func (f *fakeScenarioLab) ProcView(lab.Role) ([]int, []int, error)    { return []int{1}, []int{1}, nil }
func (f *fakeScenarioLab) Workspace(context.Context) (scenarios.Workspace, error) {
	return scenarios.Workspace{Dir: "/tmp/nslab", Rootfs: "/tmp/nslab/rootfs", Canary: "/tmp/nslab/canary", Token: "t0k3n", NSLab: "/bin/nslab"}, nil
}

// sampleScenario has a step that passes against the sample state and one that
// fails with a hint.
func sampleScenario(t testing.TB) scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse("sample.yaml", []byte(`id: tmpfs-demo
title: {en: A new mount stays in its own namespace, ko: 새 마운트는 자기 네임스페이스에만 있습니다}
summary: {en: Mount a tmpfs on one side only., ko: 한쪽에만 tmpfs를 마운트합니다.}
steps:
  - pane: host
    narration:
      en: Mount a tmpfs on /tmp/mount_test in the host pane. It lives in memory, and only in this namespace's table.
      ko: host 창에서 /tmp/mount_test에 tmpfs를 마운트해 보세요. 메모리에 있고, 이 네임스페이스의 테이블에만 있습니다.
    command: mount -t tmpfs tmpfs /tmp/mount_test
    checks:
      - exit: 0
      - mounted: /tmp/mount_test
        fstype: tmpfs
      - not_mounted: /tmp/mount_test
        pane: ns
  - pane: ns
    narration:
      en: The namespace does not see it. Now claim the opposite, to see a check fail.
      ko: 네임스페이스에서는 보이지 않습니다. 이번에는 반대로 주장해서 확인이 실패하는 것을 봅니다.
    command: findmnt /tmp/mount_test
    hint:
      en: Mount it in the ns pane by hand, then press F5 to check again.
      ko: ns 창에서 직접 마운트한 뒤 F5를 눌러 다시 확인하세요.
    checks:
      - exit: 0
      - mounted: /tmp/mount_test
`))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// ----- driving a program -----

// probeMsg runs f on the program's own goroutine, between two Updates.
type probeMsg struct {
	f    func(*Model)
	done chan struct{}
}

// probeFilter lets probeMsg through to the model without Update seeing it.
func probeFilter(m tea.Model, msg tea.Msg) tea.Msg {
	if p, ok := msg.(probeMsg); ok {
		p.f(m.(*Model))
		close(p.done)
		return nil
	}
	return msg
}

// harness is a model running in a teatest program over a fake lab.
type harness struct {
	t      *testing.T
	tm     *teatest.TestModel
	lab    *fakeLab
	cancel context.CancelFunc
}

func startHarness(t *testing.T, w, h int, opts Options) *harness {
	t.Helper()
	fl := newFakeLab()
	return startHarnessWith(t, fl, w, h, opts)
}

func startHarnessWith(t *testing.T, fl *fakeLab, w, h int, opts Options) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	m := New(ctx, fl, opts)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h), teatest.WithProgramOptions(
		tea.WithFilter(probeFilter), tea.WithColorProfile(colorprofile.TrueColor), tea.WithContext(ctx)))
	hs := &harness{t: t, tm: tm, lab: fl, cancel: cancel}
	t.Cleanup(func() {
		if err := tm.Quit(); err != nil {
			t.Errorf("quit the program: %v", err)
		}
		tm.WaitFinished(t, teatest.WithFinalTimeout(hangLimit), teatest.WithTimeoutFn(func(tb testing.TB) {
			tb.Fatalf("waited %v for the program to end after Quit; it still runs", hangLimit)
		}))
		cancel()
		m.Close()
	})
	// The starting state arrives by a command; wait for it.
	hs.until("the first state and the window size", func(m *Model) bool { return m.state.Seq != 0 && m.sized })
	return hs
}

// do runs f on the program's goroutine and waits for it.
func (h *harness) do(f func(*Model)) {
	h.t.Helper()
	done := make(chan struct{})
	h.tm.Send(probeMsg{f: f, done: done})
	select {
	case <-done:
	case <-time.After(hangLimit):
		h.t.Fatalf("the program did not answer a probe in %v: it is stuck in an Update or a View, or it ended", hangLimit)
	}
}

// until waits until cond holds on the model; what names it for the failure,
// which shows the last frame the model drew.
func (h *harness) until(what string, cond func(*Model) bool) {
	h.t.Helper()
	h.untilSeen(what, func(m *Model) (bool, string) { return cond(m), "" })
}

// untilSeen is until with a word on what the model was at when cond last
// failed, for the failure message.
func (h *harness) untilSeen(what string, cond func(*Model) (bool, string)) {
	h.t.Helper()
	deadline := time.Now().Add(hangLimit)
	for {
		ok, seen := false, ""
		h.do(func(m *Model) { ok, seen = cond(m) })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			if seen != "" {
				seen = " (last seen: " + seen + ")"
			}
			h.t.Fatalf("waited %v for %s; it never came%s. The last frame:\n%s", hangLimit, what, seen, ansi.Strip(h.frame()))
		}
		time.Sleep(time.Millisecond)
	}
}

// frame is the screen as the model draws it now.
func (h *harness) frame() string {
	h.t.Helper()
	var s string
	h.do(func(m *Model) { s = m.View().Content })
	return s
}

// send sends messages in order; a probe after them waits until all are handled.
func (h *harness) send(msgs ...tea.Msg) {
	h.t.Helper()
	for _, m := range msgs {
		h.tm.Send(m)
	}
	h.do(func(*Model) {})
}

func press(code rune, mod tea.KeyMod) tea.KeyPressMsg {
	return tea.KeyPressMsg{Code: code, Mod: mod}
}

func typeKey(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

// phaseNames name the walkthrough's phases for failure messages.
var phaseNames = map[walkPhase]string{
	walkStarting: "starting", walkRewinding: "rewinding", walkReady: "ready", walkRunning: "running",
	walkResult: "showing a result", walkFinished: "finished", walkBroken: "broken",
}

// untilWalk waits until the walkthrough is in phase, at step (0-based; -1:
// any step). A failure says what was awaited, where the walkthrough was, and
// the last frame.
func (h *harness) untilWalk(phase walkPhase, step int) {
	h.t.Helper()
	what := "the walkthrough " + phaseNames[phase]
	if step >= 0 {
		what += fmt.Sprintf(" at step %d", step+1)
	}
	h.untilSeen(what, func(m *Model) (bool, string) {
		return m.walk.phase == phase && (step < 0 || m.walk.step == step),
			fmt.Sprintf("%s at step %d", phaseNames[m.walk.phase], m.walk.step+1)
	})
}

// englishData is what the panels draw with, in English, for tests that call
// a panel directly.
func englishData(s lab.State, hl *highlights) panelData {
	wd := wordsFor(scenarios.EN)
	keys := keyMapIn(wd)
	return panelData{state: s, hl: hl, wd: &wd, keys: &keys}
}

// receive waits for a value on ch; what names it for the failure.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(hangLimit):
		t.Fatalf("waited %v for %s; it never came", hangLimit, what)
		panic("unreachable")
	}
}

// deliver sends v on ch, waiting for its taker; what names the taker for
// the failure.
func deliver[T any](t *testing.T, ch chan<- T, v T, what string) {
	t.Helper()
	select {
	case ch <- v:
	case <-time.After(hangLimit):
		t.Fatalf("waited %v for %s to take a value; it never did", hangLimit, what)
	}
}
