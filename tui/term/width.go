package term

//go:generate go run gen_wcwidth.go

// Widths are the C library's, code point by code point, as tmux measures by
// default: bash, vim and every other program in the pane place the cursor
// by wcwidth(3), so a terminal that measured a whole emoji sequence as one
// character (👍🏽 as 2 columns where wcwidth says 2+2) would put the cursor
// where the program does not think it is, and line editing would go wrong.
// A character of width 0 (a combining mark, a variation selector, a zero
// width joiner) joins the cell before it; one of width -1 (unassigned)
// takes a column, as readline counts it, and shows as U+FFFD.

// widthRange is a run of code points of one width.
type widthRange struct {
	lo, hi rune
	w      int8
}

// bmpWidths holds the width of each code point below U+10000, two bits each
// (width+1: 0 for -1, 1 for 0, 2 for 1, 3 for 2), so the common case is one
// load; the rest is a binary search of wcwidthRanges.
var bmpWidths = func() (t [0x10000 / 4]byte) {
	for i := range t {
		t[i] = 0xaa // four code points of width 1
	}
	for _, r := range wcwidthRanges {
		for c := r.lo; c <= r.hi && c < 0x10000; c++ {
			shift := uint(c%4) * 2
			t[c/4] = t[c/4]&^(3<<shift) | byte(r.w+1)<<shift
		}
	}
	return t
}()

// wcwidth returns wcwidth(3) of r in Debian 12's glibc: -1, 0, 1 or 2.
func wcwidth(r rune) int {
	if r < 0x10000 {
		if r >= 0 {
			return int(bmpWidths[r/4]>>(uint(r%4)*2)&3) - 1
		}
		return -1
	}
	lo, hi := 0, len(wcwidthRanges)
	for lo < hi {
		m := (lo + hi) / 2
		switch rg := wcwidthRanges[m]; {
		case r < rg.lo:
			hi = m
		case r > rg.hi:
			lo = m + 1
		default:
			return int(rg.w)
		}
	}
	if r > 0x10ffff {
		return -1
	}
	return 1
}

// columns is the number of columns a printed code point takes: wcwidth,
// with an unassigned one (-1) taking one, as readline counts it.
func columns(r rune) int {
	if w := wcwidth(r); w >= 0 {
		return w
	}
	return 1
}

// stringColumns is the columns of s, code point by code point.
func stringColumns(s string) int {
	n := 0
	for _, r := range s {
		n += columns(r)
	}
	return n
}
