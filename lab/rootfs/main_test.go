package rootfs

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// helperEnv makes the test binary act as a helper program instead of running tests: Build
// copies the test binary into the rootfs as /bin/nslab, so the escape tests run the real
// applets from inside a chroot, as nslab itself would.
const helperEnv = "NSLAB_ROOTFS_TEST_HELPER"

// Helper modes.
const (
	// helperEscape: os.Args[1:] are the arguments of `nslab escape`.
	helperEscape = "escape"
	// helperPivot: os.Args[1] is a rootfs to pivot_root into, os.Args[2:] are escape
	// arguments; for "fd" the helper opens the old root before the pivot and holds it.
	helperPivot = "pivot"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		if err := runHelper(mode, os.Args[1:]); err != nil {
			fmt.Fprintf(os.Stderr, "test helper %s: %v\n", mode, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runHelper(mode string, args []string) error {
	switch mode {
	case helperEscape:
		return RunEscape(args)
	case helperPivot:
		if len(args) < 2 {
			return fmt.Errorf("pivot: need ROOTFS and escape arguments, got %q", args)
		}
		return pivotThenEscape(args[0], args[1:])
	}
	return fmt.Errorf("unknown helper mode %q", mode)
}

// pivotThenEscape does what the pivot_root scenario does, in the helper's own new mount
// namespace, then tries an escape. With "fd" it holds an fd on the old root across the
// pivot (the CVE-2024-21626 class of bug) and passes that fd's number to the escape.
func pivotThenEscape(rootfs string, escape []string) error {
	oldRoot := -1
	if escape[0] == string(HeldFDEscape) {
		fd, err := unix.Open("/", unix.O_RDONLY|unix.O_DIRECTORY, 0)
		if err != nil {
			return &os.PathError{Op: "open", Path: "/", Err: err}
		}
		oldRoot = fd
		escape = append([]string{escape[0], fmt.Sprint(fd)}, escape[1:]...)
	}
	if err := unix.Mount("", "/", "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
		return &os.PathError{Op: "mount --make-rprivate", Path: "/", Err: err}
	}
	// pivot_root(2) needs new_root to be a mount point: bind it onto itself.
	if err := unix.Mount(rootfs, rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return &os.PathError{Op: "mount --bind", Path: rootfs, Err: err}
	}
	if err := unix.Chdir(rootfs); err != nil {
		return &os.PathError{Op: "chdir", Path: rootfs, Err: err}
	}
	put := "." + OldRootDir
	if err := unix.PivotRoot(".", put); err != nil {
		return &os.PathError{Op: "pivot_root", Path: put, Err: err}
	}
	if err := unix.Chdir("/"); err != nil {
		return &os.PathError{Op: "chdir", Path: "/", Err: err}
	}
	if err := unix.Unmount(OldRootDir, unix.MNT_DETACH); err != nil {
		return &os.PathError{Op: "umount -l", Path: OldRootDir, Err: err}
	}
	_ = oldRoot // held open on purpose until the escape uses it
	return RunEscape(escape)
}
