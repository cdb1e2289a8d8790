package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
	"github.com/nslab/nslab/scenarios"
)

// Golden frames: the screen as the model draws it, driven through a real
// Bubble Tea program over a fake lab. Plain frames (escapes stripped) check
// the layout; styled frames check a theme. `go test ./tui -update` rewrites
// them.

// requirePlain compares the frame without its styling.
func requirePlain(t *testing.T, frame string) {
	t.Helper()
	teatest.RequireEqualOutput(t, []byte(ansi.Strip(frame)+"\n"))
}

// requireStyled compares the frame with its escape sequences.
func requireStyled(t *testing.T, frame string) {
	t.Helper()
	teatest.RequireEqualOutput(t, []byte(frame+"\n"))
}

// requireSize fails unless the frame is exactly w×h cells.
func requireSize(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Fatalf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(l))
		}
	}
}

// shellOutput puts a little of a real session on each pane.
func shellOutput(h *harness) {
	h.lab.panes[lab.Host].output("\x1b[1;32m[host]\x1b[0m ~ # mkdir -p /tmp/mount_test && mount -t tmpfs tmpfs /tmp/mount_test\r\n\x1b[1;32m[host]\x1b[0m ~ # ")
	h.lab.panes[lab.NS].output("\x1b[1;34m[ns]\x1b[0m ~ # findmnt /tmp/mount_test; echo $?\r\n1\r\n\x1b[1;34m[ns]\x1b[0m ~ # ")
	h.until("two [ns] prompts on the ns pane", func(m *Model) bool { return strings.Count(ansi.Strip(m.panes[1].term.Render()), "[ns]") == 2 })
}

func TestGoldenSizes(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{
		{"80x24", 80, 24},
		{"100x30", 100, 30},
		{"160x48", 160, 48},
		{"250x70", 250, 70},
	} {
		t.Run(sz.name, func(t *testing.T) {
			h := startHarness(t, sz.w, sz.h, Options{})
			shellOutput(h)
			f := h.frame()
			requireSize(t, f, sz.w, sz.h)
			requirePlain(t, f)
		})
	}
}

func TestGoldenTooSmall(t *testing.T) {
	h := startHarness(t, 60, 20, Options{})
	f := h.frame()
	requireSize(t, f, 60, 20)
	if n := strings.Count(ansi.Strip(f), "80×24"); n != 1 {
		t.Fatalf("the size needed appears %d times, want once", n)
	}
	requirePlain(t, f)
}

func TestGoldenHelpOverlay(t *testing.T) {
	h := startHarness(t, 100, 30, Options{})
	h.send(press(tea.KeyF1, 0))
	f := h.frame()
	requireSize(t, f, 100, 30)
	requirePlain(t, f)
	// Any key closes it and is not typed.
	h.send(typeKey('q'))
	if strings.Contains(ansi.Strip(h.frame()), "nslab keys") {
		t.Fatal("the help overlay stayed open after a key")
	}
}

func TestGoldenFocusPanel(t *testing.T) {
	h := startHarness(t, 160, 48, Options{})
	shellOutput(h)
	h.send(press(tea.KeyRight, tea.ModAlt), press(tea.KeyF2, 0), press(tea.KeyF2, 0))
	h.until("the focus on the mount panel", func(m *Model) bool { return m.focus == targetDiff })
	requirePlain(t, h.frame())
}

func TestGoldenZoomPane(t *testing.T) {
	h := startHarness(t, 100, 30, Options{})
	shellOutput(h)
	h.send(press(tea.KeyRight, tea.ModAlt), press('z', tea.ModAlt))
	f := h.frame()
	requireSize(t, f, 100, 30)
	requirePlain(t, f)
	// The pane's terminal took the zoomed size.
	h.until("the ns pane's terminal at 98×27", func(m *Model) bool {
		c, r := m.panes[1].term.Size()
		return c == 98 && r == 27
	})
}

func TestGoldenZoomPanel(t *testing.T) {
	h := startHarness(t, 100, 30, Options{})
	h.send(press(tea.KeyF2, 0), press(tea.KeyF2, 0), press(tea.KeyF2, 0), press('z', tea.ModAlt))
	requirePlain(t, h.frame())
}

