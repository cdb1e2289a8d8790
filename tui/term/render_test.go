package term

import (
	"testing"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

func TestNormalizeLine(t *testing.T) {
	red := Style{Fg: Indexed(1)}
	c := func(s string, w int) Cell { return Cell{Content: s, Width: w} }
	cover := Cell{}
	tests := []struct {
		name string
		cols int
		src  []Cell
		want []Cell
	}{
		{"short line padded", 3, []Cell{c("a", 1)}, []Cell{c("a", 1), Blank(), Blank()}},
		{"long line cut", 2, []Cell{c("a", 1), c("b", 1), c("c", 1)}, []Cell{c("a", 1), c("b", 1)}},
		{"wide kept", 3, []Cell{c("世", 2), cover, c("x", 1)}, []Cell{c("世", 2), cover, c("x", 1)}},
		{"wide without its cover cell", 3, []Cell{c("世", 2)}, []Cell{c("世", 2), cover, Blank()}},
		{"wide cut by the edge", 3, []Cell{c("a", 1), c("b", 1), c("世", 2)}, []Cell{c("a", 1), c("b", 1), Blank()}},
		{"orphan cover cell", 2, []Cell{cover, c("x", 1)}, []Cell{Blank(), c("x", 1)}},
		{"zero-width cluster", 2, []Cell{c("\u0301", 0), c("x", 1)}, []Cell{Blank(), c("x", 1)}},
		{"empty content", 2, []Cell{{Content: "", Width: 1, Style: red}}, []Cell{{Content: " ", Width: 1, Style: red}, Blank()}},
		{"blank keeps its style", 1, []Cell{{Content: "世", Width: 2, Style: red}}, []Cell{{Content: " ", Width: 1, Style: red}}},
		{"C0 control", 1, []Cell{c("\x07", 1)}, []Cell{c(replacement, 1)}},
		{"C1 control", 1, []Cell{c("\u009b", 1)}, []Cell{c(replacement, 1)}},
		{"ASCII of width 2", 2, []Cell{c("a", 2), cover}, []Cell{c(replacement, 1), Blank()}},
		{"width that lies", 2, []Cell{c("世", 1), c("x", 1)}, []Cell{c(replacement, 1), c("x", 1)}},
		{"wide that lies", 2, []Cell{c("é", 2), cover}, []Cell{c(replacement, 1), Blank()}},
		{"flag halves that join", 5, []Cell{c("\U0001F1EB", 2), cover, c("\U0001F1F7", 2), cover, c("x", 1)},
			[]Cell{c(replacement, 1), Blank(), c(replacement, 1), Blank(), c("x", 1)}},
		{"a jamo vowel alone, of width 0 in wcwidth", 4, []Cell{c("\u1100", 2), cover, c("\u1161", 1), c("x", 1)},
			[]Cell{c("\u1100", 2), cover, c(replacement, 1), c("x", 1)}},
		// x/ansi, which places cells on the screen, gives the vowel a column:
		// jamo that spell a syllable are drawn as it; old Hangul jamo, which
		// spell none, are a replacement.
		{"jamo joined", 3, []Cell{c("\u1100\u1161", 2), cover, c("x", 1)}, []Cell{c("\uac00", 2), cover, c("x", 1)}},
		{"jamo with a final", 3, []Cell{c("\u1100\u1161\u11a8", 2), cover, c("x", 1)}, []Cell{c("\uac01", 2), cover, c("x", 1)}},
		{"old jamo joined", 3, []Cell{c("\u1113\u1161", 2), cover, c("x", 1)}, []Cell{c(replacement, 1), Blank(), c("x", 1)}},
		{"clusters that stay apart", 4, []Cell{c("世", 2), cover, c("é", 1), c("x", 1)},
			[]Cell{c("世", 2), cover, c("é", 1), c("x", 1)}},
		{"zero columns", 0, []Cell{c("a", 1)}, []Cell{}},
		{"unassigned", 2, []Cell{c("\u0378", 1), c("\U000D6C5A", 1)}, []Cell{c(replacement, 1), c(replacement, 1)}},
		{"noncharacter", 1, []Cell{c("\U0010FFFE", 1)}, []Cell{c(replacement, 1)}},
		{"private use kept", 1, []Cell{c("\ue0b0", 1)}, []Cell{c("\ue0b0", 1)}},
		{"format character alone", 1, []Cell{c("\u200b", 1)}, []Cell{c(replacement, 1)}},
		{"a ZWJ sequence as one wide cell", 3, []Cell{c("👨\u200d👩", 2), cover, c("x", 1)}, []Cell{c(replacement, 1), Blank(), c("x", 1)}},
		{"a joiner at the end not drawn", 3, []Cell{c("👨\u200d", 2), cover, c("x", 1)}, []Cell{c("👨", 2), cover, c("x", 1)}},
		{"VS16 not drawn", 2, []Cell{c("✔\ufe0f", 1), c("x", 1)}, []Cell{c("✔", 1), c("x", 1)}},
		{"a skin tone modifier is a character", 4, []Cell{c("👍", 2), cover, c("🏽", 2), cover}, []Cell{c("👍", 2), cover, c("🏽", 2), cover}},
		{"a soft hyphen is drawn as a hyphen", 1, []Cell{c("\u00ad", 1)}, []Cell{c("-", 1)}},
		{"no-break space kept", 1, []Cell{c("\u00a0", 1)}, []Cell{c("\u00a0", 1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := make([]Cell, tc.cols)
			normalizeLine(got, tc.src)
			for i := range tc.want {
				if got[i] != tc.want[i] {
					t.Errorf("cell %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			if w := ansi.WcWidth.StringWidth(string(renderLine(nil, got))); w != tc.cols {
				t.Errorf("rendered width %d, want %d", w, tc.cols)
			}
		})
	}
}

func TestReplacementIsOneColumn(t *testing.T) {
	if w := ansi.StringWidth(replacement); w != 1 {
		t.Fatalf("replacement %q is %d columns wide", replacement, w)
	}
}

func TestAppendSGR(t *testing.T) {
	tests := []struct {
		style Style
		want  string
	}{
		{Style{}, "\x1b[m"},
		{Style{Fg: Indexed(0)}, "\x1b[0;30m"},
		{Style{Fg: Indexed(7), Bg: Indexed(8)}, "\x1b[0;37;100m"},
		{Style{Fg: Indexed(15)}, "\x1b[0;97m"},
		{Style{Fg: Indexed(16)}, "\x1b[0;38;5;16m"},
		{Style{Fg: RGB(255, 0, 128)}, "\x1b[0;38;2;255;0;128m"},
		{Style{UnderlineColor: Indexed(3), Underline: DoubleUnderline}, "\x1b[0;4:2;58;5;3m"},
		{Style{UnderlineColor: RGB(1, 2, 3), Underline: SingleUnderline}, "\x1b[0;4;58;2;1;2;3m"},
		{Style{Attrs: Bold | Faint | Italic | Blink | RapidBlink | Reverse | Conceal | Strikethrough}, "\x1b[0;1;2;3;5;6;7;8;9m"},
		{Style{Attrs: Overline}, "\x1b[0;53m"},
	}
	for _, tc := range tests {
		if got := string(appendSGR(nil, tc.style)); got != tc.want {
			t.Errorf("appendSGR(%+v) = %q, want %q", tc.style, got, tc.want)
		}
	}
}

func TestRenderLineStandsAlone(t *testing.T) {
	red := Style{Fg: Indexed(1)}
	line := []Cell{{Content: "a", Width: 1, Style: red}, {Content: "b", Width: 1, Style: red}, Blank(), {Content: "c", Width: 1, Style: red}}
	if got, want := string(renderLine(nil, line)), "\x1b[0;31mab\x1b[m \x1b[0;31mc\x1b[m"; got != want {
		t.Errorf("renderLine = %q, want %q", got, want)
	}
}

func TestColorOf(t *testing.T) {
	tests := []struct {
		in   any
		want Color
	}{
		{nil, DefaultColor},
		{ansi.BasicColor(3), Indexed(3)},
		{ansi.IndexedColor(200), Indexed(200)},
		{ansi.TrueColor(0x102030), RGB(0x10, 0x20, 0x30)},
		{ansi.RGBColor{R: 1, G: 2, B: 3}, RGB(1, 2, 3)},
	}
	for _, tc := range tests {
		var got Color
		if tc.in == nil {
			got = colorOf(nil)
		} else {
			got = colorOf(tc.in.(interface {
				RGBA() (r, g, b, a uint32)
			}))
		}
		if got != tc.want {
			t.Errorf("colorOf(%#v) = %#x, want %#x", tc.in, got, tc.want)
		}
	}
}

func TestAttrBitsMatchUV(t *testing.T) {
	pairs := []struct {
		uv   int
		attr Attr
	}{
		{uv.AttrBold, Bold}, {uv.AttrFaint, Faint}, {uv.AttrItalic, Italic},
		{uv.AttrBlink, Blink}, {uv.AttrRapidBlink, RapidBlink}, {uv.AttrReverse, Reverse},
		{uv.AttrConceal, Conceal}, {uv.AttrStrikethrough, Strikethrough},
	}
	for _, p := range pairs {
		if Attr(p.uv) != p.attr {
			t.Errorf("uv attribute %#x is not our %#x: cellOf must map them", p.uv, p.attr)
		}
	}
}
