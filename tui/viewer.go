package tui

import (
	"reflect"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/scenarios"
	"github.com/nslab/nslab/tui/term"
)

// Viewer is one spectator's screen: the teacher's lab drawn by the same
// Model code at the spectator's size, with the spectator's own focus, zoom,
// panel scrolling, pane scrollback and help.
//
// It has no path to the lab by construction: its Model is built without a
// Lab, its panes' Pane is nil and their Terminal is a viewScreen, which holds
// only a term.Watch (a read-only handle). Keys are handled here, never by the
// Model's key handler, and no command the Model returns is ever run.
type Viewer struct {
	s      *Share
	m      *Model
	panes  [2]*viewScreen
	notify chan struct{}
	left   chan struct{}
	gen    int
	// Frames: at most one per interval (frameInterval unless every is
	// longer) and within the share's budget; taps in between are one.
	last  time.Time
	every time.Duration
	// passive: nobody types here (a web page): the help bar shows no keys.
	passive bool
}

// viewerFrameMsg says the teacher's screen changed.
type viewerFrameMsg struct{}

func newViewer(s *Share, width, height int) *Viewer {
	v := &Viewer{s: s, notify: make(chan struct{}, 1), left: make(chan struct{}), gen: -1}
	v.m = v.model(s.latest.Load())
	v.m.width, v.m.height, v.m.sized = width, height, width > 0 && height > 0
	v.relayout()
	return v
}

// model builds the drawing Model from a snapshot (nil: not published yet).
func (v *Viewer) model(d *shareSnap) *Model {
	if d == nil {
		d = &shareSnap{}
	}
	wd := wordsFor(d.lang)
	m := &Model{opts: Options{Lang: d.lang, Theme: d.theme, NoColor: d.noColor}, now: time.Now, viewer: true,
		st: NewStyles(d.theme, d.noColor), wd: wd, keys: viewerKeys(wd, d.lang), hl: newHighlights(), tab: targetDiff}
	if v.passive {
		disableKeys(&m.keys)
	}
	for i, r := range lab.Roles {
		if v.panes[i] == nil {
			v.panes[i] = &viewScreen{}
		}
		v.panes[i].w = d.screens[i]
		m.panes[i] = &paneView{role: r, term: v.panes[i], alive: true}
		m.panes[i].ended = &m.ended
	}
	return m
}

// viewerKeys is the lab's key map without what acts on the lab: F10 (or q,
// or Ctrl-C) leaves, Enter restarts nothing, and F5 steps nothing.
func viewerKeys(wd words, lang scenarios.Lang) KeyMap {
	k := keyMapIn(wd)
	sw := shareWordsFor(lang)
	k.Quit = key.NewBinding(key.WithKeys("f10", "q", "ctrl+c"), key.WithHelp("f10", sw.leave))
	k.Restart.SetEnabled(false)
	k.Step.SetEnabled(false)
	k.Previous.SetEnabled(false)
	k.Prefix.SetEnabled(false)
	return k
}

// interval is the least time between two of this viewer's frames.
func (v *Viewer) interval() time.Duration { return max(frameInterval, v.every) }

// pace waits until this viewer may draw a frame: at least its interval
// after its last, and a frame of the share's budget (see frameBudget). It
// reports false if stop ended the wait.
func (v *Viewer) pace(last time.Time, every time.Duration, stop ...<-chan struct{}) bool {
	for {
		d := every - time.Since(last)
		if d <= 0 {
			if d = v.s.budget.take(time.Now()); d <= 0 {
				return true
			}
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-v.left:
			t.Stop()
			return false
		case <-v.s.done:
			t.Stop()
			return false
		case <-first(stop):
			t.Stop()
			return false
		}
	}
}

// first is the first channel of cs, or nil (a channel that never fires).
func first(cs []<-chan struct{}) <-chan struct{} {
	if len(cs) == 0 {
		return nil
	}
	return cs[0]
}

// SetPassive says nobody types into this viewer (the web page): its help
// bar shows no keys.
func (v *Viewer) SetPassive() {
	v.passive = true
	disableKeys(&v.m.keys)
	v.m.chromeGen++
}

// disableKeys turns off every binding of k, so no help shows any.
func disableKeys(k *KeyMap) {
	rv := reflect.ValueOf(k).Elem()
	for i := range rv.NumField() {
		if b, ok := rv.Field(i).Addr().Interface().(*key.Binding); ok {
			b.SetEnabled(false)
		}
	}
}

// Leave detaches the viewer from the share (its connection ended).
func (v *Viewer) Leave() {
	select {
	case <-v.left:
		return
	default:
		close(v.left)
	}
	v.s.leave(v)
}

