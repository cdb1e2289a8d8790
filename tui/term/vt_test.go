package term

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestCursorMovement(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		tests := []struct {
			name  string
			input string
			x, y  int
		}{
			{"start", "", 0, 0},
			{"text", "abc", 3, 0},
			{"CR LF", "abc\r\nde", 2, 1},
			{"LF keeps column", "abc\n", 3, 1},
			{"CUP", "\x1b[5;10H", 9, 4},
			{"CUP default", "\x1b[5;10H\x1b[H", 0, 0},
			{"CUP clamps", "\x1b[9999;9999H", 19, 9},
			{"CUU CUD CUF CUB", "\x1b[5;5H\x1b[2A\x1b[3B\x1b[4C\x1b[1D", 7, 5},
			{"CUU stops at top", "\x1b[3;1H\x1b[50A", 0, 0},
			{"CHA", "abc\x1b[8G", 7, 0},
			{"VPA", "abc\x1b[6d", 3, 5},
			{"CNL CPL", "\x1b[3;4H\x1b[2E", 0, 4},
			{"backspace", "abc\b", 2, 0},
			{"tab", "a\t", 8, 0},
			{"save restore", "\x1b[4;4H\x1b7\x1b[H\x1b8", 3, 3},
			{"pending wrap stays on last column", strings.Repeat("x", 20), 19, 0},
			{"wrap", strings.Repeat("x", 21), 1, 1},
			{"scroll keeps cursor on last row", strings.Repeat("\n", 30), 0, 9},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				vt, _ := newTerm(t, im, 20, 10)
				write(t, vt, tc.input)
				c := vt.Cursor()
				if c.X != tc.x || c.Y != tc.y || !c.Visible {
					t.Errorf("cursor = %+v, want (%d,%d) visible", c, tc.x, tc.y)
				}
			})
		}
	})
}

func TestCursorVisibilityAndShape(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, _ := newTerm(t, im, 20, 5)
		write(t, vt, "\x1b[?25l")
		if vt.Cursor().Visible {
			t.Error("cursor visible after DECTCEM reset (ESC[?25l)")
		}
		write(t, vt, "\x1b[?25h\x1b[6 q")
		if c := vt.Cursor(); !c.Visible || c.Shape != CursorBar || c.Blink {
			t.Errorf("after ESC[?25h ESC[6 q cursor = %+v, want visible steady bar", c)
		}
	})
}

func TestErase(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		const fill = "aaaaaaaaaa\r\nbbbbbbbbbb\r\ncccccccccc\x1b[2;5H"
		tests := []struct {
			name  string
			input string
			want  []string
		}{
			{"EL 0", "\x1b[K", []string{"aaaaaaaaaa", "bbbb", "cccccccccc"}},
			{"EL 1", "\x1b[1K", []string{"aaaaaaaaaa", "     bbbbb", "cccccccccc"}},
			{"EL 2", "\x1b[2K", []string{"aaaaaaaaaa", "", "cccccccccc"}},
			{"ED 0", "\x1b[J", []string{"aaaaaaaaaa", "bbbb", ""}},
			{"ED 2", "\x1b[2J", []string{"", "", ""}},
			{"ECH", "\x1b[3X", []string{"aaaaaaaaaa", "bbbb   bbb", "cccccccccc"}},
			{"ECH huge", "\x1b[1000000000X", []string{"aaaaaaaaaa", "bbbb", "cccccccccc"}},
			{"DCH", "\x1b[3P", []string{"aaaaaaaaaa", "bbbbbbb", "cccccccccc"}},
			{"ICH", "\x1b[2@", []string{"aaaaaaaaaa", "bbbb  bbbb", "cccccccccc"}},
			{"DL", "\x1b[M", []string{"aaaaaaaaaa", "cccccccccc", ""}},
			{"IL", "\x1b[L", []string{"aaaaaaaaaa", "", "bbbbbbbbbb"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				vt, _ := newTerm(t, im, 10, 3)
				write(t, vt, fill+tc.input)
				if got := screen(vt); fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("screen = %q, want %q", got, tc.want)
				}
				checkRender(t, vt)
			})
		}
	})
}

