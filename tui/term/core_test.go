package term

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

func newCore(t testing.TB, cols, rows int, opt ...Options) (*Core, *sink) {
	t.Helper()
	term, s := newTerm(t, impls()[0], cols, rows, opt...)
	return term.(*Core), s
}

func TestScrollbackBoundedByLines(t *testing.T) {
	c, _ := newCore(t, 20, 5, Options{Scrollback: 300})
	for i := range 10000 {
		write(t, c, fmt.Sprintf("line %d\r\n", i))
	}
	if got := c.State().ScrollbackLen; got != 300 {
		t.Fatalf("scrollback holds %d lines, want 300", got)
	}
	c.ScrollBy(300)
	if got := screen(c)[0]; got != "line 9696" {
		t.Errorf("oldest line kept = %q, want line 9696", got)
	}
}

func TestScrollbackBoundedByBytes(t *testing.T) {
	// 200 columns of text take about 200 bytes each: 1 MiB holds some
	// thousands of lines, and never more than the bound.
	c, _ := newCore(t, 200, 10, Options{Scrollback: 100000, ScrollbackBytes: 1 << 20})
	line := strings.Repeat("x", 190)
	for i := range 20000 {
		write(t, c, fmt.Sprintf("%08d%s\r\n", i, line))
	}
	held := c.State().ScrollbackLen
	if held*198 > 1<<20 || held < (1<<20)/198/2 {
		t.Fatalf("scrollback holds %d lines of 198 bytes in a 1 MiB bound", held)
	}
	c.ScrollBy(held)
	if got, want := screen(c)[0], fmt.Sprintf("%08d%s", 20000-10-held+1, line); got != want {
		t.Errorf("oldest line kept = %.12q…, want %.12q…", got, want)
	}
	c.ScrollBy(-held + 1)
	if got, want := screen(c)[0], fmt.Sprintf("%08d%s", 20000-10, line); got != want {
		t.Errorf("newest line = %.12q…, want %.12q…", got, want)
	}
}

func TestScrollbackKeepsStyleAndWidth(t *testing.T) {
	c, _ := newCore(t, 12, 2)
	write(t, c, "\x1b[1;31ma\x1b[44m世\x1b[m  é e\u0301👍\x1b[48;2;1;2;3m \x1b[m\r\n\r\n\r\n")
	c.ScrollBy(2)
	want := []Cell{
		{Content: "a", Width: 1, Style: Style{Fg: Indexed(1), Attrs: Bold}},
		{Content: "世", Width: 2, Style: Style{Fg: Indexed(1), Bg: Indexed(4), Attrs: Bold}},
		{Width: 0, Style: Style{Fg: Indexed(1), Bg: Indexed(4), Attrs: Bold}},
		Blank(), Blank(),
		{Content: "é", Width: 1},
		Blank(),
		{Content: "e\u0301", Width: 1},
		{Content: "👍", Width: 2},
		{},
		{Content: " ", Width: 1, Style: Style{Bg: RGB(1, 2, 3)}},
		Blank(),
	}
	for x, w := range want {
		if got := c.Cell(x, 0); got != w {
			t.Errorf("scrollback cell %d = %+v, want %+v", x, got, w)
		}
	}
}

// TestScrollbackErasedLines pushes lines whose text was erased, wholly or
// at the end, into the scrollback: they come back as they were shown.
func TestScrollbackErasedLines(t *testing.T) {
	c, _ := newCore(t, 8, 2)
	write(t, c, "abc\r\x1b[K\r\nabcdef\x1b[4G\x1b[K\r\n\x1b[41mx\x1b[K\x1b[m\r\n\r\n")
	if got := c.State().ScrollbackLen; got != 3 {
		t.Fatalf("scrollback holds %d lines, want 3", got)
	}
	c.ScrollBy(3)
	if got, want := screen(c), []string{"", "abc"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("oldest scrollback lines = %q, want %q", got, want)
	}
	c.ScrollBy(-1)
	if got := c.Cell(7, 1); got != (Cell{Content: " ", Width: 1, Style: Style{Bg: Indexed(1)}}) {
		t.Errorf("the red tail of the newest line came back as %+v", got)
	}
	if r := c.State().Resets; r != 0 {
		t.Errorf("%d emulator resets", r)
	}
}