func TestGoldenShellExited(t *testing.T) {
	h := startHarness(t, 100, 30, Options{})
	shellOutput(h)
	h.lab.panes[lab.NS].output("exit\r\n")
	h.lab.events <- lab.Event{Time: fixedNow, Pane: lab.NS, Kind: lab.ShellExited, Status: 3}
	h.until("the ns pane's shell to be shown as exited", func(m *Model) bool { return !m.panes[1].alive })
	h.send(press(tea.KeyRight, tea.ModAlt))
	requirePlain(t, h.frame())
}

// changedState is the sample state after a mount in host, a remount in ns, an
// unmount of a mount on both sides, and an unshare in ns.
func changedState() (lab.State, []lab.Event) {
	s := sampleState()
	hostTbl := append([]mnt.Mount(nil), s.Host.Mounts...)
	nsTbl := append([]mnt.Mount(nil), s.NS.Mounts...)
	added := mount(130, 105, "/tmp/new_in_host", "tmpfs", "tmpfs", private)
	hostTbl = append(hostTbl, added)
	old := nsTbl[6]
	remounted := old
	remounted.Options = "ro,relatime"
	nsTbl[6] = remounted
	gone := hostTbl[5] // /tmp leaves both tables
	hostTbl = append(hostTbl[:5], hostTbl[6:]...)
	goneNS := nsTbl[5]
	nsTbl = append(nsTbl[:5], nsTbl[6:]...)
	s.Host.Mounts, s.NS.Mounts = hostTbl, nsTbl
	s.NS.NS = nsInodes(4026532499)
	s.Diff = mnt.Diff(hostTbl, nsTbl)
	s.Seq = 2
	at := fixedNow.Add(-3 * time.Second)
	return s, []lab.Event{
		{Time: at, Pane: lab.Host, Kind: lab.MountAdded, Mount: &added},
		{Time: at, Pane: lab.NS, Kind: lab.MountChanged, Mount: &remounted, Old: &old},
		{Time: at, Pane: lab.Host, Kind: lab.MountRemoved, Mount: &gone},
		{Time: at, Pane: lab.NS, Kind: lab.MountRemoved, Mount: &goneNS},
		{Time: at, Pane: lab.NS, Kind: lab.NamespaceChanged, NSType: lab.NSMnt, OldInode: 4026532377, NewInode: 4026532499, Comm: "unshare"},
		{Time: at, Pane: lab.NS, Kind: lab.ProcessChanged, PID: 4300, Comm: "bash"},
		{Time: at, Pane: lab.Host, Kind: lab.ShellExited, Status: 130},
		{Time: at, Pane: lab.Host, Kind: lab.ShellStarted, PID: 4400},
	}
}

// TestGoldenChanges shows every diff class, a row that just appeared, one
// that changed, a ghost of one that left both tables, a namespace that
// changed, and the event log of it all.
func TestGoldenChanges(t *testing.T) {
	h := startHarness(t, 160, 48, Options{})
	s, evs := changedState()
	h.lab.setState(s)
	for _, e := range evs {
		h.lab.events <- e
	}
	h.until("7 event log entries and state 2", func(m *Model) bool { return len(m.log.entries) == 7 && m.state.Seq == 2 })
	f := h.frame()
	plain := ansi.Strip(f)
	for _, want := range []string{symSame + " /", symHostOnly + " /tmp/mount_test", symNSOnly + " /tmp/ns_only",
		symChanged + " /tmp/shared_demo", symAdded + symHostOnly + " /tmp/new_in_host", symDeleted + symRemoved + " /tmp ", symRecent + "mnt"} {
		if !strings.Contains(plain, want) {
			t.Errorf("frame lacks %q", want)
		}
	}
	requirePlain(t, f)
}