func TestSGR(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		tests := []struct {
			name  string
			input string
			style Style
			sgr   string // what Render must contain before the "x"
		}{
			{"none", "x", Style{}, ""},
			{"red", "\x1b[31mx", Style{Fg: Indexed(1)}, "\x1b[0;31m"},
			{"bright green bg", "\x1b[102mx", Style{Bg: Indexed(10)}, "\x1b[0;102m"},
			{"256", "\x1b[38;5;208mx", Style{Fg: Indexed(208)}, "\x1b[0;38;5;208m"},
			{"truecolor", "\x1b[48;2;1;2;3mx", Style{Bg: RGB(1, 2, 3)}, "\x1b[0;48;2;1;2;3m"},
			{"bold italic reverse", "\x1b[1;3;7mx", Style{Attrs: Bold | Italic | Reverse}, "\x1b[0;1;3;7m"},
			{"curly underline", "\x1b[4:3mx", Style{Underline: CurlyUnderline}, "\x1b[0;4:3m"},
			{"reset", "\x1b[1;31m\x1b[mx", Style{}, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				vt, _ := newTerm(t, im, 5, 1)
				write(t, vt, tc.input)
				if got := vt.Cell(0, 0); got.Content != "x" || got.Style != tc.style {
					t.Errorf("cell = %+v, want x with %+v", got, tc.style)
				}
				out := vt.Render()
				if !strings.HasPrefix(out, tc.sgr+"x") {
					t.Errorf("render = %q, want it to start with %q", out, tc.sgr+"x")
				}
				if last := strings.LastIndex(out, "\x1b["); tc.sgr != "" && !strings.HasPrefix(out[last:], "\x1b[m") {
					t.Errorf("render = %q does not end in the default style", out)
				}
				checkRender(t, vt)
			})
		}
	})
}

func TestWideCharacters(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, _ := newTerm(t, im, 6, 2)
		write(t, vt, "a世b")
		want := []Cell{
			{Content: "a", Width: 1},
			{Content: "世", Width: 2},
			{Content: "", Width: 0},
			{Content: "b", Width: 1},
			Blank(), Blank(),
		}
		for x, w := range want {
			if got := vt.Cell(x, 0); got != w {
				t.Errorf("cell %d = %+v, want %+v", x, got, w)
			}
		}
		if c := vt.Cursor(); c.X != 4 {
			t.Errorf("cursor x = %d after a, 世, b; want 4", c.X)
		}
		checkRender(t, vt)

		// Overwriting half of a wide character blanks the other half.
		write(t, vt, "\x1b[1;3Hz")
		if got := screen(vt)[0]; got != "a zb" {
			t.Errorf("after overwriting the right half: %q, want %q", got, "a zb")
		}
		// A wide character at the last column must never leave half a character.
		write(t, vt, "\x1b[2;6H界")
		checkRender(t, vt)
		for y := range 2 {
			for x := range 6 {
				if c := vt.Cell(x, y); c.Width == 2 && x == 5 {
					t.Errorf("wide cell %+v at the last column", c)
				}
			}
		}
	})
}

func TestAltScreen(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		for _, mode := range []string{"1049", "1047"} {
			t.Run(mode, func(t *testing.T) {
				vt, _ := newTerm(t, im, 20, 4)
				write(t, vt, "$ vi file\r\n$ ")
				before := screen(vt)
				cur := vt.Cursor()

				write(t, vt, "\x1b[?"+mode+"h\x1b[H\x1b[2Jfull screen app\x1b[3;1H~")
				if !vt.State().AltScreen {
					t.Fatal("State().AltScreen false after ESC[?" + mode + "h")
				}
				if got := screen(vt); got[0] != "full screen app" || got[1] != "" {
					t.Errorf("alt screen = %q", got)
				}
				write(t, vt, "\x1b[?"+mode+"l")
				if vt.State().AltScreen {
					t.Fatal("State().AltScreen true after ESC[?" + mode + "l")
				}
				if got := screen(vt); fmt.Sprint(got) != fmt.Sprint(before) {
					t.Errorf("main screen after leaving = %q, want %q", got, before)
				}
				if mode == "1049" {
					if c := vt.Cursor(); c != cur {
						t.Errorf("cursor after leaving = %+v, want %+v", c, cur)
					}
				}
			})
		}
	})
}

