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
		{"DECCOLM erases and homes, keeping the width", 5, 2, []string{"ab\r\ncd\x1b[?3hx"}, "x", 1, 0},
		{"DECCOLM reset does the same", 5, 2, []string{"ab\r\ncd\x1b[?3lx"}, "x", 1, 0},
		{"DECCOLM resets the margins", 5, 3, []string{"\x1b[1;2r\x1b[?3h\x1b[2;1H\nx"}, "||x", 1, 2},
		{"DECALN resets the margins", 3, 3, []string{"\x1b[1;2r\x1b#8\x1b[3;1H\nZ"}, "EEE|EEE|Z", 1, 2},
		{"DECSTR resets the margins", 5, 3, []string{"a\x1b[2;3r\x1b[!p\x1b[3;1H\nb"}, "||b", 1, 2},
		{"DECRC brings back a pending wrap", 5, 2, []string{"abcde\x1b7\x1b[2;1H\x1b8X"}, "abcde|X", 1, 1},
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
		{"IL on the region's bottom row", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[2;3r\x1b[3;2H\x1b[L"}, "a|b||d", 0, 2},
		{"IL of all the rows left", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[3;1H\x1b[2L"}, "a|b||", 0, 2},
		{"IL of more than the rows left", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[3;1H\x1b[9L"}, "a|b||", 0, 2},
		{"DL on the region's bottom row", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[2;3r\x1b[3;2H\x1b[M"}, "a|b||d", 0, 2},
		{"DL of all the rows left", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[3;1H\x1b[2M"}, "a|b||", 0, 2},
		{"DL", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[2;3H\x1b[M"}, "a|c|d|", 0, 1},
		{"DL inside a region", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[2;3r\x1b[2;1H\x1b[M"}, "a|c||d", 0, 1},
		{"DL above the region", 5, 4, []string{"a\r\nb\r\nc\r\nd\x1b[3;4r\x1b[1;2H\x1b[2M"}, "a|b|c|d", 1, 0},

		// REP repeats the last character printed, wide ones too.
		{"REP", 10, 1, []string{"ab\x1b[3b"}, "abbbb", 5, 0},
		{"REP of a wide character", 10, 1, []string{"世\x1b[2b"}, "世世世", 6, 0},
		{"REP with nothing printed", 10, 1, []string{"\x1b[3b"}, "", 0, 0},
		// Only right after the character: not after a cursor movement (vttest
		// 11.7), a control, SGR or another REP, as in tmux.
		{"REP after a cursor movement", 10, 1, []string{"ab\x1b[C\x1b[3b"}, "ab", 3, 0},
		{"REP after BS", 10, 1, []string{"ab\b\x1b[3b"}, "ab", 1, 0},
		{"REP after CR", 10, 1, []string{"ab\r\x1b[3b"}, "ab", 0, 0},
		{"REP after SGR", 10, 1, []string{"ab\x1b[1m\x1b[3b"}, "ab", 2, 0},
		{"REP after REP", 10, 1, []string{"ab\x1b[b\x1b[3b"}, "abb", 3, 0},
		{"REP across writes", 10, 1, []string{"ab", "\x1b[2b"}, "abbb", 4, 0},

		// A C0 control inside an escape or control sequence is executed and
		// the sequence goes on (tmux, xterm; vttest 1).
		{"BS inside CSI", 10, 1, []string{"X\x1b[2\bCY|"}, "X Y|", 4, 0},
		{"CR inside CSI", 10, 1, []string{"abc\x1b[\r2CY"}, "abY", 3, 0},
		{"VT inside CSI", 10, 3, []string{"a\x1b[1\vCb"}, "a|  b", 3, 1},
		{"BS inside CSI across writes", 10, 1, []string{"X\x1b[2", "\b", "CY"}, "X Y", 3, 0},
		{"BS between ESC and its final", 10, 2, []string{"ab\x1b\bDc"}, "ab| c", 2, 1},
		{"CAN still cancels", 10, 1, []string{"a\x1b[2\x18Cb"}, "aCb", 3, 0},

		// Wide characters at the right edge.
		{"wide at the last column wraps", 5, 2, []string{"abcd世"}, "abcd|世", 2, 1},
		{"wide at the last column without autowrap", 5, 1, []string{"\x1b[?7labcd世"}, "abc世", 4, 0},
		{"no wrap without autowrap", 5, 2, []string{"\x1b[?7labcdefg"}, "abcdg", 4, 0},
		{"wide on a one-column screen", 1, 2, []string{"世x"}, "x", 0, 0},
		{"wide at the last column of two", 2, 2, []string{"a世"}, "a|世", 1, 1},

		// Unknown erase modes, and ED 3, leave the screen and a pending wrap.
		{"ED 5", 5, 2, []string{"abcde\x1b[5JX"}, "abcde|X", 1, 1},
		{"EL 5", 5, 2, []string{"abcde\x1b[5KX"}, "abcde|X", 1, 1},
		{"ED 3 leaves the screen", 5, 2, []string{"abcde\x1b[3JX"}, "abcde|X", 1, 1},

		// Tab stops: CHT and CBT counts, TBC 0 and 3, DECST8C.
		{"CHT 2", 20, 1, []string{"\x1b[2Ix"}, "                x", 17, 0},
		{"CHT past the last stop", 20, 1, []string{"\x1b[5Ix"}, "                   x", 19, 0},
		{"CBT 2", 20, 1, []string{"\x1b[1;18H\x1b[2Zx"}, "        x", 9, 0},
		{"CBT past the first stop", 20, 1, []string{"\x1b[1;5H\x1b[3Zx"}, "x", 1, 0},
		{"TBC 0 clears the stop at the cursor", 20, 1, []string{"\x1b[1;9H\x1b[0g\r\tx"}, "                x", 17, 0},
		{"TBC 3 clears them all", 20, 1, []string{"\x1b[3g\tx"}, "                   x", 19, 0},
		{"DECST8C puts them back", 20, 1, []string{"\x1b[3g\x1b[?5W\tx"}, "        x", 9, 0},

		// Movement, the scroll region and origin mode.
		{"VPA under origin mode", 5, 5, []string{"\x1b[2;4r\x1b[?6h\x1b[2dx"}, "||x", 1, 2},
		{"VPA under origin mode stops at the region", 5, 5, []string{"\x1b[2;4r\x1b[?6h\x1b[9dx"}, "|||x", 1, 3},
		{"CUP under origin mode stops at the region", 5, 5, []string{"\x1b[2;3r\x1b[?6h\x1b[5;2Hx"}, "|| x", 2, 2},
		{"origin mode off homes to the screen", 5, 5, []string{"\x1b[2;3r\x1b[?6h\x1b[?6lx"}, "x", 1, 0},
		{"DECSTBM with top not above bottom is ignored", 5, 5, []string{"ab\x1b[3;2rx"}, "abx", 3, 0},
		{"DECSTBM of one line is ignored", 5, 5, []string{"ab\x1b[2;2rx"}, "abx", 3, 0},
		{"DECSTBM homes the cursor", 5, 5, []string{"ab\x1b[2;4rx"}, "xb", 1, 0},
		{"DECSTBM bottom past the screen", 5, 5, []string{"top\x1b[2;99r\x1b[5;1H\nx"}, "top||||x", 1, 4},
		{"CUU in the region stops at its top", 5, 5, []string{"\x1b[2;4r\x1b[3;1H\x1b[9Ax"}, "|x", 1, 1},
		{"CUU above the region stops at the screen's top", 5, 5, []string{"\x1b[3;4r\x1b[2;1H\x1b[9Ax"}, "x", 1, 0},
		{"CUD below the region stops at the screen's bottom", 5, 5, []string{"\x1b[1;2r\x1b[3;1H\x1b[9Bx"}, "||||x", 1, 4},
		{"CUU from the region's bottom row stops at its top", 5, 5, []string{"\x1b[2;4r\x1b[4;1H\x1b[9Ax"}, "|x", 1, 1},
		{"CUD from the region's top row stops at its bottom", 5, 5, []string{"\x1b[2;4r\x1b[2;1H\x1b[9Bx"}, "|||x", 1, 3},
		{"CNL", 5, 5, []string{"\x1b[2;5H\x1b[2Ex"}, "|||x", 1, 3},
		{"CPL", 5, 5, []string{"\x1b[4;5H\x1b[2Fx"}, "|x", 1, 1},
		{"HPR and VPR", 5, 5, []string{"\x1b[2a\x1b[2ex"}, "||  x", 3, 2},
		{"HPA", 5, 1, []string{"\x1b[4`x"}, "   x", 4, 0},
		{"CUB stops at the left edge", 5, 1, []string{"ab\x1b[5Dx"}, "xb", 1, 0},
		{"CUF stops at the right edge", 5, 1, []string{"\x1b[9Cx"}, "    x", 4, 0},
		{"LNM: LF returns the carriage too", 5, 2, []string{"\x1b[20hab\ncd"}, "ab|cd", 2, 1},

		// Screens and saved cursors.
		{"DECSET 1048 saves and restores the cursor", 5, 2, []string{"\x1b[2;3H\x1b[?1048h\x1b[H\x1b[?1048lx"}, "|  x", 3, 1},
		{"DECSET 47 keeps the alternate screen", 10, 2, []string{"main\x1b[?47halt\x1b[?47l\x1b[?47h"}, "    alt", 7, 0},
		{"DECSET 1047 clears the alternate screen on leaving", 10, 2, []string{"main\x1b[?1047halt\x1b[?1047l\x1b[?47h"}, "", 7, 0},
		{"DECSET 1047 does not clear it on entering", 10, 2, []string{"\x1b[?47halt\x1b[?47l\x1b[?1047h"}, "alt", 3, 0},
		{"DECSET 1049 restores the cursor on leaving", 10, 3, []string{"ab\x1b[?1049h\x1b[3;3Hx\x1b[?1049ly"}, "aby", 3, 0},
		{"DECSET 1049 clears the alternate screen on entering", 10, 2, []string{"\x1b[?1049hx\x1b[?1049l\x1b[?1049h"}, "", 0, 0},

		// Characters inserted, deleted, erased in a line.
		{"ECH stops at the edge", 5, 1, []string{"abcde\x1b[1;3H\x1b[99X"}, "ab", 2, 0},
		{"ICH at the last column", 5, 1, []string{"abcde\x1b[1;5H\x1b[@"}, "abcd", 4, 0},
		{"ICH", 5, 1, []string{"abcde\x1b[1;2H\x1b[2@"}, "a  bc", 1, 0},
		{"DCH", 5, 1, []string{"abcde\x1b[1;2H\x1b[2P"}, "ade", 1, 0},

		// Splitting a wide character blanks both its columns.
		{"ICH into a wide character", 5, 1, []string{"a世b\x1b[1;3H\x1b[@"}, "a   b", 2, 0},
		{"ICH pushes a wide character whole", 5, 1, []string{"ab世\x1b[1;2H\x1b[@"}, "a b世", 1, 0},
		{"DCH of a wide character's first column", 5, 1, []string{"a世b\x1b[1;2H\x1b[P"}, "a b", 1, 0},
		{"DCH of its second column", 5, 1, []string{"a世b\x1b[1;3H\x1b[P"}, "a b", 2, 0},
		{"ECH of its second column", 5, 1, []string{"a世b\x1b[1;3H\x1b[X"}, "a  b", 2, 0},
		{"EL 1 to its second column", 5, 1, []string{"a世b\x1b[1;3H\x1b[1K"}, "   b", 2, 0},
		{"EL 0 from its second column", 5, 1, []string{"a世b\x1b[1;3H\x1b[K"}, "a", 2, 0},
		{"printing over its second column", 5, 1, []string{"a世b\x1b[1;3Hx"}, "a xb", 3, 0},

		// Clusters.
		{"CJK, kana, fullwidth and hangul are wide", 20, 1, []string{"あい、「ＡＢ」한x"}, "あい、「ＡＢ」한x", 17, 0},
		{"a soft hyphen is a hyphen of one column, as wcwidth says", 5, 1, []string{"a\u00ad", "\u00ad"}, "a--", 3, 0},
		{"a no-break space is a character", 5, 1, []string{"\u00a0x"}, "\u00a0x", 2, 0},
		{"DEL among non-ASCII text", 5, 1, []string{"\u00e9\x7fx\x7f\u00e9"}, "\u00e9x\u00e9", 3, 0},
		// U+00E9 and U+02E9 share a slot of the rune cache (512 apart).
		{"runes 512 apart", 5, 1, []string{"\u00e9\u02e9\u00e9", "\u02e9"}, "\u00e9\u02e9\u00e9\u02e9", 4, 0},
		{"too many marks: those that fit stay", 5, 1, []string{"e" + strings.Repeat("\u0301", 40) + "x"},
			"e" + strings.Repeat("\u0301", 15) + "x", 2, 0},

		// A cluster continued in a later write joins the character before.
		{"combining mark in the next write", 5, 1, []string{"e", "\u0301", "x"}, "e\u0301x", 2, 0},
		// Widths are wcwidth's, code point by code point: VS16 takes no
		// column (and is not drawn), a skin tone modifier its own two.
		{"VS16 in the next write takes no column", 5, 1, []string{"\u2764", "\ufe0f", "x"}, "\u2764x", 2, 0},
		{"VS16 at the last column", 3, 1, []string{"ab\u2764", "\ufe0f"}, "ab\u2764", 2, 0},
		{"VS16 before a wide character", 5, 1, []string{"\x1b[1;2H世世\x1b[H\u2764", "\ufe0f"}, "\u2764世世", 1, 0},
		{"emoji sequences as bash counts them", 20, 1, []string{"👍🏽|✔️|❤️|👨‍👩‍👧|"}, "👍🏽|✔|❤|👨👩👧|", 16, 0},
		{"a skin tone in the next write", 6, 1, []string{"👍", "🏽", "x"}, "👍🏽x", 5, 0},
		{"no join after a control", 5, 1, []string{"e", "\r", "\u0301x"}, "x", 1, 0},
		{"marks up to the bound in a later write join", 5, 1,
			[]string{"e", strings.Repeat("\u0301", 14), "\u20d0x"}, "e" + strings.Repeat("\u0301", 14) + "\u20d0x", 2, 0},
		{"a lone combining mark shows nothing", 5, 1, []string{"\u0301"}, "", 0, 0},
		{"marks past the bound in a later write are dropped", 5, 1,
			[]string{"e" + strings.Repeat("\u0301", 14), "\u0301\u0301x"}, "e" + strings.Repeat("\u0301", 15) + "x", 2, 0},
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

// TestJoinedLineInScrollback joins characters of width 0 to the ones before
// them (in a later write too), then scrolls the line into the scrollback: it
// comes back as it was shown, each emoji in its own columns.
func TestJoinedLineInScrollback(t *testing.T) {
	term, _ := newCore(t, 8, 1)
	write(t, term, "e\u0301\u2764")
	write(t, term, "\ufe0f👍🏽")
	write(t, term, "\r\n")
	term.ScrollBy(1)
	if got, want := screen(term)[0], "e\u0301\u2764👍🏽"; got != want {
		t.Errorf("line from the scrollback = %q, want %q", got, want)
	}
}
