package tui

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// screen draws the Model's frames on the terminal, on demand: a frame that
// differs from the last one is handed over, and one goroutine writes the cells
// that changed. Frames that arrive while one is written are coalesced: only
// the newest is drawn. Nothing runs while nothing changes: no ticker, no
// timer.
//
// It owns the terminal's modes while it runs: the alternate screen, mouse
// reporting (cell motion, SGR), bracketed paste, the keyboard protocol, the
// window title, the cursor's visibility, place and shape; stop gives them
// back.
type screen struct {
	out  io.Writer
	opts screenOptions

	mu sync.Mutex
	// pending is the newest frame not drawn yet; offered is the last frame
	// handed over, to drop one that did not change.
	pending *frame
	offered frame
	syncd   bool
	// redraw is set when the terminal changed size: whatever it showed may
	// have been cut or rewrapped, so the next frame is drawn in full even if
	// the Model's frame is the same.
	redraw  bool
	started bool
	kick    chan struct{}
	quit    chan struct{}
	done    chan struct{}
	stop1   sync.Once
	// fail, when set, is called once if drawing cannot go on.
	fail func()

	// Owned by the drawing goroutine (and by start and stop, before and
	// after it).
	draw     *uv.TerminalRenderer
	updates  *bytes.Buffer // where draw writes, one frame at a time
	cells    uv.ScreenBuffer
	drawn    frame
	anyDrawn bool
	// lines are drawn's lines: a new frame's lines are parsed into cells
	// only where they differ (a keystroke changes one or two); rows are
	// its pieces, if it had them.
	lines []string
	rows  [][]piece
	// over draws what the cells cannot hold: overlines; redrawn is the lines
	// the last frame drew again (kept: a frame should allocate nothing).
	over    overline
	redrawn []int
	// recorded is the size the recording knows.
	recCols, recRows int
	style            int  // the cursor style written (0: the terminal's own)
	noScroll         bool // the renderer does not look for scrolled lines
	err              error
	// frames counts the frames drawn (under mu: tests read it).
	frames int
}

// screenOptions say how to talk to the terminal.
type screenOptions struct {
	// Profile is the colours the terminal shows; frames are brought down to
	// it.
	Profile colorprofile.Profile
	// Env is the environment the terminal type is read from (TERM).
	Env []string
	// MapNewline is set when the terminal's output is not raw: the tty turns
	// a line feed into a carriage return and line feed.
	MapNewline bool
	// Query asks the terminal whether it has synchronized output (mode
	// 2026); its answer comes back as input, so only with a terminal to read.
	Query bool
	// Title is the window title while the lab runs.
	Title string
	// Cols and Rows are the size the recording starts at; Resize, when set,
	// records a later one.
	Cols, Rows int
	Resize     func(cols, rows int) error
}

// frame is one screen: exactly height lines of width cells, and where the
// cursor shows (nil: hidden). Its lines are its own: the Model hands over a
// copy of its slice, whose unchanged lines are the strings it handed over
// before, so telling them apart costs a pointer comparison.
type frame struct {
	lines         []string
	width, height int
	cursor        *tea.Cursor
	// noScroll says no part that scrolls (a pane) spans the width: a
	// scroll moves no whole line, and looking for moved lines is wasted
	// (a fifth of a keystroke's frame at 200×50).
	noScroll bool
	// rows, when set, are the pieces each line was joined from (the
	// canvas's, each piece standing alone): of a changed line only the
	// pieces that changed are parsed, a pane's row and not the whole
	// width (half of a keystroke's frame was parsing its line).
	rows [][]piece
}

// frameOf is a frame of lines joined by "\n".
func frameOf(content string, width, height int, cursor *tea.Cursor) frame {
	return frame{lines: strings.Split(content, "\n"), width: width, height: height, cursor: cursor}
}

func (f frame) equal(g frame) bool {
	if f.width != g.width || f.height != g.height || (f.cursor == nil) != (g.cursor == nil) || f.noScroll != g.noScroll {
		return false
	}
	if f.cursor != nil && (f.cursor.Position != g.cursor.Position || f.cursor.Shape != g.cursor.Shape || f.cursor.Blink != g.cursor.Blink) {
		return false
	}
	return slices.Equal(f.lines, g.lines)
}

func newScreen(out io.Writer, opts screenOptions) *screen {
	updates := new(bytes.Buffer)
	draw := uv.NewTerminalRenderer(updates, opts.Env)
	draw.SetColorProfile(opts.Profile)
	// The alternate screen is all ours: absolute moves, no inline rules.
	draw.SetFullscreen(true)
	draw.SetRelativeCursor(false)
	draw.SetTabStops(-1)
	draw.SetBackspace(false)
	draw.SetMapNewline(opts.MapNewline)
	draw.SetScrollOptim(true)
	// Cells are as wide as wcwidth says, code point by code point, as the
	// panes measure them (tui/term/width.go) and tmux does.
	draw.SetWidthMethod(ansi.WcWidth)
	return &screen{
		out: out, opts: opts, draw: draw, updates: updates,
		kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}),
		recCols: opts.Cols, recRows: opts.Rows,
	}
}

