package term

// cell is one column of a screen line. Its zero value is a default blank, so
// clearing a line is clear(cells), a memclr.
type cell struct {
	content string // the grapheme cluster; "" is a blank
	style   Style
	kind    cellKind
}

// cellKind says how many columns a cell's character takes.
type cellKind uint8

const (
	narrow  cellKind = iota // one column (or a blank)
	wide                    // the first of the two columns of a wide character
	covered                 // the column a wide character covers after its first
)

// blankWith is an erased cell: xterm erases to the current background
// colour (bce) and nothing else of the pen.
func blankWith(pen Style) cell {
	return cell{style: Style{Bg: pen.Bg}}
}

// toCell converts to the interface's comparable form.
func (c *cell) toCell() Cell {
	switch {
	case c.kind == covered:
		return Cell{Style: c.style}
	case c.kind == wide:
		return Cell{Content: c.content, Width: 2, Style: c.style}
	case c.content == "":
		return Cell{Content: " ", Width: 1, Style: c.style}
	}
	return Cell{Content: c.content, Width: 1, Style: c.style}
}

// line is one row of a screen.
type line struct {
	cells []cell
	// used bounds the cells that may differ from a default blank: every cell
	// at or after it is one. Clearing and saving a line touch only these.
	used int
	// wrapped says the text goes on in the next line: an automatic wrap
	// left this one, so a resize joins them again (reflow). Erasing the
	// line's end ends it.
	wrapped bool
}

// clear blanks the whole line to the default blank.
func (l *line) clear() {
	clear(l.cells[:l.used])
	l.used = 0
	l.wrapped = false
}

// fill sets cells [from, to) to c, then repairs wide characters cut at
// either end.
func (l *line) fill(from, to int, c cell) {
	from, to = max(from, 0), min(to, len(l.cells))
	if from >= to {
		return
	}
	if to == len(l.cells) {
		l.wrapped = false
	}
	if c == (cell{}) && from >= l.used {
		return
	}
	l.splitAt(from)
	l.splitAt(to)
	if c == (cell{}) {
		clear(l.cells[from:min(to, l.used)])
		if to >= l.used {
			l.used = from
		}
		return
	}
	for i := from; i < to; i++ {
		l.cells[i] = c
	}
	l.used = max(l.used, to)
}

// splitAt makes x the first column of a character: a wide character whose
// second column is x is blanked (both columns), since half of it cannot be
// shown. A position at either end of the line splits nothing.
func (l *line) splitAt(x int) {
	if x <= 0 || x >= len(l.cells) || l.cells[x].kind != covered {
		return
	}
	l.cells[x-1] = cell{style: l.cells[x-1].style}
	l.cells[x] = cell{style: l.cells[x].style}
}

// insertBlanks shifts cells from x right by n (those pushed past the edge are
// lost) and fills the gap with c.
func (l *line) insertBlanks(x, n int, c cell) {
	cols := len(l.cells)
	if x < 0 || x >= cols || n <= 0 {
		return
	}
	n = min(n, cols-x)
	l.splitAt(x)
	// The character cut by the right edge is lost whole.
	l.splitAt(cols - n)
	end := min(l.used, cols-n)
	if end > x {
		copy(l.cells[x+n:], l.cells[x:end])
		l.used = max(l.used, end+n)
	}
	// Text moved along the line still goes on in the next one.
	wrapped := l.wrapped
	l.fill(x, x+n, c)
	l.wrapped = wrapped
}

// deleteCells removes n cells at x, shifting the rest left, and fills the
// freed columns at the right edge with c.
func (l *line) deleteCells(x, n int, c cell) {
	cols := len(l.cells)
	if x < 0 || x >= cols || n <= 0 {
		return
	}
	n = min(n, cols-x)
	l.splitAt(x)
	l.splitAt(x + n)
	if x+n < l.used {
		copy(l.cells[x:], l.cells[x+n:l.used])
	}
	end := l.used
	l.used = max(x, l.used-n)
	if end > l.used {
		clear(l.cells[l.used:end])
	}
	wrapped := l.wrapped
	l.fill(cols-n, cols, c)
	l.wrapped = wrapped
}

// buffer is one screen (main or alternate): a grid of lines kept as a ring,
// row y being lines[(base+y) % rows], so scrolling the whole screen up by a
// line moves base and clears one line instead of copying every cell.
type buffer struct {
	lines      []line
	base       int
	cols, rows int
	// saved is this screen's DECSC slot: xterm keeps one per buffer.
	saved savedCursor
}

func newBuffer(cols, rows int) *buffer {
	s := &buffer{cols: cols, rows: rows, lines: make([]line, rows)}
	cells := make([]cell, cols*rows)
	for i := range s.lines {
		s.lines[i].cells = cells[i*cols : (i+1)*cols : (i+1)*cols]
	}
	return s
}

// row returns line y (0 ≤ y < rows).
func (s *buffer) row(y int) *line {
	i := s.base + y
	if i >= s.rows {
		i -= s.rows
	}
	return &s.lines[i]
}

// clearAll blanks every line.
func (s *buffer) clearAll() {
	for i := range s.lines {
		s.lines[i].clear()
	}
}

// scrollUp moves rows top+1..bot up by one and leaves a cleared row at bot;
// row top's old line goes to sb first, unless sb is nil.
func (s *buffer) scrollUp(top, bot int, sb *scrollback) {
	old := s.row(top)
	if sb != nil {
		sb.push(old)
	}
	if top == 0 && bot == s.rows-1 {
		// The whole screen: rotate the ring.
		old.clear()
		s.base++
		if s.base == s.rows {
			s.base = 0
		}
		return
	}
	kept := *old
	for y := top; y < bot; y++ {
		*s.row(y) = *s.row(y + 1)
	}
	kept.clear()
	*s.row(bot) = kept
}

// scrollDown moves rows top..bot-1 down by one and leaves a cleared row at top.
func (s *buffer) scrollDown(top, bot int) {
	kept := *s.row(bot)
	for y := bot; y > top; y-- {
		*s.row(y) = *s.row(y - 1)
	}
	kept.clear()
	*s.row(top) = kept
}

// resized returns a copy of s at a new size, starting from row from: rows
// are kept from there down, columns from the left; a wide character cut by
// the new right edge is blanked. Nothing reflows.
func (s *buffer) resized(cols, rows, from int) *buffer {
	n := newBuffer(cols, rows)
	n.saved = s.saved
	for y := range min(rows, s.rows-from) {
		src, dst := s.row(from+y), n.row(y)
		used := min(src.used, cols)
		copy(dst.cells, src.cells[:used])
		dst.used = used
		dst.wrapped = src.wrapped
		if cols < src.used && cols > 0 && dst.cells[cols-1].kind == wide {
			dst.cells[cols-1] = cell{style: dst.cells[cols-1].style}
		}
	}
	return n
}