func TestGoldenWalkthrough(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl, results: map[string]scenarios.Result{}}
	h := startHarnessWith(t, fl, 100, 30, Options{Walkthrough: []scenarios.Scenario{sampleScenario(t)}, ScenarioLab: sl})
	h.untilWalk(walkReady, -1)
	t.Run("ready", func(t *testing.T) { requirePlain(t, h.frame()) })

	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkResult, -1)
	t.Run("passed", func(t *testing.T) { requirePlain(t, h.frame()) })

	h.send(press(tea.KeyF5, 0), press(tea.KeyF5, 0))
	h.untilWalk(walkResult, 1)
	t.Run("failed", func(t *testing.T) { requirePlain(t, h.frame()) })

	// Alt+p goes back a step for real: the bar says so while the lab resets.
	sl.mu.Lock()
	sl.hold = make(chan struct{})
	sl.mu.Unlock()
	h.send(press('p', tea.ModAlt))
	h.untilWalk(walkRewinding, -1)
	h.until("the rewind's rule on the ns pane", func(m *Model) bool {
		return strings.Contains(ansi.Strip(m.panes[1].term.Render()), "back to step 2")
	})
	t.Run("rewinding", func(t *testing.T) { requirePlain(t, h.frame()) })
	close(sl.hold)
	h.untilWalk(walkReady, -1)
}

func TestGoldenWalkthroughKorean(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl}
	h := startHarnessWith(t, fl, 100, 30, Options{Lang: scenarios.KO, Walkthrough: []scenarios.Scenario{sampleScenario(t)}, ScenarioLab: sl})
	h.untilWalk(walkReady, -1)
	failSecondStep(h)
	f := h.frame()
	requireSize(t, f, 100, 30)
	requirePlain(t, f)
}

// TestGoldenClassroom is the classroom theme at the size a projector gets,
// mid-walkthrough with a failed check, styles included.
func TestGoldenClassroom(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl}
	h := startHarnessWith(t, fl, 100, 30, Options{Theme: Classroom, Walkthrough: []scenarios.Scenario{sampleScenario(t)}, ScenarioLab: sl})
	h.untilWalk(walkReady, -1) // the lesson's rule first, then the shells' output
	shellOutput(h)
	failSecondStep(h)
	f := h.frame()
	requireSize(t, f, 100, 30)
	requireStyled(t, f)
}

// TestGoldenNoColor is NO_COLOR: no colour at all, the symbols carry it.
func TestGoldenNoColor(t *testing.T) {
	h := startHarness(t, 100, 30, Options{NoColor: true})
	s, evs := changedState()
	h.lab.setState(s)
	for _, e := range evs {
		h.lab.events <- e
	}
	h.until("7 event log entries", func(m *Model) bool { return len(m.log.entries) == 7 })
	h.send(press(tea.KeyF2, 0), press(tea.KeyF2, 0), press(tea.KeyF2, 0))
	f := h.frame()
	if sgr := colourSGR(f); sgr != "" {
		t.Fatalf("NO_COLOR frame sets a colour: %q", sgr)
	}
	requireStyled(t, f)
}

// colourSGR returns the first SGR sequence in s that sets a colour, or "".
func colourSGR(s string) string {
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			return ""
		}
		s = s[i+2:]
		j := strings.IndexFunc(s, func(r rune) bool { return r >= 0x40 && r <= 0x7e })
		if j < 0 {
			return ""
		}
		if s[j] != 'm' {
			continue
		}
		for _, p := range strings.FieldsFunc(s[:j], func(r rune) bool { return r == ';' || r == ':' }) {
			n := 0
			for _, c := range p {
				n = n*10 + int(c-'0')
			}
			if (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) || n == 58 {
				return "\x1b[" + s[:j+1]
			}
		}
	}
}

// failSecondStep runs the sample scenario's first step (it passes) and its
// second (it fails).
func failSecondStep(h *harness) {
	h.t.Helper()
	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkResult, -1)
	h.send(press(tea.KeyF5, 0), press(tea.KeyF5, 0))
	h.untilWalk(walkResult, 1)
}

// TestGoldenCompactNamespaces is the namespaces tab of the compact strip: the
// ten types in two columns, and who each pane shows.
func TestGoldenCompactNamespaces(t *testing.T) {
	h := startHarness(t, 100, 30, Options{})
	s := sampleState()
	s.NS.Chrooted, s.NS.Root, s.Seq = true, "/tmp/nslab/rootfs", 2
	h.lab.setState(s)
	h.lab.events <- lab.Event{Time: fixedNow, Pane: lab.NS, Kind: lab.ProcessChanged, PID: 4250, Comm: "sh"}
	h.until("state 2 (the chrooted ns pane)", func(m *Model) bool { return m.state.Seq == 2 })
	h.send(press(tea.KeyF2, 0), press(tea.KeyF2, 0))
	f := h.frame()
	requireSize(t, f, 100, 30)
	requirePlain(t, f)
}

