package term

import (
	"fmt"
	"strings"
	"testing"
)

// logicalLines returns the text of the main screen and its scrollback as
// the lines that were written: rows an automatic wrap cut are joined, each
// line's trailing blanks trimmed, blank lines at the end left out. It also
// returns where the cursor is in them: the line and the column in it.
func logicalLines(c *Core) (lines []string, curLine, curCol int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.emu
	var b strings.Builder
	col := 0
	add := func(cells []cell, wrapped bool, cursorX int) {
		if cursorX >= 0 {
			curLine, curCol = len(lines), col+cursorX
		}
		for _, c := range cells {
			switch {
			case c.kind == covered:
			case c.content == "":
				b.WriteByte(' ')
			default:
				b.WriteString(c.content)
			}
		}
		col += len(cells)
		if !wrapped {
			lines = append(lines, strings.TrimRight(b.String(), " "))
			b.Reset()
			col = 0
		}
	}
	scratch := make([]cell, MaxCols)
	for i := range c.sb.len() {
		n := decodeLine(scratch, c.sb.encoded(i))
		add(scratch[:n], c.sb.wrapped(i), -1)
	}
	cur := e.cur
	if e.onAlt() {
		cur = e.main.saved.cur
	}
	for y := range e.rows {
		l := e.main.row(y)
		x := -1
		if y == cur.y {
			x = cur.x
			if cur.pendingWrap {
				x++
			}
		}
		add(l.cells[:l.used], l.wrapped && y < e.rows-1, x)
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" && curLine < len(lines)-1 {
		lines = lines[:len(lines)-1]
	}
	return lines, curLine, curCol
}

// TestReflow changes the width after some output and checks the screen,
// the cursor (on the character it was on) and the scrollback.
func TestReflow(t *testing.T) {
	fill := "aaaaaaaaaa\r\nbbbbbbbbbb\r\ncccccccccc\r\ndddddddddd"
	tests := []struct {
		name       string
		input      string
		sizes      [][2]int
		after      string // written after the resizes
		want       []string
		x, y       int
		scrollback int
	}{
		{"wider joins a wrapped line", "0123456789abcdef", [][2]int{{20, 5}}, "",
			[]string{"0123456789abcdef", "", "", "", ""}, 16, 0, 0},
		// The cursor keeps its row, as in tmux: what is above goes to the
		// scrollback, and comes back from it.
		{"zoom and back", "0123456789abcdef", [][2]int{{20, 5}, {10, 5}}, "",
			[]string{"abcdef", "", "", "", ""}, 6, 0, 1},
		{"narrower and back keeps every line", fill, [][2]int{{4, 5}, {10, 5}}, "",
			[]string{"aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dddddddddd", ""}, 9, 3, 0},
		{"narrower pushes rows to the scrollback", fill, [][2]int{{5, 5}}, "",
			[]string{"ccccc", "ccccc", "ddddd", "ddddd", ""}, 4, 3, 4},
		{"narrower, as tmux shows it", fill, [][2]int{{4, 5}}, "",
			[]string{"cc", "dddd", "dddd", "dd", ""}, 2, 3, 8},
		{"a line ended by CR LF does not join", "abc\r\ndef", [][2]int{{20, 5}}, "",
			[]string{"abc", "def", "", "", ""}, 3, 1, 0},
		{"an erased end ends the join", "0123456789ab\x1b[1;5H\x1b[K\x1b[2;3H", [][2]int{{20, 5}}, "",
			[]string{"0123", "ab", "", "", ""}, 2, 1, 0},
		{"the cursor stays on its character", "hello world\x1b[1;7H", [][2]int{{4, 5}}, "",
			[]string{"o wo", "rld", "", "", ""}, 2, 0, 1},
		{"a pending wrap stays pending", "0123456789", [][2]int{{5, 5}}, "X",
			[]string{"56789", "X", "", "", ""}, 1, 1, 1},
		{"wider takes back a pending wrap", "0123456789", [][2]int{{12, 5}}, "X",
			[]string{"0123456789X", "", "", "", ""}, 11, 0, 0},
		{"wide characters move whole", "ab世界世界", [][2]int{{5, 5}, {3, 5}}, "",
			[]string{"界", "", "", "", ""}, 2, 0, 4},
		{"after clear the prompt stays on top", fill + "\x1b[H\x1b[2J$ ", [][2]int{{20, 5}}, "",
			[]string{"$", "", "", "", ""}, 2, 0, 0},
		{"a line from the scrollback comes back whole", "\r\n\r\n\r\n\r\n0123456789abc", [][2]int{{20, 5}}, "",
			[]string{"", "", "", "", "0123456789abc"}, 13, 4, 0},
		{"styles move with their characters", "\x1b[31mred\x1b[m plain text", [][2]int{{4, 5}, {20, 5}}, "",
			[]string{"red plain text", "", "", "", ""}, 14, 0, 0},
		{"the alternate screen is cut, the main one under it reflowed",
			"0123456789abc\x1b[?1049hALT", [][2]int{{20, 5}}, "\x1b[?1049l",
			[]string{"0123456789abc", "", "", "", ""}, 13, 0, 0},
		{"shorter and narrower keeps the cursor in view", "\x1b[5;10Hx", [][2]int{{5, 3}}, "",
			[]string{"", "", "    x"}, 4, 2, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newCore(t, 10, 5)
			write(t, c, tc.input)
			for _, sz := range tc.sizes {
				c.Resize(sz[0], sz[1])
				checkRender(t, c)
			}
			write(t, c, tc.after)
			if got := screen(c); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("screen = %q, want %q", got, tc.want)
			}
			if cur := c.Cursor(); cur.X != tc.x || cur.Y != tc.y {
				t.Errorf("cursor = %d,%d, want %d,%d", cur.X, cur.Y, tc.x, tc.y)
			}
			if got := c.State().ScrollbackLen; got != tc.scrollback {
				t.Errorf("scrollback holds %d lines, want %d", got, tc.scrollback)
			}
			checkRender(t, c)
		})
	}
}

