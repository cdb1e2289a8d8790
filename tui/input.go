package tui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/tui/term"
)

// handleKey routes a key: the lab's own keys first, then the focused pane or
// panel. Everything the lab does not use goes to the focused shell; while a
// program owns the pane's screen, everything but Ctrl-g goes to it.
func (m *Model) handleKey(k tea.KeyPressMsg) tea.Cmd {
	keys := m.keys
	if m.confirmQuit {
		switch {
		case key.Matches(k, keys.Yes):
			return tea.Quit
		case key.Matches(k, keys.No), key.Matches(k, keys.Quit):
			m.confirmQuit, m.quitBusy = false, nil
		}
		return nil
	}
	if m.showHelp {
		// Any key closes the help screen; it is not typed anywhere. F10
		// quits from it too.
		m.showHelp = false
		if key.Matches(k, keys.Quit) {
			return m.quit()
		}
		return nil
	}
	if m.prefixArmed {
		m.prefixArmed = false
		switch {
		case key.Matches(k, keys.PrefixAgain):
			if p := m.focusedPane(); p != nil && p.alive {
				p.term.SendKey(k)
			}
			return nil
		case !m.isLabKey(k) && !key.Matches(k, keys.ScrollUp, keys.ScrollDown):
			return nil // as after tmux's prefix: a key that is no lab key does nothing
		}
		// A lab key: it does below what it does at a shell prompt.
	} else if p := m.focusedPane(); p != nil && p.ownsKeys() {
		if key.Matches(k, keys.Prefix) {
			m.prefixArmed = true
			return nil
		}
		p.term.SendKey(k)
		m.typed = true
		return nil
	}
	if key.Matches(k, keys.Quit) {
		return m.quit()
	}
	if m.lay.Mode == modeTooSmall {
		// Nothing of the lab shows, so its own keys do nothing; typing still
		// reaches the focused shell. A terminal being resized tells its new
		// size after keys typed since (tmux sends a pane's size late), and a
		// Ctrl-C must not be lost to a size that is about to change.
		if m.focus.isPane() && !m.isLabKey(k) {
			return m.paneKey(m.panes[m.focus], k)
		}
		return nil
	}
	if !m.focus.isPane() && m.navOf(m.focus).editing {
		return m.editFilter(k)
	}
	switch {
	case key.Matches(k, keys.Help):
		m.showHelp = true
		return nil
	case key.Matches(k, keys.FocusHost):
		return m.setFocus(targetHost)
	case key.Matches(k, keys.FocusNS):
		return m.setFocus(targetNS)
	case key.Matches(k, keys.CycleFocus):
		return m.setFocus((m.focus + 1) % targetCount)
	case key.Matches(k, keys.Zoom):
		m.zoomed = !m.zoomed
		return m.relayout()
	}
	if m.walk != nil {
		switch {
		case key.Matches(k, keys.Step):
			return m.advance()
		case key.Matches(k, keys.Previous):
			return tea.Batch(m.walk.back(), m.relayout())
		}
	}
	if m.focus.isPane() {
		return m.paneKey(m.panes[m.focus], k)
	}
	return m.panelKey(k)
}

// typeTarget is where the key reader may send typed text itself: the
// focused pane's terminal while handleKey would pass any printable key to it
// unchanged (paneKey). Nil for the rest: a panel's focus (keys move it), the
// quit question (y, n), the help screen (any key closes it), an armed prefix
// (the next key is the lab's), a shell that ended (Enter restarts it), a
// view scrolled back (typing brings it to live, and the frame must follow).
func (m *Model) typeTarget() *typeTarget {
	p := m.focusedPane()
	if m.viewer || p == nil || m.confirmQuit || m.showHelp || m.prefixArmed || !p.alive {
		return nil
	}
	t, ok := p.term.(typer)
	if !ok || p.term.State().ScrollOffset > 0 {
		return nil
	}
	if p.typeTo == nil || p.typeTo.t != t {
		p.typeTo = &typeTarget{t: t}
	}
	return p.typeTo
}

// focusedPane is the pane with the focus, or nil when a panel has it.
func (m *Model) focusedPane() *paneView {
	if !m.focus.isPane() {
		return nil
	}
	return m.panes[m.focus]
}

// keysOwned reports whether a program owns the focused pane's screen, and
// with it the keys.
func (m *Model) keysOwned() bool {
	if m.viewer {
		return false // a spectator's keys are never a program's
	}
	p := m.focusedPane()
	return p != nil && p.ownsKeys()
}

// quit is F10: it asks first while a walkthrough step runs, or while a pane
// runs anything but its idle shell (which checkQuit finds out).
func (m *Model) quit() tea.Cmd {
	if m.walk != nil && m.walk.running() {
		m.confirmQuit = true
		return nil
	}
	return m.checkQuit()
}

