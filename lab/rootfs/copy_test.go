package rootfs

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// mkTree makes entries under root: a name ending in "/" is a directory, "name -> target" a
// symlink, anything else a file holding its own name.
func mkTree(t *testing.T, root string, entries ...string) {
	t.Helper()
	for _, e := range entries {
		var err error
		switch name, target, isLink := strings.Cut(e, " -> "); {
		case isLink:
			p := filepath.Join(root, name)
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.Symlink(target, p)
			}
		case name[len(name)-1] == '/':
			err = os.MkdirAll(filepath.Join(root, name), 0o755)
		default:
			p := filepath.Join(root, name)
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.WriteFile(p, []byte(name), 0o755)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestResolveIn(t *testing.T) {
	root := t.TempDir()
	mkTree(t, root,
		"usr/bin/dash",
		"bin -> usr/bin",
		"usr/bin/sh -> dash",
		"abs -> /usr/bin",
		"up -> ../../../../..",
		"hostish -> /etc/passwd", // absolute: must stay inside root
		"loop -> loop",
		"dangling -> /nowhere/x",
	)
	tests := []struct {
		path string
		want string
		err  error
	}{
		{"/bin/sh", "/usr/bin/dash", nil},
		{"bin/sh", "/usr/bin/dash", nil},
		{"/abs/sh", "/usr/bin/dash", nil},
		{"/up/usr/bin/sh", "/usr/bin/dash", nil},
		{"/../../bin/sh", "/usr/bin/dash", nil},
		{"/hostish", "/etc/passwd", nil},
		{"/dangling", "/nowhere/x", nil},
		{"/bin/missing/deeper", "/usr/bin/missing/deeper", nil},
		{"/loop", "", syscall.ELOOP},
		{"/", "/", nil},
	}
	for _, tt := range tests {
		got, err := ResolveIn(root, tt.path)
		if !errors.Is(err, tt.err) || (tt.err == nil && got != tt.want) {
			t.Errorf("ResolveIn(%q) = %q, %v; want %q, %v", tt.path, got, err, tt.want, tt.err)
		}
	}
	// Not following the last component: the link itself.
	if got, err := resolveIn(root, "/bin/sh", false); err != nil || got != "/usr/bin/sh" {
		t.Errorf("resolveIn(/bin/sh, lstat) = %q, %v; want /usr/bin/sh", got, err)
	}
}

// replicate copies a host path with its symlink chain, as on a merged-/usr host.
func TestReplicate(t *testing.T) {
	host := t.TempDir() // stands for the host's /: paths below are absolute host paths
	mkTree(t, host,
		"usr/lib/x86_64-linux-gnu/libc.so.6",
		"usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
		"usr/lib64/ld-linux-x86-64.so.2 -> "+host+"/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
		"lib -> usr/lib",
		"lib64 -> usr/lib64",
		"usr/lib/x86_64-linux-gnu/libfoo.so.1 -> libfoo.so.1.2.3",
		"usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3",
	)
	root := t.TempDir()
	c := &copier{root: root}
	for _, p := range []string{
		host + "/lib64/ld-linux-x86-64.so.2",
		host + "/lib/x86_64-linux-gnu/libc.so.6",
		host + "/lib/x86_64-linux-gnu/libfoo.so.1",
		host + "/lib/x86_64-linux-gnu/libfoo.so.1", // twice: nothing new
	} {
		if err := c.replicate(p); err != nil {
			t.Fatal(err)
		}
	}
	in := func(p string) string { return filepath.Join(root, host, p) }
	links := map[string]string{
		"lib":                                  "usr/lib",
		"lib64":                                "usr/lib64",
		"usr/lib64/ld-linux-x86-64.so.2":       host + "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
		"usr/lib/x86_64-linux-gnu/libfoo.so.1": "libfoo.so.1.2.3",
	}
	for p, want := range links {
		if got, err := os.Readlink(in(p)); err != nil || got != want {
			t.Errorf("%s: readlink = %q, %v; want %q", p, got, err, want)
		}
	}
	wantFiles := []string{
		host + "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
		host + "/usr/lib/x86_64-linux-gnu/libc.so.6",
		host + "/usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3",
	}
	got := slices.Clone(c.files)
	slices.Sort(got)
	if !slices.Equal(got, wantFiles) {
		t.Errorf("files copied = %q, want %q", got, wantFiles)
	}
	for _, f := range wantFiles {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil || string(b) != f[len(host)+1:] {
			t.Errorf("%s: content %q, %v", f, b, err)
		}
	}
	// The loader's path resolves inside the rootfs to the copied file.
	if p, err := ResolveIn(root, host+"/lib64/ld-linux-x86-64.so.2"); err != nil || p != wantFiles[0] {
		t.Errorf("interpreter resolves to %q, %v; want %q", p, err, wantFiles[0])
	}
}

// Where the rootfs already has a real directory (busybox's /bin) the rootfs wins; a file
// in the way of a host symlink is a clear error.
func TestReplicateConflicts(t *testing.T) {
	host := t.TempDir()
	mkTree(t, host, "usr/bin/tool", "bin -> usr/bin")
	t.Run("real dir wins", func(t *testing.T) {
		root := t.TempDir()
		mkTree(t, root, host[1:]+"/bin/")
		if err := (&copier{root: root}).replicate(host + "/bin/tool"); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Lstat(filepath.Join(root, host, "bin/tool"))
		if err != nil || !fi.Mode().IsRegular() {
			t.Errorf("tool not copied into the rootfs's own bin: %v", err)
		}
	})
	t.Run("file in the way", func(t *testing.T) {
		root := t.TempDir()
		mkTree(t, root, host[1:]+"/bin")
		err := (&copier{root: root}).replicate(host + "/bin/tool")
		if err == nil {
			t.Fatal("replicate over a file: no error")
		}
	})
	t.Run("missing on the host", func(t *testing.T) {
		err := (&copier{root: t.TempDir()}).replicate(host + "/bin/absent")
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("replicate(absent) = %v, want not exist", err)
		}
	})
}