func TestQueryReplies(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		// Core says VT220 with ANSI colour; x/vt claims 132 columns and
		// selective erase as well.
		da1 := map[string]string{"core": "\x1b[?62;22c", "vt": "\x1b[?62;1;6;22c"}[im.name]
		tests := []struct {
			name  string
			query string
			reply string
		}{
			{"CPR", "abc\r\nde\x1b[6n", "\x1b[2;3R"},
			{"DA1", "\x1b[c", da1},
			{"DA2", "\x1b[>c", "\x1b[>1;10;0c"},
			{"DSR status", "\x1b[5n", "\x1b[0n"},
			{"DECRQM bracketed paste", "\x1b[?2004h\x1b[?2004$p", "\x1b[?2004;1$y"},
			{"OSC 11 background", "\x1b]11;?\x07", "\x1b]11;rgb:0000/0000/0000\x07"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				vt, s := newTerm(t, im, 20, 5)
				// Write returning at all is the point: without the drain it
				// blocks for ever.
				write(t, vt, tc.query)
				if got := s.waitFor(t, tc.reply); got != tc.reply {
					t.Errorf("pty got %q, want exactly %q", got, tc.reply)
				}
			})
		}
	})
}

func TestManyQueriesInOneWrite(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, s := newTerm(t, im, 20, 5)
		write(t, vt, strings.Repeat("\x1b[6n", 10000)+"\x1b[5n")
		got := s.waitFor(t, "\x1b[0n")
		if n := strings.Count(got, "\x1b[1;1R"); n != 10000 {
			t.Errorf("got %d cursor reports, want 10000", n)
		}
	})
}

func TestCursorKeysMode(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, s := newTerm(t, im, 20, 5)
		up := tea.KeyPressMsg{Code: tea.KeyUp}
		steps := []struct {
			output string
			want   string
		}{
			{"", "\x1b[A"},
			{"\x1b[?1h", "\x1bOA"},
			{"\x1b[?1l", "\x1b[A"},
			{"\x1b[?1h\x1bc", "\x1b[A"}, // RIS resets DECCKM
		}
		for _, st := range steps {
			write(t, vt, st.output)
			if got := inputOf(t, vt, s, func() { vt.SendKey(up) }); got != st.want {
				t.Errorf("after %q Up sends %q, want %q", st.output, got, st.want)
			}
		}
	})
}

func TestKeypadMode(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, s := newTerm(t, im, 20, 5)
		kp1 := tea.KeyPressMsg{Code: tea.KeyKp1}
		if got := inputOf(t, vt, s, func() { vt.SendKey(kp1) }); got != "1" {
			t.Errorf("numeric keypad 1 sends %q", got)
		}
		write(t, vt, "\x1b=")
		if got := inputOf(t, vt, s, func() { vt.SendKey(kp1) }); got != "\x1bOq" {
			t.Errorf("application keypad 1 sends %q", got)
		}
		write(t, vt, "\x1b>")
		if got := inputOf(t, vt, s, func() { vt.SendKey(kp1) }); got != "1" {
			t.Errorf("keypad 1 after DECKPNM sends %q", got)
		}
	})
}

func TestBracketedPaste(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, s := newTerm(t, im, 20, 5)
		const text = "echo one\necho two"
		if got := inputOf(t, vt, s, func() { vt.Paste(text) }); got != "echo one\recho two" {
			t.Errorf("plain paste sends %q", got)
		}
		write(t, vt, "\x1b[?2004h")
		if !vt.State().Modes.BracketedPaste {
			t.Fatal("BracketedPaste mode not recorded")
		}
		if got := inputOf(t, vt, s, func() { vt.Paste(text) }); got != "\x1b[200~echo one\recho two\x1b[201~" {
			t.Errorf("bracketed paste sends %q", got)
		}
		write(t, vt, "\x1b[?2004l")
		if got := inputOf(t, vt, s, func() { vt.Paste("x") }); got != "x" {
			t.Errorf("paste after ESC[?2004l sends %q", got)
		}
	})
}

func TestMouseNeedsTracking(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, s := newTerm(t, im, 20, 5)
		click := tea.MouseClickMsg{X: 2, Y: 3, Button: tea.MouseLeft}
		var sent bool
		if got := inputOf(t, vt, s, func() { sent = vt.SendMouse(click) }); sent || got != "" {
			t.Errorf("without tracking SendMouse = %v and sent %q", sent, got)
		}
		write(t, vt, "\x1b[?1000h\x1b[?1006h")
		if got := inputOf(t, vt, s, func() { sent = vt.SendMouse(click) }); !sent || got != "\x1b[<0;3;4M" {
			t.Errorf("with ?1000 ?1006 SendMouse = %v and sent %q", sent, got)
		}
		write(t, vt, "\x1b[?1000l")
		if vt.SendMouse(click) {
			t.Error("SendMouse accepted after ESC[?1000l")
		}
	})
}

