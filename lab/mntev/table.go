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
}

// NewTable returns an empty table of namespace ns; Load it before applying changes.
func NewTable(ns Namespace) *Table { return &Table{ns: ns} }

// Mounts is the table. Load and Apply build a new slice rather than change this one, so
// a caller may hand it on and keep it.
func (t *Table) Mounts() []mnt.Mount { return t.mounts }

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
	t.mounts, t.ids, t.loaded = mounts, slices.Clone(ids), true
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
	exact = true
	index := make(map[uint64]int, len(found)+len(gone))
	for i := range found {
		index[found[i].UniqueID] = i
	}
	drop := make(map[uint64]bool, len(gone))
	for _, id := range gone {
		drop[id] = true
	}
	touchesPropagation := false
	propagates := func(m *mnt.Mount) bool { return m.Propagation.PeerGroup != 0 || m.Propagation.Master != 0 }

	mounts := make([]mnt.Mount, 0, len(t.mounts)+len(found))
	ids := make([]uint64, 0, len(t.ids)+len(found))
	var removed, later []mnt.Change
	for i, id := range t.ids {
		old := &t.mounts[i]
		if drop[id] {
			removed = append(removed, mnt.Change{Kind: mnt.Removed, Mount: *old})
			t.census.Add(&Mount{Mount: *old}, -1)
			touchesPropagation = touchesPropagation || propagates(old)
			continue
		}
		j, ok := index[id]
		if !ok {
			mounts, ids = append(mounts, *old), append(ids, id)
			continue
		}
		delete(index, id)
		m := found[j]
		if m.NoSource {
			m.Source, m.NoSource = old.Source, false
		}
		t.census.Add(&Mount{Mount: *old}, -1)
		t.census.Add(&m, 1)
		touchesPropagation = touchesPropagation || propagates(old) || propagates(&m.Mount)
		for _, c := range mnt.Changes([]mnt.Mount{*old}, []mnt.Mount{m.Mount}) {
			if c.Kind == mnt.Removed {
				removed = append(removed, c)
			} else {
				later = append(later, c)
			}
		}
		mounts, ids = append(mounts, m.Mount), append(ids, id)
	}
	// New mounts, in ID order, merged in: new IDs are usually above all others, but a
	// tree attached from elsewhere (move_mount(2)) can bring older ones.
	var added []Mount
	for _, j := range index {
		added = append(added, found[j])
	}
	slices.SortFunc(added, func(a, b Mount) int { return cmp.Compare(a.UniqueID, b.UniqueID) })
	if len(added) > 0 {
		merged := make([]mnt.Mount, 0, len(mounts)+len(added))
		mergedIDs := make([]uint64, 0, len(ids)+len(added))
		i := 0
		for _, a := range added {
			for i < len(ids) && ids[i] < a.UniqueID {
				merged, mergedIDs = append(merged, mounts[i]), append(mergedIDs, ids[i])
				i++
			}
			merged, mergedIDs = append(merged, a.Mount), append(mergedIDs, a.UniqueID)
			t.census.Add(&a, 1)
			touchesPropagation = touchesPropagation || propagates(&a.Mount)
			if a.NoSource {
				exact = false
			}
		}
		mounts, ids = append(merged, mounts[i:]...), append(mergedIDs, ids[i:]...)
		// Additions and modifications in table order, as mnt.Changes lists them.
		at := make(map[int]int, len(later))
		for _, c := range later {
			at[c.Mount.ID] = -1
		}
		for _, a := range added {
			at[a.ID] = -1
			later = append(later, mnt.Change{Kind: mnt.Added, Mount: a.Mount})
		}
		for i := range mounts {
			if _, ok := at[mounts[i].ID]; ok {
				at[mounts[i].ID] = i
			}
		}
		slices.SortStableFunc(later, func(a, b mnt.Change) int { return cmp.Compare(at[a.Mount.ID], at[b.Mount.ID]) })
	}
	t.mounts, t.ids = mounts, ids
	if touchesPropagation && t.census.propagateFromDoubt(t.ns) {
		exact = false
	}
	return append(removed, later...), exact
}

// Namespace is the table's namespace.
func (t *Table) Namespace() Namespace { return t.ns }