// TestScrollbackNarrower narrows the view over lines stored wider than it
// now is: they are cut anew at its edge (reflow), a wide character that no
// longer fits going to the next row whole, and a line's last character,
// whatever its encoding, kept.
func TestScrollbackNarrower(t *testing.T) {
	c, _ := newCore(t, 10, 1)
	write(t, c, "abcdefghij\r\nabcd\u4e16xyz\r\nab\u00e9\r\nabc\u4e16\r\n")
	c.Resize(5, 1)
	lines := []string{"abcde", "fghij", "abcd", "\u4e16xyz", "ab\u00e9", "abc\u4e16"}
	if n := c.State().ScrollbackLen; n != len(lines) {
		t.Fatalf("scrollback holds %d lines, want %d", n, len(lines))
	}
	for i, want := range lines {
		c.ScrollBy(len(lines) - i - c.State().ScrollOffset)
		if got := screen(c)[0]; got != want {
			t.Errorf("scrollback line %d at 5 columns = %q, want %q", i, got, want)
		}
	}
	if r := c.State().Resets; r != 0 {
		t.Errorf("%d emulator resets", r)
	}
}

// TestScrollbackEraseAtBlockEdge erases the saved lines (ED 3) just when the
// storage block being filled is full, then saves one more: it must be kept.
// Two blocks hold 2*perBlock lines of 200 bytes; the counts just below are
// tried too, in case the encoding costs a byte more than it seems.
func TestScrollbackEraseAtBlockEdge(t *testing.T) {
	line := strings.Repeat("x", 199)
	perBlock := scrollbackBlock / 200
	for pushed := 2*perBlock - 3; pushed <= 2*perBlock; pushed++ {
		c, _ := newCore(t, 200, 1, Options{ScrollbackBytes: 2 * scrollbackBlock})
		for i := range pushed {
			write(t, c, fmt.Sprintf("%c%s\r\n", 'a'+i%26, line))
		}
		if got := c.State().ScrollbackLen; got != pushed {
			t.Fatalf("after %d lines: %d held", pushed, got)
		}
		last := "last" + strings.Repeat("y", 196) // too long for what is left of the block
		write(t, c, "\x1b[3J"+last+"\r\n")
		if got := c.State().ScrollbackLen; got != 1 {
			t.Errorf("ED 3 after %d lines, then one more: %d held, want 1", pushed, got)
			continue
		}
		c.ScrollBy(1)
		if got := screen(c)[0]; got != last {
			t.Errorf("ED 3 after %d lines, then one more: it reads %.8q…", pushed, got)
		}
	}
}

func TestAltScreenHasNoScrollback(t *testing.T) {
	c, _ := newCore(t, 200, 50)
	base := heapInUse()
	line := strings.Repeat("x", 199) + "\r\n"
	write(t, c, "\x1b[?1049h"+strings.Repeat(line, 12000))
	if got := c.State().ScrollbackLen; got != 0 {
		t.Errorf("%d lines saved from the alternate screen", got)
	}
	write(t, c, "\x1b[?1049l")
	if held := heldSince(base); held > 1<<20 {
		t.Errorf("12000 lines through the alternate screen hold %d KB", held>>10)
	}
}

func TestEraseSavedLines(t *testing.T) {
	c, _ := newCore(t, 10, 3)
	write(t, c, strings.Repeat("x\r\n", 20))
	c.ScrollBy(5)
	write(t, c, "\x1b[3J")
	if st := c.State(); st.ScrollbackLen != 0 || st.ScrollOffset != 0 {
		t.Errorf("after ED 3: %d lines held, view %d up", st.ScrollbackLen, st.ScrollOffset)
	}
}

// TestWriteStepBounded checks that one locked step stops at the work bound
// however much work the bytes ask for.
func TestWriteStepBounded(t *testing.T) {
	c, _ := newCore(t, MaxCols, MaxRows)
	const decaln = "\x1b#8" // fills all MaxCols×MaxRows cells
	n, err := c.feed([]byte(strings.Repeat(decaln, 100)))
	if err != nil {
		t.Fatal(err)
	}
	if n >= 2*len(decaln) {
		t.Errorf("one step took %d bytes: %d screen fills under one lock", n, n/len(decaln))
	}
	// Write still takes everything, in steps.
	write(t, c, strings.Repeat(decaln, 100)+"x")
	if got := c.Cell(1, 0).Content; got != "E" {
		t.Errorf("cell 1,0 = %q after the fills", got)
	}
}

func TestCorePanicResets(t *testing.T) {
	c, s := newCore(t, 40, 5)
	write(t, c, "before\r\n\x1b[?2004h")
	c.mu.Lock()
	c.emu.reply = func(string) { panic("injected fault") }
	c.mu.Unlock()
	write(t, c, "\x1b[c")
	st := c.State()
	if st.Resets != 1 {
		t.Fatalf("Resets = %d after a panic, want 1", st.Resets)
	}
	if st.Modes.BracketedPaste {
		t.Error("modes survived the reset")
	}
	if got := screen(c)[0]; !strings.Contains(got, "terminal reset") {
		t.Errorf("row 0 after reset = %q, want the note", got)
	}
	// The new emulator answers queries.
	write(t, c, "\x1b[6n")
	s.waitFor(t, "\x1b[2;1R")
	checkRender(t, c)
}

