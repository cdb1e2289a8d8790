package rootfs

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/lab/mnt"
	"golang.org/x/sys/unix"
)

// treeWithSubmount mounts a tmpfs at dir/src with another at dir/src/sub, and makes
// dir/dst; both are unmounted when the test ends.
func treeWithSubmount(t *testing.T) (src, dst string) {
	t.Helper()
	dir := t.TempDir()
	src, dst = filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	for _, d := range []string{src, dst} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// mount(2): the tree to copy, a mount with a submount.
	if err := unix.Mount("top", src, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(src, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("below", filepath.Join(src, "sub"), "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	// umount2(2) MNT_DETACH: before TempDir's cleanup, which cannot remove mount points.
	t.Cleanup(func() {
		_ = unix.Unmount(dst, unix.MNT_DETACH)
		_ = unix.Unmount(src, unix.MNT_DETACH)
	})
	return src, dst
}

// The copy is attached nowhere until move_mount, and with --recursive-ro its submount is
// read-only too.
func TestCloneTreeRecursiveReadOnly(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	src, dst := treeWithSubmount(t)
	var out bytes.Buffer
	if err := CloneTree(src, dst, true, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	m := regexp.MustCompile(`(?m)^mount (\d+) \(fd \d+\): not in /proc/self/mountinfo$`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("output does not say the copy is in no mount table:\n%s", got)
	}
	if want := "mount " + m[1] + ": /proc/self/mountinfo lists it at " + dst + "\n"; !strings.HasSuffix(got, want) {
		t.Fatalf("output does not end with %q:\n%s", want, got)
	}
	if !strings.Contains(got, "mount_setattr(") {
		t.Fatalf("output names no mount_setattr call:\n%s", got)
	}
	for _, p := range []string{dst, filepath.Join(dst, "sub")} {
		if opts := perMountOptions(t, p); !hasOption(opts, "ro") {
			t.Errorf("per-mount options at %s: %s, want ro", p, opts)
		}
	}
	if err := os.WriteFile(filepath.Join(dst, "sub", "f"), []byte("x"), 0o644); !errors.Is(err, unix.EROFS) {
		t.Fatalf("write into the copy's submount: %v, want EROFS", err)
	}
	// The source is untouched.
	if err := os.WriteFile(filepath.Join(src, "sub", "f"), []byte("x"), 0o644); err != nil {
		t.Fatalf("write into the source's submount: %v", err)
	}
}

// Without --recursive-ro the copy is as writable as its source, submount included.
func TestCloneTreeKeepsOptions(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	src, dst := treeWithSubmount(t)
	var out bytes.Buffer
	if err := CloneTree(src, dst, false, &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "mount_setattr") {
		t.Fatalf("mount_setattr called without --recursive-ro:\n%s", out.String())
	}
	if opts := perMountOptions(t, filepath.Join(dst, "sub")); !hasOption(opts, "rw") {
		t.Fatalf("per-mount options of the copy's submount: %s, want rw", opts)
	}
}

// fsopen, fsconfig, fsmount and move_mount make a tmpfs with the parameters given.
func TestFSMountTmpfs(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	dst := filepath.Join(t.TempDir(), "fresh")
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dst, unix.MNT_DETACH) })
	var out bytes.Buffer
	err := FSMount("tmpfs", dst, []string{"source", "size"}, map[string]string{"source": "fresh", "size": "1m"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^mount \d+ \(fd \d+\): not in /proc/self/mountinfo$`).MatchString(out.String()) {
		t.Fatalf("output does not say the new mount was detached:\n%s", out.String())
	}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ms, err := mnt.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Mountpoint == dst {
			if m.FSType != "tmpfs" || m.Source != "fresh" || !hasOption(m.VFSOptions, "size=1024k") {
				t.Fatalf("mount at %s: %s %s %s, want tmpfs from fresh with size=1024k", dst, m.FSType, m.Source, m.VFSOptions)
			}
			return
		}
	}
	t.Fatalf("nothing mounted at %s:\n%s", dst, out.String())
}

// A parameter the file system refuses ends the applet before anything is mounted.
func TestFSMountBadParameter(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	dst := t.TempDir()
	var out bytes.Buffer
	err := FSMount("tmpfs", dst, []string{"nonsense"}, map[string]string{"nonsense": "1"}, &out)
	if !errors.Is(err, unix.EINVAL) {
		t.Fatalf("FSMount with a bad parameter: %v, want EINVAL", err)
	}
	if strings.Contains(out.String(), "move_mount") {
		t.Fatalf("moved a mount after a refused parameter:\n%s", out.String())
	}
}

func TestMountAPIUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"a"}, {"a", "b", "c"}, {"--recursive-ro", "a"}, {"-x", "a"}} {
		if err := RunCloneTree(args, &bytes.Buffer{}); !errors.Is(err, ErrCloneTreeUsage) {
			t.Errorf("RunCloneTree(%q) = %v, want the usage", args, err)
		}
	}
	for _, args := range [][]string{nil, {"tmpfs"}, {"tmpfs", "/x", "size"}, {"tmpfs", "/x", "=1"}, {"-t", "/x"}} {
		if err := RunFSMount(args, &bytes.Buffer{}); !errors.Is(err, ErrFSMountUsage) {
			t.Errorf("RunFSMount(%q) = %v, want the usage", args, err)
		}
	}
}
