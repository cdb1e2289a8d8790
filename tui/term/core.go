package term

import (
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"
)

// Core is the Terminal on an emulator of this package's own (see emulator),
// built for floods of output: a line feed at the bottom of the screen
// rotates a ring of lines and clears one, and the line that leaves goes to
// a scrollback of compact lines bounded by lines and by bytes.
//
// One mutex guards the emulator. Write holds it for at most ChunkSize bytes
// and at most workPerLock cells of work at a time, so a render never waits
// long behind a flood. Query replies are queued for the pty from inside
// Write, like keys; nothing inside the lock waits for the pty.
type Core struct {
	in    *inputQueue
	dirty atomic.Bool

	// renderMu serializes Render, which owns grid, seen, changed and lines
	// between calls.
	renderMu sync.Mutex
	grid     []Cell
	// lines are the view's rows as Render styled them last, and seen the
	// emulator's cells they were made from, up to the last cell that is not
	// a default blank: a row whose cells did not change (all but one or two
	// after a keystroke's echo) is neither copied out of the emulator nor
	// normalized and styled again.
	seen     [][]cell
	seenCols int
	changed  []int
	lines    []string
	lineBuf  []byte
	// linesGen is the generation lines show (linesOK: any). Read and
	// written with renderMu held.
	linesGen uint64
	linesOK  bool

	mu       sync.Mutex
	emu      *emulator
	sb       *scrollback
	cols     int
	rows     int
	offset   int // lines the view is scrolled up into the scrollback
	resets   int
	colors   Colors
	closed   bool
	gen      uint64 // bumped by every change the view can show
	cache    string
	cacheGen uint64
	cacheOK  bool
	row      []cell // scratch for one decoded scrollback line

	// cellRow is view row cellY as normalized for Cell at generation
	// cellGen: a caller reading a row cell by cell normalizes it once, not
	// once per cell.
	cellRow []Cell
	cellY   int
	cellGen uint64
	cellOK  bool
}

var _ Terminal = (*Core)(nil)

// workPerLock bounds the cells one locked step of Write may touch (about a
// tenth of a millisecond), whatever the bytes ask for: 4 KiB of ESC[2J
// would otherwise clear the screen a thousand times under one lock.
const workPerLock = 1 << 16

// NewCore returns a Core that writes input and query replies to w.
func NewCore(w io.Writer, opt Options) *Core {
	t := &Core{in: newInputQueue(w)}
	t.cols, t.rows = clampSize(opt.Cols, opt.Rows)
	t.sb = newScrollback(opt.scrollback(), opt.scrollbackBytes())
	t.colors = opt.Colors
	t.emu = t.newEmulator()
	t.dirty.Store(true)
	return t
}

func (t *Core) newEmulator() *emulator {
	// The reply function runs inside Write with t.mu held; the queue only
	// appends.
	e := newEmulator(t.cols, t.rows, t.sb, func(s string) { t.in.push([]byte(s)) })
	e.colors = t.colors
	return e
}

// guard runs f on the emulator and, should it panic, replaces the emulator
// with a fresh one whose first line says so: a pane that keeps working
// beats a lab that crashes.
func (t *Core) guard(f func()) {
	defer func() {
		if r := recover(); r != nil {
			t.resets++
			t.offset = 0
			t.emu = t.newEmulator()
			t.emu.write([]byte("\x1b[7m[terminal reset after an emulator fault]\x1b[m\r\n"), 1<<30)
		}
	}()
	f()
}

// changedLocked records a change the view may show. pushed is the
// scrollback's push count before it, so a view scrolled up stays on the same
// lines while output arrives, until they fall off the end.
func (t *Core) changedLocked(pushed uint64) {
	switch {
	case t.emu.onAlt():
		t.offset = 0
	case t.offset > 0:
		t.offset = clampOffset(t.offset+int(t.sb.pushed-pushed), t.sb.len())
	}
	t.gen++
	t.dirty.Store(true)
}

// Write feeds pty output to the emulator, taking the lock once per step of
// at most ChunkSize bytes and workPerLock cells.
func (t *Core) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n, err := t.feed(p[:min(len(p), ChunkSize)])
		written += n
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// feed takes what one lock allows of p and returns how much that was.
func (t *Core) feed(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return 0, ErrClosed
	}
	pushed := t.sb.pushed
	n := len(p)
	t.guard(func() {
		t.emu.work = 0
		n = t.emu.write(p, workPerLock)
	})
	t.changedLocked(pushed)
	return n, nil
}

