package tui

import (
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// fit cuts or pads a styled line to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if plainASCII(s) {
		// Most of what the panels show (paths, options): no graphemes to
		// find, a cell a byte.
		if len(s) > w {
			return s[:w-1] + "…"
		}
		return s + strings.Repeat(" ", w-len(s))
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// cutWords cuts a styled line of prose to at most w cells at a space, so no
// word or value (a path, an inode number) is cut in half, and marks the cut
// with "…". Where no space is near the end it cuts where it must, marked.
func cutWords(s string, w int) string {
	if w <= 0 || ansi.StringWidth(s) <= w {
		return s
	}
	plain := []rune(ansi.Strip(s))
	at, width := -1, 0
	for _, r := range plain {
		if width+2 > w { // the space and "…" must fit after the cut
			break
		}
		if r == ' ' {
			at = width
		}
		width += ansi.StringWidth(string(r))
	}
	if at < w/2 {
		return ansi.Truncate(s, w, "…")
	}
	return strings.TrimRight(ansi.Truncate(s, at, ""), " ") + " …"
}

// fitLines gives exactly h lines of exactly w cells each.
func fitLines(lines []string, w, h int) []string {
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = fit(lines[i], w)
		} else {
			out[i] = fit("", w)
		}
	}
	return out
}

// boxSpec is one bordered box.
type boxSpec struct {
	Focused bool
	// Title goes on the top border at the left, Status at the right, Footer on
	// the bottom border; each already styled.
	Title, Status, Footer string
	// Lines is the content, cut or padded to the inner size.
	Lines []string
	// Exact says Lines are already exactly the inner size (a terminal's
	// screen), so they need no measuring.
	Exact bool
}

// drawBox draws a box of exactly r's size and returns its lines.
func drawBox(st Styles, r rect, b boxSpec) []string {
	if r.empty() {
		return nil
	}
	if r.W < 2 || r.H < 2 {
		return fitLines(b.Lines, r.W, r.H)
	}
	frame, bs := st.Frame, st.Border
	if b.Focused {
		frame, bs = st.FrameFocus, st.BorderFocus
	}
	innerW := r.W - 2
	out := make([]string, 0, r.H)
	out = append(out, borderLine(bs, frame.TopLeft, frame.Top, frame.TopRight, innerW, b.Title, b.Status))
	left, right := bs.Render(frame.Left), bs.Render(frame.Right)
	lines := b.Lines
	if !b.Exact || len(lines) != r.H-2 {
		lines = fitLines(lines, innerW, r.H-2)
	}
	for _, l := range lines {
		out = append(out, left+l+right)
	}
	out = append(out, borderLine(bs, frame.BottomLeft, frame.Bottom, frame.BottomRight, innerW, b.Footer, ""))
	return out
}

// borderLine draws a top or bottom border with an optional label at each
// end: "╭─ title ───── status ─╮".
func borderLine(bs lipgloss.Style, l, fill, r string, w int, label, status string) string {
	if fill == "" {
		fill = " "
	}
	var sb strings.Builder
	sb.WriteString(bs.Render(l))
	used := 0
	if label != "" && status != "" {
		// The status (a phase, a key, a count) matters more than the whole
		// title: the title gives way, cut and marked, while it keeps a word.
		if room := w - 3 - (ansi.StringWidth(status) + 3); room >= 8 && ansi.StringWidth(label) > room {
			label = ansi.Truncate(label, room, "…")
		}
	}
	if label != "" && w >= 4 {
		label = ansi.Truncate(label, w-3, "…")
		sb.WriteString(bs.Render(fill))
		sb.WriteString(" ")
		sb.WriteString(label)
		sb.WriteString(" ")
		used = 3 + ansi.StringWidth(label)
	}
	statusW := 0
	if status != "" {
		statusW = ansi.StringWidth(status) + 3
		if used+statusW > w {
			// No room even so: what fits of it, marked, or nothing.
			if room := w - used - 3; room >= 4 {
				status = ansi.Truncate(status, room, "…")
				statusW = ansi.StringWidth(status) + 3
			} else {
				status, statusW = "", 0
			}
		}
	}
	if n := w - used - statusW; n > 0 {
		sb.WriteString(bs.Render(strings.Repeat(fill, n)))
	}
	if status != "" {
		sb.WriteString(" ")
		sb.WriteString(status)
		sb.WriteString(" ")
		sb.WriteString(bs.Render(fill))
	}
	sb.WriteString(bs.Render(r))
	return sb.String()
}

