package term

import (
	"fmt"
	"testing"
)

// TestSGRStyles sets each SGR attribute and colour form the core reads, and
// the ones it must ignore, and checks the style of the x printed after.
func TestSGRStyles(t *testing.T) {
	tests := []struct {
		sgr  string
		want Style
	}{
		{"2", Style{Attrs: Faint}},
		{"5", Style{Attrs: Blink}},
		{"6", Style{Attrs: RapidBlink}},
		{"8", Style{Attrs: Conceal}},
		{"9", Style{Attrs: Strikethrough}},
		{"1;2;3;5;6;7;8;9", Style{Attrs: Bold | Faint | Italic | Blink | RapidBlink | Reverse | Conceal | Strikethrough}},
		{"4", Style{Underline: SingleUnderline}},
		{"21", Style{Underline: DoubleUnderline}},
		{"4:0", Style{}},
		{"4:2", Style{Underline: DoubleUnderline}},
		{"4:4", Style{Underline: DottedUnderline}},
		{"4:5", Style{Underline: DashedUnderline}},
		{"4:9", Style{Underline: DashedUnderline}},

		{"1;2;22", Style{}},
		{"1;3;23", Style{Attrs: Bold}},
		{"4;24", Style{}},
		{"5;6;25", Style{}},
		{"7;27", Style{}},
		{"8;28", Style{}},
		{"9;29", Style{}},
		{"53", Style{Attrs: Overline}},
		{"1;53;55", Style{Attrs: Bold}},
		{"1;0", Style{}},

		{"30", Style{Fg: Indexed(0)}},
		{"37", Style{Fg: Indexed(7)}},
		{"31;39", Style{}},
		{"40", Style{Bg: Indexed(0)}},
		{"47", Style{Bg: Indexed(7)}},
		{"41;49", Style{}},
		{"90", Style{Fg: Indexed(8)}},
		{"97", Style{Fg: Indexed(15)}},
		{"100", Style{Bg: Indexed(8)}},
		{"107", Style{Bg: Indexed(15)}},

		{"38;5;0", Style{Fg: Indexed(0)}},
		{"48;5;255", Style{Bg: Indexed(255)}},
		{"58;5;9", Style{UnderlineColor: Indexed(9)}},
		{"58;5;9;59", Style{}},
		{"38;2;255;0;128", Style{Fg: RGB(255, 0, 128)}},
		{"58;2;1;2;3", Style{UnderlineColor: RGB(1, 2, 3)}},
		{"38:5:208", Style{Fg: Indexed(208)}},
		{"48:2:1:2:3", Style{Bg: RGB(1, 2, 3)}},
		{"48:2::1:2:3", Style{Bg: RGB(1, 2, 3)}},
		{"48:2:0:4:5:6", Style{Bg: RGB(4, 5, 6)}},
		{"58:2::7:8:9", Style{UnderlineColor: RGB(7, 8, 9)}},

		// After a colour the next parameter is read as usual.
		{"38;5;1;1", Style{Fg: Indexed(1), Attrs: Bold}},
		{"38;2;1;2;3;4", Style{Fg: RGB(1, 2, 3), Underline: SingleUnderline}},
		{"38:5:1;3", Style{Fg: Indexed(1), Attrs: Italic}},

		// Values out of range are ignored; an incomplete colour ends the SGR.
		{"38;5;256", Style{}},
		{"38;2;256;0;0", Style{}},
		{"48:2:1:2:300", Style{}},
		{"38:5", Style{}},
		{"38:2:1:2", Style{}},
		{"38:7:1", Style{}},
		{"38", Style{}},
		{"38;5", Style{}},
		{"1;38;2;1;2", Style{Attrs: Bold}},
		{"38;9;1", Style{}},
		{"1;99;3", Style{Attrs: Bold | Italic}},
	}
	for _, tc := range tests {
		t.Run(tc.sgr, func(t *testing.T) {
			term, _ := newCore(t, 5, 1)
			write(t, term, fmt.Sprintf("\x1b[%smx", tc.sgr))
			if got := term.Cell(0, 0); got.Content != "x" || got.Style != tc.want {
				t.Errorf("cell = %+v, want x in %+v", got, tc.want)
			}
		})
	}
}
