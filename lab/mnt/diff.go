package mnt

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
)

// Diff compares the mount tables of two namespaces and returns their union, one row per
// mount, sorted by mount point (a directory's mounts before the mounts below it, so "/a"
// and "/a/b" come before "/a b") and then by stack order, bottom first: the host's stack
// for rows with a host side, the namespace's for the others; at the same place in a
// stack, a row with a host side comes before an ns-only one.
//
// Mounts are matched by Key, never by ID: each namespace's copy of a mount has a new ID.
// Several mounts stacked on one mount point with the same key are matched in stack order.
// The same key can also sit twice at the bottom of one mount point, under two parents
// (mount on /a/b, mount over /a, mount on /a/b again): such mounts are matched by where
// their parents sit, the one under the lower parent first.
// A matched pair is Changed when the per-mount options, the super options or the
// propagation differ.
//
// Peer group numbers count: the kernel allocates them from one pool for all namespaces, so
// shared:3 on both sides means the two copies are peers and mount events cross between
// them, while shared:3 against shared:7 means they do not. propagate_from does not count:
// it depends on the reader's root.
//
// The result depends only on the contents of the two tables, never on their order, as
// long as no mount ID appears twice in a table (the kernel's never do). A parent loop,
// which a table read while it changes might hold, does not stop Diff: the mounts of the
// loop count as bottoms. The rows point into host and ns.
func Diff(host, ns []Mount) []DiffRow {
	return diffSides(host, ns, sortSide(host), sortSide(ns))
}

// Differ is Diff for a caller whose tables change one side at a time: it keeps each
// side's sorted order while that side's table is the same slice, so a change on one side
// sorts only that side (sorting was most of Diff's work). The tables must not be changed
// in place after a call; a changed table is a new slice, as Snapshot tables are.
type Differ struct {
	host, ns sortedSide
	// rows is the last result, of the tables last; g is the group buffers.
	rows []DiffRow
	last [2][]Mount
	g    group
}

type sortedSide struct {
	table []Mount
	side  side
}

// Diff is Diff(host, ns).
func (d *Differ) Diff(host, ns []Mount) []DiffRow {
	if d.rows != nil && sameTable(d.last[0], host) && sameTable(d.last[1], ns) {
		return d.rows // a table read again and found the same is handed on as it was
	}
	if rows, ok := d.appended(host, ns); ok {
		return rows
	}
	rows := diffSides(host, ns, d.host.of(host), d.ns.of(ns))
	d.rows, d.last = rows, [2][]Mount{host, ns}
	return rows
}

// appended is Diff where one side's table is the last one with mounts appended in place
// (the same array, longer: what a table changed by mount events is after a mount) and the
// other side's is the same: only the rows of the new mounts' mount points are diffed
// again, the others copied (at 100,000 mounts a whole diff took tens of milliseconds).
// ok is false where that does not hold, or where a new mount could change the rows of
// mounts already there (one names it as its parent).
func (d *Differ) appended(host, ns []Mount) (_ []DiffRow, ok bool) {
	var grown *sortedSide
	var table []Mount
	switch {
	case sameTable(d.last[1], ns) && extendsTable(d.last[0], host) && sameTable(d.host.table, d.last[0]):
		grown, table = &d.host, host
	case sameTable(d.last[0], host) && extendsTable(d.last[1], ns) && sameTable(d.ns.table, d.last[1]):
		grown, table = &d.ns, ns
	default:
		return nil, false
	}
	old := len(grown.table)
	s, ok := grown.side.extend(table, old)
	if !ok {
		return nil, false
	}
	grown.table, grown.side = table, s
	var points []string
	for i := old; i < len(table); i++ {
		points = append(points, table[i].Mountpoint)
	}
	slices.SortFunc(points, ComparePoints)
	points = slices.Compact(points)
	h, n := &d.host.side, &d.ns.side
	out := make([]DiffRow, 0, len(d.rows)+len(table)-old)
	at := 0
	for _, p := range points {
		rest := d.rows[at:]
		lo, _ := slices.BinarySearchFunc(rest, p, func(r DiffRow, p string) int { return ComparePoints(r.Point(), p) })
		hi := lo
		for hi < len(rest) && rest[hi].Point() == p {
			hi++
		}
		out = append(out, rest[:lo]...)
		out = d.g.diff(out, host, ns, h, n, h.atPoint(p), n.atPoint(p))
		at += hi
	}
	out = append(out, d.rows[at:]...)
	d.rows, d.last = out, [2][]Mount{host, ns}
	return out, true
}