func TestFocusEvents(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, s := newTerm(t, im, 20, 5)
		if got := inputOf(t, vt, s, func() { vt.Focus(true) }); got != "" {
			t.Errorf("focus without ?1004 sent %q", got)
		}
		write(t, vt, "\x1b[?1004h")
		if got := inputOf(t, vt, s, func() { vt.Focus(true); vt.Focus(false) }); got != "\x1b[I\x1b[O" {
			t.Errorf("focus with ?1004 sent %q", got)
		}
	})
}

func TestTitle(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, _ := newTerm(t, im, 20, 5)
		write(t, vt, "\x1b]0;first\x07")
		if got := vt.State().Title; got != "first" {
			t.Errorf("title after OSC 0 = %q", got)
		}
		write(t, vt, "\x1b]2;second\x1b\\")
		if got := vt.State().Title; got != "second" {
			t.Errorf("title after OSC 2 = %q", got)
		}
		write(t, vt, "\x1b]2;vi a;b\x07")
		if got := vt.State().Title; got != "vi a;b" {
			t.Errorf("title with a semicolon = %q", got)
		}
		write(t, vt, "\x1b]1;icon only\x07")
		if got := vt.State().Title; got != "vi a;b" {
			t.Errorf("title after OSC 1 (icon name) = %q", got)
		}
	})
}

func TestScrollback(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, s := newTerm(t, im, 10, 5, Options{Scrollback: 100})
		for i := range 1000 {
			write(t, vt, fmt.Sprintf("%d\r\n", i))
		}
		st := vt.State()
		if st.ScrollbackLen != 100 || st.ScrollbackMax != 100 {
			t.Fatalf("scrollback len/max = %d/%d, want 100/100", st.ScrollbackLen, st.ScrollbackMax)
		}
		// The screen holds 996..999 and the cursor row; above it 896..995.
		if got := screen(vt)[0]; got != "996" {
			t.Fatalf("live row 0 = %q, want 996", got)
		}
		vt.ScrollBy(1)
		if got := screen(vt)[0]; got != "995" {
			t.Errorf("one line up, row 0 = %q, want 995", got)
		}
		if c := vt.Cursor(); c.Y != 5-1 || c.Visible {
			// The cursor row (4 live) is now row 5: below the view.
			t.Errorf("cursor while scrolled = %+v, want hidden", c)
		}
		vt.ScrollPages(1)
		if got := vt.State().ScrollOffset; got != 6 {
			t.Errorf("offset after a line and a page = %d, want 6", got)
		}
		vt.ScrollBy(1 << 60)
		if got := screen(vt); got[0] != "896" || vt.State().ScrollOffset != 100 {
			t.Errorf("top of scrollback: row 0 = %q, offset %d; want 896, 100", got[0], vt.State().ScrollOffset)
		}
		checkRender(t, vt)
		vt.ScrollBy(-(1 << 60))
		if got := vt.State().ScrollOffset; got != 0 {
			t.Errorf("offset after scrolling far down = %d", got)
		}

		// Output while scrolled up keeps the view on the same lines while there
		// is room; typing returns it to live.
		vt2, s2 := newTerm(t, im, 10, 3, Options{Scrollback: 100})
		for i := range 10 {
			write(t, vt2, fmt.Sprintf("%d\r\n", i))
		}
		vt2.ScrollBy(3)
		top := screen(vt2)[0]
		write(t, vt2, "10\r\n11\r\n")
		if got := screen(vt2)[0]; got != top {
			t.Errorf("row 0 moved from %q to %q while scrolled up", top, got)
		}
		_ = inputOf(t, vt2, s2, func() { vt2.SendKey(tea.KeyPressMsg{Code: 'a', Text: "a"}) })
		if got := vt2.State().ScrollOffset; got != 0 {
			t.Errorf("offset after typing = %d, want 0", got)
		}
		vt2.ScrollBy(2)
		vt2.ScrollToLive()
		if got := vt2.State().ScrollOffset; got != 0 {
			t.Errorf("offset after ScrollToLive = %d", got)
		}

		// The alternate screen has no scrollback to scroll.
		write(t, vt, "\x1b[?1049h")
		vt.ScrollBy(10)
		if got := vt.State().ScrollOffset; got != 0 {
			t.Errorf("offset in the alternate screen = %d", got)
		}
		_ = s
	})
}

