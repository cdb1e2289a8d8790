package tui

// rect is a region of the screen in cells.
type rect struct{ X, Y, W, H int }

// empty reports whether the region shows nothing.
func (r rect) empty() bool { return r.W <= 0 || r.H <= 0 }

// contains reports whether the cell x, y is inside r.
func (r rect) contains(x, y int) bool {
	return !r.empty() && x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// inner is the region inside a one-cell border.
func (r rect) inner() rect {
	if r.W < 2 || r.H < 2 {
		return rect{X: r.X, Y: r.Y}
	}
	return rect{X: r.X + 1, Y: r.Y + 1, W: r.W - 2, H: r.H - 2}
}

// layoutMode is how the screen is arranged at a size.
type layoutMode int

const (
	// modeTooSmall: one centred line asks for a larger terminal.
	modeTooSmall layoutMode = iota
	// modeCompact: panes on top, the panels as tabs in one strip below.
	modeCompact
	// modeBelow: panes on top, the three panels side by side below.
	modeBelow
	// modeBeside: panes on the left, the panels stacked on the right.
	modeBeside
)

// Size limits of the layout.
const (
	// MinWidth and MinHeight are the smallest screen the lab draws on.
	MinWidth  = 80
	MinHeight = 24
	// Compact below these: the panels become tabs.
	belowMinWidth  = 120
	belowMinHeight = 36
	// Beside from these on: the panels move to the right of the panes.
	besideMinWidth  = 200
	besideMinHeight = 45
	// nsPanelHeight fits the ten namespace types, a header and two lines
	// about the inspected processes, inside a border.
	nsPanelHeight = 15
	// nsPanelWidth fits "cgroup 4026531835 ≠ 4026531835" with a border.
	nsPanelWidth = 36
	// minPaneRows is the fewest terminal rows a pane keeps.
	minPaneRows = 4
)

// target is a part of the screen that can have focus (and be zoomed).
type target int

const (
	targetHost target = iota
	targetNS
	targetNSPanel
	targetDiff
	targetLog
	targetCount
)

// isPane reports whether t is one of the two terminal panes.
func (t target) isPane() bool { return t == targetHost || t == targetNS }

// layout is where every part goes at one screen size.
type layout struct {
	Mode          layoutMode
	Width, Height int
	// Narration is the walkthrough's bar (empty in the free-form lab).
	Narration rect
	// Panes and panels; a part that is not shown has an empty rect.
	Parts [targetCount]rect
	// Strip holds the panels as tabs in compact mode.
	Strip rect
	// Help is the help bar, the last line.
	Help rect
}

// layoutInput is what the layout depends on.
type layoutInput struct {
	Width, Height int
	// NarrationWant is the height the narration bar would like (0: none).
	NarrationWant int
	// Zoomed, when set, gives Zoom the whole body.
	Zoomed bool
	Zoom   target
}

// narrationCap is the most rows the narration bar may take at a height.
func narrationCap(mode layoutMode, height int) int {
	if mode == modeCompact {
		return max(6, height/3)
	}
	return max(7, height/4)
}

// computeLayout places every part for a screen size. It is pure, so it is
// tested by tables; every region it returns lies inside the screen and no two
// overlap.
func computeLayout(in layoutInput) layout {
	w, h := in.Width, in.Height
	l := layout{Width: max(w, 0), Height: max(h, 0)}
	if w < MinWidth || h < MinHeight {
		l.Mode = modeTooSmall
		return l
	}
	switch {
	case w >= besideMinWidth && h >= besideMinHeight:
		l.Mode = modeBeside
	case w >= belowMinWidth && h >= belowMinHeight:
		l.Mode = modeBelow
	default:
		l.Mode = modeCompact
	}
	l.Help = rect{X: 0, Y: h - 1, W: w, H: 1}
	top := 0
	if in.NarrationWant > 0 {
		nh := min(in.NarrationWant, narrationCap(l.Mode, h))
		l.Narration = rect{X: 0, Y: 0, W: w, H: nh}
		top = nh
	}
	body := rect{X: 0, Y: top, W: w, H: h - 1 - top}
	if in.Zoomed && in.Zoom >= 0 && in.Zoom < targetCount {
		l.Parts[in.Zoom] = body
		return l
	}
	switch l.Mode {
	case modeCompact:
		// At least 8: the namespaces tab then holds its ten types in two
		// columns under their header.
		stripH := clamp(body.H/3, 8, 10)
		if in.NarrationWant > 0 {
			stripH = clamp(body.H/3, 6, 10)
		}
		panesH := body.H - stripH
		if panesH < minPaneRows+2 {
			panesH = minPaneRows + 2
			stripH = body.H - panesH
		}
		l.splitPanes(rect{X: 0, Y: body.Y, W: w, H: panesH})
		l.Strip = rect{X: 0, Y: body.Y + panesH, W: w, H: stripH}
	case modeBelow:
		panelsH := clamp(body.H/3, nsPanelHeight, 20)
		panesH := body.H - panelsH
		l.splitPanes(rect{X: 0, Y: body.Y, W: w, H: panesH})
		y := body.Y + panesH
		// The mount panel takes the most: it has the most columns.
		logW := clamp(w/5, 30, 50)
		diffW := w - nsPanelWidth - logW
		l.Parts[targetNSPanel] = rect{X: 0, Y: y, W: nsPanelWidth, H: panelsH}
		l.Parts[targetDiff] = rect{X: nsPanelWidth, Y: y, W: diffW, H: panelsH}
		l.Parts[targetLog] = rect{X: nsPanelWidth + diffW, Y: y, W: logW, H: panelsH}
	case modeBeside:
		sideW := clamp(w*3/8, 72, 100)
		panesW := w - sideW
		l.splitPanes(rect{X: 0, Y: body.Y, W: panesW, H: body.H})
		nsH := nsPanelHeight
		logH := clamp((body.H-nsH)/3, 8, 20)
		diffH := body.H - nsH - logH
		l.Parts[targetNSPanel] = rect{X: panesW, Y: body.Y, W: sideW, H: nsH}
		l.Parts[targetDiff] = rect{X: panesW, Y: body.Y + nsH, W: sideW, H: diffH}
		l.Parts[targetLog] = rect{X: panesW, Y: body.Y + nsH + diffH, W: sideW, H: logH}
	}
	return l
}

// splitPanes puts the host pane on the left half of r and the ns pane on the
// right.
func (l *layout) splitPanes(r rect) {
	hostW := r.W / 2
	l.Parts[targetHost] = rect{X: r.X, Y: r.Y, W: hostW, H: r.H}
	l.Parts[targetNS] = rect{X: r.X + hostW, Y: r.Y, W: r.W - hostW, H: r.H}
}

// paneSize is the terminal size inside a pane's box.
func (l layout) paneSize(t target) (cols, rows int) {
	in := l.Parts[t].inner()
	return in.W, in.H
}

// at returns the part under the cell x, y, or -1.
func (l layout) at(x, y int) target {
	for t := targetHost; t < targetCount; t++ {
		if l.Parts[t].contains(x, y) {
			return t
		}
	}
	return -1
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// paneSpansWidth reports whether a pane's box takes whole lines of the
// screen (zoomed, or panes stacked): then its output scrolls whole lines,
// which the terminal can scroll instead of drawing them again.
func (m *Model) paneSpansWidth() bool {
	if m.lay.Mode == modeTooSmall || m.showHelp {
		return false
	}
	for _, t := range []target{targetHost, targetNS} {
		if r := m.lay.Parts[t]; !r.empty() && r.X == 0 && r.W >= m.width {
			return true
		}
	}
	return false
}
