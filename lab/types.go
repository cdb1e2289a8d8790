package lab

import (
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
)

// NSTypes lists the namespace types in panel order.
var NSTypes = []NSType{NSMnt, NSPID, NSUTS, NSIPC, NSNet, NSUser, NSCgroup, NSTime}

// Snapshot is what the kernel says about a pane's inspected process at one moment.
type Snapshot struct {
	Pane Role
	// PID is the inspected process (the pty's foreground process group) in nslab's PID
	// namespace; Comm is its command name.
	PID  int
	Comm string
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
}

// Mount is one line of a mount table; see mnt.Mount.
type Mount = mnt.Mount
