package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/nslab/nslab/lab"
)

// newTestModel is a model at 100×30 over a fake lab, driven by calling
// Update directly.
func newTestModel(t testing.TB, opts Options) (*Model, *fakeLab) {
	t.Helper()
	fl := newFakeLab()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	m := New(ctx, fl, opts)
	t.Cleanup(m.Close)
	run(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(stateMsg{state: fl.State()})
	return m, fl
}

// typedSoFar returns what reached each pane's shell, waiting for a sentinel
// sent after everything else so nothing still queued is missed.
func typedSoFar(t *testing.T, m *Model, fl *fakeLab) (host, ns string) {
	t.Helper()
	const sentinel = "\x07"
	for _, p := range m.panes {
		p.term.SendKey(tea.KeyPressMsg{Code: 'g', Mod: tea.ModCtrl})
	}
	deadline := time.After(hangLimit)
	for _, r := range lab.Roles {
		p := fl.panes[r]
		for !strings.HasSuffix(p.typed(), sentinel) {
			select {
			case <-p.onInput:
			case <-deadline:
				t.Fatalf("waited %v for the %s pane's input to end in the sentinel %q; it got %q", hangLimit, r, sentinel, p.typed())
			}
		}
	}
	return strings.TrimSuffix(fl.panes[lab.Host].typed(), sentinel), strings.TrimSuffix(fl.panes[lab.NS].typed(), sentinel)
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestKeyRouting(t *testing.T) {
	altRight := press(tea.KeyRight, tea.ModAlt)
	altLeft := press(tea.KeyLeft, tea.ModAlt)
	f2 := press(tea.KeyF2, 0)
	enter := press(tea.KeyEnter, 0)
	for _, tc := range []struct {
		name     string
		setup    func(m *Model)
		msgs     []tea.Msg
		host, ns string
		check    func(t *testing.T, m *Model)
	}{
		{name: "typing goes to the host pane at start", msgs: []tea.Msg{typeKey('l'), typeKey('s'), enter}, host: "ls\r"},
		{name: "tab goes to the shell", msgs: []tea.Msg{press(tea.KeyTab, 0)}, host: "\t"},
		{name: "ctrl+c goes to the shell", msgs: []tea.Msg{tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}}, host: "\x03"},
		{name: "an F-key the lab does not use goes to the shell", msgs: []tea.Msg{press(tea.KeyF3, 0)}, host: "\x1bOR"},
		{name: "alt+n goes to the shell outside the walkthrough", msgs: []tea.Msg{tea.KeyPressMsg{Code: 'n', Mod: tea.ModAlt}}, host: "\x1bn"},
		{name: "alt+→ focuses the ns pane", msgs: []tea.Msg{altRight, typeKey('x')}, ns: "x",
			check: func(t *testing.T, m *Model) { wantFocus(t, m, targetNS) }},
		{name: "alt+← comes back", msgs: []tea.Msg{altRight, altLeft, typeKey('y')}, host: "y"},
		{name: "alt+z zooms and is not typed", msgs: []tea.Msg{press('z', tea.ModAlt)},
			check: func(t *testing.T, m *Model) {
				if !m.zoomed {
					t.Error("not zoomed")
				}
			}},
		{name: "f2 cycles to the panels; their keys are not typed", msgs: []tea.Msg{f2, f2, typeKey('j'), typeKey('/'), typeKey('t')},
			check: func(t *testing.T, m *Model) {
				wantFocus(t, m, targetNSPanel)
				if m.nsp.nav.filter != "t" {
					t.Errorf("filter %q, want t", m.nsp.nav.filter)
				}
			}},
		{name: "f2 wraps around", msgs: []tea.Msg{f2, f2, f2, f2, f2, typeKey('w')}, host: "w"},
		{name: "esc in a panel returns to the last pane", msgs: []tea.Msg{altRight, f2, press(tea.KeyEscape, 0), typeKey('q')}, ns: "q"},
		{name: "p toggles pseudo filesystems in the mount panel", msgs: []tea.Msg{f2, f2, f2, typeKey('p')},
			check: func(t *testing.T, m *Model) {
				if !m.diff.showPseudo {
					t.Error("pseudo filesystems still hidden")
				}
			}},
		{name: "f1 opens help; the next key only closes it", msgs: []tea.Msg{press(tea.KeyF1, 0), typeKey('a'), typeKey('b')}, host: "b"},
		{name: "shift+pgup scrolls and is not typed",
			setup: func(m *Model) {
				for i := range 100 {
					m.panes[0].term.Write([]byte(fmt.Sprintf("line %d\r\n", i)))
				}
			},
			msgs: []tea.Msg{press(tea.KeyPgUp, tea.ModShift)},
			check: func(t *testing.T, m *Model) {
				if off := m.panes[0].term.State().ScrollOffset; off == 0 {
					t.Error("shift+pgup did not scroll the host pane into its scrollback")
				}
			}},
		{name: "a dead pane drops keys and restarts on enter",
			setup: func(m *Model) { m.panes[0].exited(1) },
			msgs:  []tea.Msg{typeKey('a'), enter},
			check: func(t *testing.T, m *Model) {
				if !m.panes[0].restarting {
					t.Error("enter did not restart the shell")
				}
			}},
		{name: "paste goes to the focused pane", msgs: []tea.Msg{altRight, tea.PasteMsg{Content: "echo hi\n"}}, ns: "echo hi\r"},
		{name: "paste goes into a filter being typed", msgs: []tea.Msg{f2, f2, f2, typeKey('/'), tea.PasteMsg{Content: "tmp\nx"}},
			check: func(t *testing.T, m *Model) {
				if m.diff.nav.filter != "tmp" {
					t.Errorf("filter %q, want tmp", m.diff.nav.filter)
				}
			}},
		{name: "too small: typing reaches the shell, the lab's keys do nothing",
			setup: func(m *Model) { m.Update(tea.WindowSizeMsg{Width: 40, Height: 10}) },
			msgs: []tea.Msg{typeKey('a'), press(tea.KeyF1, 0), altRight, tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl},
				tea.PasteMsg{Content: "b"}},
			host: "a\x03b",
			check: func(t *testing.T, m *Model) {
				if m.showHelp {
					t.Error("help opened on a screen too small to show it")
				}
				wantFocus(t, m, targetHost)
			}},
		{name: "too small with a panel focused: keys go nowhere",
			setup: func(m *Model) {
				m.Update(press(tea.KeyF2, 0))
				m.Update(press(tea.KeyF2, 0))
				m.Update(tea.WindowSizeMsg{Width: 40, Height: 10})
			},
			msgs:  []tea.Msg{typeKey('j'), tea.PasteMsg{Content: "x"}},
			check: func(t *testing.T, m *Model) { wantFocus(t, m, targetNSPanel) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, fl := newTestModel(t, Options{})
			if tc.setup != nil {
				tc.setup(m)
			}
			for _, msg := range tc.msgs {
				if _, cmd := m.Update(msg); isQuit(cmd) {
					t.Fatalf("%v quit", msg)
				}
			}
			// Checked before typedSoFar, whose keys bring a pane back to live.
			if tc.check != nil {
				tc.check(t, m)
			}
			host, ns := typedSoFar(t, m, fl)
			if host != tc.host || ns != tc.ns {
				t.Errorf("typed host %q ns %q, want host %q ns %q", host, ns, tc.host, tc.ns)
			}
		})
	}
}