// fiveChecks is a scenario whose one step has five checks; against the
// sample state the third and the fifth fail.
func fiveChecks(t *testing.T) scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse("five.yaml", []byte(`id: five
title: {en: Five checks, ko: 확인 다섯 개}
summary: {en: One step checked five ways., ko: 한 단계를 다섯 가지로 확인합니다.}
steps:
  - pane: ns
    narration:
      en: Look at the mount from the namespace. Two of the claims below are wrong on purpose.
      ko: 네임스페이스에서 마운트를 살펴보세요. 아래 주장 가운데 둘은 일부러 틀렸습니다.
    command: findmnt /tmp/mount_test
    hint:
      en: The failed checks say what the kernel shows instead.
      ko: 실패한 확인에 커널이 대신 보여 주는 것이 나옵니다.
    checks:
      - exit: 0
      - mounted: /tmp/shared_demo
      - mounted: /tmp/mount_test
      - different_ns: mnt
      - same_ns: mnt
`))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestGoldenFailedChecksFit: at the smallest screen the bar cannot hold a
// step with five checks. Both failed checks are shown, and a line says that
// the three passed ones are left out.
func TestGoldenFailedChecksFit(t *testing.T) {
	for _, lang := range []scenarios.Lang{scenarios.EN, scenarios.KO} {
		t.Run(string(lang), func(t *testing.T) {
			fl := newFakeLab()
			sl := &fakeScenarioLab{lab: fl}
			h := startHarnessWith(t, fl, 80, 24, Options{Lang: lang, Walkthrough: []scenarios.Scenario{fiveChecks(t)}, ScenarioLab: sl})
			h.untilWalk(walkReady, 0)
			h.send(press(tea.KeyF5, 0))
			h.untilWalk(walkResult, 0)
			var res scenarios.StepResult
			h.do(func(m *Model) { res = m.walk.results[0] })
			var failed []string
			for _, c := range res.Checks {
				if c.State == scenarios.Failed {
					failed = append(failed, symFail+" "+c.Label.In(lang))
				}
			}
			if len(res.Checks) != 5 || len(failed) != 2 {
				t.Fatalf("%d checks, %d failed; the sample wants 5 and 2: %+v", len(res.Checks), len(failed), res.Checks)
			}
			f := h.frame()
			requireSize(t, f, 80, 24)
			plain := ansi.Strip(f)
			for _, want := range append(failed, map[scenarios.Lang]string{
				scenarios.EN: "… 3 checks passed, not shown",
				scenarios.KO: "… 통과한 확인 3개는 생략",
			}[lang]) {
				if !strings.Contains(plain, want) {
					t.Errorf("the bar lacks %q:\n%s", want, plain)
				}
			}
			requirePlain(t, f)
		})
	}
}

// TestGoldenMountsScrolled: the mount panel focused at the smallest screen
// scrolls through every row; a line says how many are above and below.
func TestGoldenMountsScrolled(t *testing.T) {
	h := startHarness(t, 80, 24, Options{})
	h.send(press(tea.KeyF2, 0), press(tea.KeyF2, 0), press(tea.KeyF2, 0), press(tea.KeyDown, 0))
	h.until("the focus on the mount panel, scrolled one row", func(m *Model) bool { return m.focus == targetDiff && m.diff.nav.offset == 1 })
	f := h.frame()
	requireSize(t, f, 80, 24)
	plain := ansi.Strip(f)
	for _, want := range []string{"= /tmp ", symHostOnly + " /tmp/mount_test", symNSOnly + " /tmp/ns_only", "… 1 above, 1 below (≠ 1, = 1)"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the scrolled panel lacks %q:\n%s", want, plain)
		}
	}
	requirePlain(t, f)
}

// TestGoldenChangesKorean is TestGoldenChanges with --lang ko: every word of
// the lab's own is Korean.
func TestGoldenChangesKorean(t *testing.T) {
	h := startHarness(t, 160, 48, Options{Lang: scenarios.KO})
	s, evs := changedState()
	h.lab.setState(s)
	for _, e := range evs {
		h.lab.events <- e
	}
	h.until("7 event log entries and state 2", func(m *Model) bool { return len(m.log.entries) == 7 && m.state.Seq == 2 })
	requirePlain(t, h.frame())
}

