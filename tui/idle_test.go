package tui

import (
	"context"
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/nslab/nslab/lab"
)

// TestIdleSchedulesNoTicks: with nothing changing, nothing the model does
// schedules a tick; output starts the ticker and a quiet frame stops it.
func TestIdleSchedulesNoTicks(t *testing.T) {
	now := fixedNow
	m, fl := newTestModel(t, Options{Now: func() time.Time { return now }})
	m.Init() // its commands wait on channels; only its bookkeeping matters here
	base := m.ticks

	idle := []tea.Msg{
		stateMsg{state: fl.State()},
		labEventsMsg{events: []lab.Event{{Time: now, Pane: lab.Host, Kind: lab.ProcessChanged, PID: 7, Comm: "ls"}}, state: fl.State()},
		typeKey('a'),
		press(tea.KeyF2, 0),
		press(tea.KeyDown, 0),
		press(tea.KeyEscape, 0),
		tickMsg{gen: m.tickGen - 1},
		labEventsMsg{events: []lab.Event{{Time: now, Pane: lab.NS, Kind: lab.ShellExited, Status: 1}, {Time: now, Pane: lab.NS, Kind: lab.ProcessChanged}}, state: fl.State()},
		tea.WindowSizeMsg{Width: 120, Height: 40},
	}
	for _, msg := range idle {
		m.Update(msg)
		_ = m.View()
	}
	if m.ticks != base || m.tickPending {
		t.Fatalf("an idle model scheduled %d ticks", m.ticks-base)
	}

	// Output after a quiet spell: the wake draws at once and starts the ticker.
	fl.panes[lab.Host].output("hello")
	m.Update(wakeMsg{})
	if m.ticks != base+1 || !m.tickPending || m.waiting {
		t.Fatalf("after a wake: %d ticks, pending %v, waiting %v; want 1, true, false", m.ticks-base, m.tickPending, m.waiting)
	}
	// More output before the tick: the tick sees it and ticks again.
	fl.panes[lab.Host].output(" again")
	m.Update(tickMsg{gen: m.tickGen})
	if m.ticks != base+2 || !m.tickPending {
		t.Fatalf("a tick with dirty panes did not schedule the next frame")
	}
	// A quiet frame stops the ticker and waits for output again.
	m.Update(tickMsg{gen: m.tickGen})
	if m.ticks != base+2 || m.tickPending || !m.waiting {
		t.Fatalf("a quiet frame left the ticker running (%d ticks, pending %v, waiting %v)", m.ticks-base, m.tickPending, m.waiting)
	}

	// A highlighted row schedules one tick, when it ends, and nothing after.
	s, evs := changedState()
	fl.setState(s)
	m.Update(labEventsMsg{events: evs[:1], state: s})
	if m.ticks != base+3 || !m.tickPending {
		t.Fatalf("a highlight scheduled %d ticks, want 1", m.ticks-base-2)
	}
	now = now.Add(RecentFor)
	m.Update(tickMsg{gen: m.tickGen})
	if !m.hl.empty() || m.tickPending || m.ticks != base+3 {
		t.Fatalf("after the highlight ended: empty %v, pending %v, %d ticks", m.hl.empty(), m.tickPending, m.ticks-base)
	}
}

