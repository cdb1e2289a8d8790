package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/tui/term"
)

// Timing of the redraw ticker.
const (
	// frameInterval is the frame ticker's period while pty output flows.
	frameInterval = time.Second / 60
	// spotWindow is how long after a step's result incoming changes still
	// count as that step's (the lab's monitors may report a moment later).
	spotWindow = 1500 * time.Millisecond
	// refreshAfterExit is when the state is read again after a shell ended:
	// the lab publishes the empty pane without an event.
	refreshAfterExit = 200 * time.Millisecond
	// maxBatch bounds the lab events taken into one message.
	maxBatch = 1024
)

// Messages.
type (
	// labEventsMsg is a batch of lab events and the state after them.
	labEventsMsg struct {
		events []lab.Event
		state  lab.State
	}
	// stateMsg is a fresh read of the lab's state.
	stateMsg struct{ state lab.State }
	// aliveMsg is whether each pane's shell runs, read at start.
	aliveMsg struct {
		alive  [2]bool
		status [2]int
	}
	// wakeMsg says pty output arrived while no frame ticker ran.
	wakeMsg struct{}
	// tickMsg is the redraw ticker; gen drops a tick that was replaced.
	tickMsg struct{ gen int }
	// refreshStateMsg asks for the state to be read again.
	refreshStateMsg struct{}
	// markedMsg reports that a recording marker was written.
	markedMsg struct{ err error }
)

// Model is the root of the screen: it owns the panes, the panels, the
// walkthrough bar and the focus, and routes every message to them.
type Model struct {
	ctx  context.Context
	lab  Lab
	opts Options
	st   Styles
	keys KeyMap
	now  func() time.Time

	width, height int
	sized         bool
	lay           layout

	panes [2]*paneView
	nsp   nsPanel
	diff  diffPanel
	log   logPanel
	// tab is the panel the compact strip shows.
	tab  target
	walk *walkthrough

	focus, lastPane target
	zoomed          bool
	showHelp        bool
	confirmQuit     bool

	state lab.State
	hl    highlights
	// stepBefore is the state when the running step started; spotUntil and
	// spotWindowEnd bound its spotlight.
	stepBefore               lab.State
	spotUntil, spotWindowEnd time.Time

	// wake is tapped by the panes' sinks; waiting is set while a command
	// waits on it.
	wake    chan struct{}
	waiting bool
	// The one ticker: tickGen names the tick that counts, tickPending says one
	// is scheduled, ticks counts every tick ever scheduled.
	tickGen     int
	tickPending bool
	ticks       int
	// problem is the last error a command reported, for the help bar.
	problem string

	// Everything but the panes' screens changes only on a message that is not
	// a frame tick; it is drawn once per such change and kept.
	chromeGen, cachedGen int
	cache                map[string][]string
}

// New builds the screen over a lab: it gives each pane a terminal emulator and
// points the pane's output at it. Call Close when the program has ended.
func New(ctx context.Context, l Lab, opts Options) *Model {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	m := &Model{
		ctx: ctx, lab: l, opts: opts, now: now,
		st:   NewStyles(opts.Theme, opts.NoColor),
		keys: DefaultKeyMap(),
		wake: make(chan struct{}, 1),
		hl:   newHighlights(),
		tab:  targetDiff,
	}
	for i, r := range lab.Roles {
		p := l.Pane(r)
		t := term.New(p, term.Options{Cols: 80, Rows: 24})
		p.SetSink(wakeSink{t: t, wake: m.wake})
		m.panes[i] = newPaneView(r, p, t)
	}
	if len(opts.Walkthrough) > 0 {
		m.walk = newWalkthrough(ctx, opts.Walkthrough, opts.ScenarioLab, opts.Lang)
		delay := opts.TypeDelay
		if delay == 0 {
			delay = DefaultTypeDelay
		}
		for _, p := range m.panes {
			p.pane.SetTypeDelay(max(delay, 0))
		}
	}
	m.panes[0].term.Focus(true)
	return m
}

