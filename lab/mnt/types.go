package mnt

import (
	"strconv"
	"strings"

	"github.com/moby/sys/mountinfo"
)

// PropagationType is how mount and unmount events cross between peer mounts
// (mount_namespaces(7)).
type PropagationType string

// Propagation types, from the optional fields of mountinfo. A mount with none is private.
const (
	Private     PropagationType = "private"
	Shared      PropagationType = "shared"
	Slave       PropagationType = "slave"        // master:N and no shared:N
	SharedSlave PropagationType = "shared+slave" // both shared:N and master:N
	Unbindable  PropagationType = "unbindable"
)

// Propagation is the parsed optional fields of one mountinfo line.
type Propagation struct {
	Type PropagationType
	// PeerGroup is N of shared:N (0 if not shared).
	PeerGroup int
	// Master is N of master:N (0 if not a slave).
	Master int
	// PropagateFrom is N of propagate_from:N (0 if absent).
	PropagateFrom int
}

// Mount is one line of /proc/PID/mountinfo (proc(5)), with the propagation parsed.
type Mount struct {
	mountinfo.Info
	Propagation Propagation
}

// MountKey identifies a mount across namespaces: copies get new mount IDs, so mounts are
// matched by mount point plus identity, never by ID.
type MountKey struct {
	Mountpoint string
	Source     string
	FSType     string
	Root       string
	Major      int
	Minor      int
}

// DiffClass says how a mount point compares between the two panes.
type DiffClass uint8

// Diff classes.
const (
	InBoth   DiffClass = iota // same identity, options and propagation on both sides
	HostOnly                  // only in the host pane's table
	NSOnly                    // only in the ns pane's table
	Changed                   // same identity, different options or propagation
)

// Difference names what differs between two mounts with the same key, as a bit set.
type Difference uint8

// Differences between two matched mounts.
const (
	// DiffOptions: the per-mount options (field 6, e.g. ro on a read-only bind).
	DiffOptions Difference = 1 << iota
	// DiffSuperOptions: the super block options (the last field).
	DiffSuperOptions
	// DiffPropagation: the propagation type, the peer group or the master group.
	DiffPropagation
)

// DiffRow is one mount of the union of two tables. It holds no copy of the mount's key
// (Key, Point): a diff is copied whole at each change of a table, and at 100,000 mounts
// the key's strings made the copy four times as long and the collector's work with it.
type DiffRow struct {
	// Host and NS are the mount on each side (nil where absent; never both).
	Host  *Mount
	NS    *Mount
	Class DiffClass
	// Differs says what differs when Class is Changed (0 otherwise).
	Differs Difference
}

// Key is the row's mount's identity, the same on both sides.
func (r *DiffRow) Key() MountKey {
	if r.Host != nil {
		return r.Host.Key()
	}
	if r.NS != nil {
		return r.NS.Key()
	}
	return MountKey{}
}

// Point is the row's mount point (Key().Mountpoint without the copy).
func (r *DiffRow) Point() string {
	if r.Host != nil {
		return r.Host.Mountpoint
	}
	if r.NS != nil {
		return r.NS.Mountpoint
	}
	return ""
}

// String names the class as the diff panel does.
func (c DiffClass) String() string {
	switch c {
	case InBoth:
		return "in both"
	case HostOnly:
		return "host only"
	case NSOnly:
		return "ns only"
	case Changed:
		return "changed"
	}
	return "DiffClass(" + strconv.Itoa(int(c)) + ")"
}

// String lists what differs, e.g. "options,propagation"; "" when nothing does.
func (d Difference) String() string {
	var parts []string
	for _, f := range []struct {
		bit  Difference
		name string
	}{{DiffOptions, "options"}, {DiffSuperOptions, "super options"}, {DiffPropagation, "propagation"}} {
		if d&f.bit != 0 {
			parts = append(parts, f.name)
		}
	}
	return strings.Join(parts, ",")
}
