package term

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// replacement stands in for content the view cannot show at its width.
const replacement = "\uFFFD"

// normalizeLine fills dst (cols cells) from src, a raw emulator line of any
// length, so that dst shows exactly what renderLine writes: every wide
// character fits and is followed by its covered cells, anything that does not
// fit or would not print at its width becomes a blank or a replacement
// character, and the line measures exactly cols columns.
func normalizeLine(dst, src []Cell) {
	cols := len(dst)
	nonASCII := false
	for x := 0; x < cols; {
		c := Blank()
		if x < len(src) {
			c = src[x]
		}
		w := c.Width
		switch {
		case w < 1 || c.Content == "" || x+w > cols:
			// A covered column with no wide character before it, a
			// zero-width cluster, or a wide character cut by the edge.
			dst[x] = Cell{Content: " ", Width: 1, Style: c.Style}
			x++
			continue
		case !isASCII(c.Content):
			nonASCII = true
			c.Content = shown(c.Content)
			// Both measures must agree: the screen's renderer places cells
			// by x/ansi's wcwidth, the outer terminal (tmux) by the C
			// library's, which ours is.
			if !printable(c.Content) || ansi.WcWidth.StringWidth(c.Content) != w || stringColumns(c.Content) != w {
				c.Content, c.Width, w = replacement, 1, 1
			}
		case len(c.Content) != 1 || !printable(c.Content) || w != 1:
			c.Content, c.Width, w = replacement, 1, 1
		}
		dst[x] = c
		for i := 1; i < w; i++ {
			dst[x+i] = Cell{Style: c.Style}
		}
		// A wide character replaced above leaves its covered columns to the
		// next turns, which blank them.
		x += w
	}
	if nonASCII && lineWidth(dst) != cols {
		// The cells' widths do not add up (they cannot, one by one, but
		// this is what keeps the frame in place): show the line's non-ASCII
		// cells as replacements rather than a line of the wrong width.
		for x := range dst {
			c := &dst[x]
			switch {
			case c.Width == 0:
				c.Content, c.Width = " ", 1
			case !isASCII(c.Content):
				c.Content, c.Width = replacement, 1
			}
		}
	}
}

// lineWidth measures a normalized line as the screen's renderer and a
// terminal of wcwidth's widths (tmux, xterm) would.
func lineWidth(line []Cell) int {
	var b []byte
	for _, c := range line {
		b = append(b, c.Content...)
	}
	return ansi.WcWidth.StringWidth(string(b))
}

// shown is a cell's content as written to the outer terminal: without
// U+FE0F, the emoji presentation selector, and without a zero width joiner
// at its end. Both take no column here, as wcwidth says, but a terminal
// that joins grapheme clusters would draw ✔️ two columns wide, or join the
// next cell's emoji to this one, and move the rest of the row. Conjoining
// Hangul jamo are written as the syllable they spell (composeJamo).
func shown(s string) string {
	if s == "\u00AD" {
		// A soft hyphen takes a column (wcwidth), so it is drawn, as xterm
		// does; terminals disagree on its width, not on a hyphen's.
		return "-"
	}
	s = composeJamo(s)
	if !strings.Contains(s, "\uFE0F") && !strings.HasSuffix(s, "\u200D") {
		return s
	}
	s = strings.ReplaceAll(s, "\uFE0F", "")
	for strings.HasSuffix(s, "\u200D") {
		s = strings.TrimSuffix(s, "\u200D")
	}
	return s
}

// Hangul syllables as Unicode composes them from conjoining jamo (The
// Unicode Standard, 3.12): a leading consonant L (U+1100-U+1112) and a vowel
// V (U+1161-U+1175) make an LV syllable, and an LV syllable and a trailing
// consonant T (U+11A8-U+11C2) an LVT syllable.
const (
	hangulBase     = 0xAC00
	jamoL, jamoV   = 0x1100, 0x1161
	jamoT          = 0x11A7 // one before the first trailing consonant: T index 0 is none
	jamoLs, jamoVs = 19, 21
	jamoTs         = 28
	hangulCount    = jamoLs * jamoVs * jamoTs
)

// composeJamo replaces each conjoining jamo sequence of s that spells a
// modern syllable with that syllable. glibc's wcwidth gives a leading
// consonant two columns and a vowel or trailing consonant none, so in the
// pane (as in tmux) 각 typed as U+1100 U+1161 U+11A8 is one cell two columns
// wide; x/ansi, which places the screen's cells, measures the vowel and the
// consonant a column each. Written as the precomposed syllable (U+AC01),
// which both measure two columns, the cell shows the same text at the same
// width. Old Hangul jamo, which compose to no syllable, stay as they are
// (and a cell of them that the two measures disagree on is a replacement).
func composeJamo(s string) string {
	// Vowels and trailing consonants are U+1160-U+11FF: E1 85 xx to E1 87 xx.
	if !strings.Contains(s, "\xe1\x85") && !strings.Contains(s, "\xe1\x86") && !strings.Contains(s, "\xe1\x87") {
		return s
	}
	rs := []rune(s)
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 {
			last := out[n-1]
			if l, v := last-jamoL, r-jamoV; l >= 0 && l < jamoLs && v >= 0 && v < jamoVs {
				out[n-1] = hangulBase + (l*jamoVs+v)*jamoTs
				continue
			}
			if lv, t := last-hangulBase, r-jamoT; lv >= 0 && lv < hangulCount && lv%jamoTs == 0 && t > 0 && t < jamoTs {
				out[n-1] = last + t
				continue
			}
		}
		out = append(out, r)
	}
	return string(out)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// printable reports whether s is a cluster the outer terminal shows at the
