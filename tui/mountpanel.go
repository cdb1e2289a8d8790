package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

// isPseudoFS reports whether the panel hides a filesystem type unless asked:
// kernel interfaces, not storage, and the same in every lesson.
func isPseudoFS(fstype string) bool {
	switch fstype {
	case "proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "debugfs", "tracefs",
		"securityfs", "pstore", "bpf", "configfs", "fusectl", "hugetlbfs", "autofs",
		"binfmt_misc", "efivarfs", "selinuxfs", "nsfs", "rpc_pipefs", "devtmpfs":
		return true
	}
	return false
}

// diffPanel shows the union of both panes' mount tables, one row per mount.
type diffPanel struct {
	panelSize
	nav        panelNav
	showPseudo bool
	// memo keeps the last items: one frame asks for them several times, and at 10,000
	// mounts rebuilding them each time was most of the UI's work. longest
	// are the widest mount point and source among them, for the columns.
	memo struct {
		key     itemsKey
		items   []diffItem
		hidden  int
		longest [2]int
	}
}

// itemsKey says what items depend on: the diff (the lab hands out the same slice until
// the state changes), the ghosts, and the panel's own choices.
type itemsKey struct {
	diff       *mnt.DiffRow
	rows       int
	ghosts     string
	showPseudo bool
	filter     string
	// wd: the filter matches the class words in the screen's language.
	wd *words
}

func (p *diffPanel) name(wd *words) string { return wd.mountsPanel }

// ShortHelp is the panel's keys.
func (p *diffPanel) ShortHelp(k KeyMap) []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Filter, k.Pseudo}
}

// diffItem is one row to show: a live row or a ghost.
type diffItem struct {
	row   mnt.DiffRow
	ghost bool
}

// items lists the rows to show, ghosts at their place, filtered; hidden counts
// the pseudo filesystems left out. The result is shared: do not change it.
func (p *diffPanel) items(d panelData) (items []diffItem, hidden int) {
	var ghosts []mnt.DiffRow
	var sig strings.Builder
	for _, g := range d.hl.ghosts {
		ghosts = append(ghosts, g.row)
	}
	sortRows(ghosts)
	for _, g := range ghosts {
		sig.WriteString(g.Key.Mountpoint)
		sig.WriteByte(0)
	}
	key := itemsKey{rows: len(d.state.Diff), ghosts: sig.String(), showPseudo: p.showPseudo, filter: p.nav.filter, wd: d.wd}
	if len(d.state.Diff) > 0 {
		key.diff = &d.state.Diff[0]
	}
	if p.memo.items != nil && p.memo.key == key {
		return p.memo.items, p.memo.hidden
	}
	items = make([]diffItem, 0, len(d.state.Diff)+len(ghosts))
	gi := 0
	add := func(it diffItem) {
		if !p.showPseudo && isPseudoFS(it.row.Key.FSType) {
			hidden++
			return
		}
		if p.nav.filter != "" && !p.nav.matches(rowText(d.wd, it.row)) {
			return
		}
		items = append(items, it)
	}
	var longest [2]int
	for _, r := range d.state.Diff {
		for gi < len(ghosts) && ghosts[gi].Key.Mountpoint < r.Key.Mountpoint {
			add(diffItem{row: ghosts[gi], ghost: true})
			gi++
		}
		add(diffItem{row: r})
	}
	for ; gi < len(ghosts); gi++ {
		add(diffItem{row: ghosts[gi], ghost: true})
	}
	for _, it := range items {
		longest[0] = max(longest[0], cellWidth(it.row.Key.Mountpoint))
		longest[1] = max(longest[1], cellWidth(it.row.Key.Source))
	}
	p.memo.key, p.memo.items, p.memo.hidden, p.memo.longest = key, items, hidden, longest
	return items, hidden
}