func TestCoreCloseStopsWriter(t *testing.T) {
	for range 4 {
		c, s := newCore(t, 20, 5)
		write(t, c, "\x1b[6n")
		s.waitFor(t, "R")
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		<-c.in.stopped
	}
}

func TestCoreResize(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		cols, rows int
		after      string // written after the resize
		want       []string
		x, y       int
		scrollback int
	}{
		{"shorter keeps the cursor row", "1\r\n2\r\n3\r\n4\r\n5", 10, 3, "", []string{"3", "4", "5"}, 1, 2, 2},
		{"shorter, cursor near the top", "1\r\n2\x1b[H", 10, 3, "", []string{"1", "2", ""}, 0, 0, 0},
		{"taller", "1\r\n2\r\n3\r\n4\r\n5", 10, 7, "", []string{"1", "2", "3", "4", "5", "", ""}, 1, 4, 0},
		// A new width reflows: the cursor stays on its character (after the
		// last one, the wrap still pending) and on its row, as in tmux.
		{"narrower reflows", "abcdefghij", 5, 5, "", []string{"fghij", "", "", "", ""}, 4, 0, 1},
		{"narrower reflows, then writes on", "abcdefghij", 5, 5, "X", []string{"fghij", "X", "", "", ""}, 1, 1, 1},
		{"narrower moves a wide character whole", "abcd世", 5, 5, "", []string{"世", "", "", "", ""}, 2, 0, 1},
		{"wider", "abc", 20, 5, "", []string{"abc", "", "", "", ""}, 3, 0, 0},
		// The alternate screen loses its top rows, to no scrollback; the
		// main screen under it keeps its own.
		{"shorter on the alternate screen", "main\x1b[?1049ha\r\nb\r\nc\r\nd", 10, 2, "", []string{"c", "d"}, 1, 1, 0},
		{"back from the alternate screen", "main\x1b[?1049ha\r\nb\r\nc\r\nd", 10, 2, "\x1b[?1049l", []string{"main", ""}, 4, 0, 0},
		{"narrower puts back the tab stops", "", 9, 5, "\tx\ty", []string{"        x", "y", "", "", ""}, 1, 1, 0},
		{"wider adds tab stops", "", 20, 5, "\tx\ty", []string{"        x       y", "", "", "", ""}, 17, 0, 0},
		{"the scroll region resets", "\x1b[2;3r", 10, 4, "\x1b[3;1H\nx", []string{"", "", "", "x"}, 1, 3, 0},
		{"the region's bottom is the new last row", "top\x1b[2;3r", 10, 4, "\x1b[4;1H\nx", []string{"", "", "", "x"}, 1, 3, 1},
		{"narrower wraps at the new width", "", 5, 5, "abcdefg", []string{"abcde", "fg", "", "", ""}, 2, 1, 0},
		{"shorter wraps on the new last row", "", 10, 2, "\x1b[2;1H" + strings.Repeat("x", 11), []string{strings.Repeat("x", 10), "x"}, 1, 1, 1},
		// DECRC after a resize: the saved cursor is put back inside the
		// screen, and a pending wrap it had at the old last column goes.
		{"DECRC after shrinking", "\x1b[5;10H\x1b7", 5, 3, "\x1b[H\x1b8x", []string{"", "", "    x"}, 4, 2, 2},
		{"DECRC after widening drops the pending wrap", "abcdefghij\x1b7", 20, 5, "\x1b[2;1H\x1b8X", []string{"abcdefghiX", "", "", "", ""}, 10, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newCore(t, 10, 5)
			write(t, c, tc.input)
			c.Resize(tc.cols, tc.rows)
			write(t, c, tc.after)
			if got := screen(c); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("screen = %q, want %q", got, tc.want)
			}
			if cur := c.Cursor(); cur.X != tc.x || cur.Y != tc.y || !cur.Visible {
				t.Errorf("cursor = %+v, want visible at %d,%d", cur, tc.x, tc.y)
			}
			if got := c.State().ScrollbackLen; got != tc.scrollback {
				t.Errorf("scrollback holds %d, want %d", got, tc.scrollback)
			}
			checkRender(t, c)
		})
	}
}