// TestGoldenHelpKorean is the F1 screen of a Korean walkthrough at the
// smallest size: every key is listed, in columns that fit.
func TestGoldenHelpKorean(t *testing.T) {
	fl := newFakeLab()
	h := startHarnessWith(t, fl, 80, 24, Options{Lang: scenarios.KO, Walkthrough: []scenarios.Scenario{sampleScenario(t)}, ScenarioLab: &fakeScenarioLab{lab: fl}})
	h.untilWalk(walkReady, 0)
	h.send(press(tea.KeyF1, 0))
	f := h.frame()
	requireSize(t, f, 80, 24)
	plain := ansi.Strip(f)
	var missing []string
	h.do(func(m *Model) {
		for _, g := range m.helpContext().FullHelp() {
			for _, b := range g {
				if !strings.Contains(plain, b.Help().Desc) {
					missing = append(missing, b.Help().Key+" "+b.Help().Desc)
				}
			}
		}
	})
	if len(missing) > 0 {
		t.Errorf("the help leaves out %q:\n%s", missing, plain)
	}
	requirePlain(t, f)
}

// TestGoldenNamespacesSmall is the namespaces tab at the smallest size, the
// ns pane chrooted: all ten types show, and which process each pane shows
// goes on the bottom border, the chroot's path whole.
func TestGoldenNamespacesSmall(t *testing.T) {
	h := startHarness(t, 80, 24, Options{})
	s := sampleState()
	s.NS.Chrooted, s.NS.Root, s.Seq = true, "/tmp/nslab/rootfs", 2
	h.lab.setState(s)
	h.lab.events <- lab.Event{Time: fixedNow, Pane: lab.NS, Kind: lab.ProcessChanged, PID: 4250, Comm: "sh"}
	h.until("state 2 (the chrooted ns pane)", func(m *Model) bool { return m.state.Seq == 2 })
	h.send(press(tea.KeyF2, 0), press(tea.KeyF2, 0))
	f := h.frame()
	requireSize(t, f, 80, 24)
	plain := ansi.Strip(f)
	for _, want := range append(append([]string{}, nsTypeNames()...), "chrooted at /tmp/nslab/rootfs", "host pid 4242") {
		if !strings.Contains(plain, want+" ") {
			t.Errorf("the namespaces tab lacks %q:\n%s", want, plain)
		}
	}
	requirePlain(t, f)
}

// nsTypeNames are the namespace types as the panel names them (pid↓ for
// pid_for_children).
func nsTypeNames() []string {
	var out []string
	for _, t := range lab.NSTypes {
		out = append(out, nsLabel(t))
	}
	return out
}

// TestGoldenSpotlight: a step that mounted something passes; the bar says
// what changed (the spotlight line outlasts the wrapped end of a passed
// check's reason, which is cut at a space and marked) and the mount panel
// shows the new row among those that matter most.
func TestGoldenSpotlight(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl, release: make(chan struct{})}
	h := startHarnessWith(t, fl, 100, 30, Options{Walkthrough: []scenarios.Scenario{sampleScenario(t)}, ScenarioLab: sl})
	h.untilWalk(walkReady, 0)
	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkRunning, 0)
	// While the step runs, the lab sees its mount.
	s := fl.State()
	added := mount(140, 105, "/tmp/spot", "tmpfs", "tmpfs", private)
	hostTbl := append(append([]mnt.Mount(nil), s.Host.Mounts...), added)
	s.Host.Mounts, s.Diff, s.Seq = hostTbl, mnt.Diff(hostTbl, s.NS.Mounts), s.Seq+1
	fl.setState(s)
	fl.events <- lab.Event{Time: fixedNow, Pane: lab.Host, Kind: lab.MountAdded, Mount: &added}
	h.until("the state with /tmp/spot", func(m *Model) bool { return m.state.Seq == s.Seq })
	deliver(t, sl.release, struct{}{}, "the step's command")
	h.untilWalk(walkResult, 0)
	f := h.frame()
	requireSize(t, f, 100, 30)
	plain := ansi.Strip(f)
	for _, want := range []string{symSpotlight + " changed: /tmp/spot mounted in host", "(9 mounts; nearest: /tmp …", symSpotlight + symAdded + symHostOnly + " /tmp/spot"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the frame lacks %q:\n%s", want, plain)
		}
	}
	requirePlain(t, f)
}

