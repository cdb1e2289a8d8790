package share

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/nslab/nslab/tui/term"
)

// htmlScreen turns a viewer's frames (text styled with SGR, exactly cols×rows
// cells) into HTML rows, through nslab's own terminal emulator, as the
// README picture's scripts/ansi2svg does into SVG. It keeps the rows it made
// last, so a frame sends only the rows that changed.
type htmlScreen struct {
	t          *term.Core
	cols, rows int
	last       []string
}

func newHTMLScreen(cols, rows int) *htmlScreen {
	return &htmlScreen{t: term.NewCore(io.Discard, term.Options{Cols: cols, Rows: rows, Scrollback: 1}), cols: cols, rows: rows,
		last: make([]string, rows)}
}

func (h *htmlScreen) close() { _ = h.t.Close() }

// frame reads a frame and returns the rows that changed since the last,
// by row number.
func (h *htmlScreen) frame(ansi string) map[int]string {
	// Home and clear, then the rows: lines end in CR LF for the emulator,
	// and the last has none, so nothing scrolls.
	_, _ = h.t.Write([]byte("\x1b[m\x1b[H\x1b[2J" + strings.ReplaceAll(ansi, "\n", "\r\n")))
	changed := map[int]string{}
	for y := range h.rows {
		row := h.row(y)
		if row != h.last[y] {
			h.last[y] = row
			changed[y] = row
		}
	}
	return changed
}

// row draws row y as spans, one per run of cells in one style.
func (h *htmlScreen) row(y int) string {
	var b strings.Builder
	for x := 0; x < h.cols; {
		c := h.t.Cell(x, y)
		st := c.Style
		var run strings.Builder
		n := 0
		for x+n < h.cols {
			d := h.t.Cell(x+n, y)
			if d.Style != st {
				break
			}
			run.WriteString(d.Content) // covered columns of a wide character are ""
			n++
		}
		css := styleCSS(st)
		if css == "" {
			b.WriteString(html.EscapeString(run.String()))
		} else {
			fmt.Fprintf(&b, `<span style="%s">%s</span>`, css, html.EscapeString(run.String()))
		}
		x += n
	}
	return b.String()
}

// styleCSS is a cell style as inline CSS; the page's own colours are the
// default ones.
func styleCSS(st term.Style) string {
	fg, bg := cssColour(st.Fg), cssColour(st.Bg)
	if st.Attrs&term.Reverse != 0 {
		fg, bg = cssColour(st.Bg), cssColour(st.Fg)
		if fg == "" {
			fg = "var(--bg)"
		}
		if bg == "" {
			bg = "var(--fg)"
		}
	}
	var parts []string
	if fg != "" {
		parts = append(parts, "color:"+fg)
	}
	if bg != "" {
		parts = append(parts, "background:"+bg)
	}
	if st.Attrs&term.Bold != 0 {
		parts = append(parts, "font-weight:bold")
	}
	if st.Attrs&term.Faint != 0 {
		parts = append(parts, "opacity:.7")
	}
	if st.Attrs&term.Italic != 0 {
		parts = append(parts, "font-style:italic")
	}
	switch over := st.Attrs&term.Overline != 0; {
	case st.Underline != 0 && over:
		parts = append(parts, "text-decoration:underline overline")
	case st.Underline != 0:
		parts = append(parts, "text-decoration:underline")
	case over:
		parts = append(parts, "text-decoration:overline")
	}
	return strings.Join(parts, ";")
}

// cssColour names a cell colour in CSS ("" for the default: the page's own).
func cssColour(c term.Color) string { return term.PictureColors.Hex(c) }
