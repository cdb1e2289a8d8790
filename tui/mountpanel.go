package tui

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

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

// diffPanel is the mount panel: the union of both panes' mount tables, one
// row per mount, with each mount's source (and the directory of its file
// system it shows, as findmnt writes it: tmpfs[/nslab/rootfs]), per-mount
// options, propagation on each side, and how the two copies relate; as a
// list in mount point order, or as findmnt's tree.
type diffPanel struct {
	panelSize
	nav        panelNav
	showPseudo bool
	// tree draws each mount under the mount it is mounted on.
	tree bool
	// memo keeps the last view: one frame asks for it several times, and at
	// 10,000 mounts rebuilding it each time was most of the UI's work.
	memo struct {
		key  viewKey
		view *mountView
		// spliced counts the views built by spliced (for tests).
		spliced int
	}
	// rows keeps each row's cells from one state to the next.
	rows rowMemo
	// seen is rowIDs' table, kept for the next view.
	seen firstSeen
}

// viewKey says what the view depends on: the diff (the lab hands out the same
// slice until the state changes), the ghosts, and the panel's own choices.
type viewKey struct {
	diff       *mnt.DiffRow
	rows       int
	ghosts     string
	showPseudo bool
	tree       bool
	filter     string
	// wd: the filter matches the words in the screen's language.
	wd *words
	// chroots are where each pane is chrooted ("" where it is not) and its
	// table: what each reaches depends on both.
	chroots [2]string
	tables  [2]*mnt.Mount
	sizes   [2]int
}

func (p *diffPanel) name(wd *words) string { return wd.mountsPanel }

// ShortHelp is the panel's keys: t says what it turns the panel into.
func (p *diffPanel) ShortHelp(k KeyMap) []key.Binding {
	view := k.Tree
	if p.tree {
		view = k.List
	}
	return []key.Binding{k.Up, k.Down, view, k.Filter, k.Pseudo}
}

// handleKey acts on the panel's own keys while it has focus, and reports
// whether k was one.
func (p *diffPanel) handleKey(k tea.KeyPressMsg, keys KeyMap) bool {
	switch {
	case key.Matches(k, keys.Pseudo):
		p.showPseudo = !p.showPseudo
	case key.Matches(k, keys.Tree):
		p.tree = !p.tree
	default:
		return false
	}
	p.nav.offset = 0
	return true
}

// diffItem is one row to show: a live row or a ghost. Besides the row and
// its cells it keeps what the panel asks of every row at every change (its
// class, its mount point's width, whether the row before has the same mount
// point), so that at 100,000 rows those walks read the items alone and
// never follow the pointers.
type diffItem struct {
	// row points into the state's diff (or at a ghost): items are copied
	// around at every change, rows are not.
	row  *mnt.DiffRow
	info *rowInfo
	// at is the row's index in the diff, -1 for a ghost.
	at int32
	// pointW is the mount point's width (at most maxPointW).
	pointW uint16
	// cls is shownClass's class, or clsGhost.
	cls uint8
	// samePrev: the item before has the same mount point (the list only).
	samePrev bool
}

// clsGhost is a ghost's cls: after the classes, as the counts by class keep
// ghosts.
const clsGhost = 4

// ghost says the item is a row that left both tables, listed a while.
func (it diffItem) ghost() bool { return it.cls == clsGhost }

const maxPointW = 1<<16 - 1

func newItem(r *mnt.DiffRow, at int, in *rowInfo, ghost bool) diffItem {
	it := diffItem{row: r, info: in, at: int32(at), pointW: uint16(min(in.widths[colPoint], maxPointW))}
	if ghost {
		it.at, it.cls = -1, clsGhost
	} else {
		it.cls = uint8(shownClass(*r))
	}
	return it
}

// markSamePoints sets samePrev for items[from:to] (the list's).
func markSamePoints(items []diffItem, from, to int) {
	for k := max(from, 0); k < min(to, len(items)); k++ {
		items[k].samePrev = k > 0 && items[k].row.Point() == items[k-1].row.Point()
	}
}

// The mount panel's columns, in screen order.
const (
	colPoint = iota
	colFSType
	colSource
	colOpts
	colHost
	colNS
	colRel
	numCols
)