// Resize implements Terminal. The emulator keeps at least one cell, so a 0×0
// pane renders nothing but still accepts output.
func (t *Core) Resize(cols, rows int) {
	cols, rows = clampSize(cols, rows)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || (cols == t.cols && rows == t.rows) {
		return
	}
	t.cols, t.rows = cols, rows
	pushed := t.sb.pushed
	t.guard(func() { t.emu.resize(cols, rows) })
	// The scrollback may have been cut anew: its lines are not where a
	// view scrolled up was.
	t.offset = 0
	t.changedLocked(pushed)
}

// Size implements Terminal.
func (t *Core) Size() (cols, rows int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cols, t.rows
}

// viewLineLocked writes view row y into dst (t.cols cells).
func (t *Core) viewLineLocked(dst []Cell, y int) {
	var cells []cell
	if y < t.offset {
		if cap(t.row) < t.cols {
			t.row = make([]cell, t.cols)
		}
		cells = t.row[:t.cols]
		t.sb.line(t.sb.len()-t.offset+y, cells)
	} else {
		l := t.emu.scr.row(y - t.offset)
		cells = l.cells[:min(len(l.cells), t.cols)]
	}
	for x := range dst {
		if x < len(cells) {
			dst[x] = cells[x].toCell()
		} else {
			dst[x] = Blank()
		}
	}
}

// viewCellsLocked is view row y as the emulator holds it, without the default
// blanks at its end (the same row whatever they are), at most t.cols cells.
// It stays valid until the emulator or t.row next changes.
func (t *Core) viewCellsLocked(y int) []cell {
	if y < t.offset {
		if cap(t.row) < t.cols {
			t.row = make([]cell, t.cols)
		}
		cells := t.row[:t.cols]
		t.sb.line(t.sb.len()-t.offset+y, cells)
		end := len(cells)
		for end > 0 && cells[end-1] == (cell{}) {
			end--
		}
		return cells[:end]
	}
	l := t.emu.scr.row(y - t.offset)
	return l.cells[:min(l.used, len(l.cells), t.cols)]
}

// Render implements Terminal. The cells are copied under the lock; checking
// and styling them happens after it is released. An unchanged view returns
// the previous string.
func (t *Core) Render() string {
	t.renderMu.Lock()
	defer t.renderMu.Unlock()
	t.mu.Lock()
	if t.cacheOK && t.cacheGen == t.gen {
		s := t.cache
		t.mu.Unlock()
		return s
	}
	t.mu.Unlock()
	gen := t.updateLines()
	s := strings.Join(t.lines, "\n")
	t.mu.Lock()
	t.cache, t.cacheGen, t.cacheOK = s, gen, true
	t.mu.Unlock()
	return s
}

// RenderLines appends the lines Render joins to dst[:0]. A line that did not
// change since the last call is the same string (its bytes are not copied
// again), so a caller can tell the changed lines apart cheaply; a pane after
// a keystroke's echo styles one line, not the whole view.
func (t *Core) RenderLines(dst []string) []string {
	t.renderMu.Lock()
	defer t.renderMu.Unlock()
	t.updateLines()
	return append(dst[:0], t.lines...)
}

// updateLines brings t.lines up to the view and returns the generation they
// show; renderMu is held.
func (t *Core) updateLines() uint64 {
	t.mu.Lock()
	if t.linesOK && t.linesGen == t.gen {
		t.mu.Unlock()
		return t.linesGen
	}
	gen, cols, rows := t.gen, t.cols, t.rows
	fresh := len(t.seen) != rows || len(t.lines) != rows || t.seenCols != cols
	if fresh {
		t.seen, t.lines, t.seenCols = make([][]cell, rows), make([]string, rows), cols
	}
	t.changed = t.changed[:0]
	t.guard(func() {
		for y := range rows {
			cells := t.viewCellsLocked(y)
			if !fresh && slices.Equal(cells, t.seen[y]) {
				continue
			}
			t.seen[y] = append(t.seen[y][:0], cells...)
			t.changed = append(t.changed, y)
		}
	})
	t.mu.Unlock()

	if cap(t.grid) < cols {
		t.grid = make([]Cell, cols)
	}
	row := t.grid[:cols]
	for _, y := range t.changed {
		cells := t.seen[y]
		for x := range row {
			if x < len(cells) {
				row[x] = cells[x].toCell()
			} else {
				row[x] = Blank()
			}
		}
		// In place: normalizeLine reads each cell before writing at or
		// after it.
		normalizeLine(row, row)
		t.lineBuf = renderLine(t.lineBuf[:0], row)
		t.lines[y] = string(t.lineBuf)
	}
	t.linesGen, t.linesOK = gen, true
	return gen
}

