package term

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// FuzzTerminal writes arbitrary output in pieces to each implementation,
// resizing, scrolling and rendering between them, with the replies drained as
// always. Every Write must return, every render must be exactly rows×cols and
// agree with the cells, and no emulator may need resetting.
func FuzzTerminal(f *testing.F) {
	for _, seed := range []string{
		"\x1b[1000000000X",
		"\x1b[c", "\x1b[6n", "\x1b[>c", "\x1b[?2004$p", "\x1b[5n",
		"\x1b]0;unterminated title",
		"\x1bP1;2|unterminated dcs",
		"\x1b]8;;http://x\x07link\x1b]8;;\x07",
		"\x1b[9999;9999H", "\x1b[9999;9999Hx\x1b[6n",
		"\x1b[?1049hno way back",
		"x\x1b[1000000000b",
		"\x1b[2;5r\x1b[5;1H\n\n\n\x1bM\x1bM\x1b[L\x1b[M",
		"a世\u0301👨‍👩‍👧🇫🇷\x1b[1;2H界",
		"\x1b[38;2;1;2;3;48;5;200;4:3;58:2::9:9:9mstyled\x1b[m",
		"\x1b#8\x1b(0lqk\x1b(B\x0e\x0f",
		"\x1b[?1h\x1b=\x1b[?1000;1006;2004h\x1bc",
		"\x1b[?6h\x1b[?69h\x1b[5;10s\x1b[3;3Hx",
		string(bytes.Repeat([]byte("0123456789abcdef"), 1<<16)), // a 1 MiB line
	} {
		f.Add([]byte(seed), uint8(80), uint8(24), uint16(7))
	}
	for _, name := range []string{"vi-open", "vi-quit", "less-open", "top-run"} {
		if data, err := os.ReadFile(filepath.Join("testdata", name+".bytes")); err == nil {
			f.Add(data, uint8(recCols), uint8(recRows), uint16(500))
		}
	}
	f.Add([]byte("tiny"), uint8(0), uint8(0), uint16(1))
	f.Add([]byte("\x1b[6n\x1b[2J"), uint8(1), uint8(1), uint16(0))

	f.Fuzz(func(t *testing.T, data []byte, cols, rows uint8, cut uint16) {
		for _, im := range impls() {
			c, r := int(cols)%160, int(rows)%60
			if im.name == "vt" && len(data) > 64<<10 {
				// x/vt copies the whole screen for each scrolled line: keep
				// big inputs on a small screen, or one input takes minutes.
				c, r = min(c, 40), min(r, 10)
			}
			term, _ := newTerm(t, im, c, r, Options{Scrollback: 50})
			fuzzTerminal(t, term, data, c, r, cut)
			if r := term.State().Resets; r != 0 {
				t.Errorf("%s: the emulator panicked %d times", im.name, r)
			}
		}
	})
}

func fuzzTerminal(t *testing.T, term Terminal, data []byte, c, r int, cut uint16) {
	sizes := [][2]int{{c, r}, {r % 37, c % 23}, {0, 0}, {1, 1}}
	step := max(int(cut), 1)
	for i := 0; len(data) > 0; i++ {
		n := min(step, len(data))
		if written, err := term.Write(data[:n]); err != nil || written != n {
			t.Fatalf("Write = %d, %v; want %d, nil", written, err, n)
		}
		data = data[n:]
		sz := sizes[i%len(sizes)]
		switch i % 3 {
		case 0:
			term.Resize(sz[0], sz[1])
		case 1:
			term.ScrollBy(i%11 - 4)
		}
		cols, rows := term.Size()
		checkGrid(t, term.Render(), cols, rows)
		checkRenderFresh(t, term)
		if i > 64 {
			// The rest in one go: enough interleaving for one input.
			step = len(data)
		}
	}
	term.ScrollToLive()
	checkRenderMatchesCells(t, term)
}

// FuzzDifferential feeds the same bytes to Core and to x/vt. On text made
// of printable ASCII and the controls shells use (CR, LF, BS, HT), where both
// are defined and agree with xterm, their screens and cursors must be the
// same; on anything else Core must only stay well (FuzzTerminal).
func FuzzDifferential(f *testing.F) {
	for _, seed := range []string{
		"hello\r\nworld", "abcdefghijklmnopqrstuvwxyz0123456789", "a\tb\tc\bd\r\n",
		strings.Repeat("x", 85) + "\r\n\b\by", "\n\n\n\n\n\n\n\n\n\n\n\nq",
		string(seqOutput(300)),
	} {
		f.Add([]byte(seed), uint8(20), uint8(6))
	}
	f.Fuzz(func(t *testing.T, data []byte, cols, rows uint8) {
		for _, b := range data {
			if (b < 0x20 || b >= 0x7f) && b != '\r' && b != '\n' && b != '\b' && b != '\t' {
				return
			}
		}
		if len(data) > 16<<10 {
			return
		}
		c, r := 1+int(cols)%100, 1+int(rows)%40
		core, vt := diffTerms(t, c, r)
		write(t, core, string(data))
		write(t, vt, string(data))
		for _, d := range append(viewDiff(core, vt, true), scrollbackDiff(core, vt)...) {
			t.Fatalf("%s\n  core: %q\n  x/vt: %q", d, screen(core), screen(vt))
		}
	})
}

// checkRenderFresh checks that Core's render, which styles again only the
// rows whose cells changed since the last one, is each row's cells (read
// one by one, whole) styled afresh.
func checkRenderFresh(t *testing.T, term Terminal) {
	t.Helper()
	core, ok := term.(*Core)
	if !ok {
		return
	}
	cols, rows := core.Size()
	if rows == 0 {
		return
	}
	row := make([]Cell, cols)
	for y, line := range strings.Split(core.Render(), "\n") {
		for x := range row {
			row[x] = core.Cell(x, y)
		}
		if want := string(renderLine(nil, row)); line != want {
			t.Fatalf("row %d renders as %q; styled afresh it is %q", y, line, want)
		}
	}
}

// checkRenderMatchesCells checks the render's size and that its text is the
// cells' content, row by row.
func checkRenderMatchesCells(t *testing.T, vt Terminal) {
	t.Helper()
	cols, rows := vt.Size()
	out := vt.Render()
	checkGrid(t, out, cols, rows)
	if rows == 0 {
		return
	}
	for y, line := range strings.Split(out, "\n") {
		var want strings.Builder
		for x := range cols {
			want.WriteString(vt.Cell(x, y).Content)
		}
		if got := ansi.Strip(line); got != want.String() {
			t.Fatalf("row %d renders as %q but its cells hold %q", y, got, want.String())
		}
	}
}
