package rootfs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// The mount-api lesson's applets. util-linux 2.38 has no command for open_tree(2),
// mount_setattr(2), move_mount(2) or fsopen(2), fsconfig(2) and fsmount(2), so nslab makes
// the calls itself and prints each one as strace would, with the return value, and whether
// /proc/self/mountinfo lists the new mount before and after it is attached.

// ErrCloneTreeUsage is returned by RunCloneTree for arguments it cannot use.
var ErrCloneTreeUsage = errors.New("usage: clone-tree [--recursive-ro] SOURCE TARGET")

// ErrFSMountUsage is returned by RunFSMount for arguments it cannot use.
var ErrFSMountUsage = errors.New("usage: fsmount FSTYPE TARGET [KEY=VALUE...]")

// RunCloneTree is the `nslab clone-tree [--recursive-ro] SOURCE TARGET` applet: CloneTree.
func RunCloneTree(args []string, out io.Writer) error {
	ro := len(args) > 0 && args[0] == "--recursive-ro"
	if ro {
		args = args[1:]
	}
	if len(args) != 2 || strings.HasPrefix(args[0], "-") || strings.HasPrefix(args[1], "-") {
		return ErrCloneTreeUsage
	}
	return CloneTree(args[0], args[1], ro, out)
}

// CloneTree copies the mount at source with every mount under it into a detached tree,
// makes every mount of the copy read-only when ro is set, then attaches the copy at
// target. Each call is printed to out.
func CloneTree(source, target string, ro bool, out io.Writer) error {
	// open_tree(2) OPEN_TREE_CLONE|AT_RECURSIVE: a copy of the whole tree, held only by the
	// fd and attached nowhere, so no mount table lists it.
	fd, err := unix.OpenTree(unix.AT_FDCWD, source, unix.OPEN_TREE_CLONE|unix.AT_RECURSIVE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return &os.PathError{Op: "open_tree OPEN_TREE_CLONE|AT_RECURSIVE", Path: source, Err: err}
	}
	defer unix.Close(fd)
	fmt.Fprintf(out, "open_tree(AT_FDCWD, %q, OPEN_TREE_CLONE|AT_RECURSIVE) = %d\n", source, fd)
	id, err := reportDetached(fd, out)
	if err != nil {
		return err
	}
	if ro {
		// mount_setattr(2) with AT_RECURSIVE: the copy's submounts become read-only too,
		// which the old API's remount (one mount per call) cannot do in one call.
		attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
		if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, &attr); err != nil {
			return &os.PathError{Op: "mount_setattr AT_RECURSIVE MOUNT_ATTR_RDONLY", Path: source, Err: err}
		}
		fmt.Fprintf(out, "mount_setattr(%d, \"\", AT_EMPTY_PATH|AT_RECURSIVE, {attr_set=MOUNT_ATTR_RDONLY}) = 0\n", fd)
	}
	return attach(fd, id, target, out)
}

// RunFSMount is the `nslab fsmount FSTYPE TARGET [KEY=VALUE...]` applet: FSMount.
func RunFSMount(args []string, out io.Writer) error {
	if len(args) < 2 || strings.HasPrefix(args[0], "-") || strings.HasPrefix(args[1], "-") {
		return ErrFSMountUsage
	}
	params := map[string]string{}
	var keys []string
	for _, kv := range args[2:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return fmt.Errorf("fsmount: %q is not KEY=VALUE: %w", kv, ErrFSMountUsage)
		}
		if _, dup := params[k]; !dup {
			keys = append(keys, k)
		}
		params[k] = v
	}
	return FSMount(args[0], args[1], keys, params, out)
}

