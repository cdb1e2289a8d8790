package lab

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nslab/nslab/lab/mnt"
)

// The lab's guards against accidents. The lab's mount namespace starts as a copy of the
// host's, and some mounts in that copy lead back out of the lab: the host's proc (its
// processes, and through /proc/PID/ns/mnt its mount namespace), the host's devpts (other
// people's terminals), the host's /run (the sockets of its init and service manager) and
// nsfs files bound anywhere (other namespaces). The init detaches them and mounts the lab's
// own in their place, before any pane shell runs. A copy left underneath a new mount would
// not do: one umount in a pane uncovers it.

// Source names of the lab's own mounts, easy to spot in a mount table.
const (
	// DevptsSource is the source of the lab's devpts instance.
	DevptsSource = "nslab-devpts"
	// RunSource is the source of the lab's /run tmpfs.
	RunSource = "nslab-run"
)

// ttyGroup is the group pty slaves get (gid 5, "tty", on Debian, Fedora, Arch, Alpine),
// as the host's devpts gives them.
const ttyGroup = 5

// leadsOut says whether a mount of this type, other than the lab's own, leads out of the lab.
func leadsOut(fstype string) bool {
	switch fstype {
	case "proc", "devpts", "nsfs":
		return true
	}
	return false
}

// detachAll lazily unmounts everything mounted at path, also mounts stacked there, with all
// their submounts (umount2(2) MNT_DETACH): in this namespace only, / being slave. A path that
// is no mount point (EINVAL) or does not exist is left as it is.
func detachAll(path string) error {
	for i := 0; ; i++ {
		err := unix.Unmount(path, unix.MNT_DETACH)
		if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if err != nil {
			return &os.PathError{Op: "detach", Path: path, Err: err}
		}
		if i > 64 {
			return &os.PathError{Op: "detach", Path: path, Err: errors.New("more than 64 mounts stacked")}
		}
	}
}

// mountID is the ID of the mount path is on (statx(2) STATX_MNT_ID).
func mountID(path string) (uint64, error) {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW|unix.AT_NO_AUTOMOUNT, unix.STATX_MNT_ID, &st); err != nil {
		return 0, &os.PathError{Op: "statx", Path: path, Err: err}
	}
	return st.Mnt_id, nil
}

// ownProc replaces the copy of the host's /proc with a proc of the lab's PID namespace.
// It returns the new proc's mount ID.
func ownProc() (uint64, error) {
	if err := detachAll("/proc"); err != nil {
		return 0, err
	}
	// mount(2) of proc in this PID namespace: ps and /proc/PID see the lab's processes only.
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return 0, &os.PathError{Op: "mount proc", Path: "/proc", Err: err}
	}
	return mountID("/proc")
}

// ownRun puts a tmpfs of the lab's own at /run, so the sockets of the host's init, service
// manager and message bus (systemctl, reboot, poweroff) are not reachable from a pane.
func ownRun() error {
	if _, err := os.Stat("/run"); err != nil {
		return nil // no /run on this host: nothing to reach
	}
	if err := detachAll("/run"); err != nil {
		return err
	}
	if err := unix.Mount(RunSource, "/run", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755,size=10%"); err != nil {
		return &os.PathError{Op: "mount tmpfs", Path: "/run", Err: err}
	}
	// What a Debian /run starts with and programs expect: lock files (FHS), mount(8)'s utab.
	for _, d := range []struct {
		path string
		mode os.FileMode
	}{{"/run/lock", 0o1777}, {"/run/mount", 0o755}} {
		if err := os.Mkdir(d.path, d.mode); err != nil {
			return err
		}
		if err := os.Chmod(d.path, d.mode); err != nil { // past the umask
			return err
		}
	}
	return nil
}

// sweep detaches every mount of the lab's table that leads out (leadsOut) except keep: a
// host proc or devpts bound elsewhere, nsfs files of the host's namespaces (/run/netns/…).
// A mount shadowed by another at the same point is reached once that one is gone.
//
// Rootless (locked true), the copy of the host's mounts is locked: umount2(2) refuses each
// with EINVAL, and those under the lab's own /proc and /run are out of reach by path. Those
// stay, covered where the lab mounts its own (ownProc, ownRun, ownDevpts); in a user
// namespace they give a pane nothing its user could not do outside.
func sweep(keep uint64, locked bool) error {
	stuck := map[int]bool{}
	for pass := 0; pass < 64; pass++ {
		ms, err := readOwnMounts()
		if err != nil {
			return err
		}
		found := false
		for _, m := range ms {
			if !leadsOut(m.FSType) || uint64(m.ID) == keep || stuck[m.ID] {
				continue
			}
			if locked && (underPath(m.Mountpoint, "/proc") || underPath(m.Mountpoint, "/run")) {
				stuck[m.ID] = true // covered by the lab's own: a path there names ours
				continue
			}
			found = true
			err := unix.Unmount(m.Mountpoint, unix.MNT_DETACH)
			if locked && err != nil {
				stuck[m.ID] = true
				continue
			}
			if err != nil && !errors.Is(err, unix.EINVAL) {
				return &os.PathError{Op: "detach the host's " + m.FSType, Path: m.Mountpoint, Err: err}
			}
		}
		if !found {
			return nil
		}
	}
	return errors.New("the host's proc, devpts or nsfs mounts are still in the lab after 64 passes")
}

