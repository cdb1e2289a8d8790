package term

import (
	"fmt"
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
