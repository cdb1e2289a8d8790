package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/nslab/nslab/lab"
)

// nsPanel shows the namespaces of each pane's inspected process, = or ≠
// between them, and which process each pane shows: the ten links of
// /proc/PID/ns, two of which (pid_for_children, time_for_children) name
// what the process's children will get, not the process itself.
type nsPanel struct {
	panelSize
	nav panelNav
	// inStrip says the panel is a tab of the compact strip, whose bottom
	// border is free on this tab: the "who" lines go there when the types
	// would not all fit beside them.
	inStrip bool
}

func (p *nsPanel) name(wd *words) string { return wd.nsPanel }

// ShortHelp is the panel's keys.
func (p *nsPanel) ShortHelp(k KeyMap) []key.Binding { return []key.Binding{k.Up, k.Down, k.Filter} }

// typeRows are the namespace types that pass the filter, in panel order. The
// filter matches the kernel's name ("pid_for_children") and the panel's
// ("pid↓").
func (p *nsPanel) typeRows() []lab.NSType {
	var out []lab.NSType
	for _, t := range nsOrder() {
		if p.nav.matches(string(t)) || p.nav.matches(nsLabel(t)) {
			out = append(out, t)
		}
	}
	return out
}

// forChildrenSuffix ends the names of the links that say which namespace a
// process's children will get (namespaces(7)): after unshare --pid without
// --fork, pid_for_children differs from pid; the process itself stays.
const forChildrenSuffix = "_for_children"

// symForChildren marks a for-children link in the panels: "pid↓".
const symForChildren = "↓"

// nsBase returns the type a for-children link belongs to ("pid" for
// "pid_for_children"), and whether t is such a link.
func nsBase(t lab.NSType) (lab.NSType, bool) {
	base, ok := strings.CutSuffix(string(t), forChildrenSuffix)
	return lab.NSType(base), ok
}

// nsLabel is how the panels name a type: as /proc/PID/ns does, and a
// for-children link as its base marked ↓, which fits the panel's column and
// the compact summary.
func nsLabel(t lab.NSType) string {
	if base, ok := nsBase(t); ok {
		return string(base) + symForChildren
	}
	return string(t)
}

// nsOrder lists lab.NSTypes in panel order: each for-children link right
// below the type it belongs to, so "pid↓" reads as pid's.
func nsOrder() []lab.NSType {
	out := make([]lab.NSType, 0, len(lab.NSTypes))
	placed := map[lab.NSType]bool{}
	for _, t := range lab.NSTypes {
		if _, ok := nsBase(t); ok {
			continue
		}
		out = append(out, t)
		placed[t] = true
		for _, c := range lab.NSTypes {
			if base, ok := nsBase(c); ok && base == t {
				out = append(out, c)
				placed[c] = true
			}
		}
	}
	for _, t := range lab.NSTypes {
		if !placed[t] {
			out = append(out, t) // a for-children link without its base
		}
	}
	return out
}

// nsLegend explains the ↓ of the for-children rows, when one is shown.
func nsLegend(st Styles, wd *words, types []lab.NSType) string {
	for _, t := range types {
		if _, ok := nsBase(t); ok {
			return st.Muted.Render(symForChildren + " " + wd.forChildren)
		}
	}
	return ""
}

func inode(v uint64) string {
	if v == 0 {
		return "—"
	}
	return fmt.Sprint(v)
}

// nsCell draws one namespace type: "mnt 4026531841 ≠ 4026532210".
func nsCell(st Styles, t lab.NSType, d panelData) string {
	h, n := d.state.Host.NS[t], d.state.NS.NS[t]
	sym, symStyle := symEqual, st.Same
	if h != n {
		sym, symStyle = symUnequal, st.Differ
	}
	if h == 0 || n == 0 {
		sym, symStyle = "?", st.Muted
	}
	lead := " "
	label := nsLabel(t)
	plain := fmt.Sprintf("%-6s %10s %s %-10s", label, inode(h), sym, inode(n))
	if m, ok := d.hl.nsMark(t); ok {
		if m.spot {
			return st.Spotlight.Render(symSpotlight + plain)
		}
		return st.Recent.Render(symRecent + plain)
	}
	return lead + st.Normal.Render(fmt.Sprintf("%-6s %10s ", label, inode(h))) + symStyle.Render(sym) + st.Normal.Render(" "+fmt.Sprintf("%-10s", inode(n)))
}