// mountView is what the panel shows of one state, whatever its size: the
// rows in order and the text of each of their cells.
type mountView struct {
	items []diffItem
	// hidden counts the pseudo filesystems left out.
	hidden int
	// prefix is each item's place in the tree ("│ ├─"), nil in the list,
	// and prefixW its width. Each item's cells are in its info.
	prefix  []string
	prefixW []int
	// reach marks each item for the chrooted panes, and chroots counts what
	// each reaches; both nil when no pane is chrooted.
	reach   []reachMark
	chroots []chrootCount
	// longest are the widest cells of each column; heads are the widest
	// parts of a column's cells that it keeps at any width: of the options,
	// how the copies differ ("rw|ro"); of the sources, the directory a bind
	// shows ("[/nslab/rootfs]"), each with room for the "…" of the cut.
	longest [numCols]int
	heads   [numCols]int
	// optsMatter says some row's options are worth their room: one is
	// read-only, or two copies differ.
	optsMatter bool
	// ids, for the last columns asked (idsFor), marks the rows of the tree
	// that would look alike at those widths with their mount IDs.
	idsFor diffCols
	ids    map[int]string
	// seen is the panel's table for rowIDs.
	seen *firstSeen
	// cuts counts the list's cut rows by their hash (see listID).
	cuts *cutCounts
}

// cutCounts counts, for the columns c, the list's rows whose mount point is
// cut, by the hash of their text (alike): two such rows look alike when
// their hashes are equal. A spliced view takes it over from the last one and
// counts only the rows that came and went.
type cutCounts struct {
	c      diffCols
	counts map[uint64]int32
}

// view builds, or takes from the memo, the rows to show: ghosts at their
// place, pseudo filesystems left out unless asked for, filtered. The result
// is shared: do not change it.
func (p *diffPanel) view(d panelData) *mountView {
	var ghosts []mnt.DiffRow
	var sig strings.Builder
	for _, g := range d.hl.ghosts {
		ghosts = append(ghosts, g.row)
	}
	sortRows(ghosts)
	for _, g := range ghosts {
		sig.WriteString(g.Point())
		sig.WriteByte(0)
	}
	key := viewKey{rows: len(d.state.Diff), ghosts: sig.String(), showPseudo: p.showPseudo, tree: p.tree, filter: p.nav.filter, wd: d.wd}
	if len(d.state.Diff) > 0 {
		key.diff = &d.state.Diff[0]
	}
	for i, r := range lab.Roles {
		if s := d.state.Snapshot(r); s.Chrooted {
			key.chroots[i], key.sizes[i] = s.Root, len(s.Mounts)
			if len(s.Mounts) > 0 {
				key.tables[i] = &s.Mounts[0]
			}
		}
	}
	if p.memo.view != nil && p.memo.key == key {
		return p.memo.view
	}
	// Every row in list order, ghosts at their place; then the ones to show.
	lastRows, lastInfos := p.rows.rows, p.rows.info
	infos := p.rows.infos(d.wd, d.state.Diff)
	if v := p.spliced(key, d.state.Diff, infos, lastRows, lastInfos); v != nil {
		p.memo.key, p.memo.view = key, v
		p.memo.spliced++
		return v
	}
	all := make([]diffItem, 0, len(d.state.Diff)+len(ghosts))
	gi := 0
	for i := range d.state.Diff {
		r := &d.state.Diff[i]
		for gi < len(ghosts) && mnt.ComparePoints(ghosts[gi].Point(), r.Point()) < 0 {
			all = append(all, newItem(&ghosts[gi], -1, newRowInfo(d.wd, ghosts[gi]), true))
			gi++
		}
		all = append(all, newItem(r, i, infos[i], false))
	}
	for ; gi < len(ghosts); gi++ {
		all = append(all, newItem(&ghosts[gi], -1, newRowInfo(d.wd, ghosts[gi]), true))
	}
	v := &mountView{seen: &p.seen}
	keep := func(it diffItem) bool {
		if !p.showPseudo && it.info.pseudo {
			v.hidden++
			return false
		}
		return p.nav.filter == "" || p.nav.matches(rowText(d.wd, *it.row, it.info.cells))
	}
	if p.tree {
		// The tree places each row under its parent, shown or not.
		shown := make([]int, 0, len(all))
		for i, it := range all {
			if keep(it) {
				shown = append(shown, i)
			}
		}
		var order []int
		order, v.prefix = treeOrder(all, shown)
		v.items = make([]diffItem, len(order))
		for k, i := range order {
			v.items[k] = all[i]
		}
	} else {
		v.items = all[:0]
		for _, it := range all {
			if keep(it) {
				v.items = append(v.items, it)
			}
		}
		markSamePoints(v.items, 0, len(v.items))
	}
	if v.prefix != nil {
		v.prefixW = make([]int, len(v.prefix))
		for k, pre := range v.prefix {
			v.prefixW[k] = cellWidth(pre)
		}
	}
	v.reach, v.chroots = reachOf(d.state, v.items)
	v.measure(v.items, 0)
	p.memo.key, p.memo.view = key, v
	return v
}