// tap says a new frame may be drawn; a viewer that has not drawn the last
// one yet takes both as one (frames are dropped, never queued).
func (v *Viewer) tap() {
	select {
	case v.notify <- struct{}{}:
	default:
	}
}

// Init waits for the first frame.
func (v *Viewer) Init() tea.Cmd {
	v.tap()
	return v.wait()
}

// wait waits for a tap, then for the viewer's pace; it ends the viewer
// when the share closes or it left.
func (v *Viewer) wait() tea.Cmd {
	notify, left, done, last, every := v.notify, v.left, v.s.done, v.last, v.interval()
	return func() tea.Msg {
		select {
		case <-notify:
		case <-left:
			return tea.Quit()
		case <-done:
			return tea.Quit()
		}
		if !v.pace(last, every) {
			return tea.Quit()
		}
		return viewerFrameMsg{}
	}
}

// Update handles the spectator's keys, mouse and size, and new frames.
func (v *Viewer) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m := v.m
	switch msg := msg.(type) {
	case viewerFrameMsg:
		v.last = time.Now()
		v.take()
		return v, v.wait()
	case tea.WindowSizeMsg:
		m.width, m.height, m.sized = msg.Width, msg.Height, msg.Width > 0 && msg.Height > 0
		m.chromeGen++
		v.relayout()
	case tea.KeyPressMsg:
		m.chromeGen++
		if v.key(msg) {
			return v, tea.Quit
		}
		v.relayout()
	case tea.PasteMsg:
		if !m.focus.isPane() {
			if nav := m.navOf(m.focus); nav.editing {
				nav.filter += oneLine(msg.Content)
				m.chromeGen++
			}
		}
	case tea.MouseMsg:
		m.chromeGen++
		_ = m.handleMouse(msg) // its commands would resize the teacher's ptys: never run
		v.relayout()
	}
	return v, nil
}

// take copies the newest snapshot into the drawing Model, keeping the
// spectator's own focus, zoom, panels' scrolling and filters.
func (v *Viewer) take() {
	d := v.s.latest.Load()
	if d == nil {
		return
	}
	m := v.m
	if v.gen < 0 {
		// The first snapshot: the teacher's language and colours.
		w, h, sized := m.width, m.height, m.sized
		v.m = v.model(d)
		m = v.m
		m.width, m.height, m.sized = w, h, sized
		m.tab = d.tab
	}
	if d.gen == v.gen {
		return
	}
	v.gen = d.gen
	m.chromeGen++
	m.state, m.hl, m.log.entries, m.ended = d.state, d.hl, d.log, d.ended
	m.ended.key.SetEnabled(false)
	for i, p := range m.panes {
		p.alive, p.restarting, p.status, p.problem = d.panes[i].alive, d.panes[i].restarting, d.panes[i].status, d.panes[i].problem
	}
	walked := m.walk != nil
	m.walk = d.walk
	if !walked || m.walk == nil {
		v.relayout()
		return
	}
	v.relayout() // the bar's height follows the step's text
	m.followChanges()
}

// relayout places the parts at the viewer's size. The Model's command, a
// pty resize, is dropped: a viewer never sizes the teacher's panes.
func (v *Viewer) relayout() {
	_ = v.m.relayout()
}

// key handles one key of the spectator's; it reports whether the viewer
// leaves.
func (v *Viewer) key(k tea.KeyPressMsg) bool {
	m := v.m
	keys := m.keys
	if m.showHelp {
		m.showHelp = false
		return key.Matches(k, keys.Quit)
	}
	if !m.focus.isPane() && m.navOf(m.focus).editing {
		_ = m.editFilter(k)
		return false
	}
	switch {
	case key.Matches(k, keys.Quit):
		return true
	case m.lay.Mode == modeTooSmall:
	case key.Matches(k, keys.Help):
		m.showHelp = true
	case key.Matches(k, keys.FocusHost):
		_ = m.setFocus(targetHost)
	case key.Matches(k, keys.FocusNS):
		_ = m.setFocus(targetNS)
	case key.Matches(k, keys.CycleFocus):
		_ = m.setFocus((m.focus + 1) % targetCount)
	case key.Matches(k, keys.Zoom):
		m.zoomed = !m.zoomed
	case m.focus.isPane():
		p := m.panes[m.focus]
		switch {
		case key.Matches(k, keys.ScrollUp):
			p.term.ScrollPages(1)
		case key.Matches(k, keys.ScrollDown):
			p.term.ScrollPages(-1)
		}
	default:
		_ = m.panelKey(k)
	}
	return false
}

