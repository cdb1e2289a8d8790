package lab

import (
	"strings"
	"time"

	"github.com/nslab/nslab/lab/mnt"
)

// Role names a pane: the lab host's shell or the shell in a child mount namespace.
type Role string

// The two panes.
const (
	Host Role = "host"
	NS   Role = "ns"
)

// Roles lists the panes in screen order, left to right.
var Roles = []Role{Host, NS}

// NSType is a namespace type as named in /proc/PID/ns (namespaces(7)).
type NSType string

// The eight namespace types the panels show.
const (
	NSMnt    NSType = "mnt"
	NSPID    NSType = "pid"
	NSUTS    NSType = "uts"
	NSIPC    NSType = "ipc"
	NSNet    NSType = "net"
	NSUser   NSType = "user"
	NSCgroup NSType = "cgroup"
	NSTime   NSType = "time"
	// The PID and time namespaces a process's children will get: after unshare --pid
	// (without --fork) they differ from the process's own.
	NSPIDForChildren  NSType = "pid_for_children"
	NSTimeForChildren NSType = "time_for_children"
)

// NSTypes lists the namespace types in panel order: the eight of namespaces(7), then the
// two "for children" links.
var NSTypes = []NSType{NSMnt, NSPID, NSUTS, NSIPC, NSNet, NSUser, NSCgroup, NSTime, NSPIDForChildren, NSTimeForChildren}

// Snapshot is what the kernel says about a pane's inspected process at one moment.
type Snapshot struct {
	Pane Role
	// PID is the inspected process (the pty's foreground process group) in nslab's PID
	// namespace; Comm is its command name.
	PID  int
	Comm string
	// NSPID is the same process's PID in its own PID namespace (the last NSpid field of
	// /proc/PID/status, proc(5)); 0 where unreadable.
	NSPID int
	// NS maps each namespace type to its inode number (0 where unreadable).
	NS map[NSType]uint64
	// Root and Cwd are /proc/PID/root and /proc/PID/cwd as the lab host sees them.
	Root string
	Cwd  string
	// Chrooted is set when the process's root is not its mount namespace's root.
	Chrooted bool
	// Mounts is the mount table of the process's mount namespace. When the process is
	// chrooted to a directory that is not a mount point its own mountinfo is empty;
	// then Mounts comes from TablePID, a process at the namespace's root.
	Mounts   []mnt.Mount
	TablePID int
	Time     time.Time
	// Ends counts the command end marks (OSC 133 D) of both panes this snapshot includes:
	// it was read after that many commands had ended (see Lab.EndMarks).
	Ends uint64
}

// Reachable reports whether the followed process can reach mount m through its root: m is
// mounted at or under the root, or is the mount the root itself lies on (then only part of
// it is reachable). Without a chroot every mount is reachable.
// For many mounts, use Reach, which finds the root's mount once.
func (s Snapshot) Reachable(m mnt.Mount) bool { return s.Reach()(m) }

// Reach returns Reachable for this snapshot, with the root's mount found once.
func (s Snapshot) Reach() func(mnt.Mount) bool {
	if !s.Chrooted || s.Root == "" || s.Root == "/" {
		return func(mnt.Mount) bool { return true }
	}
	rootID := s.RootMount().ID
	return func(m mnt.Mount) bool {
		if m.Mountpoint == s.Root || strings.HasPrefix(m.Mountpoint, s.Root+"/") {
			return true
		}
		return m.ID == rootID && m.ID != 0
	}
}

// RootMount is the mount the process's root lies on: the top of the stack of mounts at the
// root or at its nearest ancestor directory that has one (zero if the table has none).
func (s Snapshot) RootMount() mnt.Mount {
	var stack []mnt.Mount
	bestLen := -1
	for _, m := range s.Mounts {
		mp := m.Mountpoint
		if !(s.Root == mp || mp == "/" || strings.HasPrefix(s.Root, mp+"/")) || len(mp) < bestLen {
			continue
		}
		if len(mp) > bestLen {
			stack, bestLen = stack[:0], len(mp)
		}
		stack = append(stack, m)
	}
	// On one mount point, the top is the mount no other there is mounted on.
	for _, m := range stack {
		covered := false
		for _, o := range stack {
			covered = covered || o.Parent == m.ID && o.ID != m.ID
		}
		if !covered {
			return m
		}
	}
	return mnt.Mount{}
}

// EventKind says what happened.
type EventKind int

// Event kinds.
const (
	MountAdded EventKind = iota
	MountRemoved
	MountChanged
	NamespaceChanged
	ProcessChanged
	ShellExited
	ShellStarted
)

// Event is one change the lab saw, for the event log and the panels.
type Event struct {
	Time time.Time
	Pane Role
	Kind EventKind
	// Mount is set for mount events (the new state for MountChanged, Old the previous).
	Mount *mnt.Mount
	Old   *mnt.Mount
	// NSType, OldInode, NewInode for NamespaceChanged.
	NSType   NSType
	OldInode uint64
	NewInode uint64
	// PID and Comm for ProcessChanged and ShellStarted.
	PID  int
	Comm string
	// Status for ShellExited: the wait(2) status as an exit code, or 128+signal.
	Status int
	// MntNS is the mount namespace (inode) a mount event happened in: the followed
	// process's, or another that a process of the pane is in.
	MntNS uint64
}

// Mount is one line of a mount table; see mnt.Mount.
type Mount = mnt.Mount
