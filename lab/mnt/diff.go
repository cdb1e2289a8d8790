package mnt

import (
	"cmp"
	"slices"
	"strings"
)

// Diff compares the mount tables of two namespaces and returns their union, one row per
// mount, sorted by mount point (a directory's mounts before the mounts below it, so "/a"
// and "/a/b" come before "/a b") and then by stack order, bottom first; at the same
// place in a stack, a row with a host side comes before an ns-only one.
//
// Mounts are matched by Key, never by ID: each namespace's copy of a mount has a new ID.
// Several mounts stacked on one mount point with the same key are matched in stack order.
// A matched pair is Changed when the per-mount options, the super options or the
// propagation differ.
//
// Peer group numbers count: the kernel allocates them from one pool for all namespaces, so
// shared:3 on both sides means the two copies are peers and mount events cross between
// them, while shared:3 against shared:7 means they do not. propagate_from does not count:
// it depends on the reader's root.
//
// The result depends only on the contents of the two tables, never on map order.
func Diff(host, ns []Mount) []DiffRow {
	hostSide, nsSide := stackOrder(host), stackOrder(ns)
	type pairKey struct {
		key   MountKey
		level int // the n-th mount with this key, counted from the bottom of the stack
	}
	nsByKey := make(map[pairKey]int, len(ns))
	seen := make(map[MountKey]int, len(ns))
	for _, i := range nsSide.order {
		k := ns[i].Key()
		nsByKey[pairKey{k, seen[k]}] = i
		seen[k]++
	}
	clear(seen)

	rows := make([]DiffRow, 0, max(len(host), len(ns)))
	// rank orders rows within one mount point: the stack depth on the host side (the ns
	// side where the host has no mount), then rows with a host side first, then the other
	// side's depth, then the key, so the order is total.
	type ranked struct {
		depth, nsOnly, otherDepth, level int
	}
	ranks := make([]ranked, 0, cap(rows))
	matched := make([]bool, len(ns))
	for _, i := range hostSide.order {
		h := &host[i]
		k := h.Key()
		level := seen[k]
		seen[k]++
		row := DiffRow{Key: k, Class: HostOnly, Host: h}
		r := ranked{depth: hostSide.depth[i], otherDepth: -1, level: level}
		if j, ok := nsByKey[pairKey{k, level}]; ok {
			matched[j] = true
			row.NS = &ns[j]
			row.Differs = differences(h, &ns[j])
			row.Class = InBoth
			if row.Differs != 0 {
				row.Class = Changed
			}
			r.otherDepth = nsSide.depth[j]
		}
		rows = append(rows, row)
		ranks = append(ranks, r)
	}
	clear(seen)
	for _, j := range nsSide.order {
		k := ns[j].Key()
		level := seen[k]
		seen[k]++
		if matched[j] {
			continue
		}
		rows = append(rows, DiffRow{Key: k, Class: NSOnly, NS: &ns[j]})
		ranks = append(ranks, ranked{depth: nsSide.depth[j], nsOnly: 1, otherDepth: -1, level: level})
	}

	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		ka, kb := &rows[a].Key, &rows[b].Key
		if c := comparePaths(ka.Mountpoint, kb.Mountpoint); c != 0 {
			return c
		}
		ra, rb := ranks[a], ranks[b]
		if c := cmp.Compare(ra.depth, rb.depth); c != 0 {
			return c
		}
		if c := cmp.Compare(ra.nsOnly, rb.nsOnly); c != 0 {
			return c
		}
		if c := cmp.Compare(ra.otherDepth, rb.otherDepth); c != 0 {
			return c
		}
		if c := compareKeys(ka, kb); c != 0 {
			return c
		}
		return cmp.Compare(ra.level, rb.level)
	})
	sorted := make([]DiffRow, len(rows))
	for i, j := range idx {
		sorted[i] = rows[j]
	}
	return sorted
}

// stacking is a table's mounts in stack order with each mount's depth in its stack.
type stacking struct {
	// order lists table indexes by depth, then table position, so that the n-th mount
	// with a key in order is the n-th from the bottom of its stack.
	order []int
	// depth is 0 for a mount on a directory of another mount, n for the mount on top of
	// n others on the same mount point.
	depth []int
}

// stackOrder finds the stacks in a table. A mount stacked on another has that mount as
// its parent and the same mount point; the depth follows parent links, which does not
// depend on table order.
func stackOrder(table []Mount) stacking {
	byID := make(map[int]int, len(table))
	for i := range table {
		byID[table[i].ID] = i
	}
	depth := make([]int, len(table))
	for i := range depth {
		depth[i] = -1
	}
	var chain []int
	for i := range table {
		// Walk down the stack to a mount whose depth is known or that is the bottom,
		// then fill in the depths on the way back. A malformed table may have a parent
		// cycle: the walk stops after len(table) steps.
		chain = chain[:0]
		j := i
		for depth[j] < 0 && len(chain) <= len(table) {
			chain = append(chain, j)
			p, ok := byID[table[j].Parent]
			if !ok || p == j || table[p].Mountpoint != table[j].Mountpoint {
				break
			}
			j = p
		}
		d := -1
		if depth[j] >= 0 {
			d = depth[j]
		}
		for k := len(chain) - 1; k >= 0; k-- {
			if depth[chain[k]] < 0 {
				d++
				depth[chain[k]] = d
			} else {
				d = depth[chain[k]]
			}
		}
	}
	order := make([]int, len(table))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(depth[a], depth[b]) })
	return stacking{order: order, depth: depth}
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

// comparePaths orders mount points as a tree: byte order, except that '/' sorts before
// every other byte, so a directory's subtree follows it directly.
func comparePaths(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		if ca == '/' {
			return -1
		}
		if cb == '/' {
			return 1
		}
		return cmp.Compare(ca, cb)
	}
	return cmp.Compare(len(a), len(b))
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
