package mntev

import (
	"fmt"

	"github.com/nslab/nslab/lab/mnt"
)

// Compare lists, field by field, where a table read with statmount differs from the same
// namespace's mountinfo (mnt.Read of a process at its root): mounts missing on either
// side (matched by their 32-bit ID), a different order, and every differing field. Empty
// means equal.
func Compare(got []Mount, want []mnt.Mount) []string {
	var out []string
	byID := make(map[int]*Mount, len(got))
	for i := range got {
		byID[got[i].ID] = &got[i]
	}
	seen := make(map[int]bool, len(want))
	for i := range want {
		w := &want[i]
		seen[w.ID] = true
		g := byID[w.ID]
		if g == nil {
			out = append(out, fmt.Sprintf("mount %d on %q: in mountinfo, not read by statmount", w.ID, w.Mountpoint))
			continue
		}
		out = append(out, CompareMount(g, w)...)
		if i < len(got) && got[i].ID != w.ID {
			out = append(out, fmt.Sprintf("position %d: statmount has mount %d, mountinfo %d", i, got[i].ID, w.ID))
		}
	}
	for i := range got {
		if !seen[got[i].ID] {
			out = append(out, fmt.Sprintf("mount %d on %q: read by statmount, not in mountinfo", got[i].ID, got[i].Mountpoint))
		}
	}
	return out
}

// CompareMount lists the fields in which one mount read with statmount differs from its
// mountinfo line.
func CompareMount(g *Mount, w *mnt.Mount) []string {
	var out []string
	field := func(name string, got, want any) {
		if got != want {
			out = append(out, fmt.Sprintf("mount %d on %q: %s: statmount %q, mountinfo %q", w.ID, w.Mountpoint, name, fmt.Sprint(got), fmt.Sprint(want)))
		}
	}
	field("parent", g.Parent, w.Parent)
	field("major:minor", fmt.Sprintf("%d:%d", g.Major, g.Minor), fmt.Sprintf("%d:%d", w.Major, w.Minor))
	field("root", g.Root, w.Root)
	field("mount point", g.Mountpoint, w.Mountpoint)
	field("options", g.Options, w.Options)
	field("optional fields", g.Optional, w.Optional)
	field("fstype", g.FSType, w.FSType)
	field("source", g.Source, w.Source)
	field("super options", g.VFSOptions, w.VFSOptions)
	field("propagation", g.Propagation, w.Propagation)
	return out
}
