package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestLayoutModes(t *testing.T) {
	for _, tc := range []struct {
		w, h      int
		narration int
		want      layoutMode
	}{
		{0, 0, 0, modeTooSmall},
		{79, 24, 0, modeTooSmall},
		{80, 23, 0, modeTooSmall},
		{80, 24, 0, modeCompact},
		{80, 24, 12, modeCompact},
		{100, 30, 0, modeCompact},
		{119, 48, 0, modeCompact},
		{120, 35, 0, modeCompact},
		{120, 36, 0, modeBelow},
		{160, 48, 0, modeBelow},
		{199, 70, 0, modeBelow},
		{200, 44, 0, modeBelow},
		{200, 45, 0, modeBeside},
		{250, 70, 9, modeBeside},
	} {
		l := computeLayout(layoutInput{Width: tc.w, Height: tc.h, NarrationWant: tc.narration})
		if l.Mode != tc.want {
			t.Errorf("%d×%d (narration %d): mode %d, want %d", tc.w, tc.h, tc.narration, l.Mode, tc.want)
		}
	}
}

func TestLayoutSizes(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		in                   layoutInput
		hostCols, hostRows   int
		nsCols               int
		narration, stripRows int
	}{
		{"80x24", layoutInput{Width: 80, Height: 24}, 38, 13, 38, 0, 8},
		{"80x24 walkthrough", layoutInput{Width: 80, Height: 24, NarrationWant: 20}, 38, 7, 38, 8, 6},
		{"100x30", layoutInput{Width: 100, Height: 30}, 48, 18, 48, 0, 9},
		{"100x30 walkthrough", layoutInput{Width: 100, Height: 30, NarrationWant: 9}, 48, 12, 48, 9, 6},
		{"101x30 odd width", layoutInput{Width: 101, Height: 30}, 48, 18, 49, 0, 9},
		{"160x48", layoutInput{Width: 160, Height: 48}, 78, 30, 78, 0, 0},
		{"250x70", layoutInput{Width: 250, Height: 70}, 76, 67, 77, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := computeLayout(tc.in)
			if c, r := l.paneSize(targetHost); c != tc.hostCols || r != tc.hostRows {
				t.Errorf("host pane %d×%d, want %d×%d", c, r, tc.hostCols, tc.hostRows)
			}
			if c, _ := l.paneSize(targetNS); c != tc.nsCols {
				t.Errorf("ns pane %d columns, want %d", c, tc.nsCols)
			}
			if l.Narration.H != tc.narration {
				t.Errorf("narration %d rows, want %d", l.Narration.H, tc.narration)
			}
			if l.Strip.H != tc.stripRows {
				t.Errorf("strip %d rows, want %d", l.Strip.H, tc.stripRows)
			}
		})
	}
}

func TestLayoutZoom(t *testing.T) {
	for tg := targetHost; tg < targetCount; tg++ {
		for _, narr := range []int{0, 9} {
			l := computeLayout(layoutInput{Width: 100, Height: 30, NarrationWant: narr, Zoomed: true, Zoom: tg})
			// At 100×30 the bar gets the 9 rows it wants (up to 10): the
			// zoomed part takes everything between it and the help bar.
			want := rect{X: 0, Y: narr, W: 100, H: 29 - narr}
			if l.Narration.H != narr {
				t.Errorf("zoom %d: narration %d rows, want %d", tg, l.Narration.H, narr)
			}
			if l.Parts[tg] != want {
				t.Errorf("zoom %d (narration %d): %+v, want %+v", tg, narr, l.Parts[tg], want)
			}
			for other := targetHost; other < targetCount; other++ {
				if other != tg && !l.Parts[other].empty() {
					t.Errorf("zoom %d: part %d still shown at %+v", tg, other, l.Parts[other])
				}
			}
			if !l.Strip.empty() {
				t.Errorf("zoom %d: the strip is still shown", tg)
			}
		}
	}
}

