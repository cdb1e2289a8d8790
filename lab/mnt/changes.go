package mnt

import "strconv"

// ChangeKind says what happened to one mount between two reads of a table.
type ChangeKind int

// Change kinds. (Modified rather than Changed: Changed is a DiffClass.)
const (
	Added    ChangeKind = iota // a new mount
	Removed                    // a mount gone
	Modified                   // same mount, new options or propagation
)

// String names the kind as the event log does.
func (k ChangeKind) String() string {
	switch k {
	case Added:
		return "added"
	case Removed:
		return "removed"
	case Modified:
		return "modified"
	}
	return "ChangeKind(" + strconv.Itoa(int(k)) + ")"
}

// Change is one difference between two reads of the same namespace's mount table.
type Change struct {
	Kind ChangeKind
	// Mount is the mount after the change (before it, for Removed).
	Mount Mount
	// Old is the mount before a Modified change.
	Old *Mount
	// Differs says what changed, for Modified.
	Differs Difference
}

// Changes lists what changed in one namespace's mount table between two reads: removals
// in old's order, then additions and modifications in new's order.
//
// Inside one namespace a mount keeps its ID, so mounts are matched by ID. The kernel
// reuses a freed ID at once, so a match must also have the same Key; an ID that now names
// a different mount is one removal and one addition. A move (mount --move) is reported the
// same way, since the mount point is part of the key. As in Diff, a new propagate_from
// alone is not a change. Do not use Changes across two
// namespaces; use Diff.
func Changes(old, new []Mount) []Change {
	oldByID := make(map[int]int, len(old))
	for i := range old {
		oldByID[old[i].ID] = i
	}
	kept := make([]bool, len(old))
	var changes, later []Change
	for i := range new {
		m := &new[i]
		j, ok := oldByID[m.ID]
		if !ok || kept[j] || old[j].Key() != m.Key() {
			later = append(later, Change{Kind: Added, Mount: *m})
			continue
		}
		kept[j] = true
		if d := differences(&old[j], m); d != 0 {
			later = append(later, Change{Kind: Modified, Mount: *m, Old: &old[j], Differs: d})
		}
	}
	for j := range old {
		if !kept[j] {
			changes = append(changes, Change{Kind: Removed, Mount: old[j]})
		}
	}
	return append(changes, later...)
}
