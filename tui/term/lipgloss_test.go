package term

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestRenderPlacesWithLipgloss checks that a render composes with lipgloss as
// the UI will use it: bordered, and joined beside another pane, every line
// keeps its width and its text.
func TestRenderPlacesWithLipgloss(t *testing.T) {
	vt, _ := newVT(t, 12, 3)
	write(t, vt, "\x1b[1;31mred\x1b[m 世界\r\n\x1b[4:3;58;5;1mcurly\x1b[m\r\n\x1b[7mreverse\x1b[m")
	out := vt.Render()

	boxed := lipgloss.NewStyle().Border(lipgloss.NormalBorder()).Render(out)
	if w, h := lipgloss.Width(boxed), lipgloss.Height(boxed); w != 14 || h != 5 {
		t.Errorf("bordered pane is %dx%d, want 14x5:\n%s", w, h, boxed)
	}
	joined := lipgloss.JoinHorizontal(lipgloss.Top, out, " | ", out)
	lines := strings.Split(joined, "\n")
	if len(lines) != 3 {
		t.Fatalf("joined has %d lines", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 12+3+12 {
			t.Errorf("joined line %d is %d wide: %q", i, w, l)
		}
	}
	if got := ansi.Strip(lines[0]); got != "red 世界     | red 世界    " {
		t.Errorf("joined line 0 = %q", got)
	}
}