// TestLayoutInvariants checks every size from nothing to beyond the largest
// screen: the regions lie inside the screen, do not overlap, cover it, and
// the panes keep a usable size.
func TestLayoutInvariants(t *testing.T) {
	for w := 0; w <= 260; w += 1 {
		for h := 0; h <= 80; h++ {
			for _, narr := range []int{0, 4, 40} {
				for _, zoomed := range []bool{false, true} {
					in := layoutInput{Width: w, Height: h, NarrationWant: narr, Zoomed: zoomed, Zoom: targetDiff}
					checkLayout(t, in, computeLayout(in))
				}
			}
		}
	}
}

func checkLayout(t *testing.T, in layoutInput, l layout) {
	t.Helper()
	if l.Mode == modeTooSmall {
		if in.Width >= MinWidth && in.Height >= MinHeight {
			t.Fatalf("%+v: too small at a size above the minimum", in)
		}
		return
	}
	regions := []rect{l.Narration, l.Strip, l.Help}
	regions = append(regions, l.Parts[:]...)
	covered := 0
	grid := make([]bool, in.Width*in.Height)
	for _, r := range regions {
		if r.empty() {
			continue
		}
		if r.X < 0 || r.Y < 0 || r.X+r.W > in.Width || r.Y+r.H > in.Height {
			t.Fatalf("%+v: region %+v leaves the screen", in, r)
		}
		for y := r.Y; y < r.Y+r.H; y++ {
			for x := r.X; x < r.X+r.W; x++ {
				if grid[y*in.Width+x] {
					t.Fatalf("%+v: region %+v overlaps another at %d,%d", in, r, x, y)
				}
				grid[y*in.Width+x] = true
				covered++
			}
		}
	}
	if covered != in.Width*in.Height {
		t.Fatalf("%+v: regions cover %d of %d cells", in, covered, in.Width*in.Height)
	}
	if l.Help != (rect{X: 0, Y: in.Height - 1, W: in.Width, H: 1}) {
		t.Fatalf("%+v: help bar at %+v", in, l.Help)
	}
	if !in.Zoomed {
		for _, tg := range []target{targetHost, targetNS} {
			if c, r := l.paneSize(tg); r < minPaneRows || c < 30 {
				t.Fatalf("%+v: pane %d is only %d×%d", in, tg, c, r)
			}
		}
	}
}

func TestLayoutAt(t *testing.T) {
	l := computeLayout(layoutInput{Width: 160, Height: 48})
	for _, tc := range []struct {
		x, y int
		want target
	}{
		{0, 0, targetHost},
		{79, 10, targetHost},
		{80, 10, targetNS},
		{5, 40, targetNSPanel},
		{60, 40, targetDiff},
		{150, 40, targetLog},
		{10, 47, -1}, // the help bar
	} {
		if got := l.at(tc.x, tc.y); got != tc.want {
			t.Errorf("at(%d,%d) = %d, want %d", tc.x, tc.y, got, tc.want)
		}
	}
}

// TestPaneSpansWidth: the renderer looks for scrolled lines only where a
// pane's box takes whole lines: zoomed, or a pane alone across the screen.
func TestPaneSpansWidth(t *testing.T) {
	m, _ := newTestModel(t, Options{})
	for _, c := range []struct {
		w, h   int
		zoomed bool
		want   bool
	}{
		{200, 50, false, false}, // panes beside each other and the panels
		{200, 50, true, true},
		{80, 24, false, false},
		{80, 24, true, true},
		{60, 20, false, false}, // too small: nothing of the lab shows
	} {
		m.zoomed = c.zoomed
		m.Update(tea.WindowSizeMsg{Width: c.w, Height: c.h})
		if got := m.paneSpansWidth(); got != c.want {
			t.Errorf("%d×%d, zoomed %v: paneSpansWidth %v, want %v (host %+v, ns %+v)", c.w, c.h, c.zoomed, got, c.want, m.lay.Parts[targetHost], m.lay.Parts[targetNS])
		}
	}
}
