package term

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// diffCase is a byte stream for the differential test: fed to Core and to
// x/vt at the same size, their screens, cursors, modes and scrollbacks must
// agree cell by cell.
type diffCase struct {
	name       string
	cols, rows int
	input      string
}

// knownDiff is a stream on which x/vt v0.1.0 departs from xterm: Core must
// show what xterm shows (the screen's text, the cursor, the scrollback's
// length, and one cell when the difference is a style), and x/vt must still
// differ, or the entry is stale.
type knownDiff struct {
	diffCase
	xterm      []string // rows, trailing blanks trimmed
	x, y       int      // the cursor
	scrollback int      // lines xterm saves
	cell       *cellAt  // a cell to check as well
	why        string
}

type cellAt struct {
	x, y int
	c    Cell
}

// sgrCorpus covers SGR: every attribute, and colours in all their forms.
func sgrCorpus() []diffCase {
	var cases []diffCase
	for _, p := range []string{
		"1", "2", "3", "4", "4:0", "4:1", "4:2", "4:3", "4:4", "4:5", "5", "6", "7", "8", "9",
		"1;22", "2;22", "3;23", "4;24", "5;25", "7;27", "8;28", "9;29",
		"31", "37", "39", "41", "47", "49", "91", "97", "101", "107",
		"38;5;0", "38;5;15", "38;5;208", "48;5;255", "38:5:99", "48:5:17",
		"38;2;1;2;3", "48;2;255;128;0", "38:2::9:8:7", "38:2:9:8:7", "48:2::1:1:1",
		"58;5;196", "58:2::1:2:3", "58;2;4;5;6", "4;58;5;1;59",
		"1;31;42;4", "0;1", ";1", "1;0",
		"1;38;5;208;48;2;0;0;255;3",
	} {
		cases = append(cases, diffCase{
			name: "SGR " + p, cols: 12, rows: 2,
			input: "a\x1b[" + p + "mbc \x1b[md",
		})
	}
	return cases
}