// measure widens the view's column widths and heads to items', the k-th of
// which is item from+k.
func (v *mountView) measure(items []diffItem, from int) {
	for k, it := range items {
		in := it.info
		for i, cw := range in.widths {
			v.longest[i] = max(v.longest[i], cw)
		}
		if v.prefixW != nil {
			v.longest[colPoint] = max(v.longest[colPoint], in.widths[colPoint]+v.prefixW[from+k])
		}
		v.heads[colOpts] = max(v.heads[colOpts], in.optsHead)
		v.heads[colSource] = max(v.heads[colSource], in.srcHead)
		v.optsMatter = v.optsMatter || in.optsHead > 0 || in.ro
	}
}

// maxSplice is the most rows a state may add and remove for spliced to
// build its view from the last one.
const maxSplice = 64

// spliced builds the view of diff from the memo's, where diff is the memo's
// diff with a few rows added or removed in one place (what one mount or
// unmount does): the items before and after that place are the memo's,
// pointed at diff's rows, and only the new rows are looked at. At 100,000
// mounts building the view row by row took most of the UI's time at each
// change. It returns nil where that does not apply: the tree, a filter,
// ghosts, a chrooted pane, or another kind of change.
func (p *diffPanel) spliced(key viewKey, diff []mnt.DiffRow, infos []*rowInfo, lastRows []mnt.DiffRow, lastInfos []*rowInfo) *mountView {
	old, oldKey := p.memo.view, p.memo.key
	if old == nil || key.tree || key.filter != "" || key.ghosts != "" || key.chroots != [2]string{} || old.prefix != nil || old.reach != nil {
		return nil
	}
	same := oldKey
	same.diff, same.rows = key.diff, key.rows
	if same != key || len(lastRows) != oldKey.rows || len(lastInfos) != len(lastRows) || len(lastRows) == 0 || &lastRows[0] != oldKey.diff || len(infos) != len(diff) {
		return nil // the memo's view is not of the rows the row memo had
	}
	// The rows before and after the change keep their rowInfo (infos reuses
	// an unchanged row's): the change lies between.
	a := 0
	for a < len(infos) && a < len(lastInfos) && infos[a] == lastInfos[a] {
		a++
	}
	s := 0
	for s < len(infos)-a && s < len(lastInfos)-a && infos[len(infos)-1-s] == lastInfos[len(lastInfos)-1-s] {
		s++
	}
	oldEnd, newEnd := len(lastInfos)-s, len(infos)-s
	if oldEnd-a+newEnd-a > maxSplice {
		return nil
	}
	at := func(it diffItem, i int) int { return int(it.at) - i }
	kA, _ := slices.BinarySearchFunc(old.items, a, at)
	kB, _ := slices.BinarySearchFunc(old.items, oldEnd, at)
	v := &mountView{seen: &p.seen, hidden: old.hidden, longest: old.longest, heads: old.heads, optsMatter: old.optsMatter}
	// A row that goes may have been the widest: then measure all again.
	again := false
	for _, it := range old.items[kA:kB] {
		in := it.info
		for i, cw := range in.widths {
			again = again || (cw > 0 && cw >= old.longest[i])
		}
		// Options that differ or read-only ones are what make the options column
		// matter (optsMatter), and the widest source head may go.
		again = again || in.optsHead > 0 || in.ro || (in.srcHead > 0 && in.srcHead >= old.heads[colSource])
	}
	if !p.showPseudo {
		for _, in := range lastInfos[a:oldEnd] {
			if in.pseudo {
				v.hidden--
			}
		}
	}
	v.items = make([]diffItem, 0, kA+(newEnd-a)+len(old.items)-kB)
	for _, it := range old.items[:kA] {
		it.row = &diff[it.at]
		v.items = append(v.items, it)
	}
	for j := a; j < newEnd; j++ {
		if !p.showPseudo && infos[j].pseudo {
			v.hidden++
			continue
		}
		v.items = append(v.items, newItem(&diff[j], j, infos[j], false))
	}
	added := len(v.items) - kA
	delta := int32(newEnd - oldEnd)
	for _, it := range old.items[kB:] {
		it.at += delta
		it.row = &diff[it.at]
		v.items = append(v.items, it)
	}
	markSamePoints(v.items, kA, kA+added+1)
	if cc := old.cuts; cc != nil {
		// The last view is done with: its counts become this one's.
		old.cuts, v.cuts = nil, cc
		for k := kA; k < kB; k++ {
			if old.isCut(k, cc.c) {
				h := old.alike(k, cc.c, key.wd)
				if cc.counts[h]--; cc.counts[h] <= 0 {
					delete(cc.counts, h)
				}
			}
		}
		for k := kA; k < kA+added; k++ {
			if v.isCut(k, cc.c) {
				cc.counts[v.alike(k, cc.c, key.wd)]++
			}
		}
	}
	if again {
		v.longest, v.heads, v.optsMatter = [numCols]int{}, [numCols]int{}, false
		v.measure(v.items, 0)
	} else {
		v.measure(v.items[kA:kA+added], kA)
	}
	return v
}

