package tui

import (
	"github.com/nslab/nslab/lab/mnt"
)

// relationKind is how a mount's two copies, one in each pane's namespace,
// pass mount and unmount events between them (mount_namespaces(7)). Peer
// group numbers come from one pool for all namespaces, so equal numbers on
// the two sides mean the same group.
type relationKind int

// Relations between the two copies of a mount.
const (
	// relOneSide: the mount is in one table only.
	relOneSide relationKind = iota
	// relPeers: shared:N on both sides; events cross both ways.
	relPeers
	// relNSSlave: ns has master:N of the host side's shared:N; events
	// reach ns from the host side, never back.
	relNSSlave
	// relHostSlave: the same the other way round.
	relHostSlave
	// relBothSlaves: master:N on both sides; both receive from group N,
	// neither from the other.
	relBothSlaves
	// relApart: nothing crosses, as expected of a copy: one side private,
	// or both shared in different groups.
	relApart
	// relOdd: nothing crosses, and not the way a copy comes apart: slaves of
	// different groups, a slave of a group the other side is not in, an
	// unbindable side. A real difference.
	relOdd
)

// relation is the relation of a row's two copies; group is the peer group it
// names (N of "peers (shared:N both)", "ns is slave of N").
type relation struct {
	kind  relationKind
	group int
}

// relate finds the relation of a mount's copy on the host side to its copy
// in ns (either nil when the mount is on one side only).
func relate(host, ns *mnt.Mount) relation {
	if host == nil || ns == nil {
		return relation{kind: relOneSide}
	}
	h, n := host.Propagation, ns.Propagation
	switch {
	case h.PeerGroup != 0 && h.PeerGroup == n.PeerGroup:
		return relation{relPeers, h.PeerGroup}
	case n.Master != 0 && n.Master == h.PeerGroup:
		return relation{relNSSlave, n.Master}
	case h.Master != 0 && h.Master == n.PeerGroup:
		return relation{relHostSlave, h.Master}
	case h.Master != 0 && h.Master == n.Master:
		return relation{relBothSlaves, h.Master}
	case h.Type == mnt.Private || n.Type == mnt.Private,
		h.Type == mnt.Shared && n.Type == mnt.Shared,
		h.Type == mnt.Unbindable && n.Type == mnt.Unbindable:
		// A private copy (unshare's rprivate makes an unbindable mount
		// private too), copies whose groups parted, or alike.
		return relation{kind: relApart}
	}
	return relation{kind: relOdd}
}

// expected reports whether r is what copying a mount into a new namespace
// gives (unshare --propagation private, slave, shared or unchanged): a
// difference of propagation that is one of these is the relation, not a
// change.
func (r relation) expected() bool { return r.kind != relOdd }

// shownDiffers is what differs between a row's copies, less a propagation
// difference that is an expected relation: a fresh slave copy (shared:2 on
// the host side, master:2 in ns) is what a slave copy is, not a change.
func shownDiffers(r mnt.DiffRow) mnt.Difference {
	d := r.Differs
	if d&mnt.DiffPropagation != 0 && relate(r.Host, r.NS).expected() {
		d &^= mnt.DiffPropagation
	}
	return d
}

// shownClass is a row's class as the panels show it: Changed only for what
// shownDiffers keeps.
func shownClass(r mnt.DiffRow) mnt.DiffClass {
	if r.Class == mnt.Changed && shownDiffers(r) == 0 {
		return mnt.InBoth
	}
	return r.Class
}

// relationText says r in the screen's language: "peers (shared:7 both)",
// "ns is slave of 3", "not connected"; "" for a mount on one side.
func relationText(wd *words, r relation) string {
	switch r.kind {
	case relPeers:
		return wd.peers(r.group)
	case relNSSlave:
		return wd.slaveOf("ns", r.group)
	case relHostSlave:
		return wd.slaveOf("host", r.group)
	case relBothSlaves:
		return wd.bothSlaves(r.group)
	case relApart, relOdd:
		return wd.notConnected
	}
	return ""
}

// relationShort is relationText without the group, for a narrow column:
// "ns slave", "both slaves".
func relationShort(wd *words, r relation) string {
	switch r.kind {
	case relNSSlave:
		return wd.slaveShort("ns")
	case relHostSlave:
		return wd.slaveShort("host")
	case relBothSlaves:
		return wd.bothSlavesShort
	}
	return relationText(wd, r)
}
