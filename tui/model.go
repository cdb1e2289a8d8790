package tui

import (
	"context"
	"time"

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
	// maxBatch bounds the lab events taken into one message.
	maxBatch = 1024
)

// Messages.
type (
	// labEventsMsg is a batch of lab events and the state after them.
	labEventsMsg struct {
		events []lab.Event
		state  lab.State
		// fate says whether the lab itself ended under the screen, and why
		// (see Restarter).
		fate labFate
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
	wd   words
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
	// quitBusy names what runs in the panes while the quit question asks.
	quitBusy []string
	// prefixArmed: Ctrl-g was pressed while a program owned the keys, so the
	// next key is the lab's. owned is whether a program owned them at the
	// last message (the help bar changes with it).
	prefixArmed, owned bool

	state lab.State
	hl    highlights
	// stepBefore is the state when the running step started; spotUntil and
	// spotWindowEnd bound its spotlight.
	stepBefore               lab.State
	spotUntil, spotWindowEnd time.Time

	// wake is tapped by the panes' sinks; waiting is set while the Model
	// waits on it.
	wake    *waker
	waiting bool
	// direct is shared with Run's key reader: where typed text may go
	// without passing through Update.
	direct directKeys
	// The one ticker: tickGen names the tick that counts, tickPending says one
	// is scheduled, ticks counts every tick ever scheduled.
	tickGen     int
	tickPending bool
	ticks       int
	// typed is set while a key is handled that went to a pane and did
	// nothing else; unchanged is set after such a key left the screen as
	// it was (the pane changes when its echo comes), until the next message.
	typed, unchanged bool
	// problem is the last error a command reported, for the help bar.
	problem string
	// ended is the lab's own end under the screen; the panes' footers show it.
	ended labEnd

	// Everything but the panes' screens changes only on a message that is not
	// a frame tick; it is drawn once per such change and kept.
	chromeGen, cachedGen int
	cache                map[string][]string
	// joined is the last frame's rows: a frame joins only the rows that
	// changed.
	joined joined
	canvas canvas // the frame's, kept for the next

	// share is the teacher's side of --share; viewer says this Model only
	// draws for a spectator (see Viewer).
	share  shareState
	viewer bool
}

// New builds the screen over a lab: it gives each pane a terminal emulator and
// points the pane's output at it. Call Close when the program has ended.
func New(ctx context.Context, l Lab, opts Options) *Model {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	wd := wordsFor(opts.Lang)
	m := &Model{
		ctx: ctx, lab: l, opts: opts, now: now,
		st:   NewStyles(opts.Theme, opts.NoColor),
		wd:   wd,
		keys: keyMapIn(wd),
		wake: &waker{ch: make(chan struct{}, 1)},
		hl:   newHighlights(),
		tab:  targetDiff,
	}
	m.share.s = opts.Share
	for i, r := range lab.Roles {
		p := l.Pane(r)
		t := term.New(paneInput{p}, term.Options{Cols: 80, Rows: 24, Scrollback: opts.Scrollback, Colors: paneColors(opts.Theme)})
		p.SetSink(wakeSink{t: t, wake: m.wake})
		m.panes[i] = newPaneView(r, p, t)
		m.panes[i].ended = &m.ended
		m.ended.key = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", wd.keyNewLab))
	}
	if len(opts.Walkthrough) > 0 {
		delay := opts.TypeDelay
		if delay == 0 {
			delay = DefaultTypeDelay
		}
		delay = max(delay, 0)
		panes := []Pane{m.panes[0].pane, m.panes[1].pane}
		m.walk = newWalkthrough(ctx, opts.Walkthrough, opts.ScenarioLab, opts.Lang, panes, delay)
		m.walk.screens = []term.Terminal{m.panes[0].term, m.panes[1].term}
		for _, p := range panes {
			p.SetTypeDelay(delay)
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
	if m.share.s != nil {
		cmds = append(cmds, m.waitShare())
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
		// Read after the batch: the lab sets it before its shells' ends.
		return labEventsMsg{events: batch, state: l.State(), fate: fateOf(l)}
	}
}

// waitWake waits for the first pty output after a quiet spell: a command
// waits on the channel, or, once Run has given the program's Send, the
// output's reader sends the wake itself (armed), and output that came before
// it was armed is drawn now.
func (m *Model) waitWake() tea.Cmd {
	if m.wake.direct() {
		m.wake.armed.Store(true)
		if m.takeDirty() && m.wake.armed.CompareAndSwap(true, false) {
			return func() tea.Msg { return wakeMsg{} }
		}
		return nil
	}
	ctx, wake := m.ctx, m.wake.ch
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
	case <-m.wake.ch:
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
	owned := m.keysOwned()
	m.unchanged = false
	switch msg.(type) {
	case wakeMsg, tickMsg:
		// Frame messages: only the panes' screens change (tickMsg says when
		// a highlight ends), and with them whether a program owns the keys,
		// which the help bar tells.
		if owned != m.owned {
			m.chromeGen++
		}
	default:
		m.chromeGen++
	}
	m.owned = owned
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
		marks := m.hl.count()
		defer func() {
			if m.hl.count() != marks {
				m.chromeGen++
			}
		}()
		if m.takeDirty() {
			m.hl.expire(now)
			return m, m.schedule(frameInterval)
		}
		return m, m.idle(now)
	case labEventsMsg:
		m.ended.heard(msg.fate)
		return m, tea.Batch(m.handleEvents(msg), m.waitEvents())
	case labRestartedMsg:
		m.labRestarted(msg)
		return m, nil
	case stateMsg:
		if msg.state.Seq >= m.state.Seq { // a read can come back after a newer one
			m.state = msg.state
		}
		return m, nil
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
		if m.walk == nil {
			return m, nil
		}
		m.ended.restarting = false // a fresh lab, or why not: the bar says which
		m.walk.started(msg)
		return m, tea.Batch(m.relayout(), m.takeQueued())
	case rewoundMsg:
		if m.walk == nil || !m.walk.rewoundTo(msg) {
			return m, nil
		}
		m.ended.restarting = false
		return m, tea.Batch(m.relayout(), m.takeQueued())
	case stepDoneMsg:
		return m, m.stepDone(msg)
	case markedMsg:
		if msg.err != nil {
			m.problem = m.wd.recording + ": " + oneLine(msg.err.Error())
		}
		return m, nil
	case quitCheckMsg:
		return m, m.quitChecked(msg)
	case shareChangedMsg:
		m.share.viewers, m.share.info = msg.viewers, msg.info
		return m, m.waitShare()
	case tea.KeyPressMsg:
		armed := m.prefixArmed
		p := m.focusedPane()
		scrolled := p != nil && p.term.State().ScrollOffset > 0
		cmd := m.handleKey(msg)
		if m.typed && armed == m.prefixArmed {
			// Typed into a pane and nothing else: only the pane's screen
			// can change, when the output comes. The chrome drawn before
			// still holds, and the frame after a keystroke is not held up
			// redrawing it (half a millisecond at 200×50). Unless typing
			// brought a scrolled-back view to live, the screen is as drawn:
			// no frame now, and the CPU is left to the program echoing the
			// key.
			m.chromeGen--
			m.unchanged = !scrolled
		}
		m.typed = false
		return m, cmd
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
			// A change in a namespace the pane's panels do not show (a
			// nested shell's, one it left) is only logged: marking a row
			// of the table shown, or leaving a ghost in it, would put it
			// in the wrong table.
			if otherNS(e, msg.state.Snapshot(e.Pane).NS[lab.NSMnt]) == 0 {
				m.hl.mountEvent(e, m.markNow(now), now, msg.state.Diff)
			}
		case lab.NamespaceChanged:
			m.hl.nsEvent(e, m.markNow(now))
		case lab.ShellExited:
			if p := m.paneOf(e.Pane); p != nil {
				p.exited(e.Status)
				p.heard = true
			}
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

// stepDone shows a step's result and spotlights what it changed. A step
// with nothing to type that passed goes on to the next at once.
func (m *Model) stepDone(msg stepDoneMsg) tea.Cmd {
	if m.walk == nil || !m.walk.done(msg) {
		return nil
	}
	var next tea.Cmd
	if m.walk.passedWithoutCommand(msg) {
		next = m.walk.next()
	}
	now := m.now()
	m.spotUntil = now.Add(SpotlightFor)
	m.spotWindowEnd = now.Add(spotWindow)
	m.hl.spotlight(m.stepBefore, m.state, now, m.spotUntil)
	m.walk.spot = m.spotSummary()
	m.showSpotTab()
	m.followChanges()
	cmds := []tea.Cmd{next, m.relayout(), m.takeQueued()}
	if !m.tickPending {
		if next := m.hl.expire(now); !next.IsZero() {
			cmds = append(cmds, m.schedule(next.Sub(now)))
		}
	}
	return tea.Batch(cmds...)
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
	if len(m.hl.roots) > 0 {
		m.tab = targetNSPanel
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
		if t == targetNSPanel {
			m.nsp.inStrip = m.lay.Parts[t].empty()
		}
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
	c := helpContext{keys: m.keys, confirming: m.confirmQuit, compact: m.lay.Mode == modeCompact, zoomed: m.zoomed,
		locked: m.keysOwned(), armed: m.prefixArmed}
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
	name(wd *words) string
	// extent is the panel's row count and how many rows it shows at once.
	extent(d panelData) (total, visible int)
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

func (m *Model) panelData() panelData {
	return panelData{state: m.state, hl: &m.hl, wd: &m.wd, keys: &m.keys}
}