// underPath says whether p is dir or lies under it.
func underPath(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// readOwnMounts reads this process's mount table (proc(5) mountinfo).
func readOwnMounts() ([]mnt.Mount, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return mnt.Parse(bufio.NewReader(f))
}

// ownDevpts mounts a devpts instance of the lab's own at /dev/pts (devpts "newinstance"):
// the panes' terminals are allocated there (openLabPTY), and no host terminal is in the
// lab to be opened, written to or fed input with TIOCSTI. /dev/ptmx is bound to its ptmx
// so that programs opening /dev/ptmx (script, tmux, ssh) get ptys of the lab's as well.
func ownDevpts() error {
	if err := os.MkdirAll("/dev/pts", 0o755); err != nil {
		return err
	}
	opts := fmt.Sprintf("newinstance,ptmxmode=0666,mode=0620,gid=%d", ttyGroup)
	if !idMapped("/proc/self/gid_map", ttyGroup) {
		// Rootless with one gid mapped: devpts refuses a gid this user namespace does not
		// map (EINVAL), so the ptys keep the group of their opener.
		opts = "newinstance,ptmxmode=0666,mode=0620"
	}
	if err := unix.Mount(DevptsSource, "/dev/pts", "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, opts); err != nil {
		return &os.PathError{Op: "mount devpts", Path: "/dev/pts", Err: err}
	}
	st, err := os.Lstat("/dev/ptmx")
	switch {
	case err != nil || st.Mode()&os.ModeSymlink != 0:
		return nil // absent, or a link to pts/ptmx already (a container's /dev)
	}
	// A bind mount, not a link: /dev is the host's devtmpfs, and a link made there would
	// change the host's /dev too.
	if err := unix.Mount("/dev/pts/ptmx", "/dev/ptmx", "", unix.MS_BIND, ""); err != nil {
		return &os.PathError{Op: "bind", Path: "/dev/ptmx", Err: err}
	}
	return nil
}

// guardLabHost closes the ways out of a lab's fresh mount namespace (/ already slave):
// its own proc, no other proc, devpts or nsfs mount, its own devpts and /run.
func guardLabHost() error {
	procID, err := ownProc()
	if err != nil {
		return err
	}
	if err := ownRun(); err != nil {
		return err
	}
	if err := sweep(procID, InUserNS()); err != nil {
		return err
	}
	return ownDevpts()
}

// devptsMagic is the f_type statfs(2) reports for devpts.
const devptsMagic = 0x1cd1

// openLabPTY opens a pty pair on the devpts of the lab whose init is pid (as nslab sees it),
// through the init's root (proc(5) /proc/PID/root: path lookup goes on in the init's mount
// namespace). It runs right after the init is set up, before any pane shell of that lab, so
// nothing in the lab can have replaced the path; the devpts check makes sure all the same.
// The slave comes from the master (ioctl_tty(2) TIOCGPTPEER), not from a path.
func openLabPTY(pid int) (master, slave *os.File, err error) {
	path := fmt.Sprintf("/proc/%d/root/dev/pts/ptmx", pid)
	master, err = os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open the lab's ptmx: %w", err)
	}
	fail := func(op string, err error) (*os.File, *os.File, error) {
		master.Close()
		return nil, nil, &os.PathError{Op: op, Path: path, Err: err}
	}
	var sfd int
	var num uint32
	cerr := rawControl(master, func(fd int) error {
		var fs unix.Statfs_t
		if err := unix.Fstatfs(fd, &fs); err != nil {
			return err
		}
		if fs.Type != devptsMagic {
			return fmt.Errorf("not on devpts (filesystem type %#x)", fs.Type)
		}
		// TIOCSPTLCK 0: unlockpt(3), so the slave can be opened.
		if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
			return err
		}
		var err error
		if num, err = unix.IoctlGetUint32(fd, unix.TIOCGPTN); err != nil {
			return err
		}
		r, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.TIOCGPTPEER, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC)
		if errno != 0 {
			return errno
		}
		sfd = int(r)
		return nil
	})
	if cerr != nil {
		return fail("pty", cerr)
	}
	return master, os.NewFile(uintptr(sfd), fmt.Sprintf("/proc/%d/root/dev/pts/%d", pid, num)), nil
}

// rawControl runs f on f's descriptor without taking it out of Go's poller (os.File.Fd
// would make it blocking, and Close could then no longer end a pending Read).
func rawControl(file *os.File, f func(fd int) error) error {
	rc, err := file.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		return err
	}
	return ferr
}