// quitCheckMsg says which panes run something other than their idle shell,
// as "htop (host pane)"; empty, F10 quits at once.
type quitCheckMsg struct{ busy []string }

// checkQuit asks the lab whether a pane runs anything but its idle shell:
// whether the pty's foreground process group, read now, is another than
// the shell's (a job control shell gives each job its own). The process the
// panels follow names it, when it was read since the job started.
func (m *Model) checkQuit() tea.Cmd {
	l, wd := m.lab, m.wd
	panes := [2]Pane{m.panes[0].pane, m.panes[1].pane}
	return func() tea.Msg {
		var msg quitCheckMsg
		marks := l.EndMarks() // before the state: a state read after is as new
		st := l.State()
		for i, r := range lab.Roles {
			shell := panes[i].ShellPID()
			if fg := panes[i].ForegroundGroup(); shell == 0 || fg == 0 || fg == shell {
				continue // no shell, or idle at its prompt: nothing to lose
			}
			// The panels follow a new job a moment late, and may still
			// follow one that ended before the last command's end.
			snap := st.Snapshot(r)
			comm := ""
			if snap.PID != 0 && snap.PID != shell && snap.Ends >= marks {
				comm = snap.Comm
			}
			msg.busy = append(msg.busy, wd.busyItem(comm, string(r)))
		}
		return msg
	}
}

// quitChecked quits, or asks first when a pane runs something.
func (m *Model) quitChecked(msg quitCheckMsg) tea.Cmd {
	if len(msg.busy) == 0 {
		return tea.Quit
	}
	m.confirmQuit, m.quitBusy = true, msg.busy
	return nil
}

// isLabKey reports whether a key is one the lab keeps for itself wherever
// the focus is (never typed into a shell).
func (m *Model) isLabKey(k tea.KeyPressMsg) bool {
	keys := m.keys
	if key.Matches(k, keys.Help, keys.FocusHost, keys.FocusNS, keys.CycleFocus, keys.Zoom, keys.Quit) {
		return true
	}
	return m.walk != nil && key.Matches(k, keys.Step, keys.Previous)
}

// advance is F5 in the walkthrough.
func (m *Model) advance() tea.Cmd {
	wasRunning := m.walk.phase == walkRunning
	cmd := m.walk.advance()
	var cmds []tea.Cmd
	cmds = append(cmds, cmd)
	if !wasRunning && m.walk.phase == walkRunning {
		m.stepBefore = m.state
		m.spotWindowEnd = time.Time{}
		if mk, ok := m.opts.Record.(StepMarker); ok {
			name := m.walk.markName()
			cmds = append(cmds, func() tea.Msg { return markedMsg{err: mk.Mark(name)} })
		}
	}
	cmds = append(cmds, m.relayout())
	return tea.Batch(cmds...)
}

// takeQueued acts on a walkthrough key pressed while the lab was busy, now
// that the step is ready.
func (m *Model) takeQueued() tea.Cmd {
	switch m.walk.takeQueued() {
	case keyStep:
		return m.advance()
	case keyBack:
		return tea.Batch(m.walk.back(), m.relayout())
	}
	return nil
}

// paneKey handles a key for a focused pane.
func (m *Model) paneKey(p *paneView, k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.ScrollUp):
		p.term.ScrollPages(1)
		return nil
	case key.Matches(k, m.keys.ScrollDown):
		p.term.ScrollPages(-1)
		return nil
	}
	if !p.alive {
		if key.Matches(k, m.keys.Restart) && (m.ended.on || m.ended.restarting) {
			return m.restartLab()
		}
		if key.Matches(k, m.keys.Restart) {
			return p.restart(m.ctx)
		}
		return nil // nothing reads a dead pane's input
	}
	p.term.SendKey(k)
	m.typed = true
	return nil
}

// panelKey handles a key for a focused panel.
func (m *Model) panelKey(k tea.KeyPressMsg) tea.Cmd {
	keys := m.keys
	nav := m.navOf(m.focus)
	total, visible := m.panelExtent(m.focus)
	dir := 1
	if m.focus == targetLog {
		dir = -1 // the log counts up from the newest line
	}
	switch {
	case key.Matches(k, keys.Back):
		if nav.filter != "" {
			nav.filter, nav.offset = "", 0
			return nil
		}
		return m.setFocus(m.lastPane)
	case key.Matches(k, keys.Up):
		nav.scroll(-dir, total, visible)
	case key.Matches(k, keys.Down):
		nav.scroll(dir, total, visible)
	case key.Matches(k, keys.PageUp):
		nav.scroll(-dir*max(visible-1, 1), total, visible)
	case key.Matches(k, keys.PageDown):
		nav.scroll(dir*max(visible-1, 1), total, visible)
	case key.Matches(k, keys.Top):
		nav.scroll(-dir*total, total, visible)
	case key.Matches(k, keys.Bottom):
		nav.scroll(dir*total, total, visible)
	case key.Matches(k, keys.Filter):
		nav.editing = true
	case m.focus == targetDiff && m.diff.handleKey(k, keys):
	case m.lay.Mode == modeCompact && key.Matches(k, keys.NextTab):
		return m.setFocus(targetNSPanel + (m.focus-targetNSPanel+1)%3)
	case m.lay.Mode == modeCompact && key.Matches(k, keys.PrevTab):
		return m.setFocus(targetNSPanel + (m.focus-targetNSPanel+2)%3)
	}
	return nil
}

