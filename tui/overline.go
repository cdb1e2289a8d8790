package tui

import (
	"image/color"
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/nslab/nslab/tui/term"
)

// overline draws SGR 53, overline, which the screen's cell library cannot hold (its
// style has room for eight attributes, all taken, and its parser skips 53): after the
// library's output for a frame, the cells of each line drawn again that are overlined,
// or were, are written again from the frame's own text, between a cursor save and
// restore (DECSC, DECRC), which also keep the pen as the library left it. Only lines with
// an overline pay: they are rare (vttest, a program that marks a heading).
type overline struct {
	line  *term.Core // one row, to read a frame's line into cells
	width int
	// spans is, for each line of the screen, the column ranges drawn overlined.
	spans [][][2]int
	buf   []byte
}

// mayOverline is a quick look for SGR 53 in a line (a 256-colour 53 looks alike; the
// cells decide).
func mayOverline(l string) bool {
	return strings.Contains(l, ";53;") || strings.Contains(l, ";53m")
}

// draw returns what puts the overlines of f's lines on the screen (in a buffer of its
// own, good until the next call): drawn lists the lines the frame drew again, or all is
// set (a full redraw). Colours are brought down to profile, as the library brings down
// its own.
func (o *overline) draw(f frame, drawn []int, all bool, profile colorprofile.Profile) []byte {
	b := o.buf[:0]
	defer func() { o.buf = b[:0] }()
	if len(o.spans) != f.height {
		o.spans = make([][][2]int, f.height)
		all = true
	}
	if o.line == nil || o.width != f.width {
		if o.line != nil {
			_ = o.line.Close()
		}
		o.line, o.width = term.NewCore(io.Discard, term.Options{Cols: f.width, Rows: 1, Scrollback: 1}), f.width
	}
	visit := func(y int) {
		if y >= f.height || y >= len(f.lines) {
			return
		}
		l, old := f.lines[y], o.spans[y]
		if !mayOverline(l) && len(old) == 0 {
			return
		}
		cells := o.cells(l)
		var now [][2]int
		for x := 0; x < len(cells); {
			if cells[x].Style.Attrs&term.Overline == 0 {
				x++
				continue
			}
			from := x
			for x < len(cells) && cells[x].Style.Attrs&term.Overline != 0 {
				x++
			}
			now = append(now, [2]int{from, x})
		}
		if len(b) == 0 && len(now)+len(old) > 0 {
			b = append(b, "\x1b7"...) // DECSC
		}
		// What was overlined and is no longer is written as the line has it now.
		for _, sp := range append(old, now...) {
			b = o.run(b, cells, y, sp, profile)
		}
		o.spans[y] = now
	}
	if all {
		for y := range f.height {
			visit(y)
		}
	} else {
		for _, y := range drawn {
			visit(y)
		}
	}
	if len(b) > 0 {
		b = append(b, "\x1b8"...) // DECRC
	}
	return b
}

// run writes cells[sp[0]:sp[1]] of screen line y, from the first column of a wide
// character that the span cuts.
func (o *overline) run(b []byte, cells []term.Cell, y int, sp [2]int, profile colorprofile.Profile) []byte {
	from, to := sp[0], min(sp[1], len(cells))
	for from > 0 && cells[from].Width == 0 {
		from--
	}
	if from >= to {
		return b
	}
	b = append(b, "\x1b["...)
	b = strconv.AppendInt(b, int64(y+1), 10)
	b = append(b, ';')
	b = strconv.AppendInt(b, int64(from+1), 10)
	b = append(b, 'H')
	run := make([]term.Cell, 0, to-from)
	for _, c := range cells[from:to] {
		c.Style.Fg = downColor(c.Style.Fg, profile)
		c.Style.Bg = downColor(c.Style.Bg, profile)
		c.Style.UnderlineColor = downColor(c.Style.UnderlineColor, profile)
		run = append(run, c)
	}
	return term.AppendLine(b, run)
}

// cells reads line l into cells, the width of the screen.
func (o *overline) cells(l string) []term.Cell {
	_, _ = o.line.Write([]byte("\x1b[m\x1b[H\x1b[2K" + l))
	cells := make([]term.Cell, o.width)
	for x := range cells {
		cells[x] = o.line.Cell(x, 0)
	}
	return cells
}

// downColor is c as a terminal of profile p shows it, as colorprofile brings the
// library's colours down.
func downColor(c term.Color, p colorprofile.Profile) term.Color {
	if c == term.DefaultColor || p == colorprofile.TrueColor {
		return c
	}
	var in color.Color
	if i, ok := c.Index(); ok {
		if i < 16 || p == colorprofile.ANSI256 {
			if p <= colorprofile.ASCII {
				return term.DefaultColor
			}
			return c
		}
		in = ansi.IndexedColor(i)
	} else if r, g, b, ok := c.RGB(); ok {
		in = color.RGBA{R: r, G: g, B: b, A: 0xff}
	}
	switch v := p.Convert(in).(type) {
	case ansi.BasicColor:
		return term.Indexed(uint8(v))
	case ansi.IndexedColor:
		return term.Indexed(uint8(v))
	}
	return term.DefaultColor
}

func (o *overline) close() {
	if o.line != nil {
		_ = o.line.Close()
	}
}