// Close detaches the terminals from the panes and stops them.
func (m *Model) Close() {
	for _, p := range m.panes {
		p.pane.SetSink(nil)
		if m.walk != nil {
			p.pane.SetTypeDelay(0)
		}
		_ = p.term.Close()
	}
}

// Init starts the waits on lab events and pty output, reads the starting
// state, and starts the walkthrough's first scenario.
func (m *Model) Init() tea.Cmd {
	m.waiting = true
	cmds := []tea.Cmd{m.waitEvents(), m.waitWake(), m.readAlive(), m.readState()}
	if m.walk != nil {
		cmds = append(cmds, m.walk.start())
	}
	return tea.Batch(cmds...)
}

// waitEvents waits for the next lab event and takes whatever else is queued
// with it, so a burst is one message.
func (m *Model) waitEvents() tea.Cmd {
	ctx, l := m.ctx, m.lab
	return func() tea.Msg {
		ch := l.Events()
		var batch []lab.Event
		select {
		case e := <-ch:
			batch = append(batch, e)
		case <-ctx.Done():
			return nil
		}
	drain:
		for len(batch) < maxBatch {
			select {
			case e := <-ch:
				batch = append(batch, e)
			default:
				break drain
			}
		}
		return labEventsMsg{events: batch, state: l.State()}
	}
}