func diffCorpus() []diffCase {
	fill := "aaaaaaaaaa\r\nbbbbbbbbbb\r\ncccccccccc\r\ndddddddddd\r\neeeeeeeeee"
	cases := []diffCase{
		// Cursor movement.
		{name: "CUP", cols: 10, rows: 5, input: "\x1b[3;4Hx\x1b[Hy\x1b[;5Hz\x1b[2;Hw"},
		{name: "CUP clamps", cols: 10, rows: 5, input: "\x1b[99;99Hx\x1b[0;0Hy"},
		{name: "CUU CUD CUF CUB", cols: 10, rows: 5, input: "\x1b[3;3Hx\x1b[2Ay\x1b[3Bz\x1b[4Cw\x1b[9Dv"},
		{name: "moves clamp", cols: 10, rows: 5, input: "\x1b[3;3H\x1b[99Ax\x1b[99By\x1b[99Cz\x1b[99Dw"},
		{name: "CHA HPA HPR", cols: 10, rows: 3, input: "abc\x1b[6Gx\x1b[2`y\x1b[3az"},
		{name: "VPA VPR", cols: 10, rows: 5, input: "ab\x1b[4dx\x1b[2dy\x1b[2ez"},
		{name: "CNL CPL", cols: 10, rows: 5, input: "\x1b[2;5H\x1b[2Ex\x1b[3;5H\x1b[1Fy"},
		{name: "BS CR LF", cols: 10, rows: 4, input: "abc\bX\rY\nZ\n\bW"},
		{name: "VT FF", cols: 10, rows: 4, input: "ab\vc\fd"},
		{name: "DECSC DECRC", cols: 10, rows: 4, input: "\x1b[2;3H\x1b[31m\x1b7\x1b[m\x1b[4;8Hx\x1b8y"},
		{name: "DECRC unsaved", cols: 10, rows: 4, input: "\x1b[3;3H\x1b[1m\x1b8x"},
		// Scroll regions.
		{name: "DECSTBM homes", cols: 10, rows: 5, input: fill + "\x1b[2;4rX"},
		{name: "DECSTBM RI at top", cols: 10, rows: 5, input: fill + "\x1b[2;4r\x1b[2;1H\x1bMX\x1bMY"},
		{name: "below region LF", cols: 10, rows: 5, input: fill + "\x1b[1;3r\x1b[5;1H\n\nX"},
		{name: "above region RI", cols: 10, rows: 5, input: fill + "\x1b[3;5r\x1b[1;1H\x1bMX"},
		{name: "DECSTBM invalid", cols: 10, rows: 5, input: fill + "\x1b[4;2r\x1b[5;1H\nX"},
		{name: "DECSTBM reset", cols: 10, rows: 5, input: fill + "\x1b[2;3r\x1b[r\x1b[5;1H\nX"},
		{name: "SU SD whole screen", cols: 10, rows: 5, input: fill + "\x1b[2S\x1b[1T"},
		// Insert and delete lines and characters.
		{name: "IL", cols: 10, rows: 5, input: fill + "\x1b[2;4H\x1b[2L"},
		{name: "DL", cols: 10, rows: 5, input: fill + "\x1b[2;4H\x1b[2M"},
		{name: "IL outside region", cols: 10, rows: 5, input: fill + "\x1b[2;3r\x1b[5;1H\x1b[L"},
		{name: "ICH", cols: 10, rows: 2, input: "abcdefghij\x1b[1;3H\x1b[2@X"},
		{name: "ICH huge", cols: 10, rows: 2, input: "abcdefghij\x1b[1;3H\x1b[99@"},
		{name: "DCH", cols: 10, rows: 2, input: "abcdefghij\x1b[1;3H\x1b[2P"},
		{name: "DCH huge", cols: 10, rows: 2, input: "abcdefghij\x1b[1;3H\x1b[99P"},
		{name: "ICH wide", cols: 10, rows: 2, input: "a世界bc\x1b[1;3H\x1b[@"},
		// Erase.
		{name: "ED 0", cols: 10, rows: 5, input: fill + "\x1b[3;4H\x1b[J"},
		{name: "EL 0", cols: 10, rows: 5, input: fill + "\x1b[3;4H\x1b[K"},
		{name: "EL 1", cols: 10, rows: 5, input: fill + "\x1b[3;4H\x1b[1K"},
		{name: "EL 2", cols: 10, rows: 5, input: fill + "\x1b[3;4H\x1b[2K"},
		{name: "ECH", cols: 10, rows: 5, input: fill + "\x1b[3;4H\x1b[3X"},
		{name: "ECH past the edge", cols: 10, rows: 5, input: fill + "\x1b[3;8H\x1b[30X"},
		{name: "erase with background", cols: 10, rows: 5, input: fill + "\x1b[3;4H\x1b[44m\x1b[K\x1b[1;5H\x1b[3X\x1b[5;1H\x1b[2K"},
		{name: "ED 0 with background", cols: 10, rows: 5, input: fill + "\x1b[41;1m\x1b[4;6H\x1b[J"},
		{name: "erase keeps no attributes", cols: 10, rows: 3, input: "abcdef\x1b[1;4;31;42m\x1b[1;3H\x1b[K"},
		{name: "erase half a wide char", cols: 10, rows: 2, input: "a世界b\x1b[1;3H\x1b[X"},
		{name: "EL 1 half a wide char", cols: 10, rows: 2, input: "a世界b\x1b[1;4H\x1b[1K"},
		// Wide and combining characters.
		{name: "CJK", cols: 10, rows: 2, input: "a世b界c"},
		{name: "emoji", cols: 12, rows: 2, input: "👍x🎉y"},
		{name: "combining", cols: 10, rows: 2, input: "e\u0301a\u0301\u0302x"},
		{name: "combining after wide", cols: 10, rows: 2, input: "世\u0301x"},
		{name: "overwrite right half", cols: 10, rows: 2, input: "a世b\x1b[1;3Hz"},
		{name: "overwrite left half", cols: 10, rows: 2, input: "a世b\x1b[1;2Hz"},
		{name: "wide over wide", cols: 10, rows: 2, input: "a世界\x1b[1;3H界"},
		{name: "accents", cols: 12, rows: 2, input: "été naïve"},
		{name: "lone combining mark", cols: 10, rows: 2, input: "\u0301x"},
		// Alternate screen.
		{name: "1049", cols: 10, rows: 4, input: "main\r\n$ \x1b[?1049h\x1b[H\x1b[2Jalt\x1b[3;3Hx\x1b[?1049ly"},
		{name: "1049 on alt", cols: 10, rows: 4, input: "main\r\n$ \x1b[?1049h\x1b[H\x1b[2Jalt\x1b[3;3Hx"},
		{name: "alt scrolls", cols: 10, rows: 3, input: "\x1b[?1049h1\r\n2\r\n3\r\n4\r\n5\x1b[?1049l"},
		{name: "1048", cols: 10, rows: 4, input: "\x1b[2;3H\x1b[?1048h\x1b[4;4Hx\x1b[?1048ly"},
		// Tabs.
		{name: "tabs", cols: 30, rows: 2, input: "a\tb\tc\td"},
		{name: "tab at the end", cols: 10, rows: 2, input: "a\t\t\t\tb"},
		{name: "tab keeps the deferred wrap", cols: 4, rows: 3, input: "\t0\t0"},
		{name: "back tab keeps the deferred wrap", cols: 12, rows: 3, input: "\x1b[12Gx\x1b[Zy"},
		{name: "HTS TBC", cols: 30, rows: 3, input: "\x1b[4G\x1bH\r\tx\x1b[3g\r\ty\x1b[2;1H\x1b[9G\x1b[0g\r\tz"},
		{name: "CHT CBT", cols: 40, rows: 2, input: "\x1b[2Ix\x1b[Zy\x1b[9Zz"},
		{name: "DECST8C", cols: 30, rows: 2, input: "\x1b[3g\x1b[?5W\tx"},
		// Autowrap and the deferred wrap.
		{name: "exactly a line", cols: 5, rows: 3, input: "abcde"},
		{name: "one past a line", cols: 5, rows: 3, input: "abcdef"},
		{name: "deferred wrap then CR", cols: 5, rows: 3, input: "abcde\rX"},
		{name: "deferred wrap then LF", cols: 5, rows: 3, input: "abcde\nX"},
		{name: "deferred wrap then CRLF", cols: 5, rows: 3, input: "abcde\r\nX"},
		{name: "deferred wrap then BS", cols: 5, rows: 3, input: "abcde\bX"},
		{name: "deferred wrap then CUP", cols: 5, rows: 3, input: "abcde\x1b[2;2HX"},
		{name: "deferred wrap then EL", cols: 5, rows: 3, input: "abcde\x1b[KX"},
		{name: "wrap scrolls", cols: 5, rows: 2, input: "abcdefghijklm"},
		{name: "no autowrap", cols: 5, rows: 3, input: "\x1b[?7labcdefgh\x1b[?7hij"},
		// Origin mode.
		{name: "DECOM CUP", cols: 10, rows: 6, input: "\x1b[2;4r\x1b[?6h\x1b[1;1Hx\x1b[9;1Hy"},
		{name: "DECOM off", cols: 10, rows: 6, input: "\x1b[2;4r\x1b[?6h\x1b[?6lx"},
		{name: "DECOM VPA", cols: 10, rows: 6, input: "\x1b[3;5r\x1b[?6h\x1b[2dx"},
		// Charsets, REP, resets, modes.
		{name: "DEC line drawing", cols: 10, rows: 2, input: "\x1b(0lqqk\x1b(Bx"},
		{name: "REP", cols: 10, rows: 2, input: "x\x1b[3by"},
		{name: "REP wraps", cols: 5, rows: 3, input: "abc\x1b[4b"},
		{name: "RIS", cols: 10, rows: 3, input: "abc\x1b[31m\x1b[2;5r\x1bcx"},
		{name: "LNM", cols: 10, rows: 3, input: "\x1b[20habc\ndef\x1b[20l\nx"},
		{name: "NUL and BEL", cols: 10, rows: 2, input: "a\x00b\x07c"},
		{name: "C1 controls as UTF-8", cols: 10, rows: 2, input: "a\u0085b"},
		{name: "title", cols: 10, rows: 2, input: "\x1b]0;one\x07\x1b]2;two;three\x1b\\x"},
		{name: "OSC 8 link", cols: 10, rows: 2, input: "\x1b]8;;http://x\x07link\x1b]8;;\x07"},
		{name: "DCS ignored", cols: 10, rows: 2, input: "a\x1bP1$qm\x1b\\b"},
		{name: "modes", cols: 10, rows: 2, input: "\x1b[?1h\x1b=\x1b[?2004h\x1b[?1000;1006h\x1b[?1004h"},
		{name: "hidden cursor", cols: 10, rows: 2, input: "\x1b[?25l"},
		{name: "scrollback", cols: 10, rows: 3, input: "1\r\n2\r\n3\r\n4\r\n5\r\n6"},
		{name: "scrollback wide", cols: 10, rows: 2, input: "\x1b[31m世\x1b[m界 é\r\n\x1b[44m  \x1b[m\r\nx\r\ny"},
	}
	return append(cases, sgrCorpus()...)
}

