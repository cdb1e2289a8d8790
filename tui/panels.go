package tui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

// panelData is what the panels show, gathered by the root model, and what
// they draw it with.
type panelData struct {
	state lab.State
	hl    *highlights
	// wd and keys are the screen's words and key map (marks name keys).
	wd   *words
	keys *KeyMap
	// focused says the panel being drawn has focus: its reader scrolls it.
	focused bool
}

// panelSize is the content size a panel was given.
type panelSize struct{ w, h int }

// SetSize sets the panel's content size (inside its border).
func (s *panelSize) SetSize(w, h int) { s.w, s.h = w, h }

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

// keyHint names a key as the help bar does: "f2 next part".
func keyHint(st Styles, b key.Binding) string {
	h := b.Help()
	return st.Help.ShortKey.Render(h.Key) + " " + st.Help.ShortDesc.Render(h.Desc)
}

// overflowMark is the line that says rows are hidden and how to see them:
// what says how many and of which kinds; the keys follow.
func overflowMark(st Styles, what string, keys ...key.Binding) string {
	out := st.Muted.Render(what)
	for i, k := range keys {
		sep := ", "
		if i == 0 {
			sep = " · "
		}
		out += st.Muted.Render(sep) + keyHint(st, k)
	}
	return out
}

// kindCounts says how many of each symbol, in the order given: "≠ 1, = 3".
func kindCounts(order []string, counts map[string]int) string {
	var parts []string
	for _, sym := range order {
		if n := counts[sym]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", sym, n))
		}
	}
	return strings.Join(parts, ", ")
}

// pickImportant chooses n of total rows when not all fit: those of the lowest
// rank first, ties in table order; it returns their indices in table order,
// so the rows keep their places relative to each other.
func pickImportant(total, n int, rank func(i int) int, ranks int) []int {
	buckets := make([][]int, ranks)
	for i := range total {
		r := clamp(rank(i), 0, ranks-1)
		buckets[r] = append(buckets[r], i)
	}
	out := make([]int, 0, n)
	for _, b := range buckets {
		out = append(out, b[:min(len(b), n-len(out))]...)
	}
	sort.Ints(out)
	return out
}

// ----- namespace panel -----

// nsPanel shows the eight namespaces of each pane's inspected process, = or ≠
// between them, and which process each pane shows.
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

// typeRows are the namespace types that pass the filter.
func (p *nsPanel) typeRows() []lab.NSType {
	var out []lab.NSType
	for _, t := range lab.NSTypes {
		if p.nav.matches(string(t)) {
			out = append(out, t)
		}
	}
	return out
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
	plain := fmt.Sprintf("%-6s %10s %s %-10s", t, inode(h), sym, inode(n))
	if m, ok := d.hl.nsMark(t); ok {
		if m.spot {
			return st.Spotlight.Render(symSpotlight + plain)
		}
		return st.Recent.Render(symRecent + plain)
	}
	return lead + st.Normal.Render(fmt.Sprintf("%-6s %10s ", t, inode(h))) + symStyle.Render(sym) + st.Normal.Render(" "+fmt.Sprintf("%-10s", inode(n)))
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
			out = append(out, fit(header, 31)+" "+header)
		} else {
			out = append(out, header)
		}
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