// waitWake waits for the first pty output after a quiet spell.
func (m *Model) waitWake() tea.Cmd {
	ctx, wake := m.ctx, m.wake
	return func() tea.Msg {
		select {
		case <-wake:
			return wakeMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}

func (m *Model) readState() tea.Cmd {
	l := m.lab
	return func() tea.Msg { return stateMsg{state: l.State()} }
}

func (m *Model) readAlive() tea.Cmd {
	panes := [2]Pane{m.panes[0].pane, m.panes[1].pane}
	return func() tea.Msg {
		var msg aliveMsg
		for i, p := range panes {
			msg.alive[i], msg.status[i] = p.Alive()
		}
		return msg
	}
}

// schedule replaces any pending tick with one after d.
func (m *Model) schedule(d time.Duration) tea.Cmd {
	m.tickGen++
	m.tickPending = true
	m.ticks++
	gen := m.tickGen
	return tea.Tick(max(d, time.Millisecond), func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// takeDirty clears every pane's dirty flag and reports whether any was set.
func (m *Model) takeDirty() bool {
	dirty := false
	for _, p := range m.panes {
		if p.term.TakeDirty() {
			dirty = true
		}
	}
	return dirty
}

// drainWake empties the wake channel; called before takeDirty, so output
// that comes after is seen by one or the other.
func (m *Model) drainWake() {
	select {
	case <-m.wake:
	default:
	}
}

// idle schedules what an idle screen needs: a tick when the next highlight
// ends, and a wait for pty output. It never schedules a frame tick.
func (m *Model) idle(now time.Time) tea.Cmd {
	var cmds []tea.Cmd
	if next := m.hl.expire(now); !next.IsZero() && !m.tickPending {
		cmds = append(cmds, m.schedule(next.Sub(now)))
	}
	if !m.waiting {
		m.waiting = true
		cmds = append(cmds, m.waitWake())
	}
	return tea.Batch(cmds...)
}

// Update routes one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case wakeMsg, tickMsg:
		// Frame messages: only the panes' screens change (tickMsg says when
		// a highlight ends).
	default:
		m.chromeGen++
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height, m.sized = msg.Width, msg.Height, true
		return m, m.relayout()
	case wakeMsg:
		// Output after a quiet spell: draw now (Update is followed by View),
		// then tick at frame rate while it keeps coming.
		m.waiting = false
		m.drainWake()
		m.takeDirty()
		return m, m.schedule(frameInterval)
	case tickMsg:
		if msg.gen != m.tickGen {
			return m, nil
		}
		m.tickPending = false
		m.drainWake()
		now := m.now()
		marks := len(m.hl.mounts) + len(m.hl.ns)
		defer func() {
			if len(m.hl.mounts)+len(m.hl.ns) != marks {
				m.chromeGen++
			}
		}()
		if m.takeDirty() {
			m.hl.expire(now)
			return m, m.schedule(frameInterval)
		}
		return m, m.idle(now)
	case labEventsMsg:
		return m, tea.Batch(m.handleEvents(msg), m.waitEvents())
	case stateMsg:
		if msg.state.Seq >= m.state.Seq { // a read can come back after a newer one
			m.state = msg.state
		}
		return m, nil
	case refreshStateMsg:
		return m, m.readState()
	case aliveMsg:
		for i, p := range m.panes {
			if p.heard {
				continue // an event since said how the shell is; it is newer
			}
			if msg.alive[i] {
				p.started()
			} else {
				p.exited(msg.status[i])
			}
		}
		return m, nil
	case paneResizedMsg:
		if p := m.paneOf(msg.role); p != nil {
			if msg.err != nil {
				m.problem = oneLine(msg.err.Error())
			}
			return m, p.resized(msg)
		}
		return m, nil
	case paneRestartedMsg:
		if p := m.paneOf(msg.role); p != nil {
			p.restarted(msg.err)
		}
		return m, nil
	case scenarioStartedMsg:
		if m.walk != nil {
			m.walk.started(msg)
		}
		return m, m.relayout()
	case stepDoneMsg:
		return m, m.stepDone(msg)
	case markedMsg:
		if msg.err != nil {
			m.problem = "recording: " + oneLine(msg.err.Error())
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.PasteMsg:
		return m, m.handlePaste(msg.Content)
	case tea.MouseMsg:
		return m, m.handleMouse(msg)
	}
	return m, nil
}

func (m *Model) paneOf(r lab.Role) *paneView {
	for _, p := range m.panes {
		if p.role == r {
			return p
		}
	}
	return nil
}

// markNow is the mark a change gets now: recent, or part of the spotlight
// while the last step's window is open.
func (m *Model) markNow(now time.Time) mark {
	if now.Before(m.spotWindowEnd) {
		return mark{until: m.spotUntil, spot: true}
	}
	return mark{until: now.Add(RecentFor)}
}

// handleEvents applies a batch of lab events: the log, the highlights, the
// shells' fates, and the state after them.
func (m *Model) handleEvents(msg labEventsMsg) tea.Cmd {
	now := m.now()
	var cmds []tea.Cmd
	for _, e := range msg.events {
		switch e.Kind {
		case lab.MountAdded, lab.MountRemoved, lab.MountChanged:
			m.hl.mountEvent(e, m.markNow(now), now, msg.state.Diff)
		case lab.NamespaceChanged:
			m.hl.nsEvent(e, m.markNow(now))
		case lab.ShellExited:
			if p := m.paneOf(e.Pane); p != nil {
				p.exited(e.Status)
				p.heard = true
			}
			cmds = append(cmds, tea.Tick(refreshAfterExit, func(time.Time) tea.Msg { return refreshStateMsg{} }))
		case lab.ShellStarted:
			if p := m.paneOf(e.Pane); p != nil {
				p.started()
				p.heard = true
			}
		}
		m.log.add(e)
	}
	if msg.state.Seq >= m.state.Seq {
		m.state = msg.state
	}
	m.followChanges()
	if !m.tickPending {
		if next := m.hl.expire(now); !next.IsZero() {
			cmds = append(cmds, m.schedule(next.Sub(now)))
		}
	}
	return tea.Batch(cmds...)
}

// stepDone shows a step's result and spotlights what it changed.
func (m *Model) stepDone(msg stepDoneMsg) tea.Cmd {
	if m.walk == nil || !m.walk.done(msg) {
		return nil
	}
	now := m.now()
	m.spotUntil = now.Add(SpotlightFor)
	m.spotWindowEnd = now.Add(spotWindow)
	m.hl.spotlight(m.stepBefore, m.state, now, m.spotUntil)
	m.walk.spot = m.spotSummary()
	m.showSpotTab()
	m.followChanges()
	cmds := []tea.Cmd{m.relayout()}
	if !m.tickPending {
		if next := m.hl.expire(now); !next.IsZero() {
			cmds = append(cmds, m.schedule(next.Sub(now)))
		}
	}
	return tea.Batch(cmds...)
}

// spotSummary names what the spotlight shows, for the narration bar.
func (m *Model) spotSummary() string {
	var parts []string
	for _, r := range m.state.Diff {
		if mk, ok := m.hl.mounts[r.Key]; ok && mk.spot {
			parts = append(parts, m.st.Spot.Render(mk.sign+" "+r.Key.Mountpoint)+m.st.Muted.Render(" ("+classWord(r.Class)+")"))
		}
	}
	for _, g := range m.hl.ghosts {
		if mk, ok := m.hl.mounts[g.row.Key]; ok && mk.spot {
			parts = append(parts, m.st.Spot.Render(symDeleted+" "+g.row.Key.Mountpoint)+m.st.Muted.Render(" (gone)"))
		}
	}
	for _, r := range lab.Roles {
		for _, t := range lab.NSTypes {
			if mk, ok := m.hl.ns[nsKey{r, t}]; ok && mk.spot {
				parts = append(parts, m.st.Spot.Render(fmt.Sprintf("%s ns %s %s", t, symUnequal, r)))
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	if len(parts) > 4 {
		parts = append(parts[:4], m.st.Muted.Render(fmt.Sprintf("+%d more", len(parts)-4)))
	}
	return strings.Join(parts, m.st.Muted.Render(" · "))
}

// followChanges scrolls the mount panel to the rows that just changed,
// unless the user is reading it.
func (m *Model) followChanges() {
	if m.focus == targetDiff {
		return
	}
	_, visible := m.panelExtent(targetDiff)
	m.diff.follow(m.panelData(), visible)
}

// showSpotTab turns the compact strip to the panel the spotlight is on.
func (m *Model) showSpotTab() {
	if m.focus.isPane() == false {
		return
	}
	for _, mk := range m.hl.mounts {
		if mk.spot {
			m.tab = targetDiff
			return
		}
	}
	for _, mk := range m.hl.ns {
		if mk.spot {
			m.tab = targetNSPanel
			return
		}
	}
}

// relayout recomputes the layout and resizes the panes to it.
func (m *Model) relayout() tea.Cmd {
	if !m.sized {
		return nil
	}
	in := layoutInput{Width: m.width, Height: m.height, Zoomed: m.zoomed, Zoom: m.focus}
	if m.walk != nil {
		in.NarrationWant = m.walk.wantHeight(m.st, m.width)
	}
	m.lay = computeLayout(in)
	var cmds []tea.Cmd
	for i, p := range m.panes {
		r := m.lay.Parts[target(i)]
		if r.empty() {
			p.box = r // hidden (zoom or too small): keep the terminal's size
			continue
		}
		cmds = append(cmds, p.SetSize(r))
	}
	for _, t := range []target{targetNSPanel, targetDiff, targetLog} {
		r := m.lay.Parts[t]
		if r.empty() {
			r = m.lay.Strip
		}
		in := r.inner()
		m.panel(t).SetSize(in.W, in.H)
	}
	return tea.Batch(cmds...)
}

// setFocus moves the focus and tells the panes' applications, if they asked.
func (m *Model) setFocus(t target) tea.Cmd {
	if t == m.focus {
		return nil
	}
	if m.focus.isPane() {
		m.panes[m.focus].term.Focus(false)
	}
	m.focus = t
	if t.isPane() {
		m.lastPane = t
		m.panes[t].term.Focus(true)
	} else {
		m.tab = t
	}
	if m.zoomed {
		return m.relayout()
	}
	return nil
}

// helpContext says which keys matter now.
func (m *Model) helpContext() helpContext {
	c := helpContext{keys: m.keys, confirming: m.confirmQuit, compact: m.lay.Mode == modeCompact}
	if m.walk != nil {
		c.walk = m.walk.ShortHelp(m.keys)
	}
	if m.focus.isPane() {
		c.local = m.panes[m.focus].ShortHelp(m.keys)
	} else {
		c.onPanel = true
		c.local = m.panel(m.focus).ShortHelp(m.keys)
		c.filtering = m.navOf(m.focus).editing
	}
	return c
}

// panelPart is what the root needs of each panel (soft-serve's component:
// a size, and the keys that matter in it).
type panelPart interface {
	SetSize(w, h int)
	ShortHelp(k KeyMap) []key.Binding
	name() string
	count(panelData) int
	lines(st Styles, d panelData, w, h int) []string
}

// panel returns the panel of a target.
func (m *Model) panel(t target) panelPart {
	switch t {
	case targetNSPanel:
		return &m.nsp
	case targetDiff:
		return &m.diff
	}
	return &m.log
}

func (m *Model) navOf(t target) *panelNav {
	switch t {
	case targetNSPanel:
		return &m.nsp.nav
	case targetDiff:
		return &m.diff.nav
	case targetLog:
		return &m.log.nav
	}
	return &panelNav{}
}

// handleKey routes a key: the lab's own keys first, then the focused pane or
// panel. Everything the lab does not use goes to the focused shell.
func (m *Model) handleKey(k tea.KeyPressMsg) tea.Cmd {
	keys := m.keys
	if m.confirmQuit {
		switch {
		case key.Matches(k, keys.Yes):
			return tea.Quit
		case key.Matches(k, keys.No), key.Matches(k, keys.Quit):
			m.confirmQuit = false
		}
		return nil
	}
	if key.Matches(k, keys.Quit) {
		if m.walk != nil && m.walk.running() {
			m.confirmQuit = true
			return nil
		}
		return tea.Quit
	}
	if m.showHelp {
		// Any key closes the overlay; it is not typed anywhere.
		m.showHelp = false
		return nil
	}
	if m.lay.Mode == modeTooSmall {
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
			m.walk.back()
			return m.relayout()
		}
	}
	if m.focus.isPane() {
		return m.paneKey(m.panes[m.focus], k)
	}
	return m.panelKey(k)
}

// advance is F5 in the walkthrough.
func (m *Model) advance() tea.Cmd {
	wasRunning := m.walk.running()
	cmd := m.walk.advance()
	var cmds []tea.Cmd
	cmds = append(cmds, cmd)
	if !wasRunning && m.walk.running() {
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
		if key.Matches(k, m.keys.Restart) {
			return p.restart(m.ctx)
		}
		return nil // nothing reads a dead pane's input
	}
	p.term.SendKey(k)
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
	case m.focus == targetDiff && key.Matches(k, keys.Pseudo):
		m.diff.showPseudo = !m.diff.showPseudo
		m.diff.nav.offset = 0
	case m.lay.Mode == modeCompact && key.Matches(k, keys.NextTab):
		return m.setFocus(targetNSPanel + (m.focus-targetNSPanel+1)%3)
	case m.lay.Mode == modeCompact && key.Matches(k, keys.PrevTab):
		return m.setFocus(targetNSPanel + (m.focus-targetNSPanel+2)%3)
	}
	return nil
}

// panelExtent gives a panel's row count and how many rows it shows.
func (m *Model) panelExtent(t target) (total, visible int) {
	p := m.panel(t)
	_, h := sizeOf(p)
	return p.count(m.panelData()), max(h-1, 1) // less the header line
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
	if m.showHelp || m.confirmQuit || m.lay.Mode == modeTooSmall {
		return nil
	}
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
		if inside && p.alive && t == m.focus && p.term.State().Modes.Mouse != term.MouseOff {
			p.term.SendMouse(withMouse(msg, rel))
			return cmd
		}
		if wheel, ok := msg.(tea.MouseWheelMsg); ok {
			switch wheel.Button {
			case tea.MouseWheelUp:
				p.term.ScrollBy(3)
			case tea.MouseWheelDown:
				p.term.ScrollBy(-3)
			}
		}
		return cmd
	}
	if wheel, ok := msg.(tea.MouseWheelMsg); ok {
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

func (m *Model) panelData() panelData {
	return panelData{state: m.state, hl: &m.hl}
}

// View draws the frame.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "nslab"
	v.Cursor = m.cursor()
	return v
}

// render draws the whole screen as exactly height lines of width cells.
func (m *Model) render() string {
	if !m.sized || m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.lay.Mode == modeTooSmall {
		return tooSmall(m.st, m.width, m.height)
	}
	if m.cache == nil || m.cachedGen != m.chromeGen {
		m.cache, m.cachedGen = m.drawChrome(), m.chromeGen
	}
	c := newCanvas(m.width, m.height)
	c.put(m.lay.Narration, m.cache["narration"])
	for i, p := range m.panes {
		t := target(i)
		if r := m.lay.Parts[t]; !r.empty() {
			c.put(r, p.View(m.st, m.focus == t, m.zoomed, m.state.Snapshot(p.role)))
		}
	}
	for _, t := range []target{targetNSPanel, targetDiff, targetLog} {
		c.put(m.lay.Parts[t], m.cache[m.panelName(t)])
	}
	c.put(m.lay.Strip, m.cache["strip"])
	c.put(m.lay.Help, m.cache["help"])
	frame := c.String()
	if m.showHelp {
		frame = overlay(frame, m.width, m.height, m.helpOverlay())
	}
	return frame
}

// drawChrome draws everything but the panes: the narration bar, the panels
// or the strip, and the help bar.
func (m *Model) drawChrome() map[string][]string {
	out := map[string][]string{}
	if m.walk != nil && !m.lay.Narration.empty() {
		out["narration"] = m.walk.View(m.st, m.lay.Narration)
	}
	d := m.panelData()
	for _, t := range []target{targetNSPanel, targetDiff, targetLog} {
		if r := m.lay.Parts[t]; !r.empty() {
			out[m.panelName(t)] = m.panelBox(t, r, d)
		}
	}
	if !m.lay.Strip.empty() {
		out["strip"] = m.strip(d)
	}
	out["help"] = []string{m.helpBar()}
	return out
}

// panelLines draws a panel's content at a size.
func (m *Model) panelLines(t target, d panelData, w, h int) []string {
	return m.panel(t).lines(m.st, d, w, h)
}

func (m *Model) panelName(t target) string { return m.panel(t).name() }

// panelBox draws one panel in its own box.
func (m *Model) panelBox(t target, r rect, d panelData) []string {
	in := r.inner()
	focused := m.focus == t
	name := m.panelName(t)
	title := m.st.Title.Render(name)
	if focused {
		title = m.st.TitleFocus.Render(symFocus + " " + name)
	}
	spec := boxSpec{Focused: focused, Title: title, Lines: m.panelLines(t, d, in.W, in.H)}
	if t == targetDiff {
		spec.Status = m.diff.status(m.st, d)
		spec.Footer = diffLegend(m.st)
	}
	if m.zoomed && focused {
		spec.Status = strings.TrimSpace(spec.Status + " " + m.st.Muted.Render("zoom"))
	}
	return drawBox(m.st, r, spec)
}

// strip draws the compact panels: tabs on the border, the namespaces in one
// line, and the chosen panel below.
func (m *Model) strip(d panelData) []string {
	r := m.lay.Strip
	in := r.inner()
	focused := !m.focus.isPane()
	var tabs []string
	for _, t := range []target{targetNSPanel, targetDiff, targetLog} {
		name := m.panelName(t)
		switch {
		case t == m.tab && focused:
			tabs = append(tabs, m.st.TabActive.Render(symFocus+" "+name))
		case t == m.tab:
			tabs = append(tabs, m.st.TabActive.Render(name))
		default:
			tabs = append(tabs, m.st.Tab.Render(name))
		}
	}
	spec := boxSpec{Focused: focused, Title: strings.Join(tabs, m.st.Muted.Render(" │ "))}
	spec.Lines = m.panelLines(m.tab, d, in.W, in.H)
	if m.tab != targetNSPanel {
		// The namespaces stay in sight, in one line on the bottom border.
		spec.Footer = nsSummary(m.st, d)
	}
	if m.tab == targetDiff {
		spec.Status = m.diff.status(m.st, d)
	}
	return drawBox(m.st, r, spec)
}

// helpBar is the last line: the keys that matter now, or the quit question.
func (m *Model) helpBar() string {
	h := help.New()
	h.Styles = m.st.Help
	h.SetWidth(m.width)
	if m.confirmQuit {
		q := m.st.Warn.Render("A step is still running. Quit anyway?") + " "
		h.SetWidth(max(m.width-cellWidth(q), 1))
		return fit(q+h.ShortHelpView(m.helpContext().ShortHelp()), m.width)
	}
	bar := h.ShortHelpView(m.helpContext().ShortHelp())
	if m.problem != "" {
		bar = m.st.Warn.Render(symFail+" "+m.problem) + "  " + bar
	}
	return fit(bar, m.width)
}

// helpOverlay is the F1 box: every key, and what the symbols mean.
func (m *Model) helpOverlay() []string {
	h := help.New()
	h.Styles = m.st.Help
	h.SetWidth(m.width - 4)
	body := strings.Split(h.FullHelpView(m.helpContext().FullHelp()), "\n")
	body = append(body, "",
		diffLegend(m.st),
		m.st.Recent.Render(symRecent+"+ just changed")+"  "+m.st.Spotlight.Render(symSpotlight+" spotlight")+"  "+
			m.st.Muted.Render(symEqual+"/"+symUnequal+" same/different namespace"),
		"",
		m.st.Muted.Render("Every other key goes to the focused shell. Any key closes this."))
	w := 0
	for _, l := range body {
		w = max(w, cellWidth(l))
	}
	w = min(w+4, m.width)
	hgt := min(len(body)+2, m.height)
	return drawBox(m.st, rect{W: w, H: hgt}, boxSpec{Focused: true, Title: m.st.TitleFocus.Render("nslab keys"), Lines: padLeft(body, 1)})
}

func padLeft(lines []string, n int) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.Repeat(" ", n) + l
	}
	return out
}

// tooSmall is the whole frame when the terminal is below the minimum: one
// centred line saying what is needed.
func tooSmall(st Styles, w, h int) string {
	msg := fmt.Sprintf("Terminal too small (%d×%d): nslab needs at least %d×%d.", w, h, MinWidth, MinHeight)
	if cellWidth(msg) > w {
		msg = fmt.Sprintf("Too small: need %d×%d", MinWidth, MinHeight)
	}
	line := msg
	if pad := (w - cellWidth(msg)) / 2; pad > 0 {
		line = strings.Repeat(" ", pad) + msg
	}
	lines := make([]string, h)
	blank := strings.Repeat(" ", w)
	for i := range lines {
		lines[i] = blank
	}
	lines[h/2] = st.Warn.Render(fit(line, w))
	return strings.Join(lines, "\n")
}

// cursor places the terminal's cursor where the focused shell's is.
func (m *Model) cursor() *tea.Cursor {
	if m.lay.Mode == modeTooSmall || m.showHelp || m.confirmQuit || !m.focus.isPane() {
		return nil
	}
	if m.lay.Parts[m.focus].empty() {
		return nil
	}
	x, y, c, ok := m.panes[m.focus].cursor()
	if !ok {
		return nil
	}
	cur := tea.NewCursor(x, y)
	switch c.Shape {
	case term.CursorUnderline:
		cur.Shape = tea.CursorUnderline
	case term.CursorBar:
		cur.Shape = tea.CursorBar
	default:
		cur.Shape = tea.CursorBlock
	}
	cur.Blink = c.Blink
	return cur
}