// TestShellExitNeedsNoTimer: the lab says with an event when it publishes the
// empty pane of an ended shell, so the model shows it from that event alone,
// and asks for nothing later (no re-read of the state on a timer).
func TestShellExitNeedsNoTimer(t *testing.T) {
	fl := newFakeLab()
	ctx, cancel := context.WithCancel(context.Background())
	m := New(ctx, fl, Options{Now: func() time.Time { return fixedNow }})
	t.Cleanup(m.Close)
	run(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	gone := fl.State()
	gone.NS = lab.Snapshot{Pane: lab.NS, Time: fixedNow}
	gone.Seq++
	_, cmd := m.Update(labEventsMsg{events: []lab.Event{
		{Time: fixedNow, Pane: lab.NS, Kind: lab.ShellExited, Status: 2},
		{Time: fixedNow, Pane: lab.NS, Kind: lab.ProcessChanged},
	}, state: gone})
	if m.panes[1].alive || m.panes[1].status != 2 {
		t.Errorf("the ns pane: alive %v, status %d; want exited with 2", m.panes[1].alive, m.panes[1].status)
	}
	if m.state.NS.PID != 0 || m.state.Seq != gone.Seq {
		t.Errorf("the model kept the old ns snapshot (pid %d, seq %d)", m.state.NS.PID, m.state.Seq)
	}
	// With the context ended, the waits on the lab return nothing at once; a
	// timer would still fire.
	cancel()
	for _, msg := range expand(cmd) {
		t.Errorf("a shell's exit scheduled a later message: %T", msg)
	}
}

// TestDirectWake: once Run gives the Model the program's Send, the first
// output after a quiet spell is sent by the output's own reader, once, and
// output that came while the Model was not yet waiting is drawn when it
// starts to wait; output while the ticker runs sends nothing.
func TestDirectWake(t *testing.T) {
	m, fl := newTestModel(t, Options{})
	sent := make(chan tea.Msg, 8)
	send := func(msg tea.Msg) { sent <- msg }
	m.wake.send.Store(&send)
	m.Init() // its commands wait on channels; only its bookkeeping matters here
	count := func() int { return len(sent) }
	// What the panes printed before: drawn, then a quiet frame waits.
	m.Update(wakeMsg{})
	m.Update(tickMsg{gen: m.tickGen})
	m.Update(tickMsg{gen: m.tickGen})
	if !m.waiting || count() != 0 {
		t.Fatalf("a quiet start does not wait for output (waiting %v, %d wakes sent)", m.waiting, count())
	}

	fl.panes[lab.Host].output("one")
	fl.panes[lab.Host].output(" two")
	if n := count(); n != 1 {
		t.Fatalf("two outputs after a quiet spell sent %d wakes, want 1", n)
	}
	if msg := <-sent; msg != (wakeMsg{}) {
		t.Fatalf("sent %#v, want a wakeMsg", msg)
	}
	m.Update(wakeMsg{})
	fl.panes[lab.NS].output("while ticking")
	if n := count(); n != 0 {
		t.Fatalf("output while the ticker runs sent %d wakes", n)
	}
	// The tick draws it; the quiet tick after that waits again.
	m.Update(tickMsg{gen: m.tickGen})
	m.Update(tickMsg{gen: m.tickGen})
	if !m.waiting || m.tickPending {
		t.Fatalf("a quiet frame did not wait for output (waiting %v, pending %v)", m.waiting, m.tickPending)
	}
	fl.panes[lab.NS].output("after")
	if n := count(); n != 1 {
		t.Fatalf("output after the ticker stopped sent %d wakes, want 1", n)
	}
	<-sent

	// Output that comes between the Model's last look (a quiet tick) and
	// its wait: the wait sees it and draws at once.
	m.Update(wakeMsg{})
	fl.panes[lab.Host].output("in between") // not armed: nothing is sent
	if n := count(); n != 0 {
		t.Fatalf("output while the ticker runs sent %d wakes", n)
	}
	cmd := m.waitWake()
	if cmd == nil {
		t.Fatal("the wait did not draw output that came before it")
	}
	found := false
	for _, msg := range flatten(cmd) {
		if msg == (wakeMsg{}) {
			found = true
		}
	}
	if !found || count() != 0 {
		t.Fatalf("the wait's commands gave no wake (%v), or output was also sent (%d)", found, count())
	}
}

// flatten runs a command and the commands of the batches it returns.
func flatten(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, flatten(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// TestTypedKeyDrawsNothing: a key typed into the shell changes nothing on
// screen until its echo comes, so Run hands no frame over for it; unless the
// pane was scrolled back, which typing ends at once.
func TestTypedKeyDrawsNothing(t *testing.T) {
	m, fl := newTestModel(t, Options{})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(typeKey('a'))
	if !m.unchanged {
		t.Fatal("a typed key asks for a frame before its echo")
	}
	m.Update(wakeMsg{})
	if m.unchanged {
		t.Fatal("output after a typed key draws no frame")
	}
	for i := range 100 {
		fl.panes[lab.Host].output(fmt.Sprintf("line %d\r\n", i))
	}
	m.panes[0].term.ScrollBy(5)
	m.Update(typeKey('b'))
	if m.unchanged || m.panes[0].term.State().ScrollOffset != 0 {
		t.Fatalf("typing into a scrolled-back pane drew no frame (offset now %d)", m.panes[0].term.State().ScrollOffset)
	}
}
