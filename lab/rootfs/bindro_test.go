package rootfs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/lab/mnt"
	"golang.org/x/sys/unix"
)

// One mount(2) with MS_BIND|MS_RDONLY gives a read-write bind; the remount mount(8) adds
// makes it read-only.
func TestBindReadOnlyOnceIsReadWrite(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	for _, d := range []string{src, dst} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := BindReadOnlyOnce(src, dst); err != nil {
		t.Fatal(err)
	}
	// umount2(2) before TempDir's cleanup, which cannot remove files through a ro bind.
	t.Cleanup(func() { _ = unix.Unmount(dst, unix.MNT_DETACH) })
	if opts := perMountOptions(t, dst); !hasOption(opts, "rw") {
		t.Fatalf("per-mount options of the one-call bind: %s, want rw", opts)
	}
	if err := os.WriteFile(filepath.Join(dst, "f"), []byte("x"), 0o644); err != nil {
		t.Fatalf("write through the one-call bind: %v", err)
	}
	// mount(2): the second call mount(8) makes.
	if err := unix.Mount("none", dst, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	if opts := perMountOptions(t, dst); !hasOption(opts, "ro") {
		t.Fatalf("per-mount options after the remount: %s, want ro", opts)
	}
	if err := os.WriteFile(filepath.Join(dst, "g"), []byte("x"), 0o644); !errors.Is(err, unix.EROFS) {
		t.Fatalf("write after the remount: %v, want EROFS", err)
	}
}

func TestRunBindROUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"a"}, {"a", "b", "c"}} {
		if err := RunBindRO(args); !errors.Is(err, ErrBindROUsage) {
			t.Errorf("RunBindRO(%q) = %v, want the usage", args, err)
		}
	}
}

func perMountOptions(t *testing.T, target string) string {
	t.Helper()
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ms, err := mnt.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Mountpoint == target {
			return ms[i].Options
		}
	}
	t.Fatalf("nothing mounted at %s", target)
	return ""
}

func hasOption(opts, o string) bool {
	for _, x := range strings.Split(opts, ",") {
		if x == o {
			return true
		}
	}
	return false
}