// who says which process a pane shows: "host pid 1234 bash · chrooted at
// /x"; pad lines the role up with the other pane's, a line below, and cwd
// adds the working directory when the process is not chrooted.
func who(st Styles, wd *words, s lab.Snapshot, role lab.Role, pad, cwd bool) string {
	label := st.Title.Render(string(role))
	if pad {
		label = st.Title.Render(fmt.Sprintf("%-4s", role))
	}
	if s.PID == 0 {
		return label + " " + st.Muted.Render(wd.noShell)
	}
	out := label + " " + st.Normal.Render(wd.pid(s.PID, s.Comm))
	if s.Chrooted {
		out += st.Muted.Render(" · ") + st.Warn.Render(wd.chrootedAt(s.Root))
	} else if cwd && s.Cwd != "" {
		out += st.Muted.Render(" · " + wd.cwd + " " + s.Cwd)
	}
	return out
}

// nsRank says how much a namespace type matters when not all fit: one that
// just changed, then one that differs between the panes, then the rest.
func nsRank(t lab.NSType, d panelData) int {
	if _, ok := d.hl.nsMark(t); ok {
		return 0
	}
	if d.state.Host.NS[t] != d.state.NS.NS[t] {
		return 1
	}
	return 2
}

// whoBelow reports whether the "who" lines go on the strip's bottom border:
// in the strip, when the types would not all fit beside them.
func (p *nsPanel) whoBelow(n, w, h int) bool {
	if !p.inStrip || w < 64 {
		return false
	}
	avail := h - 2 - 1 // the "who" lines and the header
	if p.nav.filter != "" || p.nav.editing {
		avail--
	}
	return 2*avail < n
}

// nsLayout is how the namespace panel's types fit in h lines of w cells:
// rows of cols types each, and whether a line says that some do not fit.
func (p *nsPanel) nsLayout(n, w, h int) (rows, cols int, marked bool) {
	avail := h
	if !p.whoBelow(n, w, h) {
		avail -= 2 // the two "who" lines
	}
	if p.nav.filter != "" || p.nav.editing {
		avail--
	}
	rows = max(avail-1, 0) // less the header
	cols = 1
	if rows < n && w >= 64 {
		cols = 2 // short and wide: the compact strip
	}
	if n > rows*cols && rows > 0 {
		return rows - 1, cols, true
	}
	return rows, cols, false
}

// extent is the panel's type count and how many it shows at once.
func (p *nsPanel) extent(panelData) (total, visible int) {
	types := p.typeRows()
	rows, cols, _ := p.nsLayout(len(types), p.w, p.h)
	return len(types), max(rows*cols, 1)
}

// lines draws the panel's content in w×h cells: one column of types when it
// is tall enough, two when it is short and wide (the compact strip). When
// not all fit, an unfocused panel shows the types that differ first, a
// focused one scrolls, and a line says what is left out.
func (p *nsPanel) lines(st Styles, d panelData, w, h int) []string {
	types := p.typeRows()
	var out []string
	filter := p.nav.filterLine(st)
	rows, cols, marked := p.nsLayout(len(types), w, h)
	below := p.whoBelow(len(types), w, h)
	avail := h
	if !below {
		avail -= 2
	}
	if filter != "" {
		avail--
	}
	header := st.Header.Render(" " + fit(d.wd.nsType, 6) + " " + fit("host", 10) + "   " + fit("ns", 10))
	capacity := rows * cols
	var shown []int
	if !marked || d.focused {
		from, to := window(len(types), p.nav.offset, capacity)
		for i := from; i < to; i++ {
			shown = append(shown, i)
		}
	} else {
		shown = pickImportant(len(types), capacity, func(i int) int { return nsRank(types[i], d) }, 3)
	}
	if avail > 0 {
		if cols == 2 {
			header = fit(header, 31) + " " + header
			// The strip has no border of its own for the legend: it goes
			// beside the columns' names where it fits (F1 says it too).
			if legend := nsLegend(st, d.wd, types); legend != "" && cellWidth(header)+1+cellWidth(legend) <= w {
				header = fit(header, 63) + " " + legend
			}
		}
		out = append(out, header)
	}
	perCol := (len(shown) + cols - 1) / max(cols, 1)
	for i := 0; i < perCol; i++ {
		l := nsCell(st, types[shown[i]], d)
		if j := i + perCol; cols == 2 && j < len(shown) {
			l = fit(l, 31) + " " + nsCell(st, types[shown[j]], d)
		}
		out = append(out, l)
	}
	if marked {
		out = append(out, p.mark(st, types, shown, d))
	}
	for len(out) < max(avail, 0) {
		out = append(out, "")
	}
	if !below {
		out = append(out, p.whoLines(st, d, true, true)...)
	}
	if filter != "" {
		out = append(out, filter)
	}
	return out
}