// canvas assembles the frame from regions drawn separately.
type canvas struct {
	w, h int
	rows [][]piece
	all  []piece // the rows' room
}

type piece struct {
	x, w int
	s    string
}

// reset empties the canvas for a frame of w×h, keeping its memory when the
// height is the same: a frame's canvas is the last one's (lines keeps
// copies of the rows it joins), and a keystroke's frame allocates none.
func (c *canvas) reset(w, h int) {
	h = max(h, 0)
	// Room for four pieces a row in one allocation: a row holds a pane or
	// two and a panel.
	const per = 4
	if len(c.all) != h*per {
		c.all = make([]piece, h*per)
		c.rows = make([][]piece, h)
	}
	for y := range c.rows {
		c.rows[y] = c.all[y*per : y*per : (y+1)*per]
	}
	c.w, c.h = w, h
}

// put places lines, each exactly r.W cells wide, at r, in left-to-right order
// of calls per row.
func (c *canvas) put(r rect, lines []string) {
	for i, l := range lines {
		y := r.Y + i
		if y < 0 || y >= c.h || i >= r.H {
			continue
		}
		c.rows[y] = append(c.rows[y], piece{x: r.X, w: r.W, s: l})
	}
}

// joined is a canvas as joined last: each row's pieces and text, and the
// whole. A frame after a keystroke changes a row or two of one pane; the
// other rows are the same pieces, and joining them again cost more than the
// rest of the frame (a tenth of a millisecond at 200×50, most of it
// allocation).
type joined struct {
	w      int
	pieces [][]piece
	lines  []string
	// whole is lines joined by "\n", once asked for; stale says it is not.
	whole string
	stale bool
}

// lines returns the canvas's rows, exactly the canvas width each, reusing
// the rows of prev made of the same pieces (they stay the same strings), and
// remembers this canvas in prev, copies of the rows that changed (the
// canvas's own are used again). The slice is prev's: the next call changes
// it.
func (c *canvas) lines(prev *joined) []string {
	if c.w <= 0 || c.h <= 0 {
		*prev = joined{}
		return nil
	}
	if prev.w != c.w || len(prev.lines) != c.h {
		*prev = joined{w: c.w, pieces: make([][]piece, c.h), lines: make([]string, c.h), stale: true}
	}
	for y, ps := range c.rows {
		if prev.lines[y] != "" && slices.Equal(ps, prev.pieces[y]) {
			continue
		}
		prev.pieces[y], prev.lines[y] = slices.Clone(ps), c.row(ps)
		prev.stale = true
	}
	return prev.lines
}

// all is the rows joined by "\n".
func (j *joined) all() string {
	if j.stale {
		j.whole, j.stale = strings.Join(j.lines, "\n"), false
	}
	return j.whole
}

// String joins the rows; gaps between pieces become spaces and every row is
// exactly the canvas width.
func (c *canvas) String() string {
	if c.w <= 0 || c.h <= 0 {
		return ""
	}
	size := 0
	for _, ps := range c.rows {
		for _, p := range ps {
			size += len(p.s)
		}
		size += c.w/4 + 1
	}
	var sb strings.Builder
	sb.Grow(size)
	for y, ps := range c.rows {
		if y > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(c.row(ps))
	}
	return sb.String()
}

// row joins one row's pieces, exactly the canvas width.
func (c *canvas) row(ps []piece) string {
	n := 0
	for _, p := range ps {
		n += len(p.s)
	}
	var line strings.Builder
	line.Grow(n)
	x := 0
	for _, p := range ps {
		if p.x > x {
			line.WriteString(strings.Repeat(" ", p.x-x))
			x = p.x
		}
		line.WriteString(p.s)
		x += p.w
	}
	if x == c.w {
		return line.String()
	}
	return fit(line.String(), c.w)
}

// wrap breaks text into lines of at most w cells, words kept whole where they
// fit.
func wrap(text string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		wrapped := ansi.Wrap(para, w, "")
		out = append(out, strings.Split(wrapped, "\n")...)
	}
	return out
}

// cellWidth is the width in cells of a styled string.
func cellWidth(s string) int {
	if plainASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// plainASCII reports whether s is printable ASCII only, a cell a byte: no
// escape sequence, no control character, nothing wide or combining.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