// targetNames name the parts for failure messages.
var targetNames = map[target]string{
	targetHost: "the host pane", targetNS: "the ns pane", targetNSPanel: "the namespace panel",
	targetDiff: "the mount panel", targetLog: "the event log",
}

func wantFocus(t *testing.T, m *Model, want target) {
	t.Helper()
	if m.focus != want {
		t.Errorf("focus on %s, want %s", targetNames[m.focus], targetNames[want])
	}
}

func TestQuit(t *testing.T) {
	m, _ := newTestModel(t, Options{})
	if !quitsOn(m, press(tea.KeyF10, 0)) {
		t.Fatal("f10 did not quit the free-form lab")
	}
}

func TestQuitAsksWhileAStepRuns(t *testing.T) {
	m, fl := newTestModel(t, Options{Walkthrough: nil})
	_ = fl
	m.walk = newWalkthrough(m.ctx, nil, nil, "", nil, 0)
	m.walk.phase = walkRunning
	if _, cmd := m.Update(press(tea.KeyF10, 0)); isQuit(cmd) || !m.confirmQuit {
		t.Fatal("f10 quit at once while a step ran")
	}
	if !strings.Contains(m.helpBar(), "Quit anyway?") {
		t.Errorf("help bar does not ask: %q", m.helpBar())
	}
	if _, cmd := m.Update(typeKey('n')); isQuit(cmd) || m.confirmQuit {
		t.Fatal("n did not cancel")
	}
	m.Update(press(tea.KeyF10, 0))
	if _, cmd := m.Update(typeKey('y')); !isQuit(cmd) {
		t.Fatal("y did not quit")
	}
	m.walk.phase = walkResult
	m.confirmQuit = false
	if !quitsOn(m, press(tea.KeyF10, 0)) {
		t.Fatal("f10 asked although no step ran")
	}
}