// TestRenderSize renders awkward content at awkward sizes, resized and
// scrolled: every render must be the exact size and show what the cells hold.
// At 3×7 the core's screen is also checked by hand: it wraps wide characters
// that do not fit at the right edge, as xterm does (x/vt loses them, a quirk
// pinned in TestVTQuirks).
func TestRenderSize(t *testing.T) {
	contents := []struct {
		name, content string
		core3x7       []string
	}{
		{"empty", "", []string{"", "", "", "", "", "", ""}},
		{"text", "hello\r\nworld", []string{"hel", "lo", "wor", "ld", "", "", ""}},
		// 400 wide characters, one a row: the last seven, ending in 界.
		{"wide", strings.Repeat("世界", 200), []string{"界", "世", "界", "世", "界", "世", "界"}},
		{"colours", "\x1b[41m  \x1b[1;38;2;9;9;9mab\x1b[0m c", []string{"  a", "b c", "", "", "", "", ""}},
		// The lone accent joins the space before it.
		{"combining", "e\u0301 a\u0301\u0302 \u0301x", []string{"e\u0301 a\u0301\u0302", " \u0301x", "", "", "", "", ""}},
		// wcwidth's widths: each emoji of the sequences two columns, so
		// each wraps alone; a regional indicator one.
		{"emoji", "👍🏽 👨‍👩‍👧 🇫🇷🇩🇪 x", []string{"👍", "🏽", "👨", "👩", "👧", "🇫🇷🇩", "🇪 x"}},
		// NUL and DEL are ignored; NEL (U+0085) after a full row moves to the next.
		{"controls", "a\x00b\x7fc\u0085d", []string{"abc", "d", "", "", "", "", ""}},
		// 10,000 digits, three a row: the last row holds the 10,000th, a 9.
		{"long", strings.Repeat("0123456789", 1000), []string{"123", "456", "789", "012", "345", "678", "9"}},
	}
	sizes := [][2]int{{0, 0}, {1, 1}, {1, 5}, {5, 1}, {2, 2}, {80, 24}, {3, 7}}
	forEachImpl(t, func(t *testing.T, im impl) {
		for _, c := range contents {
			for _, sz := range sizes {
				t.Run(fmt.Sprintf("%s/%dx%d", c.name, sz[0], sz[1]), func(t *testing.T) {
					vt, _ := newTerm(t, im, sz[0], sz[1])
					write(t, vt, c.content)
					checkRender(t, vt)
					if im.name == "core" && sz == [2]int{3, 7} {
						if got := screen(vt); fmt.Sprint(got) != fmt.Sprint(c.core3x7) {
							t.Errorf("screen = %q, want %q", got, c.core3x7)
						}
					}
					vt.Resize(sz[1]+3, sz[0]+1)
					checkRender(t, vt)
					vt.ScrollBy(2)
					checkRender(t, vt)
				})
			}
		}
	})
}

func TestResizeClamps(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, _ := newTerm(t, im, 10, 5)
		for _, sz := range [][2]int{{0, 0}, {-5, -5}, {1, 1}, {1 << 30, 1 << 30}, {-1, 1 << 40}, {MaxCols, 1}} {
			vt.Resize(sz[0], sz[1])
			write(t, vt, "text\r\n\x1b[6n\x1b[9999;9999Hx")
			cols, rows := vt.Size()
			wc, wr := clampSize(sz[0], sz[1])
			if cols != wc || rows != wr {
				t.Errorf("Resize(%d, %d): size %dx%d, want %dx%d", sz[0], sz[1], cols, rows, wc, wr)
			}
			checkRender(t, vt)
		}
	})
}