// items lists the rows to show and counts the pseudo filesystems left out.
func (p *diffPanel) items(d panelData) (items []diffItem, hidden int) {
	v := p.view(d)
	return v.items, v.hidden
}

// rowCells are a row's texts, column by column.
func rowCells(wd *words, r mnt.DiffRow) [numCols]string {
	var c [numCols]string
	k := r.Key()
	c[colPoint] = k.Mountpoint
	c[colFSType] = k.FSType
	c[colSource] = sourceText(k)
	c[colOpts], _ = optsText(r)
	c[colHost] = propOf(r.Host)
	c[colNS] = propOf(r.NS)
	c[colRel] = relText(wd, r)
	return c
}

// sourceText is a mount's source as findmnt writes it: with the directory of
// the file system the mount shows in brackets when that is not its root
// ("tmpfs[/nslab/rootfs]": a bind mount, or a mount seen through a chroot).
func sourceText(k mnt.MountKey) string {
	if k.Root == "" || k.Root == "/" {
		return k.Source
	}
	return k.Source + "[" + k.Root + "]"
}

// optsText is a row's per-mount options (mountinfo's sixth field: ro on a
// read-only bind even where the file system is rw). Where the two copies
// differ, what differs comes first, the host side's and ns's either side of
// a bar, then what they share: "rw|ro,relatime". optsHead is the width of
// the part before what they share, 0 where they do not differ.
func optsText(r mnt.DiffRow) (text string, optsHead int) {
	switch {
	case r.Host == nil && r.NS == nil:
		return "", 0
	case r.NS == nil:
		return r.Host.Options, 0
	case r.Host == nil, r.Host.Options == r.NS.Options:
		return r.NS.Options, 0
	}
	hs, ns := strings.Split(r.Host.Options, ","), strings.Split(r.NS.Options, ",")
	var onlyHost, onlyNS, both []string
	for _, o := range hs {
		if slices.Contains(ns, o) {
			both = append(both, o)
		} else {
			onlyHost = append(onlyHost, o)
		}
	}
	for _, o := range ns {
		if !slices.Contains(hs, o) {
			onlyNS = append(onlyNS, o)
		}
	}
	text = strings.Join(onlyHost, ",") + "|" + strings.Join(onlyNS, ",")
	head := cellWidth(text)
	if len(both) > 0 {
		text += "," + strings.Join(both, ",")
		head++ // room for the "…" that marks the rest cut
	}
	return text, head
}

// relText is the last column: how the two copies relate, after what differs
// between them when they do ("≠ opts · ns slave of 3").
func relText(wd *words, r mnt.DiffRow) string {
	rel := relationText(wd, relate(r.Host, r.NS))
	if shownClass(r) != mnt.Changed {
		return rel
	}
	what := symChanged + " " + whatDiffers(wd, shownDiffers(r))
	if rel == "" {
		return what
	}
	return what + " · " + rel
}

// relShort is relText for a narrow column: what differs alone on a changed
// row, the relation without its group (which the host and ns columns show).
func relShort(wd *words, r mnt.DiffRow) string {
	if shownClass(r) == mnt.Changed {
		return symChanged + " " + whatDiffers(wd, shownDiffers(r))
	}
	return relationShort(wd, relate(r.Host, r.NS))
}