// knownDifferences lists where x/vt v0.1.0 departs from xterm and Core does
// what xterm does (xterm's util.c and charproc.c are the reference).
func knownDifferences() []knownDiff {
	fill := "aaaaaaaaaa\r\nbbbbbbbbbb\r\ncccccccccc\r\ndddddddddd\r\neeeeeeeeee"
	plainB := &cellAt{1, 0, Cell{Content: "b", Width: 1}}
	sgr := func(p string) diffCase {
		return diffCase{name: "SGR " + p, cols: 12, rows: 2, input: "a\x1b[" + p + "mbc \x1b[md"}
	}
	return []knownDiff{
		{
			diffCase: diffCase{name: "emoji ZWJ", cols: 12, rows: 2, input: "👨‍👩‍👧x"},
			xterm:    []string{"👨👩👧x", ""}, x: 7, y: 0,
			why: "x/vt measures a whole ZWJ sequence as one character; xterm, tmux and the programs in the pane use wcwidth per code point (2+0+2+0+2), and the joiners are not drawn",
		},
		{
			diffCase: diffCase{name: "flags", cols: 12, rows: 2, input: "🇫🇷🇩🇪x"},
			xterm:    []string{"🇫🇷🇩🇪x", ""}, x: 5, y: 0,
			why: "x/vt joins regional indicators in pairs of width 2; glibc's wcwidth gives each one column",
		},
		{
			diffCase: diffCase{name: "skin tone", cols: 12, rows: 2, input: "👍🏽x"},
			xterm:    []string{"👍🏽x", ""}, x: 5, y: 0,
			why: "x/vt measures an emoji with its modifier as 2 columns; wcwidth gives the modifier its own 2",
		},
		{
			diffCase: diffCase{name: "SCOSC SCORC", cols: 10, rows: 4, input: "\x1b[2;3H\x1b[s\x1b[4;8Hx\x1b[uy"},
			xterm:    []string{"", "  y", "", "       x"}, x: 3, y: 1,
			why: "x/vt has no SCORC (CSI u): the cursor is not restored",
		},
		{
			diffCase: diffCase{name: "DECSTBM LF at bottom", cols: 10, rows: 5, input: fill + "\x1b[2;4r\x1b[4;1H\nX\nY"},
			xterm:    []string{"aaaaaaaaaa", "dddddddddd", "X", " Y", "eeeeeeeeee"}, x: 2, y: 3,
			why: "x/vt saves lines leaving a region whose top is below the first row; xterm saves lines only when the top margin is the screen's top (xtermScroll)",
		},
		{
			diffCase: diffCase{name: "wrap in region", cols: 5, rows: 4, input: "\x1b[2;3r\x1b[3;1Habcdefghijkl"},
			xterm:    []string{"", "fghij", "kl", ""}, x: 2, y: 2,
			why: "as above: a region below the first row saves nothing",
		},
		{
			diffCase: diffCase{name: "SU in region", cols: 10, rows: 5, input: fill + "\x1b[2;4r\x1b[2SX\x1b[1T"},
			xterm:    []string{"Xaaaaaaaaa", "", "dddddddddd", "", "eeeeeeeeee"}, x: 1, y: 0,
			why: "x/vt's SU is a DL at the region's top, which saves to the scrollback; xterm's SU saves only with the top margin at the top",
		},
		{
			diffCase: diffCase{name: "SU huge in region", cols: 10, rows: 5, input: fill + "\x1b[2;4r\x1b[999S"},
			xterm:    []string{"aaaaaaaaaa", "", "", "", "eeeeeeeeee"},
			why:      "as above",
		},
		{
			diffCase: diffCase{name: "NEL", cols: 10, rows: 5, input: fill + "\x1b[2;4r\x1b[4;3H\x1bDX\x1bEY"},
			xterm:    []string{"aaaaaaaaaa", "dddddddddd", "  X", "Y", "eeeeeeeeee"}, x: 1, y: 3,
			why: "x/vt has no NEL (ESC E)",
		},
		{
			diffCase: diffCase{name: "IL in region", cols: 10, rows: 5, input: fill + "\x1b[2;4r\x1b[3;1H\x1b[L"},
			xterm:    []string{"aaaaaaaaaa", "bbbbbbbbbb", "", "cccccccccc", "eeeeeeeeee"}, x: 0, y: 2,
			why: "x/vt's IL and DL move the cursor down by the top margin when they put it at the left margin",
		},
		{
			diffCase: diffCase{name: "DL in region", cols: 10, rows: 5, input: fill + "\x1b[2;4r\x1b[2;1H\x1b[5M"},
			xterm:    []string{"aaaaaaaaaa", "", "", "", "eeeeeeeeee"}, x: 0, y: 1,
			why: "as above",
		},
		{
			diffCase: diffCase{name: "DCH in a wide character", cols: 10, rows: 2, input: "a世界bc\x1b[1;3H\x1b[P"},
			xterm:    []string{"a 界bc", ""}, x: 2, y: 0,
			why: "x/vt also loses the wide character after the one cut; xterm blanks only the cut one (DeleteChar, DamagedCurCells)",
		},
		{
			diffCase: diffCase{name: "IRM", cols: 10, rows: 2, input: "abcdef\x1b[1;3H\x1b[4hXY\x1b[4lZ"},
			xterm:    []string{"abXYZdef", ""}, x: 5, y: 0,
			why: "in insert mode x/vt loses the cells it should push right",
		},
		{
			diffCase: diffCase{name: "IRM wide", cols: 10, rows: 2, input: "abcdef\x1b[1;2H\x1b[4h世"},
			xterm:    []string{"a世bcdef", ""}, x: 3, y: 0,
			why: "as above",
		},
		{
			diffCase: diffCase{name: "ED 2", cols: 10, rows: 5, input: fill + "\x1b[3;4H\x1b[2J"},
			xterm:    []string{"", "", "", "", ""}, x: 3, y: 2,
			why: "x/vt pushes the erased screen into the scrollback; xterm's ED 2 only erases",
		},
		{
			diffCase: diffCase{name: "DECSED DECSEL", cols: 10, rows: 5, input: fill + "\x1b[3;4H\x1b[?K\x1b[4;2H\x1b[?J"},
			xterm:    []string{"aaaaaaaaaa", "bbbbbbbbbb", "ccc", "d", ""}, x: 1, y: 3,
			why: "x/vt ignores DECSEL and DECSED; with nothing protected they erase as EL and ED",
		},
		{
			diffCase: diffCase{name: "DECALN", cols: 6, rows: 3, input: "x\x1b#8"},
			xterm:    []string{"EEEEEE", "EEEEEE", "EEEEEE"},
			why:      "x/vt has no DECALN (ESC # 8)",
		},
		{
			diffCase: diffCase{name: "wide character at the last column", cols: 12, rows: 2, input: "마운트 네임스페이스"},
			xterm:    []string{"마운트 네임", "스페이스"}, x: 8, y: 1,
			why: "x/vt drops a wide character that does not fit the last column (TestVTQuirks); xterm wraps it",
		},
		{
			diffCase: diffCase{name: "1047 keeps the cursor", cols: 10, rows: 4, input: "main\x1b[?1047halt\x1b[?1047ly"},
			xterm:    []string{"main   y", "", "", ""}, x: 8, y: 0,
			why: "x/vt keeps a cursor per screen; xterm has one cursor, which only 1049 saves and restores",
		},
		{
			diffCase: diffCase{name: "47", cols: 10, rows: 4, input: "main\x1b[?47halt\x1b[?47ly"},
			xterm:    []string{"main   y", "", "", ""}, x: 8, y: 0,
			why: "x/vt ignores mode 47",
		},
		{
			diffCase: diffCase{name: "1049 keeps the cursor", cols: 10, rows: 4, input: "one\x1b[?1049htwo\x1b[?1049lthree\x1b[?1049h\x1b[2Jfour"},
			xterm:    []string{"        fo", "ur", "", ""}, x: 2, y: 1,
			why: "entering 1049 leaves xterm's cursor where it was; x/vt moves it to the alternate screen's own",
		},
		{
			diffCase: diffCase{name: "SO SI", cols: 10, rows: 2, input: "\x1b)0a\x0eqq\x0fq"},
			xterm:    []string{"a──q", ""}, x: 4, y: 0,
			why: "x/vt takes SO and SI (0x0e, 0x0f) for C1 codes and ignores them",
		},
		{
			diffCase: diffCase{name: "DECSTR", cols: 10, rows: 3, input: "\x1b[2;3r\x1b[1m\x1b[4h\x1b[?7l\x1b[!pab"},
			xterm:    []string{"ab", "", ""}, x: 2, y: 0, cell: &cellAt{0, 0, Cell{Content: "a", Width: 1}},
			why: "DECSTR resets SGR (VT510, xterm); x/vt keeps the pen",
		},
		{
			diffCase: sgr("21"),
			xterm:    []string{"abc d", ""}, x: 5, y: 0, cell: &cellAt{1, 0, Cell{Content: "b", Width: 1, Style: Style{Underline: DoubleUnderline}}},
			why: "xterm takes SGR 21 for a double underline (ECMA-48); x/vt ignores it",
		},
		{
			diffCase: sgr("38;5;300"), xterm: []string{"abc d", ""}, x: 5, cell: plainB,
			why: "xterm ignores a colour out of range; x/vt wraps it modulo 256",
		},
		{
			diffCase: sgr("38;2;999;0;0"), xterm: []string{"abc d", ""}, x: 5, cell: plainB,
			why: "as above",
		},
		{
			diffCase: sgr("38;5"), xterm: []string{"abc d", ""}, x: 5, cell: plainB,
			why: "an incomplete colour ends the SGR in xterm; x/vt reads what follows as attributes (5: blink)",
		},
		{
			diffCase: sgr("38;2;1"), xterm: []string{"abc d", ""}, x: 5, cell: plainB,
			why: "as above (2: faint, 1: bold)",
		},
		{
			diffCase: sgr("48;2"), xterm: []string{"abc d", ""}, x: 5, cell: plainB,
			why: "as above",
		},
		{
			diffCase: sgr("38:5"), xterm: []string{"abc d", ""}, x: 5, cell: plainB,
			why: "as above, in the colon form",
		},
		{
			diffCase: diffCase{name: "cursor blink", cols: 10, rows: 2, input: "\x1b[?12lx"},
			xterm:    []string{"x", ""}, x: 1, y: 0,
			why: "x/vt ignores ?12 (start/stop blinking cursor); vi and top send it",
		},
	}
}