func TestResizeStormWithOutput(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, _ := newTerm(t, im, 80, 24)
		// Huge sizes cost x/vt a full-screen copy per scrolled line; 1<<30 columns
		// by 3 rows is clamped to MaxCols and still cheap.
		sizes := [][2]int{{80, 24}, {0, 0}, {1, 1}, {200, 50}, {13, 7}, {1 << 30, 3}, {-1, -1}, {40, 1}}
		var wg sync.WaitGroup
		stop := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			chunk := []byte("\x1b[31mred\x1b[m 世界 \x1b[6n\x1b[?1049h\x1b[5;5Hx\x1b[?1049l" + strings.Repeat("line\r\n", 20))
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := vt.Write(chunk); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				out := vt.Render()
				_ = vt.Cursor()
				_ = vt.State()
				if !renderFitsOneOf(out, sizes) {
					t.Errorf("render fits none of the sizes: %q", out)
					return
				}
			}
		}()
		for i := range 300 {
			sz := sizes[i%len(sizes)]
			vt.Resize(sz[0], sz[1])
			vt.ScrollBy(i%7 - 3)
			runtime.Gosched()
		}
		close(stop)
		wg.Wait()
		vt.Resize(30, 10)
		checkRender(t, vt)
		if got := vt.State().Resets; got != 0 {
			t.Errorf("the emulator was reset %d times", got)
		}
	})
}

func renderFitsOneOf(out string, sizes [][2]int) bool {
	lines := strings.Split(out, "\n")
	for _, sz := range sizes {
		sz[0], sz[1] = clampSize(sz[0], sz[1])
		if sz[1] == 0 {
			if out == "" {
				return true
			}
			continue
		}
		if len(lines) != sz[1] {
			continue
		}
		ok := true
		for _, l := range lines {
			if ansi.StringWidth(l) != sz[0] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func TestDirty(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, _ := newTerm(t, im, 10, 3)
		vt.TakeDirty()
		if vt.TakeDirty() {
			t.Fatal("dirty twice without a change")
		}
		write(t, vt, "x")
		write(t, vt, "y")
		if !vt.TakeDirty() {
			t.Error("not dirty after Write")
		}
		_ = vt.Render()
		if vt.TakeDirty() {
			t.Error("dirty after only rendering")
		}
		vt.Resize(11, 3)
		if !vt.TakeDirty() {
			t.Error("not dirty after Resize")
		}
		vt.Resize(11, 3)
		if vt.TakeDirty() {
			t.Error("dirty after a Resize to the same size")
		}
	})
}

func TestRenderCache(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, _ := newTerm(t, im, 10, 3)
		write(t, vt, "one")
		a := vt.Render()
		if b := vt.Render(); a != b {
			t.Fatalf("two renders differ: %q, %q", a, b)
		}
		write(t, vt, "two")
		if c := vt.Render(); c == a || !strings.HasPrefix(c, "onetwo") {
			t.Errorf("render after more output = %q", c)
		}
	})
}

func TestREPClampedToALine(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, _ := newTerm(t, im, 10, 3)
		write(t, vt, "x\x1b[1000000000b")
		want := []string{strings.Repeat("x", 10), "x", ""}
		if got := screen(vt); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("screen = %q, want %q", got, want)
		}
		write(t, vt, "\x1b[H\x1b[2Jy\x1b[3b")
		if got := screen(vt)[0]; got != "yyyy" {
			t.Errorf("ESC[3b after y: %q, want yyyy", got)
		}
	})
}

func TestHugeCountsReturn(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, _ := newTerm(t, im, 80, 24)
		for _, seq := range []string{
			"\x1b[1000000000X", "\x1b[1000000000I", "\x1b[1000000000Z", "\x1b[1000000000@",
			"\x1b[1000000000P", "\x1b[1000000000L", "\x1b[1000000000M", "\x1b[1000000000S",
			"\x1b[1000000000T", "\x1b[99999999999999999999999999A", "\x1b[2147483647X",
			"\x1b[1;99999999999999999999r", "\x1b[9999999999;9999999999H",
		} {
			write(t, vt, "x"+seq)
		}
		// Each count acts as the largest that means something: the tab stops
		// at the last column and back at the first (where the x still wraps,
		// as the last column left it pending), the line ops and scrolls clear
		// everything below and then the screen (24 lines to the scrollback),
		// the cursor stops at the top and then at the bottom right.
		want := []string{"x  xx", "  x"}
		for len(want) < 24 {
			want = append(want, "")
		}
		if got := screen(vt); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("screen = %q, want %q", got, want)
		}
		if c := vt.Cursor(); c.X != 79 || c.Y != 23 || !c.Visible {
			t.Errorf("cursor = %+v, want visible at the bottom right (79, 23)", c)
		}
		if got := vt.State().ScrollbackLen; got != 24 {
			t.Errorf("scrollback holds %d lines, want the 24 that ESC[1000000000S scrolled off", got)
		}
		checkRender(t, vt)
	})
}

