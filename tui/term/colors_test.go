package term

import "testing"

// A cell colour as the pictures draw it: the picture palette's sixteen, xterm's cube and
// grey ramp, 24-bit colours as they are, nothing for the default.
func TestPictureColorsHex(t *testing.T) {
	for _, tt := range []struct {
		c    Color
		want string
	}{
		{DefaultColor, ""},
		{Indexed(1), "#e06c75"},
		{Indexed(9), "#ff7a85"},
		{Indexed(16), "#000000"},
		{Indexed(123), "#87ffff"},
		{Indexed(231), "#ffffff"},
		{Indexed(232), "#080808"},
		{Indexed(240), "#585858"},
		{RGB(1, 2, 3), "#010203"},
	} {
		if got := PictureColors.Hex(tt.c); got != tt.want {
			t.Errorf("Hex(%v) = %q, want %q", tt.c, got, tt.want)
		}
	}
}
