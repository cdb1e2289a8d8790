package tui

import (
	"strings"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

// maxSpotParts is how many changes the spotlight line names; a count says how
// many more the panels show.
const maxSpotParts = 4

// spotChanges says in words what changed between the state before a step and
// after it, and only that: per pane a namespace it entered (new, or the other
// pane's), its root moving; per mount point where it was mounted, unmounted,
// remounted or its propagation changed. Mounts of a pane that changed mount
// namespace are left out: they are the new namespace's table, not changes
// made to one (its namespace line says what happened).
func spotChanges(wd *words, before, after lab.State) []string {
	var out []string
	moved := map[lab.Role]bool{}
	for _, r := range lab.Roles {
		b, a := before.Snapshot(r), after.Snapshot(r)
		if b.PID == 0 || a.PID == 0 {
			continue
		}
		other := after.Snapshot(otherRole(r))
		for _, t := range lab.NSTypes {
			if b.NS[t] == a.NS[t] || a.NS[t] == 0 {
				continue
			}
			if t == lab.NSMnt {
				moved[r] = true
			}
			what := wd.spotNSNew(string(r), t, nsTagOf(t, a.NS[t]))
			if other.PID != 0 && other.NS[t] == a.NS[t] {
				what = wd.spotNSSame(string(r), t, string(otherRole(r)))
			}
			out = append(out, what)
		}
		switch {
		case a.Chrooted && (!b.Chrooted || b.Root != a.Root):
			out = append(out, wd.spotChroot(string(r), a.Root))
		case b.Chrooted && !a.Chrooted:
			out = append(out, wd.spotRootBack(string(r)))
		}
	}
	old := make(map[mnt.MountKey]mnt.DiffRow, len(before.Diff))
	for _, row := range before.Diff {
		old[row.Key()] = row
	}
	var changes []mountChange
	seen := make(map[mnt.MountKey]bool, len(after.Diff))
	for _, row := range after.Diff {
		seen[row.Key()] = true
		changes = append(changes, mountChanges(wd, row.Point(), old[row.Key()], row, moved)...)
	}
	for _, o := range before.Diff {
		if !seen[o.Key()] {
			changes = append(changes, mountChanges(wd, o.Point(), o, mnt.DiffRow{}, moved)...)
		}
	}
	return append(out, sayMountChanges(wd, changes)...)
}

// mountChange is one thing that happened to one mount on one side, or on
// both alike (sides names them).
type mountChange struct {
	point, kind, sides string
	from, to           string
	// group is what changes alike share, to be said at once: the kind,
	// the sides and, for propagation, its types before and after.
	group string
}

// manyAlike is how many alike changes are said as one, by their count
// (mount --make-rshared / changes every mount under /).
const manyAlike = 3

// sayMountChanges says each change in words, and changes alike, when there
// are manyAlike or more, once with their count, where the first of them was.
func sayMountChanges(wd *words, changes []mountChange) []string {
	count := map[string]int{}
	for _, c := range changes {
		count[c.group]++
	}
	said := map[string]bool{}
	var out []string
	for _, c := range changes {
		n := count[c.group]
		if n < manyAlike || c.kind == "options" || c.kind == "super" { // remounts alike are rare
			out = append(out, c.say(wd))
			continue
		}
		if said[c.group] {
			continue
		}
		said[c.group] = true
		switch c.kind {
		case "mounted":
			out = append(out, wd.spotMountedMany(n, c.sides))
		case "unmounted":
			out = append(out, wd.spotUnmountedMany(n, c.sides))
		case "propagation":
			from, to, _ := strings.Cut(strings.TrimPrefix(c.group, c.kind+"|"+c.sides+"|"), "|")
			out = append(out, wd.spotPropagationMany(n, c.sides, from, to))
		}
	}
	return out
}

// say is one change in words.
func (c mountChange) say(wd *words) string {
	switch c.kind {
	case "mounted":
		return wd.spotMounted(c.point, c.sides)
	case "unmounted":
		return wd.spotUnmounted(c.point, c.sides)
	case "propagation":
		return wd.spotPropagation(c.point, c.sides, c.from, c.to)
	case "options":
		return wd.spotRemounted(c.point, c.sides, c.from, c.to)
	}
	return wd.spotRemounted(c.point, c.sides, wd.super+" "+c.from, c.to)
}

// mountChanges names what happened to one mount between two rows (a zero
// row: not in the table), per side; the same change on both sides is one,
// naming both.
func mountChanges(wd *words, point string, o, r mnt.DiffRow, moved map[lab.Role]bool) []mountChange {
	var per [2]mountChange
	for i, side := range lab.Roles {
		if moved[side] {
			continue
		}
		b, a := o.Host, r.Host
		if side == lab.NS {
			b, a = o.NS, r.NS
		}
		c := mountChange{point: point}
		switch {
		case b == nil && a == nil:
			continue
		case b == nil:
			c.kind = "mounted"
		case a == nil:
			c.kind = "unmounted"
		case b.Propagation != a.Propagation:
			c.kind, c.from, c.to = "propagation", b.Propagation.String(), a.Propagation.String()
			c.group = string(b.Propagation.Type) + "|" + string(a.Propagation.Type)
		case b.Options != a.Options:
			c.kind = "options"
			c.from, c.to = optionsDiff(b.Options, a.Options)
			c.group = c.from + "|" + c.to
		case b.VFSOptions != a.VFSOptions:
			c.kind = "super"
			c.from, c.to = optionsDiff(b.VFSOptions, a.VFSOptions)
			c.group = c.from + "|" + c.to
		default:
			continue
		}
		per[i] = c
	}
	h, n := per[0], per[1]
	var out []mountChange
	switch {
	case h.kind == "" && n.kind == "":
		return nil
	case h.kind == n.kind && h.from == n.from && h.to == n.to:
		h.sides = wd.bothPanes
		out = []mountChange{h}
	case n.kind == "":
		h.sides = string(lab.Host)
		out = []mountChange{h}
	case h.kind == "":
		n.sides = string(lab.NS)
		out = []mountChange{n}
	default:
		h.sides, n.sides = string(lab.Host), string(lab.NS)
		out = []mountChange{h, n}
	}
	for i := range out {
		out[i].group = out[i].kind + "|" + out[i].sides + "|" + out[i].group
	}
	return out
}

// optionsDiff keeps of two option lists what differs: "rw,relatime" and
// "ro,relatime" give "rw" and "ro".
func optionsDiff(from, to string) (string, string) {
	a, b := strings.Split(from, ","), strings.Split(to, ",")
	in := func(s string, l []string) bool {
		for _, x := range l {
			if x == s {
				return true
			}
		}
		return false
	}
	var gone, added []string
	for _, s := range a {
		if !in(s, b) {
			gone = append(gone, s)
		}
	}
	for _, s := range b {
		if !in(s, a) {
			added = append(added, s)
		}
	}
	if len(gone) == 0 && len(added) == 0 { // the same options in another order
		return from, to
	}
	if len(gone) == 0 {
		gone = []string{"—"}
	}
	if len(added) == 0 {
		added = []string{"—"}
	}
	return strings.Join(gone, ","), strings.Join(added, ",")
}

// nsTagOf names a namespace as its /proc/PID/ns link reads: "mnt:[4026532185]"
// ("pid:[…]" for pid_for_children).
func nsTagOf(t lab.NSType, ino uint64) string {
	base := strings.TrimSuffix(string(t), forChildrenSuffix)
	return base + ":[" + inode(ino) + "]"
}

func otherRole(r lab.Role) lab.Role {
	if r == lab.Host {
		return lab.NS
	}
	return lab.Host
}

// spotSummary is the spotlight line: what the last step changed, in words,
// plain (the bar styles and wraps it).
func (m *Model) spotSummary() string {
	parts := spotChanges(&m.wd, m.stepBefore, m.state)
	if len(parts) > maxSpotParts {
		parts = append(parts[:maxSpotParts], m.wd.spotMore(len(parts)-maxSpotParts))
	}
	return strings.Join(parts, " · ")
}
