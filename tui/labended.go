package tui

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/nslab/nslab/lab"
)

// Restarter is a Lab that can end under the screen — its init killed from outside, or
// reboot run in a pane — and be started afresh. FromLab's adapter is one; a Lab without
// it (a test's fake) never ends.
type Restarter interface {
	// Ended reports whether the lab ended without nslab ending it.
	Ended() bool
	// Restart throws the ended lab away and starts a fresh one, the ns pane unshared.
	Restart(ctx context.Context) error
}

func (a labAdapter) Ended() bool { return a.l.Ended() }

// EndCause says why the lab ended (lab.EndNone while it runs).
func (a labAdapter) EndCause() lab.EndCause { return a.l.EndCause() }

// labFate is whether the lab ended under the screen, and why if it knows.
type labFate struct {
	ended bool
	cause lab.EndCause
}

// fateOf reads a lab's fate; a Lab that is no Restarter never ends.
func fateOf(l Lab) labFate {
	r, ok := l.(Restarter)
	if !ok || !r.Ended() {
		return labFate{}
	}
	f := labFate{ended: true}
	if c, ok := l.(interface{ EndCause() lab.EndCause }); ok {
		f.cause = c.EndCause()
	}
	return f
}
func (a labAdapter) Restart(ctx context.Context) error {
	return a.l.Reset(ctx, lab.NSUnshared)
}

// labEnd is the lab's own fate, apart from its shells': ended under the screen, a fresh
// one starting, or why starting one failed. The panes' footers say it while it holds.
type labEnd struct {
	on, restarting bool
	cause          lab.EndCause
	problem        string
	// key is Enter as the help bar names it meanwhile: a fresh lab, not a new shell.
	key key.Binding
}

// labRestartedMsg reports how starting a fresh lab went (the free-form lab; the
// walkthrough starts one by replaying the current lesson up to its step).
type labRestartedMsg struct{ err error }

// heard takes what the lab said with a batch of events: ended (and why), or running again.
func (e *labEnd) heard(f labFate) {
	e.cause = f.cause
	if f.ended == e.on {
		return
	}
	e.on = f.ended
	if !f.ended {
		e.restarting, e.problem = false, ""
	}
}

// restartLab is Enter on a pane of an ended lab: a fresh lab, both shells in it. In the
// walkthrough the current step is rewound to, so the lesson goes on where it was.
func (m *Model) restartLab() tea.Cmd {
	if m.ended.restarting {
		return nil
	}
	if m.walk != nil {
		var cmd tea.Cmd
		if m.walk.runner != nil && len(m.walk.steps) > 0 {
			cmd = m.walk.rewind(min(m.walk.step, len(m.walk.steps)-1))
		} else {
			cmd = m.walk.start()
		}
		if cmd != nil {
			m.ended.restarting, m.ended.problem = true, ""
			return tea.Batch(cmd, m.relayout())
		}
		return nil
	}
	r, ok := m.lab.(Restarter)
	if !ok {
		return nil
	}
	m.ended.restarting, m.ended.problem = true, ""
	ctx := m.ctx
	return func() tea.Msg { return labRestartedMsg{err: r.Restart(ctx)} }
}

// labRestarted handles the end of a fresh start.
func (m *Model) labRestarted(msg labRestartedMsg) {
	m.ended.restarting = false
	if msg.err != nil {
		m.ended.problem = oneLine(msg.err.Error())
		return
	}
	m.ended.on, m.ended.problem = false, ""
}

// footer is what an ended lab's panes say at their bottom ("" while the lab runs).
func (e *labEnd) footer(st Styles, wd *words) string {
	switch {
	case e == nil || !e.on && !e.restarting:
		return ""
	case e.restarting:
		return st.Warn.Render(symRunning + " " + wd.startingLab)
	case e.problem != "":
		return st.Fail.Render(symFail) + " " + st.Key.Render(wd.retry) + st.Fail.Render(" · "+wd.noLabBecause(e.problem))
	}
	// The key first, as for a failed restart: a narrow pane cuts the reason, not the way on.
	why := wd.labEndedBy(e.cause)
	if why == "" {
		why = wd.labEnded
	}
	return st.Fail.Render(symFail) + " " + st.Key.Render(wd.newLab) + st.Fail.Render(" · "+why)
}
