package term

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
)

// statusQuery ends a batch of queries: its reply, ESC[0n, comes after all
// the others, so what arrives before it is everything the batch answered.
const statusQuery, statusReply = "\x1b[5n", "\x1b[0n"

// repliesTo writes output to term and returns exactly the replies it got.
func repliesTo(t *testing.T, term Terminal, s *sink, output string) string {
	t.Helper()
	write(t, term, output+statusQuery)
	return strings.TrimSuffix(s.waitFor(t, statusReply), statusReply)
}

// TestModeReports asks DECRQM about each mode the core knows, at its
// default, set and reset: 1 set, 2 reset, 0 unknown.
func TestModeReports(t *testing.T) {
	tests := []struct {
		mode int
		dec  bool
		def  int // at start
	}{
		{4, false, 2}, {20, false, 2},
		{1, true, 2}, {5, true, 2}, {6, true, 2}, {7, true, 1}, {9, true, 2}, {12, true, 1},
		{25, true, 1}, {47, true, 2}, {1047, true, 2}, {1049, true, 2}, {66, true, 2}, {67, true, 2},
		{1000, true, 2}, {1002, true, 2}, {1003, true, 2}, {1004, true, 2}, {1005, true, 2},
		{1006, true, 2}, {1015, true, 2}, {2004, true, 2},
	}
	for _, tc := range tests {
		prefix := "\x1b["
		if tc.dec {
			prefix = "\x1b[?"
		}
		t.Run(fmt.Sprintf("%s%d", prefix[2:], tc.mode), func(t *testing.T) {
			term, s := newCore(t, 10, 3)
			report := func(state int) string { return fmt.Sprintf("%s%d;%d$y", prefix, tc.mode, state) }
			query := fmt.Sprintf("%s%d$p", prefix, tc.mode)
			if got := repliesTo(t, term, s, query); got != report(tc.def) {
				t.Errorf("at start: %q, want %q", got, report(tc.def))
			}
			if got := repliesTo(t, term, s, fmt.Sprintf("%s%dh", prefix, tc.mode)+query); got != report(1) {
				t.Errorf("set: %q, want %q", got, report(1))
			}
			if got := repliesTo(t, term, s, fmt.Sprintf("%s%dl", prefix, tc.mode)+query); got != report(2) {
				t.Errorf("reset: %q, want %q", got, report(2))
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		term, s := newCore(t, 10, 3)
		if got, want := repliesTo(t, term, s, "\x1b[?9999$p\x1b[3$p"), "\x1b[?9999;0$y\x1b[3;0$y"; got != want {
			t.Errorf("unknown modes: %q, want %q", got, want)
		}
	})
}

// TestReports checks the core's answers to the other queries, and that it
// answers nothing where xterm does not.
func TestReports(t *testing.T) {
	tests := []struct {
		name, output, want string
	}{
		{"CPR", "\x1b[3;5H\x1b[6n", "\x1b[3;5R"},
		{"CPR under origin mode counts from the region", "\x1b[2;5r\x1b[?6h\x1b[2;3H\x1b[6n", "\x1b[2;3R"},
		{"DECXCPR", "\x1b[3;2H\x1b[?6n", "\x1b[?3;2;1R"},
		{"DECXCPR under origin mode", "\x1b[2;5r\x1b[?6h\x1b[3;2H\x1b[?6n", "\x1b[?3;2;1R"},
		{"DSR ? 5 is not answered", "\x1b[?5n\x1b[7n", ""},
		{"DA1", "\x1b[c\x1b[0c", "\x1b[?62;22c\x1b[?62;22c"},
		{"DA1 with a parameter is not answered", "\x1b[1c", ""},
		{"DA2", "\x1b[>c", "\x1b[>1;10;0c"},
		{"DA2 with a parameter is not answered", "\x1b[>1c", ""},
		{"size in characters", "\x1b[18t", "\x1b[8;6;12t"},
		{"other window ops are not answered", "\x1b[14t\x1b[19t", ""},
		{"foreground colour", "\x1b]10;?\x07", "\x1b]10;rgb:ffff/ffff/ffff\x07"},
		{"background colour", "\x1b]11;?\x1b\\", "\x1b]11;rgb:0000/0000/0000\x07"},
		{"cursor colour", "\x1b]12;?\x07", "\x1b]12;rgb:ffff/ffff/ffff\x07"},
		{"setting a colour is not answered", "\x1b]10;#ff0000\x07\x1b]11\x07", ""},
		{"palette entries", "\x1b]4;1;?\x07\x1b]4;9;?;16;?;255;?\x1b\\",
			"\x1b]4;1;rgb:cdcd/0000/0000\x07\x1b]4;9;rgb:ffff/0000/0000\x07\x1b]4;16;rgb:0000/0000/0000\x07\x1b]4;255;rgb:eeee/eeee/eeee\x07"},
		{"palette cube", "\x1b]4;110;?\x07", "\x1b]4;110;rgb:8787/afaf/d7d7\x07"},
		{"palette entries out of range or set", "\x1b]4;256;?;-1;?;x;?;2;#ff0000\x07", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			term, s := newCore(t, 12, 6)
			if got := repliesTo(t, term, s, tc.output); got != tc.want {
				t.Errorf("replies %q, want %q", got, tc.want)
			}
		})
	}
}

// TestResizeReport: the size report follows a resize.
func TestResizeReport(t *testing.T) {
	term, s := newCore(t, 12, 6)
	term.Resize(30, 4)
	if got, want := repliesTo(t, term, s, "\x1b[18t"), "\x1b[8;4;30t"; got != want {
		t.Errorf("after a resize to 30x4: %q, want %q", got, want)
	}
}

// TestCursorStyles sets each DECSCUSR style: 0 and 1 blinking block, 2
// steady block, 3 blinking and 4 steady underline, 5 blinking and 6 steady
// bar; anything else is ignored.
func TestCursorStyles(t *testing.T) {
	tests := []struct {
		output string
		shape  CursorShape
		blink  bool
	}{
		{"\x1b[2 q\x1b[0 q", CursorBlock, true},
		{"\x1b[2 q\x1b[ q", CursorBlock, true},
		{"\x1b[2 q\x1b[1 q", CursorBlock, true},
		{"\x1b[2 q", CursorBlock, false},
		{"\x1b[3 q", CursorUnderline, true},
		{"\x1b[4 q", CursorUnderline, false},
		{"\x1b[5 q", CursorBar, true},
		{"\x1b[6 q", CursorBar, false},
		{"\x1b[4 q\x1b[7 q", CursorUnderline, false},
		{"\x1b[5 q\x1b[99 q", CursorBar, true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q", tc.output), func(t *testing.T) {
			term, _ := newCore(t, 10, 3)
			write(t, term, tc.output)
			if c := term.Cursor(); c.Shape != tc.shape || c.Blink != tc.blink {
				t.Errorf("cursor = %+v, want shape %d, blink %t", c, tc.shape, tc.blink)
			}
		})
	}
}