// follow scrolls so the highlighted rows are in view, the first of them if
// they do not all fit.
func (p *diffPanel) follow(d panelData, visible int) {
	v := p.view(d)
	items := v.items
	first, last := -1, -1
	for _, i := range v.hotRows(d.hl) {
		if first < 0 {
			first = i
		}
		last = i
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
func rank(it diffItem, hot bool, reach reachMark) int {
	if hot {
		return 0
	}
	if it.ghost() || reach == reachRoot {
		return 1
	}
	switch mnt.DiffClass(it.cls) {
	case mnt.Changed:
		return 1
	case mnt.HostOnly, mnt.NSOnly:
		return 2
	}
	return 3
}

// hotRows lists, in order, the items whose mount is highlighted. In the list
// the items are in mount point order, so each highlight is found by binary
// search: looking every row up among the highlights cost a millisecond a frame
// at 10,000 rows.
func (v *mountView) hotRows(hl *highlights) []int {
	if len(hl.mounts) == 0 {
		return nil
	}
	var hot []int
	if v.prefix != nil {
		for i, it := range v.items {
			if _, ok := hl.mounts[it.row.Key()]; ok {
				hot = append(hot, i)
			}
		}
		return hot
	}
	for k := range hl.mounts {
		i, _ := slices.BinarySearchFunc(v.items, k.Mountpoint, func(it diffItem, point string) int {
			return mnt.ComparePoints(it.row.Point(), point)
		})
		for ; i < len(v.items) && v.items[i].row.Point() == k.Mountpoint; i++ {
			if v.items[i].row.Key() == k {
				hot = append(hot, i)
			}
		}
	}
	slices.Sort(hot)
	return slices.Compact(hot)
}

// itemRows is how many mount rows fit in h content lines with total rows to
// show and extra lines above the header (one per chrooted pane), and whether
// a line is kept to say that some do not fit.
func (p *diffPanel) itemRows(total, extra, h int) (rows int, marked bool) {
	rows = h - 1 - extra // the header
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
	v := p.view(d)
	rows, _ := p.itemRows(len(v.items), len(v.chroots), p.h)
	return len(v.items), max(rows, 1)
}

// sortRows orders ghosts by mount point, then the rest of the key, so the
// panel is the same from frame to frame.
func sortRows(rows []mnt.DiffRow) {
	less := func(a, b mnt.MountKey) bool {
		if c := mnt.ComparePoints(a.Mountpoint, b.Mountpoint); c != 0 {
			return c < 0
		}
		return fmt.Sprint(a) < fmt.Sprint(b)
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && less(rows[j].Key(), rows[j-1].Key()); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

// rowText is a row's plain text for the filter: its cells, its class's
// symbol and word.
func rowText(wd *words, r mnt.DiffRow, cells [numCols]string) string {
	c := shownClass(r)
	return strings.Join(append(cells[:], classSymbol(c), classWord(wd, c)), " ")
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

// diffCols are the widths of the mount panel's columns at one panel width,
// zero for a column left out, and lead, the cells before the mount point.
type diffCols struct {
	w    [numCols]int
	lead int
}

// colMin is the least width a column is shown at (a cut is marked with "…").
var colMin = [numCols]int{colPoint: 8, colFSType: 6, colSource: 8, colOpts: 4, colHost: 10, colNS: 10, colRel: 13}

// colStep is one step of fitting the columns: show a column at its least
// width, or widen a shown one up to its widest cell; with a pair, widen two
// columns a cell at a time each, so that neither takes all the room.
type colStep struct {
	col  int
	grow bool
	pair int
	// upTo, when set, stops the growth at that width.
	upTo int
}

// colSteps are the steps in order while room lasts. The per-mount options
// matter where one is not what every mount has ("rw,relatime"): with one
// read-only, or two copies that differ, they come before the relation;
// otherwise after every other column has its room.
func colSteps(optsMatter bool) []colStep {
	steps := []colStep{{col: colPoint}, {col: colHost}, {col: colNS}, {col: colFSType}, {col: colSource}}
	if optsMatter {
		steps = append(steps, colStep{col: colOpts})
	}
	// The mount point grows first to a common length, then shares with the
	// source: a long path and a source both say which mount a row is.
	steps = append(steps, colStep{col: colRel},
		colStep{col: colHost, grow: true}, colStep{col: colNS, grow: true},
		colStep{col: colPoint, grow: true, upTo: 16},
		colStep{col: colPoint, grow: true, pair: colSource}, colStep{col: colRel, grow: true})
	if !optsMatter {
		steps = append(steps, colStep{col: colOpts})
	}
	return append(steps, colStep{col: colOpts, grow: true}, colStep{col: colFSType, grow: true})
}

// leadWidth is the cells before the mount point: spotlight, sign, class
// symbol and a space; while a pane is chrooted, reachLead more: its reach
// mark and a space.
const (
	leadWidth = 4
	reachLead = 2
)

// columnsFor fits the columns to an inner width w, in colSteps' order:
// each column wants its widest cell (longest, the column's name included),
// and gets its least width first, and the room left later. What is left
// after every step goes to the mount point, so the last column ends at the
// panel's edge. heads are widths a column keeps, up to 24 (mountView.heads);
// optsMatter says whether the options column comes early.
func columnsFor(w, lead int, longest, heads [numCols]int, optsMatter bool) diffCols {
	c := diffCols{lead: lead}
	used := c.lead
	least := colMin
	for i, h := range heads {
		least[i] = max(least[i], min(h, 24))
	}
	for i, s := range colSteps(optsMatter) {
		switch {
		case !s.grow && c.w[s.col] == 0:
			need := min(least[s.col], longest[s.col])
			if used+need+1 > w && i > 0 { // the mount point is always shown
				continue
			}
			c.w[s.col] = need
			used += need + 1
		case s.grow && s.pair != 0:
			for grew := true; grew && used < w; {
				grew = false
				for _, col := range []int{s.col, s.pair} {
					if c.w[col] > 0 && c.w[col] < longest[col] && used < w {
						c.w[col]++
						used++
						grew = true
					}
				}
			}
		case s.grow && c.w[s.col] > 0:
			want := longest[s.col]
			if s.upTo > 0 {
				want = min(want, s.upTo)
			}
			give := min(max(want-c.w[s.col], 0), max(w-used, 0))
			c.w[s.col] += give
			used += give
		}
	}
	if used < w {
		c.w[colPoint] += w - used
	}
	return c
}

func col(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return fit(s, w) + " "
}

// fitTail cuts or pads a path to exactly w cells, keeping its end: of a
// mount point the last directories tell most ("…/rootfs/escape"), of a
// source the directory in brackets.
func fitTail(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if plainASCII(s) && len(s) > w {
		return "…" + s[len(s)-(w-1):]
	}
	if sw := cellWidth(s); sw > w {
		r := []rune(s)
		for len(r) > 0 && cellWidth(string(r))+1 > w {
			r = r[1:]
		}
		s = "…" + string(r)
	}
	return fit(s, w)
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

// headers are the columns' names.
func headers(wd *words) [numCols]string {
	return [numCols]string{colPoint: wd.pointCol, colFSType: wd.fstypeCol, colSource: wd.sourceCol,
		colOpts: wd.opts, colHost: "host", colNS: "ns", colRel: wd.relCol}
}

// longest is the widest cell of each column, its name included.
func (p *diffPanel) longest(d panelData) [numCols]int {
	l := p.view(d).longest
	for i, h := range headers(d.wd) {
		l[i] = max(l[i], cellWidth(h))
	}
	return l
}

func (p *diffPanel) header(st Styles, wd *words, c diffCols) string {
	s := strings.Repeat(" ", c.lead)
	for i, h := range headers(wd) {
		s += col(h, c.w[i])
	}
	return st.Header.Render(strings.TrimRight(s, " "))
}

// body is item i's cells at the columns' widths, the mount point after its
// place in the tree; id, when set, follows the mount point so that rows
// alike in every other cell are told apart. A relation too long for its
// column is said in short where that fits.
func (v *mountView) body(i int, c diffCols, wd *words, id string) string {
	prefix := v.prefixOf(i)
	row := v.items[i].row
	var b strings.Builder
	for i, s := range v.items[i].info.cells {
		if c.w[i] <= 0 {
			continue
		}
		if i == colPoint {
			w := c.w[i] - cellWidth(prefix)
			if w < 4 {
				// A tree deeper than the column: its right end goes, marked.
				b.WriteString(fit(prefix+s+id, c.w[i]) + " ")
				continue
			}
			if room := w - cellWidth(id); id != "" && cellWidth(s) > room {
				s = fitTail(s, max(room, 1)) + id
			} else {
				s += id
			}
			b.WriteString(prefix + fitTail(s, w) + " ")
			continue
		}
		if i == colSource {
			// The end of a source says most too: the directory a bind
			// shows ("…[/nslab/rootfs]"), the last part of a device path.
			b.WriteString(fitTail(s, c.w[i]) + " ")
			continue
		}
		if i == colRel && cellWidth(s) > c.w[i] {
			s = relShort(wd, *row)
		}
		b.WriteString(col(s, c.w[i]))
	}
	return b.String()
}

// idSuffix names a row's mounts by ID, as mountinfo's first field does:
// " #120" for the host side's, " #220" for ns's, " #120/220" for both.
func idSuffix(r mnt.DiffRow) string {
	switch {
	case r.Host != nil && r.NS != nil:
		return fmt.Sprintf(" #%d/%d", r.Host.ID, r.NS.ID)
	case r.Host != nil:
		return fmt.Sprintf(" #%d", r.Host.ID)
	case r.NS != nil:
		return fmt.Sprintf(" #%d", r.NS.ID)
	}
	return ""
}

// rowIDs gives each row of the tree that would look like another at the
// columns c its mount IDs; rows not in it show none. It is kept for the last
// c. (The list asks listID, row by row.)
func (v *mountView) rowIDs(c diffCols, wd *words) map[int]string {
	if v.ids != nil && v.idsFor == c {
		return v.ids
	}
	ids := map[int]string{}
	v.alikeAll(c, wd, func(i, j int) {
		if i >= 0 {
			ids[i] = idSuffix(*v.items[i].row)
		}
		ids[j] = idSuffix(*v.items[j].row)
	})
	v.idsFor, v.ids = c, ids
	return ids
}

// isCut says item i's mount point does not fit the columns c.
func (v *mountView) isCut(i int, c diffCols) bool {
	return int(v.items[i].pointW) > c.w[colPoint]
}

// listID is the mount IDs item i of the list shows at the columns c when it
// would look like another row there (two tmpfs mounts stacked on
// /tmp/mount_test, two long paths cut alike), "" when it would not. A row
// whose mount point is drawn whole can look alike only rows on the same
// mount point, which are next to it; a cut one any other cut one, which the
// view counts (cutCounts). Only the rows drawn are asked: at 100,000 rows
// comparing every row at each change cost more than the rest of the panel.
func (v *mountView) listID(i int, c diffCols, wd *words) string {
	if c.w[colPoint] == 0 {
		return "" // no mount point shown: the tree's rowIDs applies
	}
	if v.isCut(i, c) {
		if v.cuts == nil || v.cuts.c != c {
			v.cuts = &cutCounts{c: c, counts: map[uint64]int32{}}
			for k := range v.items {
				if v.isCut(k, c) {
					v.cuts.counts[v.alike(k, c, wd)]++
				}
			}
		}
		if v.cuts.counts[v.alike(i, c, wd)] > 1 {
			return idSuffix(*v.items[i].row)
		}
		return ""
	}
	lo, hi := i, i+1
	for lo > 0 && v.items[lo].samePrev {
		lo--
	}
	for hi < len(v.items) && v.items[hi].samePrev {
		hi++
	}
	if hi-lo == 1 {
		return ""
	}
	h := v.alike(i, c, wd) // the run's rows share a mount point: none is cut
	for k := lo; k < hi; k++ {
		if k != i && v.alike(k, c, wd) == h {
			return idSuffix(*v.items[i].row)
		}
	}
	return ""
}

// alikeAll finds the rows that look alike by hashing every row's text.
func (v *mountView) alikeAll(c diffCols, wd *words, mark func(i, j int)) {
	if v.seen == nil {
		v.seen = new(firstSeen)
	}
	*v.seen = v.seen.reuse(len(v.items))
	first := *v.seen
	// Texts are told apart by a 64-bit hash: two that collide (about one
	// chance in 10^9 at 100,000 rows) only show their IDs without need.
	for i := range v.items {
		if j := first.put(v.alike(i, c, wd), i); j != i {
			mark(j, i)
		}
	}
}

// alike hashes item i's text at the columns c, with its symbols: two rows
// look alike when their hashes are equal. A row with no cell cut reads alike
// another only if their cells are alike; only a cut row is drawn to compare.
// In the list a row keeps its hash from one state to the next: an uncut row
// while the same columns are shown, a cut one while they keep their widths.
func (v *mountView) alike(i int, c diffCols, wd *words) uint64 {
	it := v.items[i]
	in := it.info
	cut := false
	var shown uint8
	for col, cw := range in.widths {
		if col == colPoint && v.prefixW != nil {
			cw += v.prefixW[i]
		}
		if c.w[col] > 0 {
			shown |= 1 << col
			cut = cut || cw > c.w[col]
		}
	}
	key := alikeKey{cut: cut, shown: shown}
	if cut {
		key.cols = c
	}
	if v.prefix == nil && in.hasAlike && in.alikeKey == key {
		return mixReach(in.alike, v.reachSymbol(i))
	}
	var h maphash.Hash
	h.SetSeed(alikeSeed)
	if cut {
		h.WriteString("\x01")
		h.WriteString(v.body(i, c, wd, ""))
	} else {
		h.WriteString(v.prefixOf(i))
		for col, cell := range in.cells {
			if c.w[col] > 0 {
				h.WriteString(cell)
				h.WriteByte(0)
			}
		}
	}
	// The class symbol is the row's own (a ghost has its own info).
	h.WriteByte(0)
	h.WriteString(itemSymbol(it))
	if v.prefix != nil {
		// The tree's prefix is the view's, not the row's: not kept.
		return mixReach(h.Sum64(), v.reachSymbol(i))
	}
	in.alike, in.alikeKey, in.hasAlike = h.Sum64(), key, true
	return mixReach(in.alike, v.reachSymbol(i))
}

// mixReach adds a row's reach symbol, if any, to the hash of its text.
func mixReach(text uint64, reach string) uint64 {
	if reach == "" {
		return text
	}
	var h maphash.Hash
	h.SetSeed(alikeSeed)
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], text)
	h.Write(b[:])
	h.WriteString(reach)
	return h.Sum64()
}

// reachSymbol is item i's reach mark and a space, "" while no pane is
// chrooted.
func (v *mountView) reachSymbol(i int) string {
	if v.reach == nil {
		return ""
	}
	return reachSymbol(v.reach[i]) + " "
}

// prefixOf is item i's place in the tree, "" in the list.
func (v *mountView) prefixOf(i int) string {
	if v.prefix == nil {
		return ""
	}
	return v.prefix[i]
}

// itemSymbol is the class symbol a row shows.
func itemSymbol(it diffItem) string {
	if it.ghost() {
		return symRemoved
	}
	return classSymbol(mnt.DiffClass(it.cls))
}

// rowLine draws item i; a highlighted row is drawn in one style so its
// background runs the whole width. A row a chrooted pane cannot reach is
// dimmed, after its reach mark.
func (p *diffPanel) rowLine(st Styles, v *mountView, i int, id string, c diffCols, w int, d panelData) string {
	it := v.items[i]
	r := it.row
	cls := itemSymbol(it)
	reach := v.reachSymbol(i)
	text := v.body(i, c, d.wd, id)
	if m, ok := d.hl.mounts[r.Key()]; ok {
		lead := " " + m.sign
		s := st.Recent
		if m.spot {
			lead = symSpotlight + m.sign
			s = st.Spotlight
		}
		if it.ghost() {
			s = s.Faint(true)
		}
		return s.Render(fit(lead+cls+" "+reach+text, w))
	}
	if it.ghost() {
		return st.Removed.Render(fit("  "+cls+" "+reach+text, w))
	}
	class := shownClass(*r)
	ts := st.Normal
	if class == mnt.InBoth {
		ts = st.Muted
	}
	if reach != "" {
		switch v.reach[i] {
		case reachRoot:
			reach = st.Warn.Render(symRootMount) + " "
		case reachOut:
			reach = st.Muted.Render(symOutOfReach) + " "
			ts = st.Unreachable
		}
	}
	return "  " + st.Class[class].Render(cls) + " " + reach + ts.Render(strings.TrimRight(text, " "))
}

// lines draws the panel: a line for each chrooted pane, a header, the rows
// that fit, and the filter line. When not all rows fit, an unfocused panel
// shows those that matter most (rank), in table order; a focused one
// scrolls. Either way the last line says how many are hidden, of which
// kinds, and which keys show them.
func (p *diffPanel) lines(st Styles, d panelData, w, h int) []string {
	v := p.view(d)
	items := v.items
	lead := leadWidth
	if v.reach != nil {
		lead += reachLead
	}
	c := columnsFor(w, lead, p.longest(d), v.heads, v.optsMatter)
	idOf := func(i int) string { return v.listID(i, c, d.wd) }
	if v.prefix != nil || c.w[colPoint] == 0 {
		ids := v.rowIDs(c, d.wd)
		idOf = func(i int) string { return ids[i] }
	}
	filter := p.nav.filterLine(st)
	rows, marked := p.itemRows(len(items), len(v.chroots), h)
	var out []string
	for _, cc := range v.chroots {
		out = append(out, chrootLine(st, d.wd, cc, w))
	}
	out = append(out, p.header(st, d.wd, c))
	var shown []int
	if !marked || d.focused {
		from, to := window(len(items), p.nav.offset, rows)
		for i := from; i < to; i++ {
			shown = append(shown, i)
		}
	} else {
		// pickImportant asks for the rows in order: the hot ones, in order
		// too, are met with a cursor (a map looked up at each of 100,000
		// rows cost more than the rest of the walk).
		hot := v.hotRows(d.hl)
		shown = pickImportant(len(items), rows, func(i int) int {
			for len(hot) > 0 && hot[0] < i {
				hot = hot[1:]
			}
			r := reachable
			if v.reach != nil {
				r = v.reach[i]
			}
			return rank(items[i], len(hot) > 0 && hot[0] == i, r)
		}, 4)
	}
	for _, i := range shown {
		out = append(out, p.rowLine(st, v, i, idOf(i), c, w, d))
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

// mark says which rows are not shown: "… 2 more (= 2) · f2 next part, ↓/j
// down", or, scrolled, how many are above and below.
func (p *diffPanel) mark(st Styles, items []diffItem, shown []int, d panelData) string {
	// Counted by class into an array, the shown rows skipped as the walk meets
	// them (shown is in order): no map per row at 10,000 rows.
	var byClass [5]int // the classes, then ghosts
	above, below, next := 0, 0, 0
	for i, it := range items {
		if next < len(shown) && shown[next] == i {
			next++
			continue
		}
		if len(shown) > 0 && i < shown[0] {
			above++
		} else {
			below++
		}
		byClass[it.cls]++
	}
	counts := map[string]int{symRemoved: byClass[4]}
	for c := mnt.InBoth; c <= mnt.Changed; c++ {
		counts[classSymbol(c)] += byClass[c]
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
