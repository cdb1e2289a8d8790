package mntev

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/nslab/nslab/lab/mnt"
)

// Table is one namespace's mount table kept up to date from mount events: loaded whole
// (a mountinfo parse with the IDs listmount gives), then changed one mount at a time with
// what ReadMounts reads. It says when a change cannot be applied exactly, so that the
// caller reads the whole table again.
type Table struct {
	ns     Namespace
	mounts []mnt.Mount // in mountinfo order, which is the order of ids
	ids    []uint64    // the 64-bit ID of each mount, ascending
	loaded bool
	census Census
	// mounts' array past its length is the table's alone (Load copies, Apply builds
	// new arrays, Mounts clips), so a new mount is appended in place.
}

// NewTable returns an empty table of namespace ns; Load it before applying changes.
func NewTable(ns Namespace) *Table { return &Table{ns: ns} }

// Mounts is the table. Load and Apply never change what an earlier Mounts slice holds, so
// a caller may hand it on and keep it (its capacity ends at its length: appending to it
// copies).
func (t *Table) Mounts() []mnt.Mount { return slices.Clip(t.mounts) }

// Loaded reports whether the table holds a whole read.
func (t *Table) Loaded() bool { return t.loaded }

// Unload forgets the table's IDs: the next change needs a whole read.
func (t *Table) Unload() { t.loaded = false }

// Load takes a whole table: mounts as mnt.Read parsed them and ids as ReadIDs listed them
// for the same state of the namespace (mountinfo lists mounts in the order of their
// 64-bit IDs, so the two line up one to one).
func (t *Table) Load(mounts []mnt.Mount, ids []uint64) error {
	if len(mounts) != len(ids) {
		return fmt.Errorf("load table of mount namespace %d: %d mounts, %d IDs", t.ns.ID, len(mounts), len(ids))
	}
	if !slices.IsSorted(ids) {
		return fmt.Errorf("load table of mount namespace %d: IDs out of order", t.ns.ID)
	}
	if t.mounts != nil && slices.Equal(t.ids, ids) && slices.Equal(t.mounts, mounts) {
		// The table as it was: keep its array, which the caller may have handed on as
		// the same table (Mounts), and which the mounts to come extend.
		t.loaded = true
		return nil
	}
	// A copy with room to grow, which the table owns: the mounts that events add
	// next are appended in place, so a Differ diffs only them. Copying at the
	// first added mount instead cost that mount the whole table (tens of
	// milliseconds at 100,000 mounts, against the whole read's hundreds here).
	t.mounts = append(make([]mnt.Mount, 0, len(mounts)+len(mounts)/8+16), mounts...)
	t.ids, t.loaded = slices.Clone(ids), true
	t.census = Census{}
	for i := range mounts {
		t.census.Add(&Mount{Mount: mounts[i]}, 1)
	}
	return nil
}