// TestGoldenMountTree is the mount panel as findmnt's tree (t, focused): each
// mount under the one it is mounted on, a tmpfs stacked on /tmp/mount_test
// under the one it covers.
func TestGoldenMountTree(t *testing.T) {
	h := startHarness(t, 160, 48, Options{})
	s := sampleState()
	over := mount(130, 120, "/tmp/mount_test", "tmpfs", "tmpfs", private)
	over.Minor++ // a tmpfs of its own
	host := append(append([]mnt.Mount(nil), s.Host.Mounts...), over)
	s.Host.Mounts, s.Diff, s.Seq = host, mnt.Diff(host, s.NS.Mounts), 2
	h.lab.setState(s)
	h.lab.events <- lab.Event{Time: fixedNow.Add(-time.Minute), Pane: lab.Host, Kind: lab.MountAdded, Mount: &host[len(host)-1]}
	h.until("state 2", func(m *Model) bool { return m.state.Seq == 2 })
	h.send(press(tea.KeyF2, 0), press(tea.KeyF2, 0), press(tea.KeyF2, 0), typeKey('t'))
	h.until("the mount panel focused, as a tree", func(m *Model) bool { return m.focus == targetDiff && m.diff.tree })
	f := h.frame()
	requireSize(t, f, 160, 48)
	plain := ansi.Strip(f)
	for _, want := range []string{"└─/tmp ", "│ └─/tmp/mount_test ", "t list"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the tree lacks %q:\n%s", want, plain)
		}
	}
	requirePlain(t, f)
}

// chrootedState is the sample state with the ns pane's shell chrooted at
// /tmp/nslab/rootfs (a directory of the /tmp tmpfs), after the chroot-escape
// lesson's bind mount of / onto /escape inside the chroot: the bind shows
// the rootfs directory of the tmpfs, not the host's root.
func chrootedState() lab.State {
	s := sampleState()
	escape := mount(240, 205, "/tmp/nslab/rootfs/escape", "tmpfs", "nslab-workspace", private)
	escape.Root = "/nslab/rootfs"
	escape.Minor = s.NS.Mounts[5].Minor // the /tmp tmpfs itself
	ns := append(append([]mnt.Mount(nil), s.NS.Mounts...), escape)
	s.NS.Mounts, s.Diff = ns, mnt.Diff(s.Host.Mounts, ns)
	s.NS.PID, s.NS.Comm, s.NS.Chrooted, s.NS.Root, s.NS.Cwd = 4300, "sh", true, "/tmp/nslab/rootfs", "/tmp/nslab/rootfs"
	s.Seq = 2
	return s
}

// TestGoldenChrooted: the ns pane's shell is chrooted. The mount panel keeps
// the namespace's whole table: the rows the chrooted shell cannot reach are
// dimmed and marked ○, the mount its root lies on (/tmp) is marked ⌂, and a
// line says where the pane is chrooted and how many of its mounts it
// reaches. The pane's title says so too.
func TestGoldenChrooted(t *testing.T) {
	h := startHarness(t, 160, 48, Options{})
	before := h.lab.State()
	h.lab.setState(chrootedState())
	h.lab.events <- lab.Event{Time: fixedNow, Pane: lab.NS, Kind: lab.ProcessChanged, PID: 4300, Comm: "sh"}
	h.until("state 2 (the chrooted ns pane)", func(m *Model) bool { return m.state.Seq == 2 })
	f := h.frame()
	requireSize(t, f, 160, 48)
	plain := ansi.Strip(f)
	for _, want := range []string{
		"ns · follows sh(4300) mnt:[4026532377] · chroot /tmp/nslab/rootfs",
		"ns: chrooted at /tmp/nslab/rootfs · 2 of 6 mounts reachable · ⌂ its root, ○ out of reach",
		"= " + symRootMount + " /tmp ",
		"= " + symOutOfReach + " / ",
		"▶   …lab/rootfs/escape ",
		"[/nslab/rootfs] ",
		"◀   /tmp/mount_test", // host only: nothing for the chrooted ns to reach or miss
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("the frame lacks %q:\n%s", want, plain)
		}
	}
	// No row is gone: every mount of both tables has its row.
	var rows int
	h.do(func(m *Model) { rows, _ = m.diff.extent(m.panelData()) })
	if want := len(mnt.Diff(before.Host.Mounts, before.NS.Mounts)) - 4 + 1; rows != want {
		t.Errorf("%d rows, want %d: the unchrooted table's and the bind mount", rows, want)
	}
	requirePlain(t, f)
}

