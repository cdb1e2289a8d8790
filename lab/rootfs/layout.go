package rootfs

// The lab's workspace. Inside the lab, /tmp is a fresh tmpfs that the lab's init mounts; these
// paths are the one source of truth for where things live in it.
const (
	// WorkspaceDir holds everything the lab makes at run time.
	WorkspaceDir = "/tmp/nslab"
	// CanaryPath is the host canary: a file holding a random token, outside the rootfs.
	// Reading it from a chrooted shell proves an escape.
	CanaryPath = "/tmp/nslab/canary"
	// RootfsDir is where Build makes the lab's rootfs on first need.
	RootfsDir = "/tmp/nslab/rootfs"
	// ShellRCPath is the lab's POSIX sh rc (prompt and OSC 133 marks). Build copies it into
	// the rootfs at the same path, so a shell inside the chroot finds it where it expects.
	ShellRCPath = "/tmp/nslab/shrc"
	// BashRCPath is the lab's bash rc (the --rcfile of bash panes). Build copies it in at the
	// same path too; SystemBashRCPath in the rootfs sources it.
	BashRCPath = "/tmp/nslab/bashrc"
)

// Paths inside the rootfs (absolute as seen from a process whose root is the rootfs).
const (
	// NslabPath is the copy of the running nslab binary that provides the escape applets.
	NslabPath = "/bin/nslab"
	// ShellPath must exist and be executable in every rootfs, built or the user's own.
	ShellPath = "/bin/sh"
	// OldRootDir is the put_old directory for the pivot_root scenario:
	// `pivot_root . old_root` then `umount -l /old_root`.
	OldRootDir = "/old_root"
	// EscapeDir is the mount point for the `mount --bind / /escape` demonstration.
	EscapeDir = "/escape"
	// MarkerPath is a file whose name alone, in `ls /`, says "you are in the lab rootfs".
	MarkerPath = "/NSLAB-ROOTFS"
	// OSReleasePath names the rootfs for tools that read os-release(5).
	OSReleasePath = "/etc/os-release"
	// SystemBashRCPath is bash's system-wide rc (Debian builds bash with it); Build writes a
	// hook there that sources BashRCPath (or ShellRCPath), so bash started in the chroot keeps
	// the lab's prompt and command marks.
	SystemBashRCPath = "/etc/bash.bashrc"
	// StampPath records a finished build; a second Build on the same dir reuses it.
	StampPath = "/.nslab-rootfs.json"
)