// Apply changes the table by what ReadMounts returned for the IDs of a batch: found
// mounts are added or replace the mount with the same ID, gone ones are removed. It
// returns the changes (as mnt.Changes would between the tables before and after) and
// whether the result is exactly what mountinfo shows. When it is not, the table still
// holds the change but the caller should read it whole and Load it:
//
//   - a new mount whose source statmount could not tell (Mount.NoSource); a known mount
//     keeps the source it had, which never changes;
//   - in another namespace, a change to a shared or slave mount while the table has a
//     slave whose master group has no member in it (see Doubts): propagate_from values,
//     which statmount cannot read from outside, may have changed.
func (t *Table) Apply(found []Mount, gone []uint64) (changes []mnt.Change, exact bool) {
	if !t.Loaded() {
		return nil, false
	}
	// The edits, in ID order (the table's order); a found mount wins over a gone one
	// with the same ID. Each finds its place by binary search, and the table is rebuilt
	// with bulk copies between them: the work is one copy of the table, not a lookup per
	// mount.
	type edit struct {
		id    uint64
		mount *Mount // nil: remove
	}
	edits := make([]edit, 0, len(found)+len(gone))
	for i := range found {
		edits = append(edits, edit{found[i].UniqueID, &found[i]})
	}
	for _, id := range gone {
		edits = append(edits, edit{id, nil})
	}
	slices.SortStableFunc(edits, func(a, b edit) int {
		if c := cmp.Compare(a.id, b.id); c != 0 {
			return c
		}
		return cmp.Compare(boolInt(a.mount == nil), boolInt(b.mount == nil))
	})
	edits = slices.CompactFunc(edits, func(a, b edit) bool { return a.id == b.id })
	propagates := func(m *mnt.Mount) bool { return m.Propagation.PeerGroup != 0 || m.Propagation.Master != 0 }
	// Edits that change nothing (in a storm, the events of mounts that a whole read
	// already has come after it) leave the table as it is, the same array: a table
	// copied for nothing made the next mount's diff and panel start from scratch. A
	// shared or slave mount is applied all the same, for what its event may say about
	// the others (propagate_from).
	kept := edits[:0]
	for _, e := range edits {
		at, present := slices.BinarySearch(t.ids, e.id)
		if e.mount == nil && !present {
			continue // gone before it was ever read
		}
		if e.mount != nil && present && !propagates(&t.mounts[at]) {
			m := *e.mount
			if m.NoSource {
				m.Source, m.NoSource = t.mounts[at].Source, false // a mount's source never changes
			}
			if m.Mount == t.mounts[at] {
				continue
			}
		}
		kept = append(kept, e)
	}
	edits = kept
	if len(edits) == 0 {
		return nil, true
	}
	if changes, exact, ok := t.appendNew(edits[0].id, len(edits), func(i int) *Mount { return edits[i].mount }); ok {
		return changes, exact
	}

	exact = true
	touchesPropagation := false
	mounts := make([]mnt.Mount, 0, len(t.mounts)+len(found))
	ids := make([]uint64, 0, len(t.ids)+len(found))
	var removed, later []mnt.Change
	next := 0 // the first mount of the old table not copied yet
	for _, e := range edits {
		at, present := slices.BinarySearch(t.ids[next:], e.id)
		at += next
		mounts, ids = append(mounts, t.mounts[next:at]...), append(ids, t.ids[next:at]...)
		next = at
		var old *mnt.Mount
		if present {
			old = &t.mounts[at]
			next++
			t.census.Add(&Mount{Mount: *old}, -1)
			touchesPropagation = touchesPropagation || propagates(old)
		}
		switch {
		case e.mount == nil && old != nil:
			removed = append(removed, mnt.Change{Kind: mnt.Removed, Mount: *old})
		case e.mount == nil:
			// gone before it was ever read: nothing to do
		default:
			m := *e.mount
			if m.NoSource && old != nil {
				m.Source, m.NoSource = old.Source, false // a mount's source never changes
			}
			if m.NoSource {
				exact = false
			}
			t.census.Add(&m, 1)
			touchesPropagation = touchesPropagation || propagates(&m.Mount)
			mounts, ids = append(mounts, m.Mount), append(ids, e.id)
			if old == nil {
				later = append(later, mnt.Change{Kind: mnt.Added, Mount: m.Mount})
				continue
			}
			for _, c := range mnt.Changes([]mnt.Mount{*old}, []mnt.Mount{m.Mount}) {
				if c.Kind == mnt.Removed {
					removed = append(removed, c)
				} else {
					later = append(later, c)
				}
			}
		}
	}
	mounts, ids = append(mounts, t.mounts[next:]...), append(ids, t.ids[next:]...)
	// A new array, which no one else has seen past its length.
	t.mounts, t.ids = mounts, ids
	if touchesPropagation && t.census.propagateFromDoubt(t.ns) {
		exact = false
	}
	// Removals in the old table's order, then additions and modifications in the new
	// one's, as mnt.Changes lists them: both are ID order, the order of the edits.
	return append(removed, later...), exact
}

// appendNew applies edits that only add mounts after the last one — what a mount does,
// since a new mount's ID is the highest yet — by appending in place: one change costs
// the change, not a copy of the table (at 100,000 mounts the copy took 8 ms). It reports
// ok false, changing nothing, for any other edits or a mount whose source is unknown; exact
// as Apply's.
func (t *Table) appendNew(first uint64, n int, mount func(int) *Mount) (changes []mnt.Change, exact, ok bool) {
	if len(t.ids) > 0 && first <= t.ids[len(t.ids)-1] {
		return nil, false, false
	}
	for i := range n {
		if m := mount(i); m == nil || m.NoSource {
			return nil, false, false
		}
	}
	changes = make([]mnt.Change, 0, n)
	propagates := false
	for i := range n {
		m := mount(i)
		t.census.Add(m, 1)
		t.mounts, t.ids = append(t.mounts, m.Mount), append(t.ids, m.UniqueID)
		changes = append(changes, mnt.Change{Kind: mnt.Added, Mount: m.Mount})
		propagates = propagates || m.Propagation.PeerGroup != 0 || m.Propagation.Master != 0
	}
	return changes, !(propagates && t.census.propagateFromDoubt(t.ns)), true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Namespace is the table's namespace.
func (t *Table) Namespace() Namespace { return t.ns }

// Compare lists the mounts of ids (a namespace's IDs as ReadIDs lists them) that the table
// does not have, and the table's mounts that ids lacks: what came and went since the
// table's state.
func (t *Table) Compare(ids []uint64) (added, gone []uint64) {
	i, j := 0, 0
	for i < len(ids) || j < len(t.ids) {
		switch {
		case j == len(t.ids) || (i < len(ids) && ids[i] < t.ids[j]):
			added = append(added, ids[i])
			i++
		case i == len(ids) || t.ids[j] < ids[i]:
			gone = append(gone, t.ids[j])
			j++
		default:
			i++
			j++
		}
	}
	return added, gone
}