// whoLines say which process each pane shows, marked when its root just
// changed.
func (p *nsPanel) whoLines(st Styles, d panelData, pad, cwd bool) []string {
	var out []string
	for _, r := range lab.Roles {
		line := who(st, d.wd, d.state.Snapshot(r), r, pad, cwd)
		if m, ok := d.hl.roots[r]; ok {
			s := st.Recent
			lead := symRecent
			if m.spot {
				s, lead = st.Spotlight, symSpotlight
			}
			line = s.Render(lead + ansi.Strip(line))
		}
		out = append(out, line)
	}
	return out
}

// footer is the strip's bottom border on this tab: the "who" lines side by
// side when they do not fit inside, else nothing. Where both do not fit on
// the border, the working directories give way to what matters more (a
// chroot's path).
func (p *nsPanel) footer(st Styles, d panelData) string {
	if !p.whoBelow(len(p.typeRows()), p.w, p.h) {
		return ""
	}
	sep := st.Muted.Render("  │  ")
	line := strings.Join(p.whoLines(st, d, false, true), sep)
	if cellWidth(line) > p.w-3 {
		line = strings.Join(p.whoLines(st, d, false, false), sep)
	}
	return line
}

// mark says which namespace types are not shown: "… 4 more (= 4)".
func (p *nsPanel) mark(st Styles, types []lab.NSType, shown []int, d panelData) string {
	in := make(map[int]bool, len(shown))
	for _, i := range shown {
		in[i] = true
	}
	counts := map[string]int{}
	above, below := 0, 0
	for i, t := range types {
		if in[i] {
			continue
		}
		if len(shown) > 0 && i < shown[0] {
			above++
		} else {
			below++
		}
		if d.state.Host.NS[t] != d.state.NS.NS[t] {
			counts[symUnequal]++
		} else {
			counts[symEqual]++
		}
	}
	kinds := kindCounts([]string{symUnequal, symEqual}, counts)
	if d.focused {
		return overflowMark(st, d.wd.hiddenAround(above, below, kinds), d.keys.Up, d.keys.Down)
	}
	return overflowMark(st, d.wd.hiddenRows(above+below, kinds), d.keys.CycleFocus, d.keys.Down)
}

// nsSummary is the namespace panel in one line, for the compact strip:
// "mnt≠ pid= uts= …". A for-children link is left out while it is its base's
// namespace on both sides (what it would say, its base says already), and
// named "pid↓" when it is not.
func nsSummary(st Styles, d panelData) string {
	var parts []string
	for _, t := range nsOrder() {
		h, n := d.state.Host.NS[t], d.state.NS.NS[t]
		if base, ok := nsBase(t); ok && h == d.state.Host.NS[base] && n == d.state.NS.NS[base] {
			continue
		}
		sym, s := symEqual, st.Same
		if h != n {
			sym, s = symUnequal, st.Differ
		}
		if h == 0 || n == 0 {
			sym, s = "?", st.Muted
		}
		label := nsLabel(t)
		cell := label + sym
		if m, ok := d.hl.nsMark(t); ok {
			if m.spot {
				parts = append(parts, st.Spotlight.Render(symSpotlight+cell))
			} else {
				parts = append(parts, st.Recent.Render(cell))
			}
			continue
		}
		parts = append(parts, st.Normal.Render(label)+s.Render(sym))
	}
	for _, r := range lab.Roles {
		if s := d.state.Snapshot(r); s.Chrooted {
			cell := d.wd.chrootedPane(string(r))
			if m, ok := d.hl.roots[r]; ok && m.spot {
				cell = st.Spotlight.Render(symSpotlight + cell)
			} else {
				cell = st.Warn.Render(cell)
			}
			parts = append(parts, cell)
		}
	}
	return strings.Join(parts, " ")
}
