package term

import (
	"fmt"
	"strings"
	"testing"
)

// TestEraseAtEdges erases with ED and EL (and the DEC forms, the same here:
// nothing is protected) from the corners, an edge and the middle of a
// screen of letters, and compares with screens worked out by hand from
// xterm's rules: 0 erases from the cursor to the end, 1 from the start to
// the cursor, both including the cursor's cell; 2 erases all. Erased cells
// take the current background (red here) and show as dots; the cursor does
// not move. Core only: x/vt's ED 1 erases the whole cursor line (TestVTQuirks).
func TestEraseAtEdges(t *testing.T) {
	const letters = "abcde\r\nfghij\r\nklmno\r\npqrst" // ends at the last cell, wrap pending
	positions := []struct {
		name string
		move string // from the end of letters
		x, y int
	}{
		{"top left", "\x1b[1;1H", 0, 0},
		{"middle", "\x1b[2;3H", 2, 1},
		{"top right", "\x1b[1;5H", 4, 0},
		{"bottom left", "\x1b[4;1H", 0, 3},
		{"bottom right", "\x1b[4;5H", 4, 3},
		{"bottom right, wrap pending", "", 4, 3},
	}
	const all = ".....|.....|.....|....."
	tests := []struct {
		op   string
		seqs []string
		want []string // by position
	}{
		{"ED 0", []string{"\x1b[J", "\x1b[0J", "\x1b[?J"}, []string{
			all,
			"abcde|fg...|.....|.....",
			"abcd.|.....|.....|.....",
			"abcde|fghij|klmno|.....",
			"abcde|fghij|klmno|pqrs.",
			"abcde|fghij|klmno|pqrs.",
		}},
		{"ED 1", []string{"\x1b[1J", "\x1b[?1J"}, []string{
			".bcde|fghij|klmno|pqrst",
			".....|...ij|klmno|pqrst",
			".....|fghij|klmno|pqrst",
			".....|.....|.....|.qrst",
			all,
			all,
		}},
		{"ED 2", []string{"\x1b[2J", "\x1b[?2J"}, []string{all, all, all, all, all, all}},
		{"EL 0", []string{"\x1b[K", "\x1b[0K", "\x1b[?K"}, []string{
			".....|fghij|klmno|pqrst",
			"abcde|fg...|klmno|pqrst",
			"abcd.|fghij|klmno|pqrst",
			"abcde|fghij|klmno|.....",
			"abcde|fghij|klmno|pqrs.",
			"abcde|fghij|klmno|pqrs.",
		}},
		{"EL 1", []string{"\x1b[1K", "\x1b[?1K"}, []string{
			".bcde|fghij|klmno|pqrst",
			"abcde|...ij|klmno|pqrst",
			".....|fghij|klmno|pqrst",
			"abcde|fghij|klmno|.qrst",
			"abcde|fghij|klmno|.....",
			"abcde|fghij|klmno|.....",
		}},
		{"EL 2", []string{"\x1b[2K", "\x1b[?2K"}, []string{
			".....|fghij|klmno|pqrst",
			"abcde|.....|klmno|pqrst",
			".....|fghij|klmno|pqrst",
			"abcde|fghij|klmno|.....",
			"abcde|fghij|klmno|.....",
			"abcde|fghij|klmno|.....",
		}},
	}
	red := Style{Bg: Indexed(1)}
	for _, tc := range tests {
		for _, seq := range tc.seqs {
			for i, pos := range positions {
				t.Run(fmt.Sprintf("%s/%q/%s", tc.op, seq, pos.name), func(t *testing.T) {
					term, _ := newCore(t, 5, 4)
					write(t, term, letters+pos.move+"\x1b[41m"+seq)
					if got := dotScreen(t, term, red); got != tc.want[i] {
						t.Errorf("screen = %s, want %s", got, tc.want[i])
					}
					if c := term.Cursor(); c.X != pos.x || c.Y != pos.y {
						t.Errorf("cursor moved to %d,%d, want %d,%d", c.X, c.Y, pos.x, pos.y)
					}
					if st := term.State(); st.ScrollbackLen != 0 {
						t.Errorf("%d lines went to the scrollback", st.ScrollbackLen)
					}
					// An erase ends a pending wrap: the next character goes
					// at the cursor, not at the start of a new line.
					write(t, term, "\x1b[mZ")
					if got := term.Cell(pos.x, pos.y).Content; got != "Z" {
						t.Errorf("Z after the erase at %d,%d; the cell holds %q (screen %q)", pos.x, pos.y, got, screen(term))
					}
				})
			}
		}
	}
}

// dotScreen returns the screen as rows joined by "|", an erased cell as a
// dot. An erased cell must be blank in style erased, any other in the
// default style.
func dotScreen(t *testing.T, term Terminal, erased Style) string {
	t.Helper()
	cols, rows := term.Size()
	var lines []string
	for y := range rows {
		var b strings.Builder
		for x := range cols {
			c := term.Cell(x, y)
			switch {
			case c.Content == " " && c.Style == erased:
				b.WriteByte('.')
			case c.Content == " ":
				t.Errorf("cell %d,%d is blank in style %+v, not erased in %+v", x, y, c.Style, erased)
				b.WriteByte('?')
			case c.Style != (Style{}):
				t.Errorf("cell %d,%d = %q took style %+v", x, y, c.Content, c.Style)
				b.WriteString(c.Content)
			default:
				b.WriteString(c.Content)
			}
		}
		lines = append(lines, b.String())
	}
	return strings.Join(lines, "|")
}