// width we measure: no C0, DEL or C1 control (those would act on it instead
// of showing), and no unassigned code point, whose width terminals disagree
// on (glibc's wcwidth says -1, our tables 1), which would shift the rest of
// the row there and leave stale cells behind. It starts with a graphic or
// private-use character; a format character (ZWJ, tags) may only follow.
func printable(s string) bool {
	for i, r := range s {
		switch {
		case r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == utf8.RuneError:
			return false
		case r < 0x7f:
		case unicode.IsGraphic(r), unicode.Is(unicode.Co, r):
		case i > 0 && unicode.Is(unicode.Cf, r):
		default:
			return false
		}
	}
	return true
}

// renderGrid writes rows normalized lines of cols cells, joined by "\n".
func renderGrid(grid []Cell, cols, rows int) string {
	b := make([]byte, 0, rows*(cols+16))
	for y := range rows {
		if y > 0 {
			b = append(b, '\n')
		}
		b = renderLine(b, grid[y*cols:(y+1)*cols])
	}
	return string(b)
}

// renderLine appends one normalized line. It starts in the default style and
// ends in it, so each line stands alone wherever the UI places it.
func renderLine(b []byte, line []Cell) []byte {
	var cur Style
	for _, c := range line {
		if c.Width == 0 {
			continue
		}
		if c.Style != cur {
			b = appendSGR(b, c.Style)
			cur = c.Style
		}
		b = append(b, c.Content...)
	}
	if cur != (Style{}) {
		b = append(b, "\x1b[m"...)
	}
	return b
}

// appendSGR appends one SGR sequence that sets exactly style s.
func appendSGR(b []byte, s Style) []byte {
	if s == (Style{}) {
		return append(b, "\x1b[m"...)
	}
	b = append(b, "\x1b[0"...)
	for _, a := range [...]struct {
		attr Attr
		code string
	}{
		{Bold, ";1"}, {Faint, ";2"}, {Italic, ";3"}, {Blink, ";5"},
		{RapidBlink, ";6"}, {Reverse, ";7"}, {Conceal, ";8"}, {Strikethrough, ";9"},
		{Overline, ";53"},
	} {
		if s.Attrs&a.attr != 0 {
			b = append(b, a.code...)
		}
	}
	switch {
	case s.Underline == SingleUnderline:
		b = append(b, ";4"...)
	case s.Underline > SingleUnderline:
		b = append(b, ";4:"...)
		b = strconv.AppendUint(b, uint64(s.Underline), 10)
	}
	b = appendColor(b, s.Fg, 30, 90, 38)
	b = appendColor(b, s.Bg, 40, 100, 48)
	b = appendColor(b, s.UnderlineColor, 0, 0, 58)
	return append(b, 'm')
}

// appendColor appends a colour parameter: the short 16-colour forms where
// there is one (base, bright), otherwise the extended form (ext;5;i or
// ext;2;r;g;b).
func appendColor(b []byte, c Color, base, bright, ext int) []byte {
	if i, ok := c.Index(); ok {
		switch {
		case base > 0 && i < 8:
			b = append(b, ';')
			return strconv.AppendInt(b, int64(base+int(i)), 10)
		case base > 0 && i < 16:
			b = append(b, ';')
			return strconv.AppendInt(b, int64(bright+int(i)-8), 10)
		}
		b = append(b, ';')
		b = strconv.AppendInt(b, int64(ext), 10)
		b = append(b, ";5;"...)
		return strconv.AppendUint(b, uint64(i), 10)
	}
	if r, g, bl, ok := c.RGB(); ok {
		b = append(b, ';')
		b = strconv.AppendInt(b, int64(ext), 10)
		b = append(b, ";2;"...)
		b = strconv.AppendUint(b, uint64(r), 10)
		b = append(b, ';')
		b = strconv.AppendUint(b, uint64(g), 10)
		b = append(b, ';')
		return strconv.AppendUint(b, uint64(bl), 10)
	}
	return b
}

// AppendLine appends cells as one line of text with the SGR sequences of their styles,
// overline too, from the default style back to it (what Render writes for a row).
func AppendLine(b []byte, cells []Cell) []byte { return renderLine(b, cells) }
