package term

import (
	"strings"
	"testing"
)

// TestCoreScreens feeds the core controls, escape sequences and character
// sets, each in one or more writes, and compares the screen (rows joined by
// "|", trailing blanks trimmed) and the cursor with what xterm shows, worked
// out by hand.
func TestCoreScreens(t *testing.T) {
	tests := []struct {
		name       string
		cols, rows int
		writes     []string
		want       string
		x, y       int
	}{
		// Character sets: G0-G3 designated with ESC ( ) * +, invoked with
		// SI, SO, LS2, LS3, or for one character with SS2, SS3.
		{"DEC special graphics", 40, 1,
			[]string{"\x1b(0_`abcdefghijklmnopqrstuvwxyz{|}~A\x1b(Bq"},
			" ◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·Aq", 34, 0},
		{"UK", 10, 1, []string{"\x1b(A#a\x1b(B#"}, "£a#", 3, 0},
		{"SO and SI", 10, 1, []string{"\x1b)0\x0eqx\x0fqx"}, "─│qx", 4, 0},
		{"LS2", 10, 1, []string{"\x1b*0\x1bnqq\x0fq"}, "──q", 3, 0},
		{"LS3", 10, 1, []string{"\x1b+0\x1boqq\x0fq"}, "──q", 3, 0},
		{"SS2 shifts one character", 10, 1, []string{"\x1b*0\x1bNqq"}, "─q", 2, 0},
		{"SS3 shifts one character", 10, 1, []string{"\x1b+0\x1bOqq"}, "─q", 2, 0},
		{"C1 SS2", 10, 1, []string{"\x1b*0\x8eqq"}, "─q", 2, 0},
		{"C1 SS3", 10, 1, []string{"\x1b+0\x8fqq"}, "─q", 2, 0},
		{"SS2 of a non-graphic", 10, 1, []string{"\x1b*0\x1bNAq"}, "Aq", 2, 0},
		{"graphics across writes", 10, 1, []string{"\x1b(0q", "q", "\x1b(B", "q"}, "──q", 3, 0},
		{"DECSC saves the character sets", 10, 1,
			[]string{"\x1b(0\x1b7\x1b(Bq\x1b8\x1b[3Gq"}, "q ─", 3, 0},
		{"DECRC with nothing saved homes and resets", 10, 2,
			[]string{"\x1b(0\x1b[2;3Hab\x1b8q"}, "q|  ▒␉", 1, 0},

		// C0 and C1 controls, these as 8-bit bytes.
		{"BS ends a pending wrap", 5, 1, []string{"abcde\bX"}, "abcXe", 4, 0},
		{"BS at the left edge", 5, 1, []string{"\bx"}, "x", 1, 0},
		{"BEL prints nothing", 5, 1, []string{"a\ab"}, "ab", 2, 0},
		{"HT", 20, 1, []string{"a\tb"}, "a       b", 9, 0},
		{"VT and FF are LF", 5, 3, []string{"a\vb\fc"}, "a| b|  c", 3, 2},
		{"CR", 5, 1, []string{"abc\rx"}, "xbc", 1, 0},
		{"IND", 5, 2, []string{"ab\x84c"}, "ab|  c", 3, 1},
		{"NEL", 5, 2, []string{"ab\x85c"}, "ab|c", 1, 1},
		{"RI", 5, 2, []string{"\x1b[2;3H\x8dx"}, "  x", 3, 0},
		{"RI at the top scrolls down", 5, 2, []string{"top\x1b[H\x8dx"}, "x|top", 1, 0},
		{"HTS", 10, 1, []string{"\x1b[3g\x1b[4G\x88\r\tx"}, "   x", 4, 0},

		// ESC sequences.
		{"ESC H sets a tab stop", 10, 1, []string{"\x1b[3g\x1b[4G\x1bH\r\tx\ty"}, "   x     y", 9, 0},
		{"ESC D", 5, 2, []string{"ab\x1bDc"}, "ab|  c", 3, 1},
		{"ESC D at the bottom scrolls", 5, 2, []string{"a\r\nb\x1bDc"}, "b| c", 2, 1},
		{"ESC E", 5, 2, []string{"ab\x1bEc"}, "ab|c", 1, 1},
		{"ESC M", 5, 2, []string{"\x1b[2;3H\x1bMx"}, "  x", 3, 0},
		{"ESC M at the top scrolls down", 5, 2, []string{"top\x1b[H\x1bMx"}, "x|top", 1, 0},
		{"DECALN fills with E and homes", 3, 2, []string{"xy\x1b#8"}, "EEE|EEE", 0, 0},
		{"DECALN resets the margins", 3, 3, []string{"\x1b[1;2r\x1b#8\x1b[2;1H\nZ"}, "EEE|EEE|ZEE", 1, 2},
		{"RIS clears the screen", 5, 2, []string{"ab\r\ncd\x1b[31m\x1bcx"}, "x", 1, 0},
		{"DECSTR ends insert mode and line drawing", 5, 1,
			[]string{"ab\x1b[4h\x1b(0\x1b[!p\x1b[Hq"}, "qb", 1, 0},
		{"IRM inserts", 5, 1, []string{"abc\x1b[4h\x1b[Hxy"}, "xyabc", 2, 0},
		{"IRM pushes the last column out", 5, 1, []string{"abcde\x1b[4h\x1b[Hx"}, "xabcd", 1, 0},

		// Insert and delete lines only inside the scroll region, the cursor
		// to the left margin; outside it they are ignored, the cursor stays.
		{"IL", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[2;3H\x1b[L"}, "a||b|c", 0, 1},
		{"IL inside a region", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[2;3r\x1b[2;1H\x1b[L"}, "a||b|d", 0, 1},
		{"IL below the region", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[1;2r\x1b[3;2H\x1b[L"}, "a|b|c|d", 1, 2},
		{"DL", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[2;3H\x1b[M"}, "a|c|d|", 0, 1},
		{"DL inside a region", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[2;3r\x1b[2;1H\x1b[M"}, "a|c||d", 0, 1},
		{"DL above the region", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[3;4r\x1b[1;2H\x1b[2M"}, "a|b|c|d", 1, 0},

		// REP repeats the last character printed, wide ones too.
		{"REP", 10, 1, []string{"ab\x1b[3b"}, "abbbb", 5, 0},
		{"REP of a wide character", 10, 1, []string{"世\x1b[2b"}, "世世世", 6, 0},
		{"REP with nothing printed", 10, 1, []string{"\x1b[3b"}, "", 0, 0},

		// Wide characters at the right edge.
		{"wide at the last column wraps", 5, 2, []string{"abcd世"}, "abcd|世", 2, 1},
		{"wide at the last column without autowrap", 5, 1, []string{"\x1b[?7labcd世"}, "abc世", 4, 0},
		{"no wrap without autowrap", 5, 2, []string{"\x1b[?7labcdefg"}, "abcdg", 4, 0},
		{"wide on a one-column screen", 1, 2, []string{"世x"}, "x", 0, 0},

		// A cluster continued in a later write joins the character before.
		{"combining mark in the next write", 5, 1, []string{"e", "\u0301", "x"}, "e\u0301x", 2, 0},
		{"VS16 in the next write widens", 5, 1, []string{"\u2764", "\ufe0f", "x"}, "\u2764\ufe0fx", 3, 0},
		{"VS16 that does not fit is dropped", 3, 1, []string{"ab\u2764", "\ufe0f"}, "ab\u2764", 2, 0},
		{"no join after a control", 5, 1, []string{"e", "\r", "\u0301x"}, "x", 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			term, _ := newCore(t, tc.cols, tc.rows)
			for _, w := range tc.writes {
				write(t, term, w)
			}
			got := strings.TrimRight(strings.Join(screen(term), "|"), "|")
			if got != strings.TrimRight(tc.want, "|") {
				t.Errorf("screen = %q, want %q", got, tc.want)
			}
			if c := term.Cursor(); c.X != tc.x || c.Y != tc.y {
				t.Errorf("cursor at %d,%d, want %d,%d", c.X, c.Y, tc.x, tc.y)
			}
			checkRender(t, term)
		})
	}
}

// TestLinesTakeBackground inserts and deletes lines and characters with a
// background set: the blanks that come in take it (dots), the rest keep
// their letters in the default style.
func TestLinesTakeBackground(t *testing.T) {
	const letters = "abcde\r\nfghij\r\nklmno\r\npqrst"
	tests := []struct {
		name, input, want string
	}{
		{"IL", "\x1b[2;1H\x1b[41m\x1b[2L", "abcde|.....|.....|fghij"},
		{"IL in a region", "\x1b[2;3r\x1b[2;1H\x1b[41m\x1b[L", "abcde|.....|fghij|pqrst"},
		{"DL", "\x1b[2;1H\x1b[41m\x1b[2M", "abcde|pqrst|.....|....."},
		{"DL in a region", "\x1b[2;3r\x1b[2;1H\x1b[41m\x1b[M", "abcde|klmno|.....|pqrst"},
		{"ECH", "\x1b[1;2H\x1b[41m\x1b[2X", "a..de|fghij|klmno|pqrst"},
		{"ICH", "\x1b[1;2H\x1b[41m\x1b[2@", "a..bc|fghij|klmno|pqrst"},
		{"DCH", "\x1b[1;2H\x1b[41m\x1b[2P", "ade..|fghij|klmno|pqrst"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			term, _ := newCore(t, 5, 4)
			write(t, term, letters+tc.input)
			if got := dotScreen(t, term, Style{Bg: Indexed(1)}); got != tc.want {
				t.Errorf("screen = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestCellOutsideView: a cell outside the view is a blank, whatever the
// screen holds; the cells at the edges are the screen's.
func TestCellOutsideView(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		term, _ := newTerm(t, im, 3, 2)
		write(t, term, "\x1b[41mabc\r\ndef")
		for _, p := range [][2]int{{-1, 0}, {0, -1}, {3, 0}, {0, 2}, {3, 2}, {-1, -1}} {
			if c := term.Cell(p[0], p[1]); c != Blank() {
				t.Errorf("Cell(%d, %d) = %+v, want a blank", p[0], p[1], c)
			}
		}
		for _, p := range []struct {
			x, y int
			want string
		}{{0, 0, "a"}, {2, 0, "c"}, {0, 1, "d"}, {2, 1, "f"}} {
			if c := term.Cell(p.x, p.y); c.Content != p.want || c.Style.Bg != Indexed(1) {
				t.Errorf("Cell(%d, %d) = %+v, want %q on red", p.x, p.y, c, p.want)
			}
		}
	})
}