// FSMount makes a new file system of type fstype with the new mount API and attaches it
// at target: fsopen(2) a context, fsconfig(2) each parameter (keys in order), create the
// superblock, fsmount(2) a detached mount of it, move_mount(2) it into place. Each call is
// printed to out.
func FSMount(fstype, target string, keys []string, params map[string]string, out io.Writer) error {
	// fsopen(2): a file system context, configured through the fd before anything exists.
	ctx, err := unix.Fsopen(fstype, unix.FSOPEN_CLOEXEC)
	if err != nil {
		return &os.PathError{Op: "fsopen", Path: fstype, Err: err}
	}
	defer unix.Close(ctx)
	fmt.Fprintf(out, "fsopen(%q, FSOPEN_CLOEXEC) = %d\n", fstype, ctx)
	for _, k := range keys {
		// fsconfig(2) FSCONFIG_SET_STRING: one parameter, checked by the file system now.
		if err := unix.FsconfigSetString(ctx, k, params[k]); err != nil {
			return &os.PathError{Op: "fsconfig FSCONFIG_SET_STRING", Path: k + "=" + params[k], Err: err}
		}
		fmt.Fprintf(out, "fsconfig(%d, FSCONFIG_SET_STRING, %q, %q, 0) = 0\n", ctx, k, params[k])
	}
	// fsconfig(2) FSCONFIG_CMD_CREATE: the superblock is made here.
	if err := unix.FsconfigCreate(ctx); err != nil {
		return &os.PathError{Op: "fsconfig FSCONFIG_CMD_CREATE", Path: fstype, Err: err}
	}
	fmt.Fprintf(out, "fsconfig(%d, FSCONFIG_CMD_CREATE, NULL, NULL, 0) = 0\n", ctx)
	// fsmount(2): a mount of that superblock, detached like open_tree's copy.
	fd, err := unix.Fsmount(ctx, unix.FSMOUNT_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "fsmount", Path: fstype, Err: err}
	}
	defer unix.Close(fd)
	fmt.Fprintf(out, "fsmount(%d, FSMOUNT_CLOEXEC, 0) = %d\n", ctx, fd)
	id, err := reportDetached(fd, out)
	if err != nil {
		return err
	}
	return attach(fd, id, target, out)
}

// reportDetached prints the mount ID of the mount fd refers to and that this process's
// mountinfo does not list it, and returns the ID.
func reportDetached(fd int, out io.Writer) (int, error) {
	var stx unix.Statx_t
	// statx(2) STATX_MNT_ID: the mount ID mountinfo's first field would show.
	if err := unix.Statx(fd, "", unix.AT_EMPTY_PATH, unix.STATX_MNT_ID, &stx); err != nil {
		return 0, &os.PathError{Op: "statx STATX_MNT_ID", Path: "fd " + strconv.Itoa(fd), Err: err}
	}
	if stx.Mask&unix.STATX_MNT_ID == 0 {
		return 0, errors.New("statx: this kernel does not report STATX_MNT_ID")
	}
	id := int(stx.Mnt_id)
	at, listed, err := listedAt(id)
	if err != nil {
		return 0, err
	}
	if listed {
		fmt.Fprintf(out, "mount %d (fd %d): /proc/self/mountinfo lists it at %s\n", id, fd, at)
	} else {
		fmt.Fprintf(out, "mount %d (fd %d): not in /proc/self/mountinfo\n", id, fd)
	}
	return id, nil
}

// attach moves the detached mount fd (ID id) onto target and prints where mountinfo now
// lists it.
func attach(fd, id int, target string, out io.Writer) error {
	// move_mount(2) MOVE_MOUNT_F_EMPTY_PATH: the fd itself is what moves; the tree appears
	// at target in one step, which is when the panels see it.
	if err := unix.MoveMount(fd, "", unix.AT_FDCWD, target, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
		return &os.PathError{Op: "move_mount", Path: target, Err: err}
	}
	fmt.Fprintf(out, "move_mount(%d, \"\", AT_FDCWD, %q, MOVE_MOUNT_F_EMPTY_PATH) = 0\n", fd, target)
	at, listed, err := listedAt(id)
	if err != nil {
		return err
	}
	if !listed {
		return fmt.Errorf("move_mount succeeded, but /proc/self/mountinfo has no mount %d", id)
	}
	fmt.Fprintf(out, "mount %d: /proc/self/mountinfo lists it at %s\n", id, at)
	return nil
}

// listedAt looks mount id up in /proc/self/mountinfo and gives its mount point field.
func listedAt(id int) (at string, ok bool, err error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	want := strconv.Itoa(id)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 4 && fields[0] == want {
			return fields[4], true, nil
		}
	}
	return "", false, sc.Err()
}
