package term

// Watch is a read-only handle on a Core: it shows the view at any scroll
// position without moving the Core's own, and it has no method that reaches
// the application's input. Spectators draw a teacher's panes through it; a
// Watch cannot type, paste, click, resize or scroll the pane it shows, and
// nothing outside this package can get the Core back out of it.
type Watch struct{ c *Core }

// WatchOf returns a Watch on t, or false when t is not a Core.
func WatchOf(t Terminal) (Watch, bool) {
	c, ok := t.(*Core)
	return Watch{c}, ok && c != nil
}

// Look is the view of a Terminal at one scroll position.
type Look struct {
	// Render is the view as Terminal.Render draws it.
	Render     string
	Cols, Rows int
	Cursor     Cursor
	// State is the Terminal's state, with ScrollOffset the look's own.
	State State
}

// Look returns the view offset lines up from the live screen (clamped to
// the scrollback held; the alternate screen has none). When the Core's own
// view is at that position the Core's cached render is shared; otherwise
// the look is drawn apart, and the Core's view and cache are left alone.
func (w Watch) Look(offset int) Look {
	t := w.c
	if t == nil {
		return Look{}
	}
	t.mu.Lock()
	held := 0
	if !t.emu.onAlt() {
		held = t.sb.len()
	}
	offset = clampOffset(offset, held)
	own := offset == t.offset
	t.mu.Unlock()
	if own {
		r := t.Render()
		st := t.State()
		cols, rows := t.Size()
		return Look{Render: r, Cols: cols, Rows: rows, Cursor: t.Cursor(), State: st}
	}

	t.mu.Lock()
	cols, rows := t.cols, t.rows
	offset = clampOffset(offset, held)
	grid := make([]Cell, cols*rows)
	row := make([]cell, cols)
	t.guard(func() {
		for y := range rows {
			var cells []cell
			if y < offset {
				cells = row
				t.sb.line(t.sb.len()-offset+y, cells)
			} else {
				l := t.emu.scr.row(y - offset)
				cells = l.cells[:min(len(l.cells), cols)]
			}
			dst := grid[y*cols : (y+1)*cols]
			for x := range dst {
				if x < len(cells) {
					dst[x] = cells[x].toCell()
				} else {
					dst[x] = Blank()
				}
			}
		}
	})
	e := t.emu
	x, y := e.cur.x, e.cur.y+offset
	cur := Cursor{
		X: min(max(x, 0), max(cols-1, 0)), Y: min(max(y, 0), max(rows-1, 0)),
		Visible: !e.hidden && x < cols && y < rows, Shape: e.shape, Blink: e.blink,
	}
	st := State{AltScreen: e.onAlt(), Title: e.title, ScrollOffset: offset, ScrollbackLen: t.sb.len(),
		ScrollbackMax: t.sb.maxLines, Modes: e.input, Resets: t.resets}
	t.mu.Unlock()
	for y := range rows {
		normalizeLine(grid[y*cols:(y+1)*cols], grid[y*cols:(y+1)*cols])
	}
	return Look{Render: renderGrid(grid, cols, rows), Cols: cols, Rows: rows, Cursor: cur, State: st}
}
