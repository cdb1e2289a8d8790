package tui

import (
	"errors"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/scenarios"
	"github.com/nslab/nslab/tui/term"
)

// Share is the teacher's side of spectating (nslab --share): the teacher's
// Model publishes what it shows, and each spectator's Viewer draws it at its
// own size with the same code. A Share holds no server: package share serves
// it over SSH and the web.
//
// What crosses from the teacher to a viewer is copied data and read-only
// handles on the panes' screens (term.Watch); nothing of it reaches a pane's
// input, the walkthrough or the teacher's screen.
type Share struct {
	max int

	mu      sync.Mutex
	viewers map[*Viewer]struct{}
	info    ShareInfo
	// fresh asks the teacher's Model for a new snapshot (a viewer joined).
	fresh bool

	// latest is the newest snapshot of the teacher's screen; nil until the
	// teacher's Model first publishes.
	latest atomic.Pointer[shareSnap]
	// changed taps the teacher's Model when the viewers or the info change
	// (capacity 1: taps coalesce).
	changed chan struct{}
	// done is closed by Close: every viewer ends.
	done      chan struct{}
	closeOnce sync.Once
	budget    frameBudget
}

// ShareInfo is what the teacher's screen shows of the share: how to join.
type ShareInfo struct {
	// SSH is the command a student types, e.g. "ssh -p 2222 10.0.0.5".
	SSH string
	// Web is the page's address, e.g. "http://10.0.0.5:8080/".
	Web string
	// Code is the class code, the SSH password and the page's key.
	Code string
}

// ErrFull is returned by Join when the viewer limit is reached.
var ErrFull = errors.New("tui: share: the class is full")

// ErrShareClosed is returned by Join after Close.
var ErrShareClosed = errors.New("tui: share: closed")

// NewShare returns a Share that admits at most max viewers at once.
func NewShare(max int) *Share {
	s := &Share{max: max, viewers: map[*Viewer]struct{}{}, changed: make(chan struct{}, 1), done: make(chan struct{})}
	s.budget.burst = float64(2*max + 60)
	return s
}

// SetInfo sets what the teacher's screen shows of the share.
func (s *Share) SetInfo(info ShareInfo) {
	s.mu.Lock()
	s.info = info
	s.mu.Unlock()
	s.tap()
}

// Info returns what SetInfo set.
func (s *Share) Info() ShareInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.info
}

// Max is the viewer limit.
func (s *Share) Max() int { return s.max }

// Viewers counts the viewers attached now.
func (s *Share) Viewers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.viewers)
}

// Close ends every viewer and refuses new ones. The teacher's Model keeps
// running.
func (s *Share) Close() {
	s.closeOnce.Do(func() { close(s.done) })
}

// Done is closed by Close.
func (s *Share) Done() <-chan struct{} { return s.done }

func (s *Share) tap() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// Join attaches a new viewer whose screen is width×height, or says why not
// (ErrFull, ErrShareClosed). Call Leave when its connection ends.
func (s *Share) Join(width, height int) (*Viewer, error) {
	select {
	case <-s.done:
		return nil, ErrShareClosed
	default:
	}
	s.mu.Lock()
	if len(s.viewers) >= s.max {
		s.mu.Unlock()
		return nil, ErrFull
	}
	v := newViewer(s, width, height)
	s.viewers[v] = struct{}{}
	s.fresh = true
	s.mu.Unlock()
	s.tap()
	return v, nil
}

// leave detaches v.
func (s *Share) leave(v *Viewer) {
	s.mu.Lock()
	_, ok := s.viewers[v]
	delete(s.viewers, v)
	s.mu.Unlock()
	if ok {
		s.tap()
	}
}

// shareSnap is one snapshot of what the teacher's screen shows besides the
// panes' screens, which viewers read live through their Watches. It is never
// changed once published.
type shareSnap struct {
	gen     int
	lang    scenarios.Lang
	theme   Theme
	noColor bool
	screens [2]term.Watch
	state   lab.State
	hl      highlights
	log     []logEntry
	// walk is a copy of the walkthrough for drawing only: it holds no lab,
	// no panes and no runner, so nothing can run a step through it.
	walk  *walkthrough
	panes [2]paneFate
	ended labEnd
	tab   target
}

// paneFate is how a pane's shell is, as its box shows it.
type paneFate struct {
	alive, restarting bool
	status            int
	problem           string
}