// Cell implements Terminal. A cell depends on the whole row (a wide
// character before it, clusters that join), so the row is normalized whole
// and kept until the view changes.
func (t *Core) Cell(x, y int) Cell {
	t.mu.Lock()
	defer t.mu.Unlock()
	if x < 0 || y < 0 || x >= t.cols || y >= t.rows {
		return Blank()
	}
	if !t.cellOK || t.cellGen != t.gen || t.cellY != y || len(t.cellRow) != t.cols {
		if cap(t.cellRow) < t.cols {
			t.cellRow = make([]Cell, t.cols)
		}
		line := t.cellRow[:t.cols]
		resets := t.resets
		t.guard(func() { t.viewLineLocked(line, y) })
		normalizeLine(line, line)
		// After a fault the emulator is new and the row is of the old one.
		t.cellRow, t.cellY, t.cellGen, t.cellOK = line, y, t.gen, t.resets == resets
	}
	return t.cellRow[x]
}

// Cursor implements Terminal.
func (t *Core) Cursor() Cursor {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.emu
	x, y := e.cur.x, e.cur.y+t.offset
	return Cursor{
		X:       min(max(x, 0), max(t.cols-1, 0)),
		Y:       min(max(y, 0), max(t.rows-1, 0)),
		Visible: !e.hidden && x < t.cols && y < t.rows,
		Shape:   e.shape,
		Blink:   e.blink,
	}
}

// State implements Terminal.
func (t *Core) State() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return State{
		AltScreen:     t.emu.onAlt(),
		Title:         t.emu.title,
		ScrollOffset:  t.offset,
		ScrollbackLen: t.sb.len(),
		ScrollbackMax: t.sb.maxLines,
		Modes:         t.emu.input,
		Resets:        t.resets,
	}
}

// ScrollBy implements Terminal.
func (t *Core) ScrollBy(lines int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.scrollLocked(lines)
}

// ScrollPages implements Terminal.
func (t *Core) ScrollPages(pages int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	pages = min(max(pages, -t.sb.maxLines), t.sb.maxLines)
	t.scrollLocked(pages * max(t.rows, 1))
}

// ScrollToLive implements Terminal.
func (t *Core) ScrollToLive() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.scrollLocked(-t.offset)
}

func (t *Core) scrollLocked(lines int) {
	held := 0
	if !t.emu.onAlt() {
		held = t.sb.len()
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
func (t *Core) sendLocked(b []byte) {
	if t.closed || len(b) == 0 {
		return
	}
	t.scrollLocked(-t.offset)
	t.in.push(b)
}

// SendKey implements Terminal.
func (t *Core) SendKey(k tea.KeyPressMsg) {
	t.mu.Lock()
	t.sendLocked(EncodeKey(k.Key(), t.emu.input))
	t.mu.Unlock()
	// The writer goroutine, made ready from this one, would wait for the
	// caller (the UI, which goes on to draw, half a millisecond at 200×50)
	// to block: yield, so the key reaches the program first.
	runtime.Gosched()
}

// Type sends text as typed, as SendKey sends keys that are text, from a
// caller that may make a system call: with nothing queued before it, the
// text is written at once (see inputQueue.pushNow).
func (t *Core) Type(text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || text == "" {
		return
	}
	t.scrollLocked(-t.offset)
	t.in.pushNow([]byte(text))
}

// Paste implements Terminal.
func (t *Core) Paste(text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sendLocked(EncodePaste(text, t.emu.input))
}

// SendMouse implements Terminal.
func (t *Core) SendMouse(m tea.MouseMsg) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := EncodeMouse(m, t.emu.input)
	if t.closed || b == nil {
		return false
	}
	t.in.push(b)
	return true
}

// Focus implements Terminal.
func (t *Core) Focus(focused bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed {
		t.in.push(EncodeFocus(focused, t.emu.input))
	}
}

// TakeDirty implements Terminal.
func (t *Core) TakeDirty() bool {
	return t.dirty.Swap(false)
}

// Close implements Terminal. The screen stays readable after it, so a pane
// can keep showing what its shell printed last.
func (t *Core) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	t.mu.Unlock()
	t.in.close()
	return nil
}