// TestClusterAcrossWrites feeds a base character and what joins it in
// separate writes: the pty can cut anywhere, the cell must not care.
func TestClusterAcrossWrites(t *testing.T) {
	tests := []struct {
		name   string
		pieces []string
		want   []Cell
		x      int
	}{
		{"combining mark", []string{"e", "\u0301", "x"},
			[]Cell{{Content: "e\u0301", Width: 1}, {Content: "x", Width: 1}}, 2},
		{"mark cut inside its UTF-8", []string{"e\xcc", "\x81x"},
			[]Cell{{Content: "e\u0301", Width: 1}, {Content: "x", Width: 1}}, 2},
		{"emoji presentation takes no column", []string{"❤", "\ufe0f", "x"},
			[]Cell{{Content: "❤", Width: 1}, {Content: "x", Width: 1}}, 2},
		{"ZWJ sequence", []string{"👨", "\u200d", "👩"},
			[]Cell{{Content: "👨", Width: 2}, {}, {Content: "👩", Width: 2}, {}, Blank()}, 4},
		{"a move ends the cluster", []string{"e", "\x1b[C", "\u0301"},
			[]Cell{{Content: "e", Width: 1}, Blank()}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newCore(t, 10, 2)
			for _, p := range tc.pieces {
				write(t, c, p)
			}
			for x, w := range tc.want {
				if got := c.Cell(x, 0); got != w {
					t.Errorf("cell %d = %+v, want %+v", x, got, w)
				}
			}
			if got := c.Cursor().X; got != tc.x {
				t.Errorf("cursor x = %d, want %d", got, tc.x)
			}
		})
	}
}

func TestEncodeLineRoundTrip(t *testing.T) {
	red := Style{Fg: Indexed(1), Attrs: Bold | Italic | Overline, Underline: CurlyUnderline, UnderlineColor: RGB(9, 8, 7)}
	tests := []struct {
		name  string
		cells []cell
	}{
		{"empty", nil},
		{"ascii", []cell{{content: "a"}, {content: "b"}}},
		{"blanks inside", []cell{{content: "a"}, {}, {}, {content: "b"}}},
		{"styled blank at the end", []cell{{content: "a"}, {style: Style{Bg: Indexed(4)}}}},
		{"styles", []cell{{content: "a", style: red}, {content: "b", style: red}, {content: "c"}}},
		{"wide", []cell{{content: "世", kind: wide}, {kind: covered}, {content: "x"}}},
		{"cluster", []cell{{content: "e\u0301"}, {content: "👍", kind: wide}, {kind: covered}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst := make([]cell, len(tc.cells)+3)
			decodeLine(dst, encodeLine(nil, tc.cells))
			for i, want := range append(tc.cells, cell{}, cell{}, cell{}) {
				if dst[i] != want {
					t.Errorf("cell %d = %+v, want %+v", i, dst[i], want)
				}
			}
		})
	}
}

// FuzzDecodeLine feeds arbitrary bytes to the scrollback decoder: damaged
// storage must give a short line, never a panic.
func FuzzDecodeLine(f *testing.F) {
	f.Add([]byte("abc"), uint8(10))
	f.Add(encodeLine(nil, []cell{{content: "世", kind: wide}, {kind: covered}, {content: "x", style: Style{Fg: 7}}}), uint8(3))
	f.Add([]byte{markCluster, 2, 200, 'x'}, uint8(1))
	f.Add([]byte{markStyle, 1, 2}, uint8(5))
	f.Fuzz(func(t *testing.T, b []byte, cols uint8) {
		dst := make([]cell, int(cols))
		decodeLine(dst, b)
		line := make([]Cell, len(dst))
		for i := range dst {
			line[i] = dst[i].toCell()
		}
		normalizeLine(line, line)
		checkGrid(t, renderGrid(line, len(line), 1), len(line), 1)
	})
}

// TestScrollbackBlocksReused fills far more than the byte bound and checks
// that storage stops growing.
func TestScrollbackBlocksReused(t *testing.T) {
	sb := newScrollback(1<<20, 4*scrollbackBlock)
	l := &line{cells: make([]cell, 100)}
	for i := range l.cells {
		l.cells[i] = cell{content: "x"}
	}
	l.used = len(l.cells)
	for range 100000 {
		sb.push(l)
	}
	if len(sb.blocks) > 4 {
		t.Errorf("%d blocks for a bound of 4", len(sb.blocks))
	}
	if n := sb.len(); n > 4*scrollbackBlock/100 || n < 3*scrollbackBlock/100 {
		t.Errorf("%d lines of 100 bytes held in 4 blocks", n)
	}
	dst := make([]cell, 100)
	sb.line(0, dst)
	if dst[99].content != "x" {
		t.Error("oldest line damaged")
	}
}

// TestCoreInputDuringFlood types while a flood is written from another
// goroutine: input keeps its order and reaches the pty.
func TestCoreInputDuringFlood(t *testing.T) {
	c, s := newCore(t, 80, 24)
	done := make(chan struct{})
	go func() {
		defer close(done)
		flood := bytes.Repeat([]byte("y\r\n"), 100000)
		_, _ = c.Write(flood)
	}()
	for _, r := range "typed" {
		c.Paste(string(r))
	}
	s.waitFor(t, "typed")
	<-done
	_, _ = io.WriteString(c, "\x1b[6n")
	s.waitFor(t, "R")
}