// shareState is the teacher's Model's part in a share.
type shareState struct {
	s *Share
	// gen is the chrome generation last published; published says any was.
	gen       int
	published bool
	// viewers is the count the help bar shows.
	viewers int
	info    ShareInfo
}

// shareChangedMsg says the viewers or the share's info changed.
type shareChangedMsg struct {
	viewers int
	info    ShareInfo
}

// waitShare waits for a change of the share's viewers or info.
func (m *Model) waitShare() tea.Cmd {
	s, ctx := m.share.s, m.ctx
	return func() tea.Msg {
		select {
		case <-s.changed:
			return shareChangedMsg{viewers: s.Viewers(), info: s.Info()}
		case <-ctx.Done():
			return nil
		}
	}
}

// publish hands the viewers what the teacher's screen shows now: a new
// snapshot when anything but the panes' screens changed, and a tap either
// way (their panes are read live). It costs nothing without viewers, and
// never waits for one.
func (m *Model) publish() {
	sh := &m.share
	s := sh.s
	if s == nil {
		return
	}
	s.mu.Lock()
	n, fresh := len(s.viewers), s.fresh
	s.fresh = false
	s.mu.Unlock()
	if n == 0 {
		return
	}
	if fresh || !sh.published || sh.gen != m.chromeGen {
		sh.gen, sh.published = m.chromeGen, true
		s.latest.Store(m.snapshot())
	}
	s.mu.Lock()
	for v := range s.viewers {
		v.tap()
	}
	s.mu.Unlock()
}

// snapshot copies what the viewers draw; the maps and slices the Model goes
// on changing are cloned.
func (m *Model) snapshot() *shareSnap {
	d := &shareSnap{
		gen: m.chromeGen, lang: m.opts.Lang, theme: m.opts.Theme, noColor: m.opts.NoColor,
		state: m.state, log: slices.Clone(m.log.entries), ended: m.ended, tab: m.tab,
		hl: highlights{mounts: maps.Clone(m.hl.mounts), ns: maps.Clone(m.hl.ns),
			ghosts: maps.Clone(m.hl.ghosts), roots: maps.Clone(m.hl.roots)},
	}
	for i, p := range m.panes {
		d.screens[i], _ = term.WatchOf(p.term)
		d.panes[i] = paneFate{alive: p.alive, restarting: p.restarting, status: p.status, problem: p.problem}
	}
	if w := m.walk; w != nil {
		c := *w
		c.ctx, c.slab, c.panes, c.screens, c.runner = nil, nil, nil, nil, nil
		c.watched = true
		c.results = maps.Clone(w.results)
		c.steps = slices.Clone(w.steps)
		d.walk = &c
	}
	return d
}

// shareLead is the start of the help bar: how to join and how many watch
// (the teacher), or that this screen only watches (a viewer).
func (m *Model) shareLead() string {
	if m.viewer {
		return m.st.Warn.Render(symWatching+" "+shareWordsFor(m.opts.Lang).watching) + "  "
	}
	sh := &m.share
	if sh.s == nil {
		return ""
	}
	sw := shareWordsFor(m.opts.Lang)
	dot := m.st.Muted.Render(" · ")
	s := m.st.Key.Render(symWatching)
	for _, a := range []string{sh.info.SSH, sh.info.Web} {
		if a != "" {
			s += " " + m.st.Key.Render(a) + m.st.Muted.Render(" ·")
		}
	}
	s += m.st.Muted.Render(" "+sw.code+" ") + m.st.Key.Render(sh.info.Code)
	return s + dot + m.st.Muted.Render(sw.viewers(sh.viewers, sh.s.max)) + "  "
}

// symWatching marks the share on the help bar.
const symWatching = "◉"

// frameBudget bounds the frames all viewers together draw: a token bucket
// that refills at viewerFrames a second up to burst. Each frame costs the
// machine that runs the lab about a fifth of a millisecond (drawn, diffed,
// encrypted); during a flood of output the bound keeps a class from taking
// the teacher's CPU, at the cost of their frame rate (60 a second for up to
// ten viewers, 12 for fifty). After a quiet spell the bucket is full, and a
// change reaches every viewer at once.
type frameBudget struct {
	mu     sync.Mutex
	tokens float64
	burst  float64
	last   time.Time
}

// viewerFrames is the frames a second all viewers together may draw.
const viewerFrames = 600

// take takes a frame now and returns 0, or says how long until one is there.
func (b *frameBudget) take(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last.IsZero() {
		b.tokens = b.burst
	} else {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*viewerFrames)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / viewerFrames * float64(time.Second))
}
