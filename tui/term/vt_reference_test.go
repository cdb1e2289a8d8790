package term

import (
	"bytes"
	"io"
	"sync"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// VT is the Terminal on github.com/charmbracelet/x/vt v0.1.0.
//
// The emulator is not safe for concurrent use, so one mutex guards it; the
// pty reader holds it for one chunk of output at a time and Render only
// while it copies the visible cells. x/vt writes query replies into a pipe
// inside Write, so a goroutine drains that pipe into the input queue at all
// times; without it the first ESC[6n would block Write for ever.
// LinesPerLock caps the line feeds in one chunk fed to x/vt (VT): there a
// scrolled line costs a copy of the whole screen. Core bounds its steps by work
// instead (workPerLock).
const LinesPerLock = 64

type VT struct {
	in            *inputQueue
	scrollbackMax int
	dirty         atomic.Bool
	drains        sync.WaitGroup

	// renderMu serializes Render, which owns raw and ends between calls.
	renderMu sync.Mutex
	raw      []uv.Cell
	ends     []int

	mu       sync.Mutex
	emu      *vt.Emulator
	pipe     io.Closer // the emulator's reply pipe; closing it ends its drain
	cols     int
	rows     int
	offset   int // lines the view is scrolled up into the scrollback
	title    string
	modes    InputModes
	resets   int
	closed   bool
	gen      uint64 // bumped by every change the view can show
	cache    string
	cacheGen uint64
	cacheOK  bool

	// cellRow is view row cellY as normalized for Cell at generation
	// cellGen, as in Core.
	cellRow []Cell
	cellY   int
	cellGen uint64
	cellOK  bool
}

var _ Terminal = (*VT)(nil)

// NewVT returns a Terminal on x/vt that writes input and query replies to w.
func NewVT(w io.Writer, opt Options) *VT {
	t := &VT{in: newInputQueue(w), scrollbackMax: opt.scrollback()}
	t.cols, t.rows = clampSize(opt.Cols, opt.Rows)
	t.mu.Lock()
	t.startEmulatorLocked()
	t.mu.Unlock()
	t.dirty.Store(true)
	return t
}

// startEmulatorLocked makes a fresh emulator at the current size, hooks it up
// and starts draining its reply pipe.
func (t *VT) startEmulatorLocked() {
	e := vt.NewEmulator(max(t.cols, 1), max(t.rows, 1))
	e.SetScrollbackSize(t.scrollbackMax)
	// The callbacks run inside the emulator's Write and Resize, which are
	// only ever called with t.mu held.
	e.SetCallbacks(vt.Callbacks{
		EnableMode:  func(m ansi.Mode) { t.modeChanged(m, true) },
		DisableMode: func(m ansi.Mode) { t.modeChanged(m, false) },
	})
	guardCSI(e)
	// OSC 0 and 2: x/vt v0.1.0 drops a title with a ';' in it; the title is
	// everything after the first one.
	for _, cmd := range []int{0, 2} {
		e.RegisterOscHandler(cmd, func(data []byte) bool {
			if i := bytes.IndexByte(data, ';'); i >= 0 {
				t.title = string(data[i+1:])
			}
			return true
		})
	}
	e.RegisterEscHandler('c', func() bool {
		// RIS: x/vt resets only the modes it knows; forget ours too, then
		// let its own handler run.
		t.modes = InputModes{}
		return false
	})
	t.emu = e
	// Closing the pipe's writer ends the drain. Emulator.Close would do it
	// too, but it sets a field Read checks without a lock: a data race.
	if c, ok := e.InputPipe().(io.Closer); ok {
		t.pipe = c
	} else {
		t.pipe = e
	}
	t.drains.Add(1)
	go t.drain(e)
}

// drain forwards everything the emulator puts in its reply pipe to the
// input queue until the pipe is closed. It never takes t.mu: the emulator's
// Write, which holds t.mu, may be waiting for it.
func (t *VT) drain(e *vt.Emulator) {
	defer t.drains.Done()
	buf := make([]byte, 1024)
	for {
		n, err := e.Read(buf)
		t.in.push(buf[:n])
		if err != nil {
			return
		}
	}
}

func (t *VT) modeChanged(m ansi.Mode, on bool) {
	switch m := m.(type) {
	case ansi.DECMode:
		t.modes.SetMode(int(m), true, on)
	case ansi.ANSIMode:
		t.modes.SetMode(int(m), false, on)
	}
}

// guardCSI registers, for every CSI command x/vt v0.1.0 handles, a handler
// that runs before its own and clamps the parameters in place (the parser
// passes every handler the same slice), then declines so x/vt's handler runs
// on the clamped values.
func guardCSI(e *vt.Emulator) {
	commands := []int{
		'@', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'P', 'S', 'T',
		'X', 'Z', '`', 'a', 'c', 'd', 'e', 'f', 'g', 'h', 'l', 'm', 'n', 'r', 's',
		ansi.Command('?', 0, 'W'), ansi.Command('>', 0, 'c'), ansi.Command('?', 0, 'h'),
		ansi.Command('?', 0, 'l'), ansi.Command('?', 0, 'n'), ansi.Command(0, '$', 'p'),
		ansi.Command('?', '$', 'p'), ansi.Command(0, ' ', 'q'),
	}
	for _, cmd := range commands {
		e.RegisterCsiHandler(cmd, func(params ansi.Params) bool {
			clampParams(params, maxParam)
			return false
		})
	}
	// DSR 5 (operating status) wants CSI 0 n; x/vt v0.1.0 answers in the
	// DEC form, CSI ? 0 n, which an application waiting for "\x1b[0n" never
	// matches.
	e.RegisterCsiHandler('n', func(params ansi.Params) bool {
		if n, _, _ := params.Param(0, 0); n != 5 {
			return false
		}
		_, _ = io.WriteString(e.InputPipe(), "\x1b[0n")
		return true
	})
	// DECSTBM and DECSLRM: x/vt v0.1.0 takes a bottom or right margin past
	// the screen as it is, and the next IL or DL indexes rows that do not
	// exist (found by FuzzTerminal: ESC[;17r ESC[L on 12 rows panics).
	// Clamp them to the screen, as xterm does.
	e.RegisterCsiHandler('r', func(params ansi.Params) bool {
		clampParam(params, 1, e.Height())
		return false
	})
	e.RegisterCsiHandler('s', func(params ansi.Params) bool {
		clampParam(params, 1, e.Width())
		return false
	})
	// REP repeats the last character n times, each a print that may scroll
	// the whole screen: no more than one line's worth, which is all any
	// application uses it for.
	e.RegisterCsiHandler('b', func(params ansi.Params) bool {
		clampParams(params, max(e.Width(), 1))
		return false
	})
}

func clampParams(params ansi.Params, limit int) {
	for i := range params {
		clampParam(params, i, limit)
	}
}

// clampParam lowers parameter i to limit if it is above it.
func clampParam(params ansi.Params, i, limit int) {
	if i < len(params) && params[i].Param(-1) > limit {
		params[i] = ansi.Param(ansi.Parameter(limit, params[i].HasMore()))
	}
}

// guard runs f on the emulator and, if x/vt panics, replaces the emulator with
// a fresh one that says so on its first line: a pane that keeps working beats
// a lab that crashes.
func (t *VT) guard(f func()) {
	defer func() {
		if r := recover(); r != nil {
			_ = t.pipe.Close()
			t.resets++
			t.modes = InputModes{}
			t.offset = 0
			t.startEmulatorLocked()
			_, _ = t.emu.WriteString("\x1b[7m[terminal reset after an emulator fault]\x1b[m\r\n")
		}
	}()
	f()
}

// changedLocked records a change the view may show. held is the scrollback
// length before it, so a view scrolled up stays on the same lines while
// output arrives (until the scrollback is full and lines start to fall off).
func (t *VT) changedLocked(held int) {
	switch {
	case t.emu.IsAltScreen():
		t.offset = 0
	case t.offset > 0:
		now := t.emu.ScrollbackLen()
		t.offset = clampOffset(t.offset+now-held, now)
	}
	t.gen++
	t.dirty.Store(true)
}

// Write feeds pty output to the emulator, at most ChunkSize bytes and
// LinesPerLock line feeds per lock.
func (t *VT) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n := chunkLen(p)
		if err := t.feed(p[:n]); err != nil {
			return written, err
		}
		written += n
		p = p[n:]
	}
	return written, nil
}