// View draws the lab at the viewer's size.
func (v *Viewer) View() tea.View {
	m := v.m
	var content string
	if v.gen < 0 {
		content = strings.Join(fitLines([]string{shareWordsFor(m.opts.Lang).waiting}, m.width, m.height), "\n")
	} else {
		content = m.render()
	}
	tv := tea.NewView(content)
	tv.AltScreen = true
	tv.MouseMode = tea.MouseModeCellMotion
	tv.WindowTitle = "nslab · " + shareWordsFor(m.opts.Lang).watching
	return tv
}

// viewScreen is a teacher's pane as a viewer's paneView sees it: the live
// screen (or the viewer's own scrollback position) through a read-only
// Watch, cut to the viewer's box around the cursor's row. Every input method
// does nothing: there is nothing here to write to.
type viewScreen struct {
	w          term.Watch
	cols, rows int // the viewer's box
	offset     int // the viewer's own scrollback position
	look       term.Look
	top        int // the first row of the look shown
}

var _ term.Terminal = (*viewScreen)(nil)

func (s *viewScreen) Write(p []byte) (int, error) { return 0, term.ErrClosed }
func (s *viewScreen) Resize(cols, rows int)       { s.cols, s.rows = max(cols, 0), max(rows, 0) }
func (s *viewScreen) Size() (int, int)            { return s.cols, s.rows }

// Render takes a fresh look and cuts it to the box: the rows around the
// cursor when the teacher's pane is taller, cells cut or padded on the right.
func (s *viewScreen) Render() string {
	s.look = s.w.Look(s.offset)
	s.offset = s.look.State.ScrollOffset
	lines := strings.Split(s.look.Render, "\n")
	if s.look.Render == "" {
		lines = nil
	}
	s.top = 0
	if len(lines) > s.rows {
		s.top = min(max(s.look.Cursor.Y-s.rows+1, 0), len(lines)-s.rows)
		if s.offset > 0 {
			s.top = 0 // reading back: from the top of what was scrolled to
		}
		lines = lines[s.top : s.top+s.rows]
	}
	// A look's lines are exactly its columns wide: only a cut needs measuring.
	pad := strings.Repeat(" ", max(s.cols-s.look.Cols, 0))
	out := make([]string, s.rows)
	for i := range out {
		switch {
		case i >= len(lines):
			out[i] = strings.Repeat(" ", s.cols)
		case s.look.Cols > s.cols:
			out[i] = ansi.Truncate(lines[i], s.cols, "") + "\x1b[m"
		default:
			out[i] = lines[i] + pad
		}
	}
	return strings.Join(out, "\n")
}

func (s *viewScreen) Cell(x, y int) term.Cell { return term.Blank() }

func (s *viewScreen) Cursor() term.Cursor {
	c := s.look.Cursor
	c.Y -= s.top
	if c.Y < 0 || c.Y >= s.rows || c.X >= s.cols {
		c.Visible = false
	}
	return c
}

func (s *viewScreen) State() term.State {
	st := s.look.State
	st.ScrollOffset = s.offset
	return st
}

// ScrollBy moves the viewer's own position; the teacher's pane stays.
func (s *viewScreen) ScrollBy(lines int) {
	s.offset = min(max(s.offset+lines, 0), s.look.State.ScrollbackLen)
}
func (s *viewScreen) ScrollPages(pages int)       { s.ScrollBy(pages * max(s.rows, 1)) }
func (s *viewScreen) ScrollToLive()               { s.offset = 0 }
func (s *viewScreen) SendKey(tea.KeyPressMsg)     {}
func (s *viewScreen) Paste(string)                {}
func (s *viewScreen) SendMouse(tea.MouseMsg) bool { return false }
func (s *viewScreen) Focus(bool)                  {}
func (s *viewScreen) TakeDirty() bool             { return false }
func (s *viewScreen) Close() error                { return nil }

// Next waits for the teacher's next frame, at the viewer's pace, and returns the viewer's screen (exactly its size, styled with SGR). It
// is for a viewer without a Program (the web page): call it from one
// goroutine. It returns false once done is closed, the share is closed or
// the viewer left.
func (v *Viewer) Next(done <-chan struct{}) (string, bool) {
	select {
	case <-v.notify:
	case <-done:
		return "", false
	case <-v.left:
		return "", false
	case <-v.s.done:
		return "", false
	}
	if !v.pace(v.last, v.interval(), done) {
		return "", false
	}
	v.Update(viewerFrameMsg{})
	return v.View().Content, true
}

// SetFrameInterval sets the least time between two frames of Next (a page
// over a slow network wants fewer); zero keeps the screen's frame rate.
func (v *Viewer) SetFrameInterval(d time.Duration) { v.every = d }