// diffTerms returns a Core and a VT of one size, both closed by the test.
func diffTerms(t *testing.T, cols, rows int) (*Core, *VT) {
	t.Helper()
	opt := Options{Cols: cols, Rows: rows, Scrollback: 100}
	c, v := NewCore(newSink(), opt), NewVT(newSink(), opt)
	t.Cleanup(func() { _ = c.Close(); _ = v.Close() })
	return c, v
}

// viewDiff lists where two terminals' views differ: cells, cursor, modes.
// The cursor's blink is compared only when blink is set.
func viewDiff(a, b Terminal, blink bool) []string {
	var diffs []string
	cols, rows := a.Size()
	for y := range rows {
		for x := range cols {
			if ca, cb := a.Cell(x, y), b.Cell(x, y); ca != cb {
				diffs = append(diffs, fmt.Sprintf("cell %d,%d: %+v vs %+v", x, y, ca, cb))
			}
		}
	}
	ca, cb := a.Cursor(), b.Cursor()
	if !blink {
		ca.Blink, cb.Blink = false, false
	}
	if ca != cb {
		diffs = append(diffs, fmt.Sprintf("cursor: %+v vs %+v", ca, cb))
	}
	sa, sb := a.State(), b.State()
	if sa.AltScreen != sb.AltScreen || sa.Title != sb.Title || sa.Modes != sb.Modes {
		diffs = append(diffs, fmt.Sprintf("state: %+v vs %+v", sa, sb))
	}
	return diffs
}

