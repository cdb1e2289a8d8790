package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/scenarios"
)

// viewerFrame hands the viewer the teacher's newest frame and returns what
// it draws, plain.
func viewerFrame(v *Viewer) string {
	v.Update(viewerFrameMsg{})
	return ansi.Strip(v.View().Content)
}

// A spectator sees the teacher's panes, panels and walkthrough bar at its own
// size, and sees the lesson advance when the teacher presses F5.
func TestViewerFollowsTeacher(t *testing.T) {
	fl := newFakeLab()
	sl := &fakeScenarioLab{lab: fl, results: map[string]scenarios.Result{}}
	s := NewShare(3)
	s.SetInfo(ShareInfo{SSH: "ssh -p 2222 10.0.0.5", Code: "k7m2qx"})
	h := startHarnessWith(t, fl, 120, 36, Options{Walkthrough: []scenarios.Scenario{sampleScenario(t)}, ScenarioLab: sl, Share: s})
	h.untilWalk(walkReady, -1)
	v, err := s.Join(90, 28)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Leave()
	shellOutput(h)
	h.until("the viewer count on the help bar", func(m *Model) bool { return m.share.viewers == 1 })
	teacher := ansi.Strip(h.frame())
	for _, want := range []string{"ssh -p 2222 10.0.0.5", "k7m2qx", "1/3 watching"} {
		if !strings.Contains(teacher, want) {
			t.Errorf("the teacher's screen does not show %q:\n%s", want, teacher)
		}
	}
	got := viewerFrame(v)
	lines := strings.Split(got, "\n")
	if len(lines) != 28 {
		t.Errorf("the viewer drew %d lines at 90×28", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 90 {
			t.Errorf("viewer line %d is %d cells wide at 90×28: %q", i, w, l)
		}
	}
	for _, want := range []string{"[ns] ~ # findmnt /tmp/mount_test", "Mount a tmpfs", "watching, read-only", "step 1/2", "the teacher runs it"} {
		if !strings.Contains(got, want) {
			t.Errorf("the viewer's screen does not show %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "k7m2qx") {
		t.Errorf("the viewer's screen shows the class code:\n%s", got)
	}
	if strings.Contains(got, "f5") || strings.Contains(got, "alt+p") {
		t.Errorf("the viewer's screen offers the teacher's keys:\n%s", got)
	}

	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkResult, 0)
	h.frame() // the teacher draws, and publishes
	if got := viewerFrame(v); !strings.Contains(got, "exit status 0") {
		t.Errorf("after the teacher's F5 the viewer does not show the step's checks:\n%s", got)
	}
	h.send(press(tea.KeyF5, 0))
	h.untilWalk(walkReady, 1)
	h.frame()
	if got := viewerFrame(v); !strings.Contains(got, "step 2/2") || !strings.Contains(got, "The namespace does not see it") {
		t.Errorf("the viewer does not show step 2 after the teacher went on:\n%s", got)
	}
}

// viewerInput turns fuzz bytes into what a spectator's terminal can send:
// keys with any code, modifiers and text, pastes, clicks and the wheel
// anywhere, and sizes.
func viewerInput(data []byte) []tea.Msg {
	var msgs []tea.Msg
	for len(data) >= 3 {
		op, a, b := data[0], data[1], data[2]
		data = data[3:]
		switch op % 6 {
		case 0, 1:
			codes := []rune{tea.KeyF1, tea.KeyF2, tea.KeyF5, tea.KeyF10, tea.KeyEnter, tea.KeyEscape, tea.KeyTab,
				tea.KeyUp, tea.KeyDown, tea.KeyLeft, tea.KeyRight, tea.KeyPgUp, tea.KeyPgDown, tea.KeyBackspace, 'c', 'g', 'p', 'n', 'z', '/', 'q'}
			k := tea.KeyPressMsg{Code: codes[int(a)%len(codes)], Mod: tea.KeyMod(b) & (tea.ModAlt | tea.ModCtrl | tea.ModShift)}
			if k.Mod == 0 && k.Code >= 'a' && k.Code <= 'z' {
				k.Text = string(k.Code)
			}
			msgs = append(msgs, k)
		case 2:
			msgs = append(msgs, tea.KeyPressMsg{Code: rune(a), Text: string(rune(a) | 0x20)})
		case 3:
			msgs = append(msgs, tea.PasteMsg{Content: "echo pasted\n" + string(rune(a))})
		case 4:
			ms := tea.Mouse{X: int(a) % 120, Y: int(b) % 40, Button: tea.MouseLeft}
			if a&1 == 1 {
				ms.Button = tea.MouseWheelUp
				msgs = append(msgs, tea.MouseWheelMsg(ms))
			} else {
				msgs = append(msgs, tea.MouseClickMsg(ms))
			}
		case 5:
			msgs = append(msgs, tea.WindowSizeMsg{Width: int(a)%160 + 1, Height: int(b)%60 + 1})
		}
	}
	return msgs
}

// Nothing a spectator sends reaches a pane, the walkthrough or the teacher's
// screen: the panes get no input and no resize, no step runs, and the
// teacher's focus, zoom and help stay as they were.
func FuzzViewerInput(f *testing.F) {
	f.Add([]byte{0, 4, 0, 0, 5, 0, 2, 'l', 0, 3, 'x', 0, 4, 10, 5, 4, 11, 30, 0, 3, 0, 0, 0, 2})
	f.Add([]byte{0, 1, 0, 0, 14, 0, 2, 'e', 0, 2, 'c', 0, 2, 'h', 0, 1, 4, 0, 0, 3, 0})
	f.Add([]byte{0, 6, 0, 0, 20, 0, 0, 20, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		fl := newFakeLab()
		sl := &fakeScenarioLab{lab: fl, results: map[string]scenarios.Result{}}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := NewShare(2)
		m := New(ctx, fl, Options{Walkthrough: []scenarios.Scenario{sampleScenario(t)}, ScenarioLab: sl, Share: s,
			Now: func() time.Time { return fixedNow }})
		defer m.Close()
		m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		fl.panes[lab.Host].output("[host] ~ # ")
		fl.panes[lab.NS].output("\x1b[?1049h\x1b[?1000hvim owns this pane")
		v, err := s.Join(80, 24)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Leave()
		m.View()
		resizes := [2]int{fl.panes[lab.Host].resizes, fl.panes[lab.NS].resizes}
		focus, zoomed, help := m.focus, m.zoomed, m.showHelp
		for _, msg := range viewerInput(data) {
			v.Update(msg)
			v.View()
			m.View()
			v.Update(viewerFrameMsg{})
		}
		// The panes' input is written by their terminals' goroutines: a key
		// typed to the teacher's pane now must come out after anything a
		// viewer had queued, so wait for it and look at what came before.
		m.panes[0].term.SendKey(typeKey('!'))
		deadline := time.Now().Add(hangLimit)
		for !strings.Contains(fl.panes[lab.Host].typed(), "!") {
			if time.Now().After(deadline) {
				t.Fatalf("waited %v for the teacher's own key on the host pane; typed so far %q", hangLimit, fl.panes[lab.Host].typed())
			}
			time.Sleep(time.Millisecond)
		}
		if got := fl.panes[lab.Host].typed(); got != "!" {
			t.Errorf("the host pane got %q from a viewer's input", strings.TrimSuffix(got, "!"))
		}
		if got := fl.panes[lab.NS].typed(); got != "" {
			t.Errorf("the ns pane got %q from a viewer's input", got)
		}
		if r := [2]int{fl.panes[lab.Host].resizes, fl.panes[lab.NS].resizes}; r != resizes {
			t.Errorf("a viewer's input resized the panes: %v, before %v", r, resizes)
		}
		if resets, ran := sl.counts(); resets != 0 || len(ran) != 0 {
			t.Errorf("a viewer's input ran the walkthrough: %d resets, commands %q", resets, ran)
		}
		if m.focus != focus || m.zoomed != zoomed || m.showHelp != help {
			t.Errorf("a viewer's input moved the teacher's screen: focus %v zoom %v help %v, before %v %v %v",
				m.focus, m.zoomed, m.showHelp, focus, zoomed, help)
		}
	})
}

// The limit admits max viewers; the next is told the class is full, and a
// place frees when one leaves. After Close nobody joins.
func TestShareLimit(t *testing.T) {
	s := NewShare(2)
	a, err := s.Join(80, 24)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Join(80, 24); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Join(80, 24); !errors.Is(err, ErrFull) {
		t.Fatalf("a third viewer with a limit of 2: %v, want ErrFull", err)
	}
	a.Leave()
	a.Leave() // twice is once
	if n := s.Viewers(); n != 1 {
		t.Fatalf("%d viewers after one of two left", n)
	}
	if _, err := s.Join(80, 24); err != nil {
		t.Fatalf("a viewer after one left: %v", err)
	}
	s.Close()
	if _, err := s.Join(80, 24); !errors.Is(err, ErrShareClosed) {
		t.Fatalf("a viewer after Close: %v, want ErrShareClosed", err)
	}
}

// The frame budget lets a full bucket's frames through at once, then one
// per 1/viewerFrames of a second, and says how long until the next.
func TestFrameBudget(t *testing.T) {
	b := frameBudget{burst: 3}
	t0 := time.Unix(1000, 0)
	for i := range 3 {
		if d := b.take(t0); d != 0 {
			t.Fatalf("frame %d of a full bucket of 3 waits %v", i+1, d)
		}
	}
	per := time.Second / viewerFrames
	if d := b.take(t0); d <= 0 || d > per {
		t.Fatalf("a fourth frame at once waits %v, want (0, %v]", d, per)
	}
	if d := b.take(t0.Add(per + time.Microsecond)); d != 0 {
		t.Fatalf("a frame one refill later waits %v", d)
	}
	// A long quiet spell fills the bucket to its burst, no further.
	later := t0.Add(time.Hour)
	for i := range 3 {
		if d := b.take(later); d != 0 {
			t.Fatalf("frame %d after a quiet hour waits %v", i+1, d)
		}
	}
	if d := b.take(later); d == 0 {
		t.Fatal("the bucket held more than its burst after a quiet hour")
	}
}

// A viewer that takes no frames (its connection stalled) never holds the teacher up, and
// what waits for it is one tap, however many frames the teacher draws.
func TestStalledViewerHoldsNothing(t *testing.T) {
	fl := newFakeLab()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := NewShare(2)
	m := New(ctx, fl, Options{Share: s, Now: func() time.Time { return fixedNow }})
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	v, err := s.Join(80, 24)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Leave()
	for i := range 2000 {
		fl.panes[lab.Host].output(fmt.Sprintf("line %d\r\n", i))
		m.Update(tea.KeyPressMsg{Code: tea.KeyF2}) // a chrome change: a new snapshot each time
		m.View()
	}
	if n := len(v.notify); n != 1 {
		t.Fatalf("%d taps wait for the stalled viewer, want 1", n)
	}
	// It draws the newest when it comes back.
	if got := viewerFrame(v); !strings.Contains(got, "line 1999") {
		t.Errorf("the viewer's next frame is not the newest:\n%s", got)
	}
}
