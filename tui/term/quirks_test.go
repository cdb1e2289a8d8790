package term

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestVTQuirks pins where x/vt v0.1.0 departs from xterm and the adapter
// cannot correct it from outside: a differential test against another core
// must expect these, and an x/vt upgrade that fixes one fails here, so the
// list stays true.
func TestVTQuirks(t *testing.T) {
	tests := []struct {
		name       string
		cols, rows int
		input      string
		vt         []string // what x/vt shows
		xterm      []string // what xterm shows
		scrollback int      // lines x/vt pushes to its scrollback (xterm: 0)
	}{
		{
			name: "ED 1 erases the whole cursor line", cols: 10, rows: 2,
			input: "aaaaaaaaaa\r\nbbbbbbbbbb\x1b[2;5H\x1b[1J",
			vt:    []string{"", ""},
			xterm: []string{"", "     bbbbb"},
		},
		{
			name: "a wide character at the last column is lost, not wrapped", cols: 10, rows: 2,
			input: "abcdefghi世x",
			vt:    []string{"abcdefghi", "x"},
			xterm: []string{"abcdefghi", "世x"},
		},
		{
			name: "lines leaving a scroll region that starts below row 1 enter the scrollback", cols: 10, rows: 5,
			input: "top\r\n\x1b[2;4r\x1b[4;1Ha\r\nb\r\nc\r\nd",
			vt:    []string{"top", "b", "c", "d", ""},
			xterm: []string{"top", "b", "c", "d", ""}, scrollback: 3,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vt, _ := newVT(t, tc.cols, tc.rows)
			write(t, vt, tc.input)
			if got := screen(vt); fmt.Sprint(got) != fmt.Sprint(tc.vt) {
				t.Errorf("x/vt now shows %q (xterm: %q); update the quirk", got, tc.xterm)
			}
			if got := vt.State().ScrollbackLen; got != tc.scrollback {
				t.Errorf("x/vt now keeps %d scrollback lines, was %d; update the quirk", got, tc.scrollback)
			}
		})
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// heldSince is how much the heap grew since base (heapInUse), 0 where it shrank: what an
// earlier test left is sometimes freed only in between, and the difference of the two
// unsigned counts then wrapped around to 2^64 less a little.
func heldSince(base uint64) uint64 {
	if now := heapInUse(); now > base {
		return now - base
	}
	return 0
}

// TestVTQuirkAltScreenKeepsScrolledLines pins a memory quirk: x/vt v0.1.0
// keeps up to 10,000 lines scrolled off the alternate screen (less, vi), in a
// scrollback no option sizes and no view shows, and neither leaving the
// alternate screen nor ESC[3J frees them (Scrollback.Clear keeps its backing
// array). 112 bytes a cell: 250 MB at 200 columns.
func TestVTQuirkAltScreenKeepsScrolledLines(t *testing.T) {
	vt, _ := newVT(t, 200, 50)
	base := heapInUse()
	line := strings.Repeat("x", 199) + "\r\n"
	write(t, vt, "\x1b[?1049h"+strings.Repeat(line, 2000)+"\x1b[3J\x1b[?1049l\x1b[3J")
	held := heldSince(base)
	t.Logf("2000 lines scrolled off the alternate screen still hold %d MB", held>>20)
	if held < 20<<20 {
		t.Errorf("only %d MB held: x/vt now frees the alternate screen's lines; update the quirk", held>>20)
	}
	if vt.State().ScrollbackLen != 0 {
		t.Errorf("main scrollback has %d lines", vt.State().ScrollbackLen)
	}
}