// follow scrolls so the highlighted rows are in view, the first of them if
// they do not all fit.
func (p *diffPanel) follow(d panelData, visible int) {
	items, _ := p.items(d)
	first, last := -1, -1
	for i, it := range items {
		if _, ok := d.hl.mounts[it.row.Key]; ok {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 || visible <= 0 {
		return
	}
	from, to := window(len(items), p.nav.offset, visible)
	if first >= from && last < to {
		return
	}
	if last-first < visible {
		p.nav.offset = max(last-visible+1, 0)
		if first < p.nav.offset {
			p.nav.offset = first
		}
	} else {
		p.nav.offset = first
	}
	p.nav.offset = clamp(p.nav.offset, 0, max(len(items)-visible, 0))
}

// rank says how much a row matters when not all fit: what just changed
// first, then rows that differ between the panes, then rows one side has;
// rows alike on both sides last.
func rank(it diffItem, d panelData) int {
	if _, ok := d.hl.mounts[it.row.Key]; ok {
		return 0
	}
	if it.ghost {
		return 1
	}
	switch it.row.Class {
	case mnt.Changed:
		return 1
	case mnt.HostOnly, mnt.NSOnly:
		return 2
	}
	return 3
}

// itemRows is how many mount rows fit in h content lines with total rows to
// show, and whether a line is kept to say that some do not fit.
func (p *diffPanel) itemRows(total, h int) (rows int, marked bool) {
	rows = h - 1 // the header
	if p.nav.filter != "" || p.nav.editing {
		rows--
	}
	if total > rows && rows > 0 {
		return rows - 1, true
	}
	return max(rows, 0), false
}

// extent is the panel's row count and how many it shows at once.
func (p *diffPanel) extent(d panelData) (total, visible int) {
	items, _ := p.items(d)
	rows, _ := p.itemRows(len(items), p.h)
	return len(items), max(rows, 1)
}

// sortRows orders ghosts by mount point, then the rest of the key, so the
// panel is the same from frame to frame.
func sortRows(rows []mnt.DiffRow) {
	less := func(a, b mnt.MountKey) bool {
		if a.Mountpoint != b.Mountpoint {
			return a.Mountpoint < b.Mountpoint
		}
		return fmt.Sprint(a) < fmt.Sprint(b)
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && less(rows[j].Key, rows[j-1].Key); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

// rowText is a row's plain text for the filter.
func rowText(wd *words, r mnt.DiffRow) string {
	return strings.Join([]string{r.Key.Mountpoint, r.Key.FSType, r.Key.Source, classSymbol(r.Class), classWord(wd, r.Class)}, " ")
}

func classSymbol(c mnt.DiffClass) string {
	switch c {
	case mnt.HostOnly:
		return symHostOnly
	case mnt.NSOnly:
		return symNSOnly
	case mnt.Changed:
		return symChanged
	}
	return symSame
}

func classWord(wd *words, c mnt.DiffClass) string {
	switch c {
	case mnt.HostOnly:
		return wd.hostOnly
	case mnt.NSOnly:
		return wd.nsOnly
	case mnt.Changed:
		return wd.changed
	}
	return wd.both
}

// diffCols are the widths of the diff panel's columns at one panel width;
// zero means the column is left out.
type diffCols struct {
	point, fstype, source, prop, what int
}

// columnsFor fits the columns to an inner width: the mount point takes what
// is left, and the least needed columns go first when space runs out. What
// the mount point does not need of it goes to the source, up to the longest
// (longest: the widest mount point and source to show).
func columnsFor(w int, longest [2]int) diffCols {
	c := diffCols{fstype: 8, source: 14, prop: 10, what: 9}
	const lead = 4 // spotlight, sign, class symbol, space
	rest := func() int {
		n := w - lead - 1 - c.fstype - 1 - 2*(c.prop+1)
		if c.source > 0 {
			n -= c.source + 1
		}
		if c.what > 0 {
			n -= c.what + 1
		}
		return n
	}
	if rest() < 20 {
		c.what = 0
	}
	if rest() < 16 {
		c.source = 0
	}
	if rest() < 12 {
		c.prop = 8
	}
	if rest() < 10 {
		c.fstype = 6
	}
	c.point = max(rest(), 4)
	if spare := c.point - longest[0] - 1; c.source > 0 && spare > 0 && longest[1] > c.source {
		give := min(spare, longest[1]-c.source)
		c.source += give
		c.point -= give
	}
	return c
}

func col(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return fit(s, w) + " "
}

func propOf(m *mnt.Mount) string {
	if m == nil {
		return "—"
	}
	return m.Propagation.String()
}

func whatDiffers(wd *words, d mnt.Difference) string {
	var parts []string
	if d&mnt.DiffOptions != 0 {
		parts = append(parts, wd.opts)
	}
	if d&mnt.DiffSuperOptions != 0 {
		parts = append(parts, wd.super)
	}
	if d&mnt.DiffPropagation != 0 {
		parts = append(parts, wd.prop)
	}
	return strings.Join(parts, "+")
}

func (p *diffPanel) header(st Styles, wd *words, c diffCols) string {
	s := "    " + col(wd.pointCol, c.point) + col(wd.fstypeCol, c.fstype) + col(wd.sourceCol, c.source) +
		col("host", c.prop) + col("ns", c.prop)
	if c.what > 0 {
		s += col(wd.whatCol, c.what)
	}
	return st.Header.Render(strings.TrimRight(s, " "))
}

// rowLine draws one row; a highlighted row is drawn in one style so its
// background runs the whole width.
func (p *diffPanel) rowLine(st Styles, it diffItem, c diffCols, w int, d panelData) string {
	r := it.row
	k := r.Key
	cls := classSymbol(r.Class)
	if it.ghost {
		cls = symRemoved
	}
	body := col(k.Mountpoint, c.point) + col(k.FSType, c.fstype) + col(k.Source, c.source) +
		col(propOf(r.Host), c.prop) + col(propOf(r.NS), c.prop)
	if c.what > 0 {
		body += col(whatDiffers(d.wd, r.Differs), c.what)
	}
	if m, ok := d.hl.mounts[k]; ok {
		lead := " " + m.sign
		s := st.Recent
		if m.spot {
			lead = symSpotlight + m.sign
			s = st.Spotlight
		}
		if it.ghost {
			s = s.Faint(true)
		}
		return s.Render(fit(lead+cls+" "+body, w))
	}
	if it.ghost {
		return st.Removed.Render(fit("  "+cls+" "+body, w))
	}
	cs := st.Class[r.Class]
	text := st.Normal
	if r.Class == mnt.InBoth {
		text = st.Muted
	}
	return "  " + cs.Render(cls) + " " + text.Render(strings.TrimRight(body, " "))
}

// lines draws the panel: a header, the rows that fit, and the filter line.
// When not all rows fit, an unfocused panel shows those that matter most
// (rank), in table order; a focused one scrolls. Either way the last line
// says how many are hidden, of which kinds, and which keys show them.
func (p *diffPanel) lines(st Styles, d panelData, w, h int) []string {
	items, _ := p.items(d)
	c := columnsFor(w, p.longest(d))
	filter := p.nav.filterLine(st)
	rows, marked := p.itemRows(len(items), h)
	out := []string{p.header(st, d.wd, c)}
	var shown []int
	if !marked || d.focused {
		from, to := window(len(items), p.nav.offset, rows)
		for i := from; i < to; i++ {
			shown = append(shown, i)
		}
	} else {
		shown = pickImportant(len(items), rows, func(i int) int { return rank(items[i], d) }, 4)
	}
	for _, i := range shown {
		out = append(out, p.rowLine(st, items[i], c, w, d))
	}
	if marked {
		out = append(out, p.mark(st, items, shown, d))
	}
	if len(items) == 0 && h > 1 {
		out = append(out, st.Muted.Render("  "+d.wd.noMatch))
	}
	if filter != "" {
		for len(out) < h-1 {
			out = append(out, "")
		}
		out = append(out, filter)
	}
	return out
}

// longest is the widest mount point (or the column's name) and source.
func (p *diffPanel) longest(d panelData) [2]int {
	p.items(d)
	l := p.memo.longest
	l[0] = max(l[0], cellWidth(d.wd.pointCol))
	return l
}

// mark says which rows are not shown: "… 2 more (= 2) · f2 next part, ↓/j
// down", or, scrolled, how many are above and below.
func (p *diffPanel) mark(st Styles, items []diffItem, shown []int, d panelData) string {
	in := make(map[int]bool, len(shown))
	for _, i := range shown {
		in[i] = true
	}
	counts := map[string]int{}
	above, below := 0, 0
	for i, it := range items {
		if in[i] {
			continue
		}
		if len(shown) > 0 && i < shown[0] {
			above++
		} else {
			below++
		}
		sym := classSymbol(it.row.Class)
		if it.ghost {
			sym = symRemoved
		}
		counts[sym]++
	}
	kinds := kindCounts([]string{symChanged, symHostOnly, symNSOnly, symRemoved, symSame}, counts)
	// Indented as the rows' symbols are.
	if d.focused {
		return "  " + overflowMark(st, d.wd.hiddenAround(above, below, kinds), d.keys.Up, d.keys.Down)
	}
	return "  " + overflowMark(st, d.wd.hiddenRows(above+below, kinds), d.keys.CycleFocus, d.keys.Down)
}

// status is the panel's count, for its border: "41 rows · 17 pseudo fs hidden".
func (p *diffPanel) status(st Styles, d panelData) string {
	items, hidden := p.items(d)
	s := d.wd.rows(len(items))
	for _, r := range lab.Roles {
		if d.state.Snapshot(r).PID == 0 {
			s = d.wd.paneNoShell(string(r)) + " · " + s
		}
	}
	if hidden > 0 {
		s += " · " + d.wd.pseudoHidden(hidden)
	}
	return st.Muted.Render(s)
}

// diffLegend explains the class symbols.
func diffLegend(st Styles, wd *words) string {
	return st.Class[mnt.InBoth].Render(symSame) + st.Muted.Render(" "+wd.both+" ") +
		st.Class[mnt.HostOnly].Render(symHostOnly) + st.Muted.Render(" "+wd.hostOnly+" ") +
		st.Class[mnt.NSOnly].Render(symNSOnly) + st.Muted.Render(" "+wd.nsOnly+" ") +
		st.Class[mnt.Changed].Render(symChanged) + st.Muted.Render(" "+wd.changed)
}

// signLegend explains the signs of rows that just changed; a row that left
// both tables also shows − as its class.
func signLegend(st Styles, wd *words) string {
	return st.Added.Render(symAdded) + st.Muted.Render(" "+wd.added+" ") +
		st.Deleted.Render(symDeleted) + st.Muted.Render(" "+wd.gone+" ") +
		st.Modified.Render(symModified) + st.Muted.Render(" "+wd.modified)
}