// sameTable says a and b are one slice: the same array and length.
func sameTable(a, b []Mount) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// extendsTable says table is old with mounts appended in place.
func extendsTable(old, table []Mount) bool {
	return len(old) > 0 && len(table) > len(old) && &old[0] == &table[0]
}

// atPoint is the part of s.order on mount point p.
func (s *side) atPoint(p string) []int {
	pb := appendTreeBytes(nil, p)
	cmpAt := func(i int, _ int) int {
		if c := bytes.Compare(s.point[i], pb); c != 0 {
			return c
		}
		return strings.Compare(s.raw[i].Mountpoint, p)
	}
	lo, _ := slices.BinarySearchFunc(s.order, 0, cmpAt)
	hi := lo
	for hi < len(s.order) && s.raw[s.order[hi]].Mountpoint == p {
		hi++
	}
	return s.order[lo:hi]
}

// extend is s for table, which is s's table (its first old mounts) with mounts appended.
// It changes s's slices and map in place when it can (ok); s is not to be used after.
// It cannot when a new mount's ID is already in the table, or one that a mount names as
// its parent without it being there (the new mount would become that parent), or a new
// mount's parent is one appended after it.
func (s side) extend(table []Mount, old int) (_ side, ok bool) {
	if s.byID == nil || len(s.raw) != old {
		return side{}, false
	}
	fresh := make(map[int]int, len(table)-old)
	for i := old; i < len(table); i++ {
		id := table[i].ID
		if _, dup := s.byID[id]; dup || s.orphans[id] {
			return side{}, false
		}
		if _, dup := fresh[id]; dup {
			return side{}, false
		}
		fresh[id] = i
	}
	for i := old; i < len(table); i++ {
		if p, ok := fresh[table[i].Parent]; ok && p > i {
			return side{}, false
		}
	}
	s.raw = table
	for i := old; i < len(table); i++ {
		s.byID[table[i].ID] = i
		p, ok := s.byID[table[i].Parent]
		if !ok || p == i {
			p = -1
			if !ok {
				s.orphans[table[i].Parent] = true
			}
		}
		depth := 0
		if p >= 0 && table[p].Mountpoint == table[i].Mountpoint {
			depth = s.depth[p] + 1
		}
		s.parent = append(s.parent, p)
		s.depth = append(s.depth, depth)
		s.point = append(s.point, appendTreeBytes(nil, table[i].Mountpoint))
	}
	for i := old; i < len(table); i++ {
		at, _ := slices.BinarySearchFunc(s.order, i, s.compare)
		s.order = slices.Insert(s.order, at, i)
	}
	return s, true
}

func (c *sortedSide) of(table []Mount) side {
	switch {
	case len(table) > 0 && len(c.table) == len(table) && &c.table[0] == &table[0]:
		return c.side
	case len(c.table) > 0:
		if s, ok := patchSide(c.table, c.side, table); ok {
			c.table, c.side = table, s
			return s
		}
	}
	c.table, c.side = table, sortSide(table)
	return c.side
}

func diffSides(host, ns []Mount, h, n side) []DiffRow {
	rows := make([]DiffRow, 0, max(len(host), len(ns)))
	var g group
	i, j := 0, 0
	for i < len(h.order) || j < len(n.order) {
		// The next mount point is the smaller of the two sides' next ones.
		var c int
		switch {
		case i == len(h.order):
			c = 1
		case j == len(n.order):
			c = -1
		default:
			c = comparePoints(&h, h.order[i], &n, n.order[j])
		}
		ie, je := i, j
		if c <= 0 {
			for ie < len(h.order) && host[h.order[ie]].Mountpoint == host[h.order[i]].Mountpoint {
				ie++
			}
		}
		if c >= 0 {
			for je < len(n.order) && ns[n.order[je]].Mountpoint == ns[n.order[j]].Mountpoint {
				je++
			}
		}
		rows = g.diff(rows, host, ns, &h, &n, h.order[i:ie], n.order[j:je])
		i, j = ie, je
	}
	return rows
}

// side is one table prepared for the diff.
type side struct {
	// order lists the table's indexes by mount point, stack depth, identity, then
	// the same for the parents (compareParents), then mount ID and table position.
	order []int
	// depth is 0 for a mount on a directory of another mount, n for the mount on top of
	// n others on the same mount point.
	depth []int
	// parent is the table index of each mount's parent, -1 where it is not in the table.
	parent []int
	// point is each mount point with '/' turned into 0, so that bytes.Compare gives tree
	// order; all of them share one buffer.
	point [][]byte
	// raw is the table itself.
	raw []Mount
	// byID is each mount's index by ID; orphans are the parent IDs named but not in the
	// table (for extend).
	byID    map[int]int
	orphans map[int]bool
}