func TestWriteAfterClose(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		vt, s := newTerm(t, im, 10, 3)
		write(t, vt, "kept")
		if err := vt.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := vt.Write([]byte("x")); !errors.Is(err, ErrClosed) {
			t.Errorf("Write after Close: %v, want ErrClosed", err)
		}
		if got := screen(vt)[0]; got != "kept" {
			t.Errorf("screen after Close = %q, want the last output", got)
		}
		vt.SendKey(tea.KeyPressMsg{Code: 'a', Text: "a"})
		vt.Paste("x")
		vt.Resize(5, 5)
		if err := vt.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if got := s.String(); got != "" {
			t.Errorf("input after Close reached the pty: %q", got)
		}
	})
}

// goroutinesOf counts goroutines whose stacks mention fn.
func goroutinesOf(fn string) int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, fn) {
			n++
		}
	}
	return n
}

func TestCloseStopsGoroutines(t *testing.T) {
	const n = 8
	var vts []*VT
	for range n {
		vt, s := newVT(t, 20, 5)
		write(t, vt, "\x1b[c\x1b[6n")
		s.waitFor(t, "R")
		vts = append(vts, vt)
	}
	if got := goroutinesOf("term.(*VT).drain"); got < n {
		t.Fatalf("%d drain goroutines for %d terminals", got, n)
	}
	for _, vt := range vts {
		if err := vt.Close(); err != nil {
			t.Fatal(err)
		}
		<-vt.in.stopped
	}
	// Close waited for both; the goroutines may still be unwinding their
	// last frames, on a thread the machine has not run since, so wait for
	// them to go rather than for a number of scheduler turns.
	deadline := time.Now().Add(hangLimit)
	for {
		drains, writers := goroutinesOf("term.(*VT).drain"), goroutinesOf("term.(*inputQueue).run")
		if drains+writers == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v after Close: %d drain and %d writer goroutines left", hangLimit, drains, writers)
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

// stuckWriter blocks every Write until released.
type stuckWriter struct{ release chan struct{} }

func (w stuckWriter) Write(p []byte) (int, error) {
	<-w.release
	return len(p), nil
}

func TestCloseWithStuckPty(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		w := stuckWriter{release: make(chan struct{})}
		vt := im.new(w, Options{Cols: 10, Rows: 3})
		// The application is not reading its input: replies and keys pile up,
		// but output keeps flowing.
		for range 100 {
			write(t, vt, "\x1b[6n\x1b[c")
		}
		vt.SendKey(tea.KeyPressMsg{Code: 'a', Text: "a"})
		if err := vt.Close(); err != nil {
			t.Fatal(err)
		}
		close(w.release) // the owner closes the pty; the blocked Write returns
		<-queueOf(vt).stopped
	})
}

// heldWriter is a pty that takes nothing until released, then passes
// everything on to w.
type heldWriter struct {
	release chan struct{}
	w       io.Writer
}

func (h heldWriter) Write(p []byte) (int, error) {
	<-h.release
	return h.w.Write(p)
}

// TestInputDroppedWhenPtyStuck queues twice maxQueued for a pty that takes
// nothing. The first half fits whether or not the writer goroutine has taken
// some of it into its Write yet, the second half is dropped, and once the pty
// takes input again the first half arrives whole and in order.
func TestInputDroppedWhenPtyStuck(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		s := newSink()
		w := heldWriter{release: make(chan struct{}), w: s}
		vt := im.new(w, Options{Cols: 10, Rows: 3})
		released := false
		defer func() {
			if !released {
				close(w.release)
			}
			_ = vt.Close()
		}()
		const n = maxQueued / 4
		var kept strings.Builder
		for i := range 8 {
			p := strings.Repeat(string(rune('a'+i)), n)
			vt.Paste(p)
			if i < 4 {
				kept.WriteString(p)
			}
		}
		if dropped, _ := queueOf(vt).stats(); dropped != 4*n {
			t.Errorf("dropped %d bytes after queueing 8 pastes of %d for a stuck pty, want the last 4 (%d)", dropped, n, 4*n)
		}
		close(w.release)
		released = true
		got := s.waitLen(t, kept.Len())
		if i := firstDiff(got, kept.String()); i >= 0 {
			t.Errorf("the pty got %q at byte %d of the kept pastes, want %q", got[i], i, kept.String()[i])
		}
	})
}

