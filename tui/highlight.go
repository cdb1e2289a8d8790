package tui

import (
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

// How long a change stays marked in the panels.
const (
	// RecentFor is how long a row that just changed stays highlighted.
	RecentFor = 4 * time.Second
	// SpotlightFor is how long the walkthrough's spotlight lasts after a step.
	SpotlightFor = 6 * time.Second
)

// mark is one highlighted thing and when its highlight ends.
type mark struct {
	until time.Time
	spot  bool
	// sign is what happened: symAdded, symDeleted or symModified.
	sign string
}

// nsKey names one namespace of one pane.
type nsKey struct {
	pane lab.Role
	typ  lab.NSType
}

// ghost is a mount that just left both tables; it stays listed, struck
// through, while its highlight lasts.
type ghost struct {
	row   mnt.DiffRow
	since time.Time
}

// highlights is what changed recently, for the panels to mark.
type highlights struct {
	mounts map[mnt.MountKey]mark
	ns     map[nsKey]mark
	ghosts map[mnt.MountKey]ghost
	// roots marks a pane whose process's root changed (chroot, pivot_root).
	roots map[lab.Role]mark
}

func newHighlights() highlights {
	return highlights{mounts: map[mnt.MountKey]mark{}, ns: map[nsKey]mark{},
		ghosts: map[mnt.MountKey]ghost{}, roots: map[lab.Role]mark{}}
}

// mountEvent marks the row of a mount event with m (its end and whether it is
// a spotlight). cur is the diff after the event: a mount no longer in it stays
// listed as a ghost while its mark lasts.
func (h *highlights) mountEvent(e lab.Event, m mark, now time.Time, cur []mnt.DiffRow) {
	if e.Mount == nil {
		return
	}
	k := e.Mount.Key()
	sign := symModified
	switch e.Kind {
	case lab.MountAdded:
		sign = symAdded
		delete(h.ghosts, k)
	case lab.MountRemoved:
		sign = symDeleted
		if !hasKey(cur, k) {
			// Gone from both tables: keep it listed a while, built from the
			// event itself so it does not depend on which state came first.
			g, ok := h.ghosts[k]
			if !ok {
				g = ghost{row: mnt.DiffRow{}, since: now}
			}
			mt := *e.Mount
			if e.Pane == lab.NS {
				g.row.NS = &mt
			} else {
				g.row.Host = &mt
			}
			switch {
			case g.row.Host != nil && g.row.NS != nil:
				g.row.Class = mnt.InBoth
			case g.row.Host != nil:
				g.row.Class = mnt.HostOnly
			default:
				g.row.Class = mnt.NSOnly
			}
			h.ghosts[k] = g
		}
	}
	m.sign = sign
	if old, ok := h.mounts[k]; ok && old.spot && old.until.After(m.until) {
		m.until, m.spot = old.until, true
	}
	h.mounts[k] = m
}

// nsEvent marks a namespace that changed in a pane with m.
func (h *highlights) nsEvent(e lab.Event, m mark) {
	m.sign = symModified
	k := nsKey{e.Pane, e.NSType}
	if old, ok := h.ns[k]; ok && old.spot && old.until.After(m.until) {
		m.until, m.spot = old.until, true
	}
	h.ns[k] = m
}

// spotlight marks, until the given time, everything that differs between
// the state before a walkthrough step and after it: mounts that appeared, left
// or changed on either side, and namespaces that changed. It reports whether
// anything did.
func (h *highlights) spotlight(before, after lab.State, now, until time.Time) bool {
	found := false
	set := func(k mnt.MountKey, sign string) {
		h.mounts[k] = mark{until: until, spot: true, sign: sign}
		found = true
	}
	old := make(map[mnt.MountKey]mnt.DiffRow, len(before.Diff))
	for _, r := range before.Diff {
		old[r.Key()] = r
	}
	seen := make(map[mnt.MountKey]bool, len(after.Diff))
	for _, r := range after.Diff {
		seen[r.Key()] = true
		o, ok := old[r.Key()]
		switch {
		case !ok:
			set(r.Key(), symAdded)
			delete(h.ghosts, r.Key())
		case o.Class != r.Class || o.Differs != r.Differs || !sameMount(o.Host, r.Host) || !sameMount(o.NS, r.NS):
			set(r.Key(), symModified)
		}
	}
	for _, r := range before.Diff {
		if !seen[r.Key()] {
			set(r.Key(), symDeleted)
			h.ghosts[r.Key()] = ghost{row: r, since: now}
		}
	}
	for _, role := range lab.Roles {
		b, a := before.Snapshot(role), after.Snapshot(role)
		if b.PID == 0 || a.PID == 0 {
			continue
		}
		for _, t := range lab.NSTypes {
			if b.NS[t] != a.NS[t] {
				h.ns[nsKey{role, t}] = mark{until: until, spot: true, sign: symModified}
				found = true
			}
		}
		if b.Chrooted != a.Chrooted || (a.Chrooted && b.Root != a.Root) {
			h.roots[role] = mark{until: until, spot: true, sign: symModified}
			found = true
		}
	}
	return found
}

// sameMount compares what the panels show of one side of a row.
func sameMount(a, b *mnt.Mount) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Options == b.Options && a.VFSOptions == b.VFSOptions && a.Propagation == b.Propagation
}

// expire drops the marks that ended by now and returns when the next one ends
// (zero if none is left).
func (h *highlights) expire(now time.Time) time.Time {
	var next time.Time
	keep := func(until time.Time) bool {
		if !until.After(now) {
			return false
		}
		if next.IsZero() || until.Before(next) {
			next = until
		}
		return true
	}
	for k, m := range h.mounts {
		if !keep(m.until) {
			delete(h.mounts, k)
			delete(h.ghosts, k)
		}
	}
	for k, m := range h.ns {
		if !keep(m.until) {
			delete(h.ns, k)
		}
	}
	for k, m := range h.roots {
		if !keep(m.until) {
			delete(h.roots, k)
		}
	}
	for k := range h.ghosts {
		if _, ok := h.mounts[k]; !ok {
			delete(h.ghosts, k)
		}
	}
	return next
}

// empty reports whether nothing is highlighted.
func (h *highlights) empty() bool { return len(h.mounts) == 0 && len(h.ns) == 0 && len(h.roots) == 0 }

// count is how many things are marked, to notice when a mark ends.
func (h *highlights) count() int { return len(h.mounts) + len(h.ns) + len(h.roots) }

// nsMark returns the mark of a namespace type in either pane.
func (h *highlights) nsMark(t lab.NSType) (mark, bool) {
	a, okA := h.ns[nsKey{lab.Host, t}]
	b, okB := h.ns[nsKey{lab.NS, t}]
	switch {
	case okA && okB:
		if b.spot && !a.spot {
			return b, true
		}
		return a, true
	case okA:
		return a, true
	case okB:
		return b, true
	}
	return mark{}, false
}

func hasKey(rows []mnt.DiffRow, k mnt.MountKey) bool {
	for _, r := range rows {
		if r.Key() == k {
			return true
		}
	}
	return false
}
