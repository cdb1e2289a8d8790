package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

// panelData is what the panels show, gathered by the root model.
type panelData struct {
	state lab.State
	hl    *highlights
}

// panelSize is the content size a panel was given.
type panelSize struct{ w, h int }

// SetSize sets the panel's content size (inside its border).
func (s *panelSize) SetSize(w, h int) { s.w, s.h = w, h }

func (s *panelSize) size() (int, int) { return s.w, s.h }

// sizeOf gives a panel's content size.
func sizeOf(p panelPart) (int, int) {
	if s, ok := p.(interface{ size() (int, int) }); ok {
		return s.size()
	}
	return 0, 0
}

// panelNav is a panel's scroll position and filter.
type panelNav struct {
	// offset is the first row shown (for the event log: rows up from the
	// newest).
	offset int
	// filter keeps the rows containing it (any case); editing is set while
	// the user types it.
	filter  string
	editing bool
}

// scroll moves by delta rows, kept within total rows of which visible show.
func (n *panelNav) scroll(delta, total, visible int) {
	n.offset = clamp(n.offset+delta, 0, max(total-visible, 0))
}

// matches reports whether a row's plain text passes the filter.
func (n *panelNav) matches(text string) bool {
	return n.filter == "" || strings.Contains(strings.ToLower(text), strings.ToLower(n.filter))
}

// filterLine is the line that shows the filter being typed or kept.
func (n *panelNav) filterLine(st Styles) string {
	if !n.editing && n.filter == "" {
		return ""
	}
	cur := ""
	if n.editing {
		cur = "█"
	}
	return st.FilterLine.Render("/" + n.filter + cur)
}

// window returns rows[from:to] for a view of visible rows starting at offset,
// with the offset kept in range.
func window(total, offset, visible int) (from, to int) {
	if visible <= 0 || total == 0 {
		return 0, 0
	}
	from = clamp(offset, 0, max(total-visible, 0))
	return from, min(from+visible, total)
}

// ----- namespace panel -----

// nsPanel shows the eight namespaces of each pane's inspected process, = or ≠
// between them, and which process each pane shows.
type nsPanel struct {
	panelSize
	nav panelNav
}

func (p *nsPanel) name() string { return "namespaces" }

// ShortHelp is the panel's keys.
func (p *nsPanel) ShortHelp(k KeyMap) []key.Binding { return []key.Binding{k.Up, k.Down, k.Filter} }

// rows are the panel's lines as plain-text keys for filtering, with a render
// function each.
func (p *nsPanel) typeRows() []lab.NSType {
	var out []lab.NSType
	for _, t := range lab.NSTypes {
		if p.nav.matches(string(t)) {
			out = append(out, t)
		}
	}
	return out
}

func (p *nsPanel) count(panelData) int { return len(p.typeRows()) }

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
	plain := fmt.Sprintf("%-6s %10s %s %-10s", t, inode(h), sym, inode(n))
	if m, ok := d.hl.nsMark(t); ok {
		if m.spot {
			return st.Spotlight.Render(symSpotlight + plain)
		}
		return st.Recent.Render(symRecent + plain)
	}
	return lead + st.Normal.Render(fmt.Sprintf("%-6s %10s ", t, inode(h))) + symStyle.Render(sym) + st.Normal.Render(" "+fmt.Sprintf("%-10s", inode(n)))
}

// who says which process a pane shows: "host  pid 1234 bash · chrooted at /x".
func who(st Styles, s lab.Snapshot, role lab.Role) string {
	label := st.Title.Render(fmt.Sprintf("%-4s", role))
	if s.PID == 0 {
		return label + " " + st.Muted.Render("no shell")
	}
	out := label + " " + st.Normal.Render(fmt.Sprintf("pid %d %s", s.PID, s.Comm))
	if s.Chrooted {
		out += st.Muted.Render(" · ") + st.Warn.Render("chrooted at "+s.Root)
	} else if s.Cwd != "" {
		out += st.Muted.Render(" · cwd " + s.Cwd)
	}
	return out
}