// chunkLen is the length of the next piece of p to feed under one lock. x/vt
// copies the whole screen for every line it scrolls (57 µs at 200×50), so a
// chunk of nothing but newlines would hold the lock for a quarter second.
func chunkLen(p []byte) int {
	p = p[:min(len(p), ChunkSize)]
	n := 0
	for range LinesPerLock {
		i := bytes.IndexByte(p[n:], '\n')
		if i < 0 {
			return len(p)
		}
		n += i + 1
	}
	return n
}

func (t *VT) feed(p []byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return ErrClosed
	}
	held := t.emu.ScrollbackLen()
	t.guard(func() { _, _ = t.emu.Write(p) })
	t.changedLocked(held)
	return nil
}

// Resize implements Terminal. The emulator keeps at least one cell, so a 0×0
// pane renders nothing but still accepts output.
func (t *VT) Resize(cols, rows int) {
	cols, rows = clampSize(cols, rows)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || (cols == t.cols && rows == t.rows) {
		return
	}
	t.cols, t.rows = cols, rows
	held := t.emu.ScrollbackLen()
	t.guard(func() { t.emu.Resize(max(cols, 1), max(rows, 1)) })
	t.changedLocked(held)
}

// Size implements Terminal.
func (t *VT) Size() (cols, rows int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cols, t.rows
}

