package term

// Reflow: when the width changes, the main screen and the scrollback are cut
// into rows again at the new width, as tmux and most terminals do. Rows that
// an automatic wrap cut (line.wrapped, kept in the scrollback too) join
// again first, so zooming a pane and back loses nothing and a long line
// that was cut becomes one line again. The cursor stays on the character it
// was on. The alternate screen is not reflowed: the program that owns it
// draws it again at the new size (SIGWINCH).

// rewrapper cuts logical lines, given as the rows they were cut into, into
// rows of cols columns, never between the two columns of a wide character.
type rewrapper struct {
	cols int
	row  []cell
	// start is the logical line's column of row's first cell; off counts
	// the columns of the logical line so far.
	start, off int
	emit       func(cells []cell, wrapped bool, start int)
}

// add appends one old row's cells to the logical line.
func (w *rewrapper) add(cells []cell) {
	for i := 0; i < len(cells); i++ {
		c := cells[i]
		cw := 1
		switch {
		case c.kind == wide && i+1 < len(cells) && cells[i+1].kind == covered && w.cols >= 2:
			cw = 2
		case c.kind != narrow:
			// Half of a wide character, or one no row can hold: a
			// blank, as printing it at that width gives.
			c = cell{style: c.style}
		}
		if len(w.row)+cw > w.cols {
			w.emit(w.row, true, w.start)
			w.row = w.row[:0]
			w.start = w.off
		}
		w.row = append(w.row, c)
		if cw == 2 {
			i++
			w.row = append(w.row, cells[i])
		}
		w.off += cw
	}
}

// end ends the logical line: its last row goes out, not wrapped.
func (w *rewrapper) end() {
	w.emit(w.row, false, w.start)
	w.row = w.row[:0]
	w.start, w.off = 0, 0
}

// flowRow is a row of the reflowed screen.
type flowRow struct {
	cells   []cell
	wrapped bool
	start   int // its first column in its logical line
}

// locate finds the row of rows (one logical line's) holding the logical
// line's column off, and the column in it: the row whose columns hold off,
// or the last row for a column past the end of the text.
func locate(rows []flowRow, off int) (i, x int) {
	for i, r := range rows {
		if off < r.start+len(r.cells) || i == len(rows)-1 {
			return i, max(off-r.start, 0)
		}
	}
	return 0, 0
}

// reflowMain returns the main screen cut into rows of cols columns and rows
// rows, with the scrollback cut the same way; cur is the main screen's
// cursor, returned moved along with its character. As in tmux, the cursor
// stays on its row of the screen where it can: rows above go to the
// scrollback or come back from it, as many as the new width makes.
func (e *emulator) reflowMain(cols, rows int, cur cursor) (*buffer, cursor) {
	old, sb := e.main, e.sb
	last := cur.y
	for y := old.rows - 1; y > last; y-- {
		if old.row(y).used > 0 {
			last = y
			break
		}
	}
	fresh := &scrollback{maxLines: sb.maxLines, maxBlocks: sb.maxBlocks}

	// Cut rows wait in out until rows more follow them before the cursor's
	// logical line begins: those can only go to the scrollback. From the
	// cursor's logical line on, every row is kept, to be placed.
	var (
		out      []flowRow
		free     [][]cell // cells of rows sent on, for reuse
		base     int      // the number of rows sent on: out[0]'s index
		held     bool
		lineFrom int  // index of the first row of the logical line being cut
		curOff   = -1 // the cursor's column in its logical line
		curFound bool
		curIdx   int // the cursor's row, counting every row cut
		curX     int
	)
	w := &rewrapper{cols: cols, emit: func(cells []cell, wrapped bool, start int) {
		e.work += len(cells) + 8
		var buf []cell
		if n := len(free); n > 0 {
			buf, free = free[n-1][:0], free[:n-1]
		}
		out = append(out, flowRow{cells: append(buf, cells...), wrapped: wrapped, start: start})
		if !held && len(out) > rows {
			fresh.pushCells(out[0].cells, out[0].wrapped)
			free = append(free, out[0].cells)
			out = out[1:]
			base++
		}
	}}
	endLogical := func() {
		w.end()
		if held && !curFound {
			i, x := locate(out[max(lineFrom-base, 0):], curOff)
			curIdx, curX, curFound = max(lineFrom, base)+i, x, true
		}
		lineFrom = base + len(out)
	}

	scratch := make([]cell, MaxCols)
	for i := range sb.len() {
		n := decodeLine(scratch, sb.encoded(i))
		w.add(scratch[:n])
		if !sb.wrapped(i) {
			endLogical()
		}
	}
	for y := 0; y <= last; y++ {
		l := old.row(y)
		if y == cur.y {
			held = true
			curOff = w.off + cur.x
			if cur.pendingWrap {
				curOff++
			}
		}
		w.add(l.cells[:l.used])
		if !l.wrapped || y == last {
			endLogical()
		}
	}

	top := max(curIdx-min(cur.y, rows-1), base, 0)
	for _, r := range out[:top-base] {
		fresh.pushCells(r.cells, r.wrapped)
	}
	n := newBuffer(cols, rows)
	n.saved = old.saved
	for y, r := range out[top-base : min(top-base+rows, len(out))] {
		l := n.row(y)
		copy(l.cells, r.cells)
		l.used, l.wrapped = len(r.cells), r.wrapped
	}
	// The lines are the same lines cut anew: a view scrolled up is put
	// back to live by the caller, not moved by the count.
	fresh.pushed = sb.pushed
	*sb = *fresh

	cur.y = curIdx - top
	cur.x, cur.pendingWrap = curX, false
	if cur.x >= cols {
		// Past the end of a full row: the next character wraps.
		cur.x, cur.pendingWrap = cols-1, e.autowrap && curX == cols
	}
	return n, cur
}