// panelExtent gives a panel's row count and how many rows it shows.
func (m *Model) panelExtent(t target) (total, visible int) {
	return m.panel(t).extent(m.panelData())
}

// editFilter handles keys while a panel's filter is typed.
func (m *Model) editFilter(k tea.KeyPressMsg) tea.Cmd {
	nav := m.navOf(m.focus)
	switch {
	case key.Matches(k, m.keys.FilterDone):
		nav.editing = false
	case key.Matches(k, m.keys.FilterCancel):
		nav.editing, nav.filter = false, ""
	case k.Code == tea.KeyBackspace:
		if r := []rune(nav.filter); len(r) > 0 {
			nav.filter = string(r[:len(r)-1])
		}
	case k.Text != "" && k.Mod&^tea.ModShift == 0:
		nav.filter += k.Text
	}
	nav.offset = 0
	return nil
}

// handlePaste sends a paste to the focused pane, or into a filter being typed.
func (m *Model) handlePaste(text string) tea.Cmd {
	if m.showHelp || m.confirmQuit {
		return nil
	}
	m.prefixArmed = false // a paste is no lab key: it cancels Ctrl-g, and is typed
	if !m.focus.isPane() {
		if nav := m.navOf(m.focus); nav.editing {
			nav.filter += oneLine(text)
		}
		return nil
	}
	if p := m.panes[m.focus]; p.alive {
		p.term.Paste(text)
	}
	return nil
}

// handleMouse focuses what was clicked and passes the mouse to a pane's
// application when it asked for it; the wheel scrolls otherwise.
func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if m.lay.Mode == modeTooSmall || m.confirmQuit {
		return nil
	}
	ms := msg.Mouse()
	if m.showHelp {
		if _, ok := msg.(tea.MouseClickMsg); ok {
			m.showHelp = false
		}
		return nil
	}
	t := m.lay.at(ms.X, ms.Y)
	if t < 0 && m.lay.Strip.contains(ms.X, ms.Y) {
		t = m.tab
		if tab, ok := m.tabAt(ms.X); ok && ms.Y == m.lay.Strip.Y {
			t = tab // a click on a tab's name
		}
	}
	if t < 0 {
		return nil
	}
	var cmd tea.Cmd
	if _, ok := msg.(tea.MouseClickMsg); ok {
		cmd = m.setFocus(t)
	}
	if t.isPane() {
		p := m.panes[t]
		in := p.box.inner()
		rel := ms
		rel.X, rel.Y = ms.X-in.X, ms.Y-in.Y
		inside := in.contains(ms.X, ms.Y)
		if _, wheel := msg.(tea.MouseWheelMsg); !wheel && inside && p.alive && t == m.focus && p.term.State().Modes.Mouse != term.MouseOff {
			p.term.SendMouse(withMouse(msg, rel))
			return cmd
		}
		if wheel, ok := msg.(tea.MouseWheelMsg); ok {
			p.wheel(wheel.Button, inside, rel)
		}
		return cmd
	}
	if wheel, ok := msg.(tea.MouseWheelMsg); ok {
		// Unfocused, a panel too short for its rows shows those that
		// matter most; scrolled, it shows them in order: the wheel focuses
		// it, so what it scrolls is what shows.
		cmd = m.setFocus(t)
		total, visible := m.panelExtent(t)
		dir := 1
		if t == targetLog {
			dir = -1
		}
		switch wheel.Button {
		case tea.MouseWheelUp:
			m.navOf(t).scroll(-dir*3, total, visible)
		case tea.MouseWheelDown:
			m.navOf(t).scroll(dir*3, total, visible)
		}
	}
	return cmd
}

// withMouse returns msg with its position replaced.
func withMouse(msg tea.MouseMsg, ms tea.Mouse) tea.MouseMsg {
	switch msg.(type) {
	case tea.MouseClickMsg:
		return tea.MouseClickMsg(ms)
	case tea.MouseReleaseMsg:
		return tea.MouseReleaseMsg(ms)
	case tea.MouseWheelMsg:
		return tea.MouseWheelMsg(ms)
	default:
		return tea.MouseMotionMsg(ms)
	}
}