// TestReflowStyles: a character keeps its style through a reflow, and the
// scrollback's rows are cut anew too.
func TestReflowStyles(t *testing.T) {
	c, _ := newCore(t, 10, 2)
	write(t, c, "\x1b[1;31mredredredred\x1b[m\r\nx\r\ny")
	c.Resize(4, 2)
	lines, _, _ := logicalLines(c)
	if got, want := fmt.Sprint(lines), "[redredredred x y]"; got != want {
		t.Errorf("lines = %s, want %s", got, want)
	}
	c.ScrollBy(3)
	if cell := c.Cell(0, 0); cell.Content != "r" || cell.Style.Fg != Indexed(1) || cell.Style.Attrs != Bold {
		t.Errorf("first cell from the scrollback = %+v, want a bold red r", cell)
	}
}

// FuzzReflow writes text and changes the width in random orders: no
// character written before is lost, wrapped lines join again, and the
// cursor stays at the same place of the same line.
func FuzzReflow(f *testing.F) {
	f.Add([]byte("hello world, a long line of text\nand a short one\n世界 é 👍🏽 x"), []byte{5, 80, 3, 12, 1, 40})
	f.Add([]byte("0123456789012345678901234567890123456789"), []byte{7, 2, 39, 3})
	f.Add([]byte("a\nb\nc\nd\ne\nf\ng\nh"), []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, text []byte, widths []byte) {
		c, _ := newCore(t, 20, 6, Options{Scrollback: 1 << 20, ScrollbackBytes: 64 << 20})
		var out strings.Builder
		for _, b := range text {
			switch {
			case b == '\n':
				out.WriteString("\r\n")
			case b%16 == 0:
				out.WriteString("世")
			case b%16 == 1:
				out.WriteString("e\u0301")
			case b%16 == 2:
				out.WriteString("👍🏽")
			case b%16 == 3:
				out.WriteString(" ")
			default:
				out.WriteByte('a' + b%26)
			}
		}
		write(t, c, out.String())
		want, wantLine, wantCol := logicalLines(c)
		for _, w := range widths {
			cols := 2 + int(w)%60 // one column cannot hold a wide character
			c.Resize(cols, 6)
			got, line, col := logicalLines(c)
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
				t.Fatalf("at %d columns the lines are\n%q\nwant\n%q", cols, got, want)
			}
			if line != wantLine || col != wantCol {
				t.Fatalf("at %d columns the cursor is at line %d column %d, want %d, %d", cols, line, col, wantLine, wantCol)
			}
			if r := c.State().Resets; r != 0 {
				t.Fatalf("%d emulator resets", r)
			}
		}
	})
}
