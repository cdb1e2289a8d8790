package rootfs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/nslab/nslab/lab/labtest"
	"golang.org/x/sys/unix"
)

// mountTmpfs mounts a fresh tmpfs on a temporary directory (call it only inside a
// throwaway namespace) and unmounts it when the test ends.
func mountTmpfs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mount("nslab-test", dir, "tmpfs", 0, "mode=0755"); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
			t.Errorf("umount %s: %v", dir, err)
		}
	})
	return dir
}

// mountProc mounts proc on dir/proc, so ps works in the chroot.
func mountProc(t *testing.T, dir string) {
	t.Helper()
	labtest.RequireMachineRoot(t, "it mounts a proc of the machine's PID namespace, which only the machine's root may")
	p := filepath.Join(dir, "proc")
	if err := unix.Mount("proc", p, "proc", 0, ""); err != nil {
		t.Fatalf("mount proc on %s: %v", p, err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(p, unix.MNT_DETACH); err != nil {
			t.Errorf("umount %s: %v", p, err)
		}
	})
}

// chrootEnv is the environment of processes started in a rootfs.
func chrootEnv(extra ...string) []string {
	return append([]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=/root", "LANG=C", "TERM=dumb"}, extra...)
}

// chrootCommand is argv run with root as its root, in its /, as chroot(8) would run it.
func chrootCommand(root string, argv ...string) *exec.Cmd {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
	cmd.Dir = "/"
	cmd.Env = chrootEnv()
	return cmd
}

func writeTestFile(t *testing.T, p, text string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A rootfs built from host binaries runs every tool it lists: their libraries were found.
func TestBuildFromHostBinaries(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	base := mountTmpfs(t)
	shrc, bashrc := filepath.Join(base, "shrc"), filepath.Join(base, "bashrc")
	writeTestFile(t, shrc, "NSLAB_RC=sh\n")
	writeTestFile(t, bashrc, "NSLAB_RC=bash\n")
	dir := filepath.Join(base, "rootfs")
	info, err := Build(dir, Options{Source: SourceHost, ShellRC: shrc, BashRC: bashrc})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("source %s, %d tools, %d files, %d bytes, missing %v, devices %v",
		info.Source, len(info.Tools), len(info.Files), info.Size, info.Missing, info.Devices)
	if info.Source != SourceHost || info.Reused || info.Nslab != NslabPath || info.Size <= 0 {
		t.Errorf("Info = %+v", info)
	}
	for _, want := range []string{"sh", "ls", "cat", "mount", "chroot"} {
		if !slices.Contains(info.Tools, want) {
			t.Errorf("Tools %q lack %s", info.Tools, want)
		}
	}
	mountProc(t, dir)

	for _, tool := range info.Tools {
		cmd := chrootCommand(dir, "/bin/sh", "-c", `"$0" --version </dev/null`, tool)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if (err != nil && !errors.As(err, &exit)) || cmd.ProcessState.ExitCode() == 127 ||
			bytes.Contains(out, []byte("error while loading shared libraries")) {
			t.Errorf("%s does not run in the rootfs: %v\n%s", tool, err, out)
		}
	}

	// Interactive shells find the lab's rc files inside: bash through /etc/bash.bashrc, sh
	// through $ENV (which the lab's panes set to ShellRCPath).
	script := `ls /; cat /etc/os-release; echo "uid=$(id -u)"; echo "comm=$(ps -o comm= -p $$)"
		echo "bashrc$(bash -i -c 'echo =$NSLAB_RC' 2>/dev/null)"
		echo "shrc$(ENV=` + ShellRCPath + ` sh -i -c 'echo =$NSLAB_RC' 2>/dev/null)"
		stat -c '%F' /dev/null`
	out, err := chrootCommand(dir, "/bin/sh", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("script in the rootfs: %v\n%s", err, out)
	}
	for _, want := range []string{"NSLAB-ROOTFS", "ID=nslab", "uid=0", "comm=sh", "bashrc=bash",
		"shrc=sh", "character special file"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("script output lacks %q:\n%s", want, out)
		}
	}
}

// On a nodev mount (the lab's workspace tmpfs is one) device nodes cannot be opened, so
// /dev/null is a regular file and `>/dev/null` still works.
func TestBuildOnNodevMount(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	base := t.TempDir()
	if err := unix.Mount("nslab-test", base, "tmpfs", unix.MS_NODEV, "mode=0755"); err != nil {
		t.Fatalf("mount tmpfs nodev on %s: %v", base, err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(base, unix.MNT_DETACH); err != nil {
			t.Errorf("umount %s: %v", base, err)
		}
	})
	dir := filepath.Join(base, "rootfs")
	info, err := Build(dir, hermetic(base, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Devices) != 0 {
		t.Errorf("Devices = %q on a nodev mount, want none", info.Devices)
	}
	out, err := chrootCommand(dir, "/bin/sh", "-c", "echo hidden >/dev/null && echo shown 2>/dev/null").CombinedOutput()
	if err != nil || string(out) != "shown\n" {
		t.Errorf("redirections to /dev/null on a nodev rootfs: %v\n%s", err, out)
	}
}

// hermetic points the rc files of opts at absent files under base, so a test does not
// depend on what the machine's /tmp/nslab holds.
func hermetic(base string, opts Options) Options {
	opts.ShellRC = filepath.Join(base, "no-shrc")
	opts.BashRC = filepath.Join(base, "no-bashrc")
	return opts
}

// busybox: one binary, a link per applet, and the lab's commands it lacks are listed.
func TestBuildFromBusybox(t *testing.T) {
	if _, ok := FindBusybox(); !ok {
		t.Skip("no busybox on this host: apt-get install busybox-static (.ci/run installs it)")
	}
	if !labtest.InNewNamespace(t) {
		return
	}
	dir := filepath.Join(mountTmpfs(t), "rootfs")
	info, err := Build(dir, hermetic(filepath.Dir(dir), Options{Source: SourceBusybox}))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("busybox %s, %d applets, %d files, %d bytes, missing %v",
		info.Busybox, len(info.Tools), len(info.Files), info.Size, info.Missing)
	if info.Source != SourceBusybox || !slices.Contains(info.Files, "/bin/busybox") {
		t.Errorf("Info = %+v", info)
	}
	for _, want := range []string{"sh", "mount", "chroot", "pivot_root", "ls"} {
		if !slices.Contains(info.Tools, want) {
			t.Errorf("applets lack %s", want)
		}
	}
	if !slices.ContainsFunc(info.Missing, func(m MissingTool) bool { return m.Name == "bash" }) {
		t.Errorf("Missing %v does not list bash", info.Missing)
	}
	if link, err := os.Readlink(filepath.Join(dir, "bin/sh")); err != nil || link != "/bin/busybox" {
		t.Errorf("/bin/sh -> %q, %v; want /bin/busybox", link, err)
	}
	out, err := chrootCommand(dir, "/bin/sh", "-c", "ls /; cat /etc/os-release; mkdir /tmp/x && rmdir /tmp/x && echo ok").CombinedOutput()
	if err != nil {
		t.Fatalf("busybox sh in the rootfs: %v\n%s", err, out)
	}
	for _, want := range []string{"NSLAB-ROOTFS", "busybox", "ok"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// A second Build reuses the first (its stamp), and copies nslab again only if it changed.
func TestBuildIsIdempotent(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	base := mountTmpfs(t)
	exe := filepath.Join(base, "nslab")
	self, err := os.ReadFile("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, self, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "rootfs")
	opts := hermetic(base, Options{Source: SourceHost, Executable: exe})
	first, err := Build(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Build(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.Reused || !second.Reused {
		t.Errorf("Reused: first %v, second %v; want false, true", first.Reused, second.Reused)
	}
	if !slices.Equal(first.Files, second.Files) || first.Size != second.Size || first.Source != second.Source {
		t.Errorf("second Build says something else:\nfirst  %+v\nsecond %+v", first, second)
	}
	// A rebuilt nslab is copied in again.
	if err := os.WriteFile(exe, append(self, 0), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(dir, opts); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "usr/bin/nslab")); err != nil || fi.Size() != int64(len(self)+1) {
		t.Errorf("nslab copy not refreshed: %v", err)
	}
	// A deleted nslab is copied in again too.
	if err := os.Remove(filepath.Join(dir, "usr/bin/nslab")); err != nil {
		t.Fatal(err)
	}
	if info, err := Build(dir, opts); err != nil || !info.Reused || !isExecutable(filepath.Join(dir, NslabPath)) {
		t.Errorf("nslab not restored: reused %v, %v", info.Reused, err)
	}
	// Asking for another source than the one built is a clear error, not a mixed rootfs.
	if _, err := Build(dir, hermetic(base, Options{Source: SourceBusybox, Executable: exe})); err == nil ||
		!strings.Contains(err.Error(), "remove it to rebuild") {
		t.Errorf("Build with another source = %v, want an error", err)
	}
	// A damaged rootfs (no /bin/sh) is built again over.
	sh, err := ResolveIn(dir, ShellPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, sh)); err != nil {
		t.Fatal(err)
	}
	again, err := Build(dir, opts)
	if err != nil || again.Reused || checkShell(dir) != nil {
		t.Errorf("rebuild of a damaged rootfs: reused %v, %v, shell %v", again.Reused, err, checkShell(dir))
	}
}

func TestBuildRejectsUnknownSource(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rootfs")
	for _, source := range []Source{SourceUser, "alpine"} {
		if _, err := Build(dir, Options{Source: source}); err == nil || !strings.Contains(err.Error(), string(source)) {
			t.Errorf("Build(Source %q) = %v, want an error naming it", source, err)
		}
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a rejected Build made %s: %v", dir, err)
	}
}

// --rootfs DIR: /bin/sh must be executable, found through symlinks inside DIR only.
func TestBuildFromUserRootfs(t *testing.T) {
	hostOnly, ok := lookupHost("dash")
	if !ok {
		hostOnly = "/bin/sh"
	}
	tests := []struct {
		name    string
		entries []string
		dir     string // relative to the test dir; default "root"
		wantErr error
	}{
		{"plain shell", []string{"root/bin/sh"}, "", nil},
		{"link inside", []string{"root/opt/shell", "root/bin/sh -> /opt/shell"}, "", nil},
		{"merged usr", []string{"root/usr/bin/ash", "root/bin -> usr/bin", "root/usr/bin/sh -> ash"}, "", nil},
		{"link to a host file", []string{"root/bin/sh -> " + hostOnly}, "", ErrNoShell},
		{"relative link climbing out", []string{"root/bin/sh -> ../../../../../../" + hostOnly}, "", ErrNoShell},
		{"no shell", []string{"root/bin/ls"}, "", ErrNoShell},
		{"not executable", []string{"root/bin/"}, "", ErrNoShell},
		{"not a directory", []string{"file"}, "file", unix.ENOTDIR},
		{"absent", nil, "absent", os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			mkTree(t, base, tt.entries...)
			if tt.name == "not executable" {
				writeTestFile(t, filepath.Join(base, "root/bin/sh"), "")
			}
			dir := tt.dir
			if dir == "" {
				dir = "root"
			}
			dir = filepath.Join(base, dir)
			before := treeOf(t, base)
			info, err := Build(filepath.Join(base, "ignored"), Options{From: dir})
			// A user's rootfs is used as is, and the build directory is not made.
			if after := treeOf(t, base); after != before {
				t.Errorf("Build(From %s) changed the files under %s:\nbefore:\n%s\nafter:\n%s", dir, base, before, after)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Build(From %s) = %v, want %v", dir, err, tt.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), dir) {
					t.Errorf("error %q does not name %s", err, dir)
				}
				return
			}
			if info.Dir != dir || info.Source != SourceUser || info.Nslab != "" {
				t.Errorf("Info = %+v", info)
			}
		})
	}
}

// treeOf lists every file under root with what a write would change: type, mode, size,
// modification time, link target and content. Any error reading it fails the test.
func treeOf(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v %d %d", p, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " -> %s", target)
		case fi.Mode().IsRegular():
			content, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %q", content)
		}
		b.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatalf("read the tree under %s: %v", root, err)
	}
	return b.String()
}

// BenchmarkBuild measures a first Build (run as root for mknod), per source.
func BenchmarkBuild(b *testing.B) {
	for _, source := range []Source{SourceHost, SourceBusybox} {
		b.Run(string(source), func(b *testing.B) {
			if _, ok := FindBusybox(); source == SourceBusybox && !ok {
				b.Skip("no busybox on this host")
			}
			for b.Loop() {
				base := b.TempDir()
				if _, err := Build(filepath.Join(base, "rootfs"), hermetic(base, Options{Source: source})); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuildReuse measures a second Build on a finished rootfs.
func BenchmarkBuildReuse(b *testing.B) {
	base := b.TempDir()
	dir, opts := filepath.Join(base, "rootfs"), hermetic(base, Options{Source: SourceHost})
	if _, err := Build(dir, opts); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if info, err := Build(dir, opts); err != nil || !info.Reused {
			b.Fatal(err, info.Reused)
		}
	}
}

func TestInfoString(t *testing.T) {
	tests := []struct {
		info Info
		want string
	}{
		{Info{Source: SourceBusybox, Busybox: "/usr/bin/busybox", Tools: make([]string, 268), Size: 8128259,
			Dir: RootfsDir, Missing: []MissingTool{{"bash", "not a busybox applet"}, {"findmnt", "not a busybox applet"}}},
			"busybox (/usr/bin/busybox): 268 commands, 8.1 MB in /tmp/nslab/rootfs; missing bash, findmnt"},
		{Info{Source: SourceHost, Tools: make([]string, 35), Files: make([]string, 64), Size: 15866356, Dir: RootfsDir},
			"host binaries: 35 commands, 64 files, 15.9 MB in /tmp/nslab/rootfs"},
		{Info{Source: SourceUser, Dir: "/srv/alpine"},
			"your rootfs /srv/alpine (no /bin/nslab: the escape applets cannot run there)"},
		{Info{Source: SourceUser, Dir: "/srv/alpine", Nslab: NslabPath}, "your rootfs /srv/alpine"},
	}
	for _, tt := range tests {
		if got := tt.info.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}