// TestTitleControls: OSC 0 and 2 set the title without its control
// characters; without a ';' they change nothing.
func TestTitleControls(t *testing.T) {
	term, _ := newCore(t, 10, 3)
	write(t, term, "\x1b]2;a\tb\x7fc\x07")
	if got := term.State().Title; got != "abc" {
		t.Errorf("title = %q, want abc (tab and DEL dropped)", got)
	}
	write(t, term, "\x1b]2\x07\x1b]0\x07")
	if got := term.State().Title; got != "abc" {
		t.Errorf("title after OSC 2 and 0 without text = %q, want abc", got)
	}
	write(t, term, "\x1b]2;caf\u00e9 \u4e16\x07")
	if got := term.State().Title; got != "caf\u00e9 \u4e16" {
		t.Errorf("title = %q, want it whole", got)
	}
	write(t, term, "\x1b]0;\x07")
	if got := term.State().Title; got != "" {
		t.Errorf("title after an empty OSC 0 = %q, want none", got)
	}
}

// TestColorQueriesFollowTheColors: OSC 10, 11, 12 and 4 answer the colours
// the pane was given (a light theme's white background), and a palette
// entry it was given wins over xterm's.
func TestColorQueriesFollowTheColors(t *testing.T) {
	light := Colors{Foreground: color.RGBA{0x1c, 0x1c, 0x1c, 0xff}, Background: color.RGBA{0xff, 0xfe, 0xfd, 0xff}}
	light.Palette[1] = color.RGBA{0xaf, 0, 0x01, 0xff}
	term, s := newCore(t, 12, 6, Options{Colors: light})
	for _, tc := range []struct{ query, want string }{
		{"\x1b]11;?\x07", "\x1b]11;rgb:ffff/fefe/fdfd\x07"},
		{"\x1b]10;?\x07", "\x1b]10;rgb:1c1c/1c1c/1c1c\x07"},
		{"\x1b]12;?\x07", "\x1b]12;rgb:1c1c/1c1c/1c1c\x07"},
		{"\x1b]4;1;?\x07", "\x1b]4;1;rgb:afaf/0000/0101\x07"},
		{"\x1b]4;2;?\x07", "\x1b]4;2;rgb:0000/cdcd/0000\x07"},
	} {
		if got := repliesTo(t, term, s, tc.query); got != tc.want {
			t.Errorf("%q answered %q, want %q", tc.query, got, tc.want)
		}
	}
	// An emulator fault replaces the emulator; the colours stay.
	term.guard(func() { panic("test") })
	if got, want := repliesTo(t, term, s, "\x1b]11;?\x07"), "\x1b]11;rgb:ffff/fefe/fdfd\x07"; got != want {
		t.Errorf("after a reset: %q, want %q", got, want)
	}
}
