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
		old[row.Key] = row
	}
	seen := make(map[mnt.MountKey]bool, len(after.Diff))
	for _, row := range after.Diff {
		seen[row.Key] = true
		o := old[row.Key]
		out = append(out, mountChanges(wd, row.Key.Mountpoint, o, row, moved)...)
	}
	for _, o := range before.Diff {
		if !seen[o.Key] {
			out = append(out, mountChanges(wd, o.Key.Mountpoint, o, mnt.DiffRow{}, moved)...)
		}
	}
	return out
}

// mountChanges names what happened to one mount between two rows (a zero
// row: not in the table), per side; the same change on both sides is said
// once, naming both.
func mountChanges(wd *words, point string, o, r mnt.DiffRow, moved map[lab.Role]bool) []string {
	type change struct{ kind, from, to string }
	var per [2]change
	for i, side := range lab.Roles {
		if moved[side] {
			continue
		}
		b, a := o.Host, r.Host
		if side == lab.NS {
			b, a = o.NS, r.NS
		}
		switch {
		case b == nil && a == nil:
		case b == nil:
			per[i] = change{kind: "mounted"}
		case a == nil:
			per[i] = change{kind: "unmounted"}
		case b.Propagation != a.Propagation:
			per[i] = change{kind: "propagation", from: b.Propagation.String(), to: a.Propagation.String()}
		case b.Options != a.Options:
			from, to := optionsDiff(b.Options, a.Options)
			per[i] = change{kind: "options", from: from, to: to}
		case b.VFSOptions != a.VFSOptions:
			from, to := optionsDiff(b.VFSOptions, a.VFSOptions)
			per[i] = change{kind: "super", from: from, to: to}
		}
	}
	say := func(c change, sides string) string {
		switch c.kind {
		case "mounted":
			return wd.spotMounted(point, sides)
		case "unmounted":
			return wd.spotUnmounted(point, sides)
		case "propagation":
			return wd.spotPropagation(point, sides, c.from, c.to)
		case "options":
			return wd.spotRemounted(point, sides, c.from, c.to)
		}
		return wd.spotRemounted(point, sides, wd.super+" "+c.from, c.to)
	}
	h, n := per[0], per[1]
	switch {
	case h.kind == "" && n.kind == "":
		return nil
	case h == n:
		return []string{say(h, wd.bothPanes)}
	case n.kind == "":
		return []string{say(h, string(lab.Host))}
	case h.kind == "":
		return []string{say(n, string(lab.NS))}
	}
	return []string{say(h, string(lab.Host)), say(n, string(lab.NS))}
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