// scrollbackDiff compares the lines held above the screen.
func scrollbackDiff(a, b Terminal) []string {
	la, lb := a.State().ScrollbackLen, b.State().ScrollbackLen
	if la != lb {
		return []string{fmt.Sprintf("scrollback holds %d vs %d lines", la, lb)}
	}
	defer a.ScrollToLive()
	defer b.ScrollToLive()
	a.ScrollBy(la)
	b.ScrollBy(lb)
	return viewDiff(a, b, false)
}

func TestDifferential(t *testing.T) {
	for _, tc := range diffCorpus() {
		t.Run(tc.name, func(t *testing.T) {
			c, v := diffTerms(t, tc.cols, tc.rows)
			write(t, c, tc.input)
			write(t, v, tc.input)
			for _, d := range append(viewDiff(c, v, true), scrollbackDiff(c, v)...) {
				t.Errorf("%s\n  core: %q\n  x/vt: %q", d, screen(c), screen(v))
				break
			}
		})
	}
}

func TestDifferentialKnown(t *testing.T) {
	for _, tc := range knownDifferences() {
		t.Run(tc.name, func(t *testing.T) {
			c, v := diffTerms(t, tc.cols, tc.rows)
			write(t, c, tc.input)
			write(t, v, tc.input)
			if got := screen(c); fmt.Sprint(got) != fmt.Sprint(tc.xterm) {
				t.Errorf("core shows %q, xterm %q", got, tc.xterm)
			}
			if cur := c.Cursor(); cur.X != tc.x || cur.Y != tc.y {
				t.Errorf("core's cursor at %d,%d, xterm's at %d,%d", cur.X, cur.Y, tc.x, tc.y)
			}
			if got := c.State().ScrollbackLen; got != tc.scrollback {
				t.Errorf("core saved %d lines, xterm %d", got, tc.scrollback)
			}
			if tc.cell != nil {
				if got := c.Cell(tc.cell.x, tc.cell.y); got != tc.cell.c {
					t.Errorf("core's cell %d,%d = %+v, xterm's %+v", tc.cell.x, tc.cell.y, got, tc.cell.c)
				}
			}
			if len(viewDiff(c, v, true))+len(scrollbackDiff(c, v)) == 0 {
				t.Errorf("x/vt now agrees (it was: %s); move the case to diffCorpus", tc.why)
			}
		})
	}
}

// TestDifferentialRecorded replays the recorded vi, less and top sessions
// into both, phase by phase, comparing after each. The cursor's blink is
// left out: vi and top send ?12, which x/vt ignores (knownDifferences).
func TestDifferentialRecorded(t *testing.T) {
	for _, s := range sessions() {
		t.Run(s.name, func(t *testing.T) {
			c, v := diffTerms(t, recCols, recRows)
			for _, p := range s.phases {
				data, err := os.ReadFile(filepath.Join("testdata", s.name+"-"+p.name+".bytes"))
				if err != nil {
					t.Fatal(err)
				}
				write(t, c, string(data))
				write(t, v, string(data))
				for _, d := range append(viewDiff(c, v, false), scrollbackDiff(c, v)...) {
					t.Errorf("phase %s: %s\n  core: %s\n  x/vt: %s", p.name, d,
						strings.Join(screen(c), "|"), strings.Join(screen(v), "|"))
					break
				}
			}
		})
	}
}
