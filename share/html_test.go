package share

import (
	"strings"
	"testing"
)

// A frame becomes HTML rows with the styles inline and text escaped; the next
// frame sends only the rows that changed.
func TestHTMLScreen(t *testing.T) {
	h := newHTMLScreen(12, 3)
	defer h.close()
	first := h.frame("\x1b[1;31mred\x1b[m <b>&\nplain\n\x1b[7minverse\x1b[m")
	if len(first) != 3 {
		t.Fatalf("the first frame sent %d rows of 3: %v", len(first), first)
	}
	for _, want := range []string{`<span style="color:#e06c75;font-weight:bold">red</span>`, "&lt;b&gt;&amp;"} {
		if !strings.Contains(first[0], want) {
			t.Errorf("row 0 %q lacks %q", first[0], want)
		}
	}
	if !strings.Contains(first[2], `color:var(--bg);background:var(--fg)`) {
		t.Errorf("inverse row %q is not drawn inverse", first[2])
	}
	next := h.frame("\x1b[1;31mred\x1b[m <b>&\nchanged\n\x1b[7minverse\x1b[m")
	if len(next) != 1 || !strings.HasPrefix(next[1], "changed") {
		t.Fatalf("after one row changed the frame sent %v", next)
	}
	if again := h.frame("\x1b[1;31mred\x1b[m <b>&\nchanged\n\x1b[7minverse\x1b[m"); len(again) != 0 {
		t.Fatalf("an unchanged frame sent %v", again)
	}
	// Underline and overline, alone and together.
	row := h.frame("\x1b[4mu\x1b[0;53mo\x1b[0;4;53mb\x1b[m\n\n")[0]
	for _, want := range []string{`"text-decoration:underline">u<`, `"text-decoration:overline">o<`, `"text-decoration:underline overline">b<`} {
		if !strings.Contains(row, want) {
			t.Errorf("row %q lacks %q", row, want)
		}
	}
	// Wide characters take two cells and are written once.
	if row := h.frame("한글 ok\n\n")[0]; !strings.HasPrefix(row, "한글 ok") {
		t.Errorf("a row with wide characters: %q", row)
	}
}