func TestEmulatorPanicResets(t *testing.T) {
	vt, s := newVT(t, 40, 5)
	write(t, vt, "before\r\n\x1b[?2004h")
	vt.mu.Lock()
	vt.emu.RegisterCsiHandler('y', func(ansi.Params) bool { panic("injected fault") })
	vt.mu.Unlock()
	write(t, vt, "\x1b[y")
	st := vt.State()
	if st.Resets != 1 {
		t.Fatalf("Resets = %d after a panic, want 1", st.Resets)
	}
	if st.Modes.BracketedPaste {
		t.Error("modes survived the reset")
	}
	if got := screen(vt)[0]; !strings.Contains(got, "terminal reset") {
		t.Errorf("row 0 after reset = %q, want the note", got)
	}
	// The new emulator answers queries: its pipe is drained too.
	write(t, vt, "\x1b[6n")
	s.waitFor(t, "\x1b[2;1R")
	checkRender(t, vt)
}

func TestLongLine10MiB(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		if testing.Short() {
			t.Skip("feeds 10 MiB through x/vt's per-line scroll; skipped with -short")
		}
		vt, _ := newTerm(t, im, 80, 24, Options{Scrollback: 1000})
		line := strings.Repeat("0123456789", 1<<20) + "\r\nend"
		write(t, vt, line)
		if got := screen(vt)[23]; got != "end" {
			t.Errorf("last row = %q, want end", got)
		}
		if got := screen(vt)[22]; got != strings.Repeat("0123456789", 8) {
			t.Errorf("row 22 = %q", got)
		}
		checkRender(t, vt)
	})
}

func TestChunkLen(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"short", "abc", 3},
		{"no newlines, long", strings.Repeat("x", 3*ChunkSize), ChunkSize},
		{"few newlines", strings.Repeat("ab\n", 10), 30},
		{"many newlines", strings.Repeat("\n", 1000), LinesPerLock},
		{"lines of text", strings.Repeat("line\r\n", 1000), LinesPerLock * 6},
		{"newlines past the byte limit", strings.Repeat("x", ChunkSize-1) + "\n\n", ChunkSize},
	}
	for _, tc := range tests {
		if got := chunkLen([]byte(tc.in)); got != tc.want {
			t.Errorf("%s: chunkLen = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestMarginsBeyondScreen sets scroll margins past the screen, then inserts
// and deletes lines: x/vt v0.1.0 panicked here (FuzzTerminal found it).
func TestMarginsBeyondScreen(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im impl) {
		// Core has no left and right margins (DECLRMM): there ESC[s saves
		// the cursor, and the insert happens.
		right := map[string][]string{"core": {"  abc"}, "vt": {"abc"}}[im.name]
		tests := []struct {
			name  string
			input string
			want  []string
		}{
			{"bottom past the screen", "a\r\nb\r\nc\x1b[;17r\x1b[2;1H\x1b[1L0", []string{"a", "0", "b"}},
			{"bottom past, delete", "a\r\nb\r\nc\x1b[2;99r\x1b[2;1H\x1b[M", []string{"a", "c", ""}},
			{"bottom past, scroll", "a\r\nb\r\nc\x1b[2;99r\x1b[3;1H\n", []string{"a", "c", ""}},
			{"right past the screen", "\x1b[?69h\x1b[2;99sabc\x1b[1;1H\x1b[2@", right},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				vt, _ := newTerm(t, im, 10, 3)
				write(t, vt, tc.input)
				if got := vt.State().Resets; got != 0 {
					t.Fatalf("the emulator was reset %d times", got)
				}
				if got := screen(vt); fmt.Sprint(got[:len(tc.want)]) != fmt.Sprint(tc.want) {
					t.Errorf("screen = %q, want %q", got, tc.want)
				}
			})
		}
	})
}