// TestGoldenChrootedKorean is TestGoldenChrooted in Korean at 100×30, where
// the mount panel is a tab of the strip.
func TestGoldenChrootedKorean(t *testing.T) {
	h := startHarness(t, 100, 30, Options{Lang: scenarios.KO})
	h.lab.setState(chrootedState())
	h.lab.events <- lab.Event{Time: fixedNow, Pane: lab.NS, Kind: lab.ProcessChanged, PID: 4300, Comm: "sh"}
	h.until("state 2 (the chrooted ns pane)", func(m *Model) bool { return m.state.Seq == 2 })
	f := h.frame()
	requireSize(t, f, 100, 30)
	plain := ansi.Strip(f)
	for _, want := range []string{"ns: /tmp/nslab/rootfs에 chroot됨 · 마운트 6개 중 2개에 닿음", "ns · sh(4300) mnt:[4026532377] chroot"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the frame lacks %q:\n%s", want, plain)
		}
	}
	requirePlain(t, f)
}

// TestGoldenWideMounts is the mount panel zoomed on a wide screen: every
// source whole, a long device path among them, and the directory a bind
// mount shows in brackets (the chroot-escape lesson's /escape).
func TestGoldenWideMounts(t *testing.T) {
	h := startHarness(t, 250, 70, Options{})
	s := chrootedState()
	boot := mount(150, 100, "/boot/efi", "vfat", "/dev/disk/by-uuid/3f6a1c2e-8d1b-4a57-9c2e-5b1f0e7d9a44", private)
	bootNS := boot
	bootNS.ID, bootNS.Parent = 250, 200
	s.Host.Mounts = append(append([]mnt.Mount(nil), s.Host.Mounts...), boot)
	s.NS.Mounts = append(append([]mnt.Mount(nil), s.NS.Mounts...), bootNS)
	s.Diff = mnt.Diff(s.Host.Mounts, s.NS.Mounts)
	h.lab.setState(s)
	h.lab.events <- lab.Event{Time: fixedNow, Pane: lab.NS, Kind: lab.ProcessChanged, PID: 4300, Comm: "sh"}
	h.until("state 2", func(m *Model) bool { return m.state.Seq == 2 })
	h.send(press(tea.KeyF2, 0), press(tea.KeyF2, 0), press(tea.KeyF2, 0), press('z', tea.ModAlt))
	h.until("the mount panel zoomed", func(m *Model) bool { return m.focus == targetDiff && m.zoomed })
	f := h.frame()
	requireSize(t, f, 250, 70)
	plain := ansi.Strip(f)
	for _, want := range []string{boot.Source + " ", "nslab-workspace[/nslab/rootfs] ", "rw|ro,relatime ", "≠ opts · not connected", "both slaves of 1"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the frame lacks %q:\n%s", want, plain)
		}
	}
	requirePlain(t, f)
}

// TestGoldenPropagation: the relations of copies between the two sides, as
// the propagation lesson makes them. A slave copy (shared on the host side,
// master of that group in ns) is no change; peer groups, a private copy and
// both sides slaves of one group neither; slaves of different groups are.
func TestGoldenPropagation(t *testing.T) {
	h := startHarness(t, 160, 48, Options{})
	s := sampleState()
	host := append([]mnt.Mount(nil), s.Host.Mounts...)
	ns := append([]mnt.Mount(nil), s.NS.Mounts...)
	for i, c := range []struct {
		point    string
		host, ns mnt.Propagation
	}{
		{"/tmp/nslab/prop", shared(12), shared(12)},
		{"/tmp/nslab/prop/private", shared(13), private},
		{"/tmp/nslab/prop/slave", shared(14), slaveOf(14)},
		{"/tmp/nslab/prop/odd", slaveOf(3), slaveOf(5)},
	} {
		host = append(host, mount(160+i, 105, c.point, "tmpfs", "prop", c.host))
		ns = append(ns, mount(260+i, 205, c.point, "tmpfs", "prop", c.ns))
	}
	s.Host.Mounts, s.NS.Mounts, s.Diff, s.Seq = host, ns, mnt.Diff(host, ns), 2
	h.lab.setState(s)
	h.lab.events <- lab.Event{Time: fixedNow, Pane: lab.NS, Kind: lab.ProcessChanged, PID: 4250, Comm: "bash"}
	h.until("state 2", func(m *Model) bool { return m.state.Seq == 2 })
	h.send(press(tea.KeyF2, 0), press(tea.KeyF2, 0), press(tea.KeyF2, 0))
	h.until("the mount panel focused", func(m *Model) bool { return m.focus == targetDiff })
	f := h.frame()
	requireSize(t, f, 160, 48)
	plain := ansi.Strip(f)
	for _, want := range []string{
		"= /tmp/nslab/prop ", "peers",
		"= /tmp/nslab/prop/slave ", "shared:14 master:14 ns slave ",
		"/prop/private ", "shared:13 private   not connected",
		"≠ /tmp/nslab/prop/odd ", "master:3  master:5  ≠ prop ",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("the frame lacks %q:\n%s", want, plain)
		}
	}
	requirePlain(t, f)
}