// lines draws the panel's content in w×h cells: one column of types when it
// is tall enough, two when it is short and wide (the compact strip).
func (p *nsPanel) lines(st Styles, d panelData, w, h int) []string {
	types := p.typeRows()
	var out []string
	filter := p.nav.filterLine(st)
	avail := h - 2 // the two "who" lines
	if filter != "" {
		avail--
	}
	header := st.Header.Render(fmt.Sprintf(" %-6s %-10s   %-10s", "type", "host", "ns"))
	twoCols := avail < len(types)+1 && w >= 64
	if twoCols {
		half := (len(types) + 1) / 2
		rows := max(avail-1, 0)
		from, to := window(half, p.nav.offset, rows)
		out = append(out, fit(header, 31)+" "+header)
		for i := from; i < to; i++ {
			l := nsCell(st, types[i], d)
			if j := i + half; j < len(types) {
				l = fit(l, 31) + " " + nsCell(st, types[j], d)
			}
			out = append(out, l)
		}
	} else {
		rows := max(avail-1, 0)
		from, to := window(len(types), p.nav.offset, rows)
		if avail > 0 {
			out = append(out, header)
		}
		for _, t := range types[from:to] {
			out = append(out, nsCell(st, t, d))
		}
	}
	for len(out) < max(avail, 0) {
		out = append(out, "")
	}
	for _, r := range lab.Roles {
		line := who(st, d.state.Snapshot(r), r)
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
	if filter != "" {
		out = append(out, filter)
	}
	return out
}

// summary is the namespace panel in one line, for the compact strip:
// "mnt≠ pid= uts= …".
func nsSummary(st Styles, d panelData) string {
	var parts []string
	for _, t := range lab.NSTypes {
		h, n := d.state.Host.NS[t], d.state.NS.NS[t]
		sym, s := symEqual, st.Same
		if h != n {
			sym, s = symUnequal, st.Differ
		}
		if h == 0 || n == 0 {
			sym, s = "?", st.Muted
		}
		cell := string(t) + sym
		if m, ok := d.hl.nsMark(t); ok {
			if m.spot {
				parts = append(parts, st.Spotlight.Render(symSpotlight+cell))
			} else {
				parts = append(parts, st.Recent.Render(cell))
			}
			continue
		}
		parts = append(parts, st.Normal.Render(string(t))+s.Render(sym))
	}
	for _, r := range lab.Roles {
		if s := d.state.Snapshot(r); s.Chrooted {
			cell := fmt.Sprintf("%s chrooted", r)
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

// ----- mount diff panel -----

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
	// mounts rebuilding them each time was most of the UI's work.
	memo struct {
		key    itemsKey
		items  []diffItem
		hidden int
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
}

func (p *diffPanel) name() string { return "mounts" }

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
	key := itemsKey{rows: len(d.state.Diff), ghosts: sig.String(), showPseudo: p.showPseudo, filter: p.nav.filter}
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
		if p.nav.filter != "" && !p.nav.matches(rowText(it.row)) {
			return
		}
		items = append(items, it)
	}
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
	p.memo.key, p.memo.items, p.memo.hidden = key, items, hidden
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

func (p *diffPanel) count(d panelData) int {
	items, _ := p.items(d)
	return len(items)
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
func rowText(r mnt.DiffRow) string {
	return strings.Join([]string{r.Key.Mountpoint, r.Key.FSType, r.Key.Source, classSymbol(r.Class), classWord(r.Class)}, " ")
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

func classWord(c mnt.DiffClass) string {
	switch c {
	case mnt.HostOnly:
		return "host only"
	case mnt.NSOnly:
		return "ns only"
	case mnt.Changed:
		return "changed"
	}
	return "both"
}

// diffCols are the widths of the diff panel's columns at one panel width;
// zero means the column is left out.
type diffCols struct {
	point, fstype, source, prop, what int
}

// columnsFor fits the columns to an inner width: the mount point takes what
// is left, and the least needed columns go first when space runs out.
func columnsFor(w int) diffCols {
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

func whatDiffers(d mnt.Difference) string {
	var parts []string
	if d&mnt.DiffOptions != 0 {
		parts = append(parts, "opts")
	}
	if d&mnt.DiffSuperOptions != 0 {
		parts = append(parts, "super")
	}
	if d&mnt.DiffPropagation != 0 {
		parts = append(parts, "prop")
	}
	return strings.Join(parts, "+")
}

func (p *diffPanel) header(st Styles, c diffCols) string {
	s := "    " + col("mount point", c.point) + col("fstype", c.fstype) + col("source", c.source) +
		col("host", c.prop) + col("ns", c.prop)
	if c.what > 0 {
		s += col("differs", c.what)
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
		body += col(whatDiffers(r.Differs), c.what)
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
func (p *diffPanel) lines(st Styles, d panelData, w, h int) []string {
	items, _ := p.items(d)
	c := columnsFor(w)
	filter := p.nav.filterLine(st)
	rows := h - 1
	if filter != "" {
		rows--
	}
	out := []string{p.header(st, c)}
	from, to := window(len(items), p.nav.offset, rows)
	for _, it := range items[from:to] {
		out = append(out, p.rowLine(st, it, c, w, d))
	}
	if len(items) == 0 && rows > 0 {
		out = append(out, st.Muted.Render("  (no mounts match)"))
	}
	if filter != "" {
		for len(out) < h-1 {
			out = append(out, "")
		}
		out = append(out, filter)
	}
	return out
}

// status is the panel's count, for its border: "41 rows · 17 pseudo hidden".
func (p *diffPanel) status(st Styles, d panelData) string {
	items, hidden := p.items(d)
	s := fmt.Sprintf("%d", len(items))
	for _, r := range lab.Roles {
		if d.state.Snapshot(r).PID == 0 {
			s = string(r) + " has no shell · " + s
		}
	}
	if hidden > 0 {
		s += fmt.Sprintf(" · %d pseudo hidden", hidden)
	}
	return st.Muted.Render(s)
}

// legend explains the class symbols.
func diffLegend(st Styles) string {
	return st.Class[mnt.InBoth].Render(symSame) + st.Muted.Render(" both ") +
		st.Class[mnt.HostOnly].Render(symHostOnly) + st.Muted.Render(" host only ") +
		st.Class[mnt.NSOnly].Render(symNSOnly) + st.Muted.Render(" ns only ") +
		st.Class[mnt.Changed].Render(symChanged) + st.Muted.Render(" changed")
}
