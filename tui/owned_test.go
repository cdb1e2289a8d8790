package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/scenarios"
)

// Programs taking the screen the ways a pane's program can.
const (
	altScreen  = "\x1b[?1049h"            // vim, less, htop
	mouseOn    = "\x1b[?1000h\x1b[?1006h" // SGR mouse reporting on the normal screen
	cursorKeys = "\x1b[?1h"               // DECCKM: arrows as SS3
)

var ctrlG = tea.KeyPressMsg{Code: 'g', Mod: tea.ModCtrl}

// quitsOn sends msg and runs the commands it starts (and theirs); it reports
// whether one of them quit the program.
func quitsOn(m *Model, msg tea.Msg) bool {
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		msg, queue = queue[0], queue[1:]
		if _, ok := msg.(tea.QuitMsg); ok {
			return true
		}
		_, cmd := m.Update(msg)
		queue = append(queue, expand(cmd)...)
	}
	return false
}

// TestKeysWhileAProgramOwnsTheScreen: on the alternate screen or with mouse
// reporting on, every key, the lab's F-keys and Alt+… included, reaches the
// program; the lab's keys work after Ctrl-g, and Ctrl-g twice sends one.
// At a shell prompt the lab keeps its keys.
func TestKeysWhileAProgramOwnsTheScreen(t *testing.T) {
	f1, f2, f5, f10 := press(tea.KeyF1, 0), press(tea.KeyF2, 0), press(tea.KeyF5, 0), press(tea.KeyF10, 0)
	altRight, altZ := press(tea.KeyRight, tea.ModAlt), press('z', tea.ModAlt)
	shiftPgUp := press(tea.KeyPgUp, tea.ModShift)
	labKeys := []tea.Msg{f1, f2, f5, f10, altRight, altZ, shiftPgUp}
	// What each of those sends as a key (xterm's encodings).
	const labKeyBytes = "\x1bOP" + "\x1bOQ" + "\x1b[15~" + "\x1b[21~" + "\x1b[1;3C" + "\x1bz" + "\x1b[5;2~"
	for _, tc := range []struct {
		name string
		// What the host and the ns pane's programs wrote.
		screen, nsScreen string
		msgs             []tea.Msg
		host, ns         string
		dead             bool // the host pane's shell has exited
		check            func(t *testing.T, m *Model)
	}{
		{name: "alternate screen: the lab's keys reach the program", screen: altScreen, msgs: labKeys, host: labKeyBytes,
			check: func(t *testing.T, m *Model) {
				wantFocus(t, m, targetHost)
				if m.zoomed || m.showHelp {
					t.Errorf("a key reached the lab: zoomed %v, help shown %v", m.zoomed, m.showHelp)
				}
			}},
		{name: "mouse reporting on the normal screen: the same", screen: mouseOn, msgs: labKeys, host: labKeyBytes,
			check: func(t *testing.T, m *Model) { wantFocus(t, m, targetHost) }},
		{name: "ctrl+g then f2 moves the focus", screen: altScreen, msgs: []tea.Msg{ctrlG, f2, typeKey('x')}, ns: "x",
			check: func(t *testing.T, m *Model) { wantFocus(t, m, targetNS) }},
		{name: "ctrl+g then alt+→ focuses the ns pane", screen: altScreen, msgs: []tea.Msg{ctrlG, altRight, typeKey('x')}, ns: "x"},
		{name: "ctrl+g then alt+z zooms; the next key is the program's again", screen: altScreen,
			msgs: []tea.Msg{ctrlG, altZ, altZ}, host: "\x1bz",
			check: func(t *testing.T, m *Model) {
				if !m.zoomed {
					t.Error("ctrl+g alt+z did not zoom")
				}
			}},
		{name: "ctrl+g then f1 opens help; the next key closes it and reaches nobody", screen: altScreen,
			msgs: []tea.Msg{ctrlG, f1, typeKey('q'), typeKey('j')}, host: "j"},
		{name: "ctrl+g twice sends one ctrl+g", screen: altScreen, msgs: []tea.Msg{ctrlG, ctrlG, typeKey('a')}, host: "\x07a"},
		{name: "ctrl+g then a key of no use to the lab: dropped", screen: altScreen, msgs: []tea.Msg{ctrlG, typeKey('a'), typeKey('b')}, host: "b"},
		{name: "a paste after ctrl+g cancels it and is typed", screen: altScreen,
			msgs: []tea.Msg{ctrlG, tea.PasteMsg{Content: "x"}, typeKey('a')}, host: "xa"},
		{name: "ctrl+g then esc cancels", screen: altScreen, msgs: []tea.Msg{ctrlG, press(tea.KeyEscape, 0), f2}, host: "\x1bOQ"},
		{name: "shell prompt: f2 is the lab's", msgs: []tea.Msg{f2},
			check: func(t *testing.T, m *Model) { wantFocus(t, m, targetNS) }},
		{name: "shell prompt: ctrl+g is the shell's (readline's abort)", msgs: []tea.Msg{ctrlG, f2},
			host: "\x07", check: func(t *testing.T, m *Model) { wantFocus(t, m, targetNS) }},
		{name: "the program left the alternate screen: f2 is the lab's again", screen: altScreen + "\x1b[?1049l", msgs: []tea.Msg{f2},
			check: func(t *testing.T, m *Model) { wantFocus(t, m, targetNS) }},
		{name: "an unfocused pane's program owns nothing; focused, it owns the keys", nsScreen: altScreen,
			msgs: []tea.Msg{f2, f2}, ns: "\x1bOQ",
			check: func(t *testing.T, m *Model) { wantFocus(t, m, targetNS) }},
		{name: "a dead pane's screen owns nothing", screen: altScreen, dead: true, msgs: []tea.Msg{f2},
			check: func(t *testing.T, m *Model) { wantFocus(t, m, targetNS) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, fl := newTestModel(t, Options{})
			fl.panes[lab.Host].output(tc.screen)
			fl.panes[lab.NS].output(tc.nsScreen)
			if tc.dead {
				m.panes[0].exited(0)
			}
			for _, msg := range tc.msgs {
				if quitsOn(m, msg) {
					t.Fatalf("%v quit", msg)
				}
			}
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

// TestWalkthroughKeysWhileAProgramOwnsTheScreen: F5 and Alt+n reach a
// full-screen program in the walkthrough too, and the narration's bar says
// so; Ctrl-g, then F5, runs the step.
func TestWalkthroughKeysWhileAProgramOwnsTheScreen(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl}
	h := startHarnessWith(t, fl, 100, 30, Options{Walkthrough: []scenarios.Scenario{threeSteps(t, "    command: echo three\n")}, ScenarioLab: sl})
	h.untilWalk(walkReady, 0)
	fl.panes[lab.Host].output(altScreen)
	// The narration's bar says F5 needs Ctrl-g first now.
	h.until("the narration saying f5 run (ctrl+g first)", func(m *Model) bool {
		return strings.Contains(ansi.Strip(m.View().Content), "f5 run (ctrl+g first)")
	})
	h.send(press(tea.KeyF5, 0), press('n', tea.ModAlt))
	h.do(func(m *Model) {
		if m.walk.phase != walkReady {
			t.Errorf("F5 and Alt+n left the step %s, want ready: they are the program's", phaseNames[m.walk.phase])
		}
	})
	h.send(ctrlG, press(tea.KeyF5, 0))
	h.until("the step run after ctrl+g f5", func(m *Model) bool {
		_, ran := sl.counts()
		return len(ran) == 1
	})
	var host string
	h.do(func(m *Model) { host, _ = typedSoFar(t, m, fl) })
	if want := "\x1b[15~\x1bn"; !strings.HasPrefix(host, want) {
		t.Errorf("the program got %q, want F5 and Alt+n first (%q)", host, want)
	}
}

// TestHelpBarWhileAProgramOwnsTheScreen: the bar says the lab's keys come
// after Ctrl-g, and once it is pressed, how to send it or cancel, in both
// languages; it follows the program into and out of the alternate screen,
// which only pty output (frame messages) tells.
func TestHelpBarWhileAProgramOwnsTheScreen(t *testing.T) {
	for _, tc := range []struct {
		lang            scenarios.Lang
		then, now, quit string
		send, cancel    string
	}{
		{scenarios.EN, "ctrl+g then:", "ctrl+g, now:", "f10 quit", "ctrl+g to the program", "esc cancel"},
		{scenarios.KO, "ctrl+g를 누른 뒤:", "ctrl+g를 눌렀습니다:", "f10 종료", "ctrl+g 프로그램에 보내기", "esc 취소"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			m, fl := newTestModel(t, Options{Lang: tc.lang})
			bar := func() string {
				lines := strings.Split(ansi.Strip(m.View().Content), "\n")
				return lines[len(lines)-1]
			}
			if b := bar(); strings.Contains(b, "ctrl+g") {
				t.Errorf("at a shell prompt the bar names ctrl+g: %q", b)
			}
			fl.panes[lab.Host].output(altScreen)
			m.Update(wakeMsg{})
			if b := bar(); !strings.HasPrefix(b, tc.then) || !strings.Contains(b, tc.quit) || strings.Contains(b, "shift+pgup") {
				t.Errorf("with a program on the alternate screen the bar is %q, want %q first, then the lab's keys (%q) without the pane's scrollback", b, tc.then, tc.quit)
			}
			m.Update(ctrlG)
			if b := bar(); !strings.HasPrefix(b, tc.now) || !strings.Contains(b, tc.send) || !strings.Contains(b, tc.cancel) {
				t.Errorf("after ctrl+g the bar is %q, want %q, %q and %q", b, tc.now, tc.send, tc.cancel)
			}
			m.Update(press(tea.KeyEscape, 0))
			fl.panes[lab.Host].output("\x1b[?1049l")
			m.Update(tickMsg{gen: m.tickGen})
			if b := bar(); strings.Contains(b, "ctrl+g") || !strings.Contains(b, "shift+pgup") {
				t.Errorf("back at the shell the bar is %q, want today's keys without ctrl+g", b)
			}
		})
	}
}

// TestQuitAsksWhileAPaneRuns: F10 quits at once while both shells are idle
// at their prompts (or gone); while a pane runs anything else, which the
// pty's foreground group says, it asks, in the screen's language, naming
// what runs when the panels know, and n keeps the lab.
func TestQuitAsksWhileAPaneRuns(t *testing.T) {
	f10 := press(tea.KeyF10, 0)
	for _, tc := range []struct {
		name  string
		lang  scenarios.Lang
		setup func(m *Model, fl *fakeLab)
		ask   string // "" quits at once
	}{
		{name: "idle shells", ask: ""},
		{name: "htop in the host pane, followed by the panels",
			setup: func(m *Model, fl *fakeLab) {
				fl.panes[lab.Host].fg = 5001
				s := fl.State()
				s.Host.PID, s.Host.Comm = 5001, "htop"
				fl.setState(s)
			},
			ask: "Still running: htop (host pane). Quit and end the lab?"},
		{name: "a pipeline whose first command has ended: its group still has the terminal",
			setup: func(m *Model, fl *fakeLab) {
				fl.panes[lab.Host].fg = 5000
				s := fl.State()
				s.Host.PID, s.Host.Comm = 5001, "less"
				fl.setState(s)
			},
			ask: "Still running: less (host pane). Quit and end the lab?"},
		{name: "a command just started in the ns pane, not yet followed",
			setup: func(m *Model, fl *fakeLab) { fl.panes[lab.NS].fg = 5002 },
			ask:   "Still running: a command (ns pane). Quit and end the lab?"},
		{name: "a job followed before the last command's end, another running now",
			setup: func(m *Model, fl *fakeLab) {
				fl.panes[lab.Host].fg = 5003
				s := fl.State()
				s.Host.PID, s.Host.Comm, s.Host.Ends = 5001, "sleep", 3
				fl.setState(s)
				fl.marks = 4
			},
			ask: "Still running: a command (host pane). Quit and end the lab?"},
		{name: "both, in Korean", lang: scenarios.KO,
			setup: func(m *Model, fl *fakeLab) {
				fl.panes[lab.Host].fg = 5001
				s := fl.State()
				s.Host.PID, s.Host.Comm = 5001, "vim"
				fl.setState(s)
				fl.panes[lab.NS].fg = 5002
			},
			ask: "아직 실행 중: vim(host 창), 명령(ns 창). 실습 환경을 끝낼까요?"},
		{name: "the panels still follow a job that has ended: the shell has the terminal",
			setup: func(m *Model, fl *fakeLab) {
				s := fl.State()
				s.Host.PID, s.Host.Comm = 5001, "sleep"
				fl.setState(s)
			},
			ask: ""},
		{name: "a pane whose shell exited",
			setup: func(m *Model, fl *fakeLab) {
				fl.panes[lab.NS].alive = false
				fl.panes[lab.NS].fg = 5002
			},
			ask: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, fl := newTestModel(t, Options{Lang: tc.lang})
			if tc.setup != nil {
				tc.setup(m, fl)
			}
			quit := quitsOn(m, f10)
			if tc.ask == "" {
				if !quit {
					t.Fatalf("f10 did not quit; the bar: %q", m.helpBar())
				}
				return
			}
			if quit || !m.confirmQuit {
				t.Fatalf("f10 quit without asking")
			}
			if bar := ansi.Strip(m.helpBar()); !strings.HasPrefix(bar, tc.ask) {
				t.Errorf("the bar asks %q, want %q", bar, tc.ask)
			}
			if quitsOn(m, typeKey('x')) || !m.confirmQuit {
				t.Fatal("a key other than y or n answered the question")
			}
			if quitsOn(m, typeKey('n')) || m.confirmQuit {
				t.Fatal("n did not keep the lab")
			}
			if bar := ansi.Strip(m.helpBar()); strings.Contains(bar, tc.ask) {
				t.Errorf("the question stayed after n: %q", bar)
			}
			quitsOn(m, f10)
			if !quitsOn(m, typeKey('y')) {
				t.Fatal("y did not quit")
			}
		})
	}
}

// TestWheel: over a pane the wheel scrolls the scrollback on the normal
// screen, sends three arrow keys per notch on the alternate screen (in the
// cursor-key mode the program set), and the wheel event itself when the
// program asked for the mouse; nothing else reaches the program.
func TestWheel(t *testing.T) {
	for _, tc := range []struct {
		name     string
		screen   string
		buttons  []tea.MouseButton
		want     string
		scrolled bool
	}{
		{name: "normal screen: the scrollback", buttons: []tea.MouseButton{tea.MouseWheelUp}, scrolled: true},
		{name: "alternate screen: arrow keys", screen: altScreen,
			buttons: []tea.MouseButton{tea.MouseWheelUp, tea.MouseWheelDown}, want: "\x1b[A\x1b[A\x1b[A\x1b[B\x1b[B\x1b[B"},
		{name: "alternate screen, application cursor keys: SS3 arrows", screen: altScreen + cursorKeys,
			buttons: []tea.MouseButton{tea.MouseWheelDown}, want: "\x1bOB\x1bOB\x1bOB"},
		{name: "mouse reporting: the wheel event", screen: altScreen + mouseOn,
			buttons: []tea.MouseButton{tea.MouseWheelUp, tea.MouseWheelDown}, want: "\x1b[<64;3;2M\x1b[<65;3;2M"},
		{name: "mouse reporting on the normal screen: the wheel event", screen: mouseOn,
			buttons: []tea.MouseButton{tea.MouseWheelUp}, want: "\x1b[<64;3;2M"},
		{name: "sideways on the alternate screen: nothing", screen: altScreen,
			buttons: []tea.MouseButton{tea.MouseWheelLeft}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, fl := newTestModel(t, Options{})
			// Lines enough for a scrollback, then the program's screen.
			for i := range 100 {
				fl.panes[lab.Host].output(fmt.Sprintf("line %d\r\n", i))
			}
			fl.panes[lab.Host].output(tc.screen)
			in := m.panes[0].box.inner()
			for _, b := range tc.buttons {
				m.Update(tea.MouseWheelMsg{X: in.X + 2, Y: in.Y + 1, Button: b})
			}
			off := m.panes[0].term.State().ScrollOffset
			if (off > 0) != tc.scrolled {
				t.Errorf("scrolled %d lines into the scrollback, want scrolled %v", off, tc.scrolled)
			}
			if host, _ := typedSoFar(t, m, fl); host != tc.want {
				t.Errorf("the program got %q, want %q", host, tc.want)
			}
		})
	}
}

// TestWheelOverTheOtherPane: the wheel acts on the pane under the pointer,
// as in tmux, without moving the focus.
func TestWheelOverTheOtherPane(t *testing.T) {
	m, fl := newTestModel(t, Options{})
	fl.panes[lab.NS].output(altScreen)
	in := m.panes[1].box.inner()
	m.Update(tea.MouseWheelMsg{X: in.X + 2, Y: in.Y + 1, Button: tea.MouseWheelDown})
	wantFocus(t, m, targetHost)
	if host, ns := typedSoFar(t, m, fl); host != "" || ns != "\x1b[B\x1b[B\x1b[B" {
		t.Errorf("typed host %q ns %q, want three Down keys in ns", host, ns)
	}
}