// TestGoldenSpotlightKorean is TestGoldenSpotlight in Korean: the spotlight
// line says in Korean what the step changed.
func TestGoldenSpotlightKorean(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl, release: make(chan struct{})}
	h := startHarnessWith(t, fl, 100, 30, Options{Lang: scenarios.KO, Walkthrough: []scenarios.Scenario{sampleScenario(t)}, ScenarioLab: sl})
	h.untilWalk(walkReady, 0)
	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkRunning, 0)
	s := fl.State()
	added := mount(140, 105, "/tmp/spot", "tmpfs", "tmpfs", private)
	hostTbl := append(append([]mnt.Mount(nil), s.Host.Mounts...), added)
	s.Host.Mounts, s.Diff, s.Seq = hostTbl, mnt.Diff(hostTbl, s.NS.Mounts), s.Seq+1
	fl.setState(s)
	fl.events <- lab.Event{Time: fixedNow, Pane: lab.Host, Kind: lab.MountAdded, Mount: &added}
	h.until("the state with /tmp/spot", func(m *Model) bool { return m.state.Seq == s.Seq })
	deliver(t, sl.release, struct{}{}, "the step's command")
	h.untilWalk(walkResult, 0)
	f := h.frame()
	requireSize(t, f, 100, 30)
	if plain := ansi.Strip(f); !strings.Contains(plain, symSpotlight+" 바뀐 것: host에서 /tmp/spot 마운트됨") {
		t.Errorf("the frame lacks the Korean spotlight line:\n%s", plain)
	}
	requirePlain(t, f)
}

// TestGoldenFinishedKorean is the end of a Korean walkthrough: the totals,
// and a help bar without the walkthrough's keys, which do nothing now.
func TestGoldenFinishedKorean(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl}
	h := startHarnessWith(t, fl, 100, 30, Options{Lang: scenarios.KO, Walkthrough: []scenarios.Scenario{threeSteps(t, "    command: echo three\n")}, ScenarioLab: sl})
	for {
		var phase walkPhase
		h.do(func(m *Model) { phase = m.walk.phase })
		if phase == walkFinished {
			break
		}
		stepped := 0
		h.do(func(m *Model) { stepped = m.walk.step + 10*m.walk.sc })
		h.send(press(tea.KeyF5, 0))
		h.until("the next step's result or the end", func(m *Model) bool {
			return m.walk.phase == walkFinished || (m.walk.phase == walkResult && m.walk.step+10*m.walk.sc == stepped) ||
				(m.walk.phase == walkReady && m.walk.step+10*m.walk.sc != stepped)
		})
	}
	f := h.frame()
	requireSize(t, f, 100, 30)
	plain := ansi.Strip(f)
	if !strings.Contains(plain, "수업 1개의 3단계를 모두 마쳤고, 확인 2개를 통과했습니다.") || !strings.Contains(plain, "모든 수업을 마쳤습니다") {
		t.Errorf("the end lacks its totals:\n%s", plain)
	}
	if help := plain[strings.LastIndex(plain, "\n")+1:]; strings.Contains(help, "f5") || strings.Contains(help, "alt+p") {
		t.Errorf("the help bar offers walkthrough keys at the end: %q", help)
	}
	requirePlain(t, f)
}
