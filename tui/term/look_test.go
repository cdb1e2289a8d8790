package term

import (
	"fmt"
	"io"
	"testing"
)

// A Watch draws any scroll position as the Core itself would after
// scrolling there, and leaves the Core's own view where it was.
func TestWatchLookMatchesScrolledCore(t *testing.T) {
	c := NewCore(io.Discard, Options{Cols: 20, Rows: 5})
	defer c.Close()
	for i := range 30 {
		fmt.Fprintf(c, "\x1b[1mline\x1b[m %d\r\n", i)
	}
	w, ok := WatchOf(c)
	if !ok {
		t.Fatal("WatchOf(*Core) = false")
	}
	live := c.Render()
	for _, off := range []int{0, 1, 7, 25, 1000} {
		got := w.Look(off)
		c.ScrollBy(off)
		if want := c.Render(); got.Render != want {
			t.Errorf("Look(%d):\n%q\nthe Core scrolled there:\n%q", off, got.Render, want)
		}
		if got.State.ScrollOffset != c.State().ScrollOffset {
			t.Errorf("Look(%d) offset %d, the Core's %d", off, got.State.ScrollOffset, c.State().ScrollOffset)
		}
		c.ScrollToLive()
	}
	// Looking from a scrolled teacher's Core: the live look is still live,
	// and the Core stays scrolled.
	c.ScrollBy(3)
	if got := w.Look(0).Render; got != live {
		t.Errorf("Look(0) while the Core is scrolled up 3:\n%q\nwant the live screen:\n%q", got, live)
	}
	if off := c.State().ScrollOffset; off != 3 {
		t.Errorf("the Core's offset after a look: %d, want 3", off)
	}
	if _, ok := WatchOf(nil); ok {
		t.Error("WatchOf(nil) = true")
	}
}