// viewLineLocked appends the emulator's cells of view row y, at most cols
// of them. They are copied as they are: converting them is left for after
// the lock is released.
func (t *VT) viewLineLocked(dst []uv.Cell, y int) []uv.Cell {
	if y < t.offset {
		sb := t.emu.Scrollback()
		line := sb.Line(sb.Len() - t.offset + y)
		return append(dst, line[:min(len(line), t.cols)]...)
	}
	for x := range t.cols {
		c := t.emu.CellAt(x, y-t.offset)
		if c == nil {
			break
		}
		dst = append(dst, *c)
	}
	return dst
}

// normalizeRaw converts a row of emulator cells into dst, normalized.
func normalizeRaw(dst []Cell, raw []uv.Cell, conv []Cell) []Cell {
	conv = conv[:0]
	for i := range raw {
		conv = append(conv, cellOf(&raw[i]))
	}
	normalizeLine(dst, conv)
	return conv
}

// Render implements Terminal. The cells are copied under the lock; turning
// them into text happens after it is released. An unchanged view returns the
// previous string.
func (t *VT) Render() string {
	t.renderMu.Lock()
	defer t.renderMu.Unlock()

	t.mu.Lock()
	if t.cacheOK && t.cacheGen == t.gen {
		s := t.cache
		t.mu.Unlock()
		return s
	}
	gen, cols, rows := t.gen, t.cols, t.rows
	t.raw, t.ends = t.raw[:0], t.ends[:0]
	for y := range rows {
		t.raw = t.viewLineLocked(t.raw, y)
		t.ends = append(t.ends, len(t.raw))
	}
	t.mu.Unlock()

	grid := make([]Cell, cols*rows)
	var conv []Cell
	start := 0
	for y, end := range t.ends {
		conv = normalizeRaw(grid[y*cols:(y+1)*cols], t.raw[start:end], conv)
		start = end
	}
	s := renderGrid(grid, cols, rows)

	t.mu.Lock()
	if t.gen == gen {
		t.cache, t.cacheGen, t.cacheOK = s, gen, true
	}
	t.mu.Unlock()
	return s
}

// Cell implements Terminal, normalizing the row whole and keeping it until
// the view changes, as Core does.
func (t *VT) Cell(x, y int) Cell {
	t.mu.Lock()
	defer t.mu.Unlock()
	if x < 0 || y < 0 || x >= t.cols || y >= t.rows {
		return Blank()
	}
	if !t.cellOK || t.cellGen != t.gen || t.cellY != y || len(t.cellRow) != t.cols {
		line := make([]Cell, t.cols)
		normalizeRaw(line, t.viewLineLocked(nil, y), nil)
		t.cellRow, t.cellY, t.cellGen, t.cellOK = line, y, t.gen, true
	}
	return t.cellRow[x]
}