// start takes the terminal's modes and starts drawing.
func (s *screen) start() error {
	var b bytes.Buffer
	b.WriteString(ansi.SetModeAltScreenSaveCursor)
	b.WriteString(ansi.HideCursor)
	b.WriteString(ansi.EraseEntireScreen)
	b.WriteString(ansi.SetModeBracketedPaste)
	b.WriteString(ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr)
	// Keys with modifiers told apart (Ctrl+I from Tab, Alt+key from Esc,
	// key): xterm's modifyOtherKeys and the kitty protocol's first level,
	// whichever the terminal knows.
	b.WriteString(ansi.SetModifyOtherKeys2)
	b.WriteString(ansi.PushKittyKeyboard(ansi.KittyDisambiguateEscapeCodes))
	if s.opts.Title != "" {
		b.WriteString(ansi.SetWindowTitle(s.opts.Title))
	}
	if s.opts.Query {
		b.WriteString(ansi.RequestModeSynchronizedOutput)
	}
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	_, err := s.out.Write(b.Bytes())
	go s.loop()
	return err
}

// show hands a frame over to be drawn, unless it is the one last handed over.
// It never blocks on the terminal.
func (s *screen) show(f frame) {
	if f.width <= 0 || f.height <= 0 {
		return
	}
	if f.cursor != nil {
		c := *f.cursor // the Model may reuse its cursor
		f.cursor = &c
	}
	s.mu.Lock()
	if f.equal(s.offered) {
		s.mu.Unlock()
		return
	}
	s.offered = f
	s.pending = &f
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// invalidate says the terminal was resized: the next frame is handed over
// and drawn in full, whatever it holds.
func (s *screen) invalidate() {
	s.mu.Lock()
	s.offered = frame{}
	s.redraw = true
	s.mu.Unlock()
}

// setSync turns synchronized output on once the terminal said it has it.
func (s *screen) setSync(on bool) {
	s.mu.Lock()
	s.syncd = on
	s.mu.Unlock()
}

// loop draws the newest frame each time one is handed over. A panic while
// drawing (a frame the cell buffer could not take) stops the drawing, not the
// process: the terminal still has to be given back.
func (s *screen) loop() {
	defer close(s.done)
	defer func() {
		if r := recover(); r != nil {
			if s.err == nil {
				s.err = fmt.Errorf("tui: draw the screen: %v", r)
			}
			if s.fail != nil {
				s.fail()
			}
		}
	}()
	for {
		select {
		case <-s.quit:
			return
		case <-s.kick:
		}
		s.drawPending()
	}
}

// drawPending draws the newest frame handed over, if any.
func (s *screen) drawPending() {
	s.mu.Lock()
	f, syncd, redraw := s.pending, s.syncd, s.redraw
	s.pending = nil
	if f != nil {
		s.redraw = false
	}
	s.mu.Unlock()
	if f == nil {
		return
	}
	if redraw {
		s.draw.Erase()
	}
	if err := s.drawFrame(*f, syncd, redraw); err != nil && s.err == nil {
		s.err = err
	}
}

// drawFrame writes what turns the last frame into f: a full redraw when the
// size changed, only the changed cells otherwise.
func (s *screen) drawFrame(f frame, syncd, erased bool) error {
	full := !s.anyDrawn || f.width != s.drawn.width || f.height != s.drawn.height
	if f.noScroll != s.noScroll {
		// Hashes of lines drawn while it did not look are stale when it
		// looks again: a worse guess, no wrong frame, as the cells that
		// differ after a scroll are drawn all the same
		// (TestScreenScrollingFrames).
		s.noScroll = f.noScroll
		s.draw.SetScrollOptim(!f.noScroll)
	}
	if full {
		s.cells = uv.NewScreenBuffer(f.width, f.height)
		s.draw.Resize(f.width, f.height)
		s.draw.Erase()
		if (f.width != s.recCols || f.height != s.recRows) && s.opts.Resize != nil {
			// Before the frame's output, so a replay is at the new size
			// when it comes. A recorder's failure must not stop the lab.
			_ = s.opts.Resize(f.width, f.height)
		}
		s.recCols, s.recRows = f.width, f.height
	}
	s.redrawn = s.drawLines(f, full, s.redrawn[:0])
	s.draw.Render(s.cells.RenderBuffer)
	// Render marks its lines untouched but keeps their records, and the
	// scroll optimization hashes every line that has one, 300 µs a frame at
	// 200×50: without them it hashes only the lines drawn since.
	clear(s.cells.Touched)
	if f.cursor != nil {
		s.draw.MoveTo(f.cursor.X, f.cursor.Y)
	}
	s.updates.Reset()
	if err := s.draw.Flush(); err != nil {
		return err
	}

	over := s.over.draw(f, s.redrawn, full || erased, s.opts.Profile)
	shown := s.anyDrawn && s.drawn.cursor != nil
	show := f.cursor != nil
	changes := s.updates.Len() > 0 || len(over) > 0
	var b bytes.Buffer
	if syncd && changes {
		b.WriteString(ansi.SetModeSynchronizedOutput)
	}
	// Without synchronized output, a visible cursor is hidden while the
	// cells change, so it is not seen running over the screen.
	if shown && (!show || (changes && !syncd)) {
		b.WriteString(ansi.HideCursor)
	}
	b.Write(s.updates.Bytes())
	b.Write(over)
	if show {
		if st := cursorStyle(f.cursor); st != s.style {
			b.WriteString(ansi.SetCursorStyle(st))
			s.style = st
		}
		if !shown || (changes && !syncd) {
			b.WriteString(ansi.ShowCursor)
		}
	}
	if syncd && changes {
		b.WriteString(ansi.ResetModeSynchronizedOutput)
	}
	s.drawn, s.anyDrawn = f, true
	var err error
	if b.Len() > 0 {
		_, err = s.out.Write(b.Bytes())
	}
	s.mu.Lock()
	s.frames++
	s.mu.Unlock()
	return err
}

// drawLines puts f's lines into the cell buffer: all of them, or only those
// that differ from the frame drawn before; it appends which it drew to drawn. A line
// of a frame stands alone (it starts and ends in the default style), so it
// parses the same alone. SGR 53, overline, which a pane keeps and renders,
// is lost here (ultraviolet's cell style has no overline: Style.Attrs, a
// uint8, holds the eight SGR attributes from bold to strikethrough, and its
// parser skips 53 and 55); overline draws it after.
func (s *screen) drawLines(f frame, full bool, drawn []int) []int {
	full = full || len(s.lines) != len(f.lines)
	if full {
		s.cells.Clear()
	}
	for y, l := range f.lines {
		if y >= f.height || (!full && l == s.lines[y]) {
			continue
		}
		if now, was, ok := samePlaces(f.rows, s.rows, y); ok && !full {
			for i, p := range now {
				if p.s != was[i].s {
					uv.NewStyledString(p.s).Draw(s.cells, uv.Rect(p.x, y, p.w, 1))
				}
			}
		} else {
			uv.NewStyledString(l).Draw(s.cells, uv.Rect(0, y, f.width, 1))
		}
		drawn = append(drawn, y)
	}
	s.lines, s.rows = f.lines, f.rows
	return drawn
}

// samePlaces returns line y's pieces in two frames when both have them in
// the same places: then the pieces that differ are all that changed.
func samePlaces(rows, before [][]piece, y int) (now, was []piece, ok bool) {
	if y >= len(rows) || y >= len(before) || len(rows[y]) != len(before[y]) {
		return nil, nil, false
	}
	now, was = rows[y], before[y]
	for i := range now {
		if now[i].x != was[i].x || now[i].w != was[i].w {
			return nil, nil, false
		}
	}
	return now, was, true
}

// cursorStyle is DECSCUSR's number for a cursor: 1 and 2 a blinking and a
// steady block, 3 and 4 an underline, 5 and 6 a bar.
func cursorStyle(c *tea.Cursor) int {
	n := int(c.Shape)*2 + 1
	if !c.Blink {
		n++
	}
	return n
}

// stop ends the drawing and gives the terminal back as it was: the main
// screen, no mouse reporting, no bracketed paste, the keyboard protocol, the
// cursor shown in the terminal's own shape. It is safe to call more than once
// and from any goroutine; it returns the first write error.
func (s *screen) stop() error {
	s.stop1.Do(func() {
		s.mu.Lock()
		started := s.started
		s.mu.Unlock()
		if !started {
			return
		}
		close(s.quit)
		<-s.done
		s.over.close()
		var b bytes.Buffer
		b.WriteString(ansi.ResetModifyOtherKeys)
		b.WriteString(ansi.PopKittyKeyboard(1))
		b.WriteString(ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr)
		b.WriteString(ansi.ResetModeBracketedPaste)
		if s.opts.Title != "" {
			b.WriteString(ansi.SetWindowTitle(""))
		}
		if s.style != 0 {
			b.WriteString(ansi.SetCursorStyle(0))
		}
		b.WriteString(ansi.ResetModeAltScreenSaveCursor)
		b.WriteString(ansi.ShowCursor)
		if _, err := s.out.Write(b.Bytes()); err != nil && s.err == nil {
			s.err = err
		}
	})
	return s.err
}
