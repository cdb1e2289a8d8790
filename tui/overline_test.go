package tui

import (
	"bytes"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/nslab/nslab/tui/term"
)

// SGR 53, which the screen's cell library drops, reaches the terminal: the cells a frame
// overlines are overlined there, with their colours and the rest of their style; an
// overline taken away goes (the text unchanged, so the library writes nothing there);
// the cursor stays where the frame has it; a frame that leaves the overlined line alone
// writes no overline; and the colours written are brought down to the terminal's profile,
// as the library brings down its own.
func TestScreenDrawsOverline(t *testing.T) {
	const cols, rows = 40, 6
	// As a pane's line in a frame: a border in an RGB colour, then the pane's text.
	over := "\x1b[1;38;2;135;215;255m┃\x1b[mab \x1b[0;53mOVER\x1b[0;31;53mRED\x1b[m cd"
	plain := "┃ab OVERRED cd"
	lines := func(third string, fifth string) []string {
		return []string{"top", "", third, "", fifth, "bottom"}
	}
	steps := []struct {
		name        string
		third, last string
		// shows is the third line's text on the screen; overlined the columns of it that
		// must be overlined.
		shows, overlined string
		// writes says whether the frame writes an overline line at all.
		writes bool
	}{
		{"drawn", over, "x", plain, "    OVERRED", true},
		{"another line changes", over, "y", plain, "    OVERRED", false},
		// Only the overline goes: the library sees no cell change and writes nothing.
		{"taken away", strings.ReplaceAll(over, ";53", ""), "y", plain, "", true},
		{"back", over, "y", plain, "    OVERRED", true},
		// A wide character now covers the column where the overline began.
		{"under a wide character", "\x1b[1;38;2;135;215;255m┃\x1b[mab中VER\x1b[0;31mRED\x1b[m cd", "y", "┃ab中VERRED cd", "", true},
	}
	out := &tape{}
	s := testScreen(out, cols, rows)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	defer stopScreen(t, s)
	emu := term.New(&bytes.Buffer{}, term.Options{Cols: cols, Rows: rows})
	defer emu.Close()
	for i, st := range steps {
		f := frame{lines: lines(st.third, st.last), width: cols, height: rows, cursor: &tea.Cursor{}}
		f.cursor.X, f.cursor.Y = 7, 4
		s.show(f)
		drawn(t, s, i+1)
		b := out.take()
		if got := bytes.Contains(b, []byte("\x1b7")); got != st.writes {
			t.Errorf("%s: the frame writes an overline line: %v, want %v (%q)", st.name, got, st.writes, b)
		}
		got, cur := emulate(t, emu, b)
		if got[2] != st.shows || got[4] != st.last {
			t.Fatalf("%s: the screen shows %q", st.name, got)
		}
		var marks strings.Builder
		for x := range len([]rune(st.shows)) + 1 {
			c := emu.Cell(x, 2)
			if c.Style.Attrs&term.Overline != 0 {
				marks.WriteString(c.Content)
			} else if c.Width > 0 {
				marks.WriteByte(' ')
			}
			if x >= 8 && x < 11 && st.overlined != "" {
				if fg, ok := c.Style.Fg.Index(); !ok || fg != 1 {
					t.Errorf("%s: %q at column %d lost its red", st.name, c.Content, x)
				}
			}
		}
		if strings.TrimRight(marks.String(), " ") != st.overlined {
			t.Errorf("%s: overlined %q, want %q", st.name, marks.String(), st.overlined)
		}
		if cur.X != 7 || cur.Y != 4 {
			t.Errorf("%s: cursor at %d,%d, want 7,4", st.name, cur.X, cur.Y)
		}
	}

	// A truecolour overline on a 256-colour terminal: written in the nearest of its 256
	// colours, not in the RGB it cannot show.
	out = &tape{}
	s256 := newScreen(out, screenOptions{Profile: colorprofile.ANSI256, Env: []string{"TERM=xterm-256color"}, Cols: cols, Rows: rows})
	if err := s256.start(); err != nil {
		t.Fatal(err)
	}
	defer stopScreen(t, s256)
	s256.show(frame{lines: lines("ab \x1b[0;38;2;1;2;3;53mRGB\x1b[m", "x"), width: cols, height: rows})
	drawn(t, s256, 1)
	if b := out.take(); !bytes.Contains(b, []byte("\x1b7")) || !bytes.Contains(b, []byte(";53;38;5;")) || bytes.Contains(b, []byte("38;2;1;2;3")) {
		t.Errorf("a truecolour overline on a 256-colour terminal: %q", b)
	}
}