// Cursor implements Terminal.
func (t *VT) Cursor() Cursor {
	t.mu.Lock()
	defer t.mu.Unlock()
	pos := t.emu.CursorPosition()
	style, blink := t.emu.CursorStyle()
	x, y := pos.X, pos.Y+t.offset
	c := Cursor{
		X:       min(max(x, 0), max(t.cols-1, 0)),
		Y:       min(max(y, 0), max(t.rows-1, 0)),
		Visible: !t.emu.CursorHidden() && x >= 0 && x < t.cols && y >= 0 && y < t.rows,
		Blink:   blink,
	}
	switch style {
	case vt.CursorUnderline:
		c.Shape = CursorUnderline
	case vt.CursorBar:
		c.Shape = CursorBar
	}
	return c
}

// State implements Terminal.
func (t *VT) State() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return State{
		AltScreen:     t.emu.IsAltScreen(),
		Title:         t.title,
		ScrollOffset:  t.offset,
		ScrollbackLen: t.emu.ScrollbackLen(),
		ScrollbackMax: t.scrollbackMax,
		Modes:         t.modes,
		Resets:        t.resets,
	}
}

// ScrollBy implements Terminal.
func (t *VT) ScrollBy(lines int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.scrollLocked(lines)
}

// ScrollPages implements Terminal.
func (t *VT) ScrollPages(pages int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	pages = min(max(pages, -t.scrollbackMax), t.scrollbackMax)
	t.scrollLocked(pages * max(t.rows, 1))
}

// ScrollToLive implements Terminal.
func (t *VT) ScrollToLive() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.scrollLocked(-t.offset)
}

func (t *VT) scrollLocked(lines int) {
	held := 0
	if !t.emu.IsAltScreen() {
		held = t.emu.ScrollbackLen()
	}
	// Bound lines first so offset+lines cannot overflow.
	lines = min(max(lines, -held), held)
	if offset := clampOffset(t.offset+lines, held); offset != t.offset {
		t.offset = offset
		t.gen++
		t.dirty.Store(true)
	}
}

// sendLocked queues input for the application, under t.mu so that input
// from several goroutines keeps its order. Typing returns the view to live.
func (t *VT) sendLocked(b []byte) {
	if t.closed || len(b) == 0 {
		return
	}
	t.scrollLocked(-t.offset)
	t.in.push(b)
}

// SendKey implements Terminal.
func (t *VT) SendKey(k tea.KeyPressMsg) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sendLocked(EncodeKey(k.Key(), t.modes))
}

// Paste implements Terminal.
func (t *VT) Paste(text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sendLocked(EncodePaste(text, t.modes))
}

// SendMouse implements Terminal.
func (t *VT) SendMouse(m tea.MouseMsg) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := EncodeMouse(m, t.modes)
	if t.closed || b == nil {
		return false
	}
	t.in.push(b)
	return true
}

// Focus implements Terminal.
func (t *VT) Focus(focused bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed {
		t.in.push(EncodeFocus(focused, t.modes))
	}
}

// TakeDirty implements Terminal.
func (t *VT) TakeDirty() bool {
	return t.dirty.Swap(false)
}

// Close implements Terminal. The screen stays readable after it, so a pane
// can keep showing what its shell printed last.
func (t *VT) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	pipe := t.pipe
	t.mu.Unlock()
	// No Write is in progress any more, so nothing waits on the pipe.
	_ = pipe.Close()
	t.drains.Wait()
	t.in.close()
	return nil
}

// cellOf converts an x/vt cell. Its attribute bits are ours, in the same
// order (TestAttrBitsMatchUV), so they convert as they are.
func cellOf(c *uv.Cell) Cell {
	s := &c.Style
	return Cell{Content: c.Content, Width: c.Width, Style: Style{
		Fg:             colorOf(s.Fg),
		Bg:             colorOf(s.Bg),
		UnderlineColor: colorOf(s.UnderlineColor),
		Underline:      Underline(min(uint8(s.Underline), uint8(DashedUnderline))),
		Attrs:          Attr(s.Attrs),
	}}
}