func TestMouseFocusAndForward(t *testing.T) {
	m, fl := newTestModel(t, Options{})
	// A click in the ns pane focuses it; the shell did not ask for the mouse.
	ns := m.lay.Parts[targetNS].inner()
	m.Update(tea.MouseClickMsg{X: ns.X + 2, Y: ns.Y + 1, Button: tea.MouseLeft})
	wantFocus(t, m, targetNS)
	// The application turns on mouse reporting (SGR): clicks now reach it,
	// relative to the pane.
	fl.panes[lab.NS].output("\x1b[?1000h\x1b[?1006h")
	m.Update(tea.MouseClickMsg{X: ns.X + 4, Y: ns.Y + 2, Button: tea.MouseLeft})
	_, got := typedSoFar(t, m, fl)
	if got != "\x1b[<0;5;3M" {
		t.Errorf("the application got %q, want the click at 5,3", got)
	}
	// A click on a panel focuses it.
	strip := m.lay.Strip
	m.Update(tea.MouseClickMsg{X: strip.X + 3, Y: strip.Y + 2, Button: tea.MouseLeft})
	if m.focus.isPane() {
		t.Error("a click on the panels left the focus on a pane")
	}
	// A click on a tab's name shows and focuses that panel.
	top := strings.Split(ansi.Strip(m.View().Content), "\n")[strip.Y]
	for _, name := range []string{"events", "namespaces", "mounts"} {
		i := strings.Index(top, name)
		if i < 0 {
			t.Fatalf("no %s tab on %q", name, top)
		}
		x := ansi.StringWidth(top[:i]) + 1
		m.Update(tea.MouseClickMsg{X: x, Y: strip.Y, Button: tea.MouseLeft})
		if got := m.panelName(m.focus); got != name {
			t.Errorf("a click on the %s tab focused %s", name, got)
		}
		top = strings.Split(ansi.Strip(m.View().Content), "\n")[strip.Y]
	}
	// The wheel over an unfocused panel focuses it and scrolls it: with
	// more rows than fit (at 80×24), what it scrolls is then what shows.
	run(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	run(m, press(tea.KeyLeft, tea.ModAlt))
	m.tab = targetDiff
	strip = m.lay.Strip
	m.Update(tea.MouseWheelMsg{X: strip.X + 3, Y: strip.Y + 3, Button: tea.MouseWheelDown})
	if m.focus != targetDiff {
		t.Errorf("the wheel over the mount panel left the focus on %s", targetNames[m.focus])
	}
	if total, visible := m.panelExtent(targetDiff); total <= visible {
		t.Fatalf("the mount panel shows all %d rows at 80×24 (%d at once); the wheel has nothing to scroll", total, visible)
	}
	if m.diff.nav.offset == 0 {
		t.Error("the wheel did not scroll the mount panel")
	}
}

// TestInputSurvivesADroppedWrite: when the lab drops input (a program that
// reads nothing), later keys still reach the shell.
func TestInputSurvivesADroppedWrite(t *testing.T) {
	m, fl := newTestModel(t, Options{})
	fl.panes[lab.Host].mu.Lock()
	fl.panes[lab.Host].refuse = 1
	fl.panes[lab.Host].mu.Unlock()
	m.Update(typeKey('a'))
	deadline := time.After(hangLimit)
	for {
		fl.panes[lab.Host].mu.Lock()
		left := fl.panes[lab.Host].refuse
		fl.panes[lab.Host].mu.Unlock()
		if left == 0 {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("waited %v for the key to reach the pane and be refused; the pane still refuses %d writes and got %q", hangLimit, left, fl.panes[lab.Host].typed())
		case <-time.After(time.Millisecond):
		}
	}
	m.Update(typeKey('b'))
	if host, _ := typedSoFar(t, m, fl); host != "b" {
		t.Errorf("after a dropped key the shell got %q, want %q", host, "b")
	}
}
