package tui

import (
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

// A chroot changes path lookup, not the mount table (chroot(2)): a chrooted
// process's namespace keeps every mount, and the panel keeps every row. What
// changes is which of them the process can reach through its root; the
// panel marks that, so entering a chroot never looks like mounts gone.

// reachMark says what a row is to the chrooted panes.
type reachMark uint8

const (
	// reachable: no chrooted pane has the mount out of its reach (or no
	// pane is chrooted).
	reachable reachMark = iota
	// reachRoot: a chrooted process's root lies on the mount (part of it is
	// reachable: the directory tree under the root).
	reachRoot
	// reachOut: a chrooted pane has the mount in its table but cannot reach
	// it through its root.
	reachOut
)

// Symbols of the reach marks.
const (
	symRootMount  = "⌂"
	symOutOfReach = "○"
)

// chrootCount is what one chrooted pane reaches of the rows shown: reached
// of total rows its table has (ghosts left out).
type chrootCount struct {
	role           lab.Role
	root           string
	reached, total int
}

// side is a row's mount in one pane's table (nil where it has none).
func side(r mnt.DiffRow, role lab.Role) *mnt.Mount {
	if role == lab.NS {
		return r.NS
	}
	return r.Host
}

// reachOf marks each item for the chrooted panes and counts what each
// reaches; both are nil when no pane is chrooted. The lab decides what is
// reachable (Snapshot.Reachable, Snapshot.RootMount).
func reachOf(s lab.State, items []diffItem) ([]reachMark, []chrootCount) {
	var marks []reachMark
	var counts []chrootCount
	for _, role := range lab.Roles {
		snap := s.Snapshot(role)
		if !snap.Chrooted {
			continue
		}
		if marks == nil {
			marks = make([]reachMark, len(items))
		}
		rootID := snap.RootMount().ID
		reach := snap.Reach() // finds the root's mount once, not once per mount
		c := chrootCount{role: role, root: snap.Root}
		for i, it := range items {
			m := side(*it.row, role)
			if it.ghost() || m == nil {
				continue
			}
			c.total++
			switch {
			case rootID != 0 && m.ID == rootID:
				c.reached++
				marks[i] = reachRoot
			case reach(*m):
				c.reached++
			case marks[i] != reachRoot:
				marks[i] = reachOut
			}
		}
		counts = append(counts, c)
	}
	return marks, counts
}

// reachSymbol is a reach mark's symbol, a space for a reachable row.
func reachSymbol(r reachMark) string {
	switch r {
	case reachRoot:
		return symRootMount
	case reachOut:
		return symOutOfReach
	}
	return " "
}

// chrootLine says where a pane is chrooted and what it reaches: "ns: chrooted
// at /tmp/nslab/rootfs · 2 of 7 mounts reachable", then what the marks
// mean where that fits in w cells; cut at a word and marked where even the
// first part does not.
func chrootLine(st Styles, wd *words, c chrootCount, w int) string {
	line := st.Title.Render(string(c.role)+":") + " " + st.Warn.Render(wd.chrootedAt(c.root)) +
		st.Muted.Render(" · ") + st.Normal.Render(wd.reachable(c.reached, c.total))
	legend := st.Muted.Render(" · ") + st.Warn.Render(symRootMount) + st.Muted.Render(" "+wd.holdsRoot+", ") +
		st.Muted.Render(symOutOfReach+" "+wd.outOfReach)
	if cellWidth(line+legend) <= w {
		return line + legend
	}
	return cutWords(line, w)
}