func sortSide(table []Mount) side {
	parent, byID, orphans := linkParents(table)
	s := side{depth: stackDepths(table, parent), parent: parent, point: make([][]byte, len(table)), order: make([]int, len(table)), raw: table, byID: byID, orphans: orphans}
	size := 0
	for i := range table {
		size += len(table[i].Mountpoint)
	}
	buf := make([]byte, 0, size)
	for i := range table {
		start := len(buf)
		buf = appendTreeBytes(buf, table[i].Mountpoint)
		s.point[i] = buf[start:len(buf):len(buf)]
		s.order[i] = i
	}
	slices.SortFunc(s.order, s.compare)
	return s
}

// appendTreeBytes appends a mount point with '/' turned into 0.
func appendTreeBytes(buf []byte, point string) []byte {
	start := len(buf)
	buf = append(buf, point...)
	for k := start; k < len(buf); k++ {
		if buf[k] == '/' {
			buf[k] = 0
		}
	}
	return buf
}

// compare is the order of a side's mounts: a total order, so the sorted order is one.
func (s *side) compare(a, b int) int {
	if c := s.compareMounts(a, b); c != 0 {
		return c
	}
	if c := s.compareParents(a, b); c != 0 {
		return c
	}
	// Parents outside the table (a chrooted reader's) tell nothing: the ID, which at
	// least does not depend on table order.
	if c := cmp.Compare(s.raw[a].ID, s.raw[b].ID); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// Patching a side pays while few mounts changed; past this many, it sorts.
const (
	patchLookahead = 8
	maxPatched     = 64
)

// patchSide is sortSide(table) for a table that differs from old, whose side is s, by a
// few mounts added, removed or changed, the others in the same relative order (as a table
// read again or changed by mount events is): the kept mounts keep their order, the others
// are placed by binary search, and one pass checks the result, which a sort mends if it
// must. Sorting was most of the cost of a change at 10,000 mounts. ok is false where the
// tables differ too much for a patch to pay.
func patchSide(old []Mount, s side, table []Mount) (_ side, ok bool) {
	newOf := make([]int, len(old)) // each old mount's index in table, -1 if gone
	var added []int
	gone, i := 0, 0
	for j := range table {
		k := -1
		for d := i; d < len(old) && d < i+patchLookahead; d++ {
			if old[d] == table[j] {
				k = d
				break
			}
		}
		if k < 0 {
			if added = append(added, j); len(added) > maxPatched {
				return side{}, false
			}
			continue
		}
		for ; i < k; i++ {
			newOf[i] = -1
			gone++
		}
		newOf[k], i = j, k+1
	}
	for ; i < len(old); i++ {
		newOf[i] = -1
		gone++
	}
	if gone > maxPatched {
		return side{}, false
	}
	parent, byID, orphans := linkParents(table)
	p := side{depth: stackDepths(table, parent), parent: parent, point: make([][]byte, len(table)), raw: table, byID: byID, orphans: orphans}
	for i, j := range newOf {
		if j >= 0 {
			p.point[j] = s.point[i]
		}
	}
	for _, j := range added {
		p.point[j] = appendTreeBytes(nil, table[j].Mountpoint)
	}
	p.order = make([]int, 0, len(table))
	for _, i := range s.order {
		if j := newOf[i]; j >= 0 {
			p.order = append(p.order, j)
		}
	}
	for _, j := range added {
		at, _ := slices.BinarySearchFunc(p.order, j, p.compare)
		p.order = slices.Insert(p.order, at, j)
	}
	// A kept mount's place may have moved (a mount slid beneath it changes its depth):
	// then sort, which is quick on an order this close.
	for k := 1; k < len(p.order); k++ {
		if p.compare(p.order[k-1], p.order[k]) >= 0 {
			slices.SortFunc(p.order, p.compare)
			break
		}
	}
	return p, true
}

// compareMounts orders two mounts of one side by mount point, stack depth and identity.
func (s *side) compareMounts(a, b int) int {
	if c := comparePoints(s, a, s, b); c != 0 {
		return c
	}
	if c := cmp.Compare(s.depth[a], s.depth[b]); c != 0 {
		return c
	}
	return compareIdentity(&s.raw[a], &s.raw[b])
}

// compareParents orders two mounts that compareMounts cannot tell apart, the same
// filesystem at one depth of one mount point, by their parents, then the parents'
// parents: the one under the lower parent first. A mount whose parent is not in the
// table comes first.
func (s *side) compareParents(a, b int) int {
	for range s.parent { // a parent loop ends here
		a, b = s.parent[a], s.parent[b]
		if a < 0 || b < 0 || a == b {
			return cmp.Compare(a, b)
		}
		if c := s.compareMounts(a, b); c != 0 {
			return c
		}
	}
	return 0
}

// comparePoints orders mount point a of side x against mount point b of side y: tree
// order, then byte order for the rare points that tree order cannot tell apart (a NUL
// byte, never in a kernel path).
func comparePoints(x *side, a int, y *side, b int) int {
	if c := bytes.Compare(x.point[a], y.point[b]); c != 0 {
		return c
	}
	return strings.Compare(x.raw[a].Mountpoint, y.raw[b].Mountpoint)
}

// group diffs the mounts of both sides on one mount point; its buffers are reused from
// one mount point to the next.
type group struct {
	rows    []DiffRow
	ranks   []rank
	matched []bool
}

// rank orders the rows of one mount point: the stack depth on the host side (the ns side
// where the host has no mount), then rows with a host side first, then the other side's
// depth (-1 for a host row without a match; 0 for all ns-only rows), then identity and the
// n-th of that identity, so the order is total.
type rank struct {
	depth, nsOnly, otherDepth, level int
}

// matchByScan is the stack height up to which matching scans; above it, a map.
const matchByScan = 32

func (g *group) diff(out []DiffRow, host, ns []Mount, h, n *side, hs, nss []int) []DiffRow {
	if len(nss) == 0 || len(hs) == 0 {
		// The common cases: a mount point on one side only, in stack order already.
		for _, i := range hs {
			out = append(out, DiffRow{Class: HostOnly, Host: &host[i]})
		}
		for _, j := range nss {
			out = append(out, DiffRow{Class: NSOnly, NS: &ns[j]})
		}
		return out
	}
	if len(hs) == 1 && len(nss) == 1 {
		// The next most common: one mount on each side.
		a, b := &host[hs[0]], &ns[nss[0]]
		if compareIdentity(a, b) == 0 {
			row := DiffRow{Class: InBoth, Host: a, NS: b, Differs: differences(a, b)}
			if row.Differs != 0 {
				row.Class = Changed
			}
			return append(out, row)
		}
		// Different filesystems: both at their stack's bottom or not, host first unless
		// the host's sits higher.
		hostRow := DiffRow{Class: HostOnly, Host: a}
		nsRow := DiffRow{Class: NSOnly, NS: b}
		if h.depth[hs[0]] > n.depth[nss[0]] {
			return append(out, nsRow, hostRow)
		}
		return append(out, hostRow, nsRow)
	}
	g.rows, g.ranks = g.rows[:0], g.ranks[:0]
	g.matched = append(g.matched[:0], make([]bool, len(nss))...)
	// Both lists are in depth order, so the n-th host mount of an identity meets the n-th
	// unmatched ns mount of the same identity: stacks match in order.
	var queues map[MountKey][]int
	if len(nss) > matchByScan {
		queues = make(map[MountKey][]int)
		for k, j := range nss {
			key := ns[j].Key()
			queues[key] = append(queues[key], k)
		}
	}
	levels := make(map[MountKey]int)
	for _, i := range hs {
		m := &host[i]
		key := m.Key()
		level := levels[key]
		levels[key]++
		row := DiffRow{Class: HostOnly, Host: m}
		r := rank{depth: h.depth[i], otherDepth: -1, level: level}
		k := -1
		if queues != nil {
			if q := queues[key]; len(q) > 0 {
				k, queues[key] = q[0], q[1:]
			}
		} else {
			for c, j := range nss {
				if !g.matched[c] && compareIdentity(m, &ns[j]) == 0 {
					k = c
					break
				}
			}
		}
		if k >= 0 {
			g.matched[k] = true
			j := nss[k]
			row.NS = &ns[j]
			row.Differs = differences(m, &ns[j])
			row.Class = InBoth
			if row.Differs != 0 {
				row.Class = Changed
			}
			r.otherDepth = n.depth[j]
		}
		g.rows = append(g.rows, row)
		g.ranks = append(g.ranks, r)
	}
	clear(levels)
	for c, j := range nss {
		key := ns[j].Key()
		level := levels[key]
		levels[key]++
		if g.matched[c] {
			continue
		}
		g.rows = append(g.rows, DiffRow{Class: NSOnly, NS: &ns[j]})
		g.ranks = append(g.ranks, rank{depth: n.depth[j], nsOnly: 1, level: level})
	}
	start := len(out)
	out = append(out, g.rows...)
	placed := out[start:]
	ranks := g.ranks
	// Insertion sort: a mount point holds a few mounts, rarely more.
	for a := 1; a < len(placed); a++ {
		for b := a; b > 0 && compareRows(&placed[b], &ranks[b], &placed[b-1], &ranks[b-1]) < 0; b-- {
			placed[b], placed[b-1] = placed[b-1], placed[b]
			ranks[b], ranks[b-1] = ranks[b-1], ranks[b]
		}
	}
	return out
}

func compareRows(a *DiffRow, ra *rank, b *DiffRow, rb *rank) int {
	if c := cmp.Compare(ra.depth, rb.depth); c != 0 {
		return c
	}
	if c := cmp.Compare(ra.nsOnly, rb.nsOnly); c != 0 {
		return c
	}
	if c := cmp.Compare(ra.otherDepth, rb.otherDepth); c != 0 {
		return c
	}
	ka, kb := a.Key(), b.Key()
	if c := compareKeys(&ka, &kb); c != 0 {
		return c
	}
	return cmp.Compare(ra.level, rb.level)
}

// parents returns the table index of each mount's parent, -1 where the parent is not in
// the table (the root's, or one outside the reader's root) or is the mount itself.
func parents(table []Mount) []int {
	parent, _, _ := linkParents(table)
	return parent
}

// linkParents is parents, with each mount's index by ID and the parent IDs named but not
// in the table.
func linkParents(table []Mount) (parent []int, byID map[int]int, orphans map[int]bool) {
	byID = make(map[int]int, len(table))
	for i := range table {
		byID[table[i].ID] = i
	}
	parent = make([]int, len(table))
	orphans = map[int]bool{}
	for i := range table {
		p, ok := byID[table[i].Parent]
		if !ok {
			orphans[table[i].Parent] = true
		}
		if !ok || p == i {
			p = -1
		}
		parent[i] = p
	}
	return parent, byID, orphans
}

// stackDepths finds the stacks in a table. A mount stacked on another has that mount as
// its parent and the same mount point; the depth follows parent links, which does not
// depend on table order.
func stackDepths(table []Mount, parent []int) []int {
	const (
		unknown = iota // not reached yet
		onWalk         // on the current walk
		known          // its depth is set
	)
	state := make([]uint8, len(table))
	depth := make([]int, len(table))
	var walk []int
	for i := range table {
		// Walk down the stack to the bottom or to a mount whose depth is known, then
		// number the way back up.
		walk = walk[:0]
		next := 0 // the depth of the walk's last mount
		for j := i; state[j] == unknown; {
			state[j] = onWalk
			walk = append(walk, j)
			p := parent[j]
			if p < 0 || table[p].Mountpoint != table[j].Mountpoint {
				break // j is a bottom
			}
			switch state[p] {
			case unknown:
				j = p
				continue
			case onWalk:
				// A parent loop (never in a consistent table): none of its mounts is
				// above the others, so all are bottoms (depth 0), whichever the walk
				// met first.
				loop := slices.Index(walk, p)
				for _, m := range walk[loop:] {
					state[m] = known
				}
				walk = walk[:loop]
				next = 1
			default:
				next = depth[p] + 1
			}
			break
		}
		for k := len(walk) - 1; k >= 0; k-- {
			depth[walk[k]], state[walk[k]] = next, known
			next++
		}
	}
	return depth
}

// differences says what differs between two mounts with the same key.
func differences(a, b *Mount) Difference {
	var d Difference
	if a.Options != b.Options {
		d |= DiffOptions
	}
	if a.VFSOptions != b.VFSOptions {
		d |= DiffSuperOptions
	}
	if !a.Propagation.sameRole(b.Propagation) {
		d |= DiffPropagation
	}
	return d
}

// compareIdentity orders two mounts on the same mount point by the rest of their key.
func compareIdentity(a, b *Mount) int {
	ka, kb := a.Key(), b.Key()
	return compareKeys(&ka, &kb)
}

// compareKeys orders keys on the fields after the mount point.
func compareKeys(a, b *MountKey) int {
	if c := strings.Compare(a.Source, b.Source); c != 0 {
		return c
	}
	if c := strings.Compare(a.FSType, b.FSType); c != 0 {
		return c
	}
	if c := strings.Compare(a.Root, b.Root); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Major, b.Major); c != 0 {
		return c
	}
	return cmp.Compare(a.Minor, b.Minor)
}

// ComparePoints orders two mount points as Diff orders its rows: tree order (a
// directory's mounts before the mounts below it), then byte order.
func ComparePoints(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if x == '/' {
			x = 0
		}
		if y == '/' {
			y = 0
		}
		if x != y {
			return cmp.Compare(x, y)
		}
	}
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}
