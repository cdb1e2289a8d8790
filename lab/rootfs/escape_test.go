package rootfs

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/moby/sys/mountinfo"
	"github.com/nslab/nslab/lab/labtest"
	"golang.org/x/sys/unix"
)

func TestParseEscape(t *testing.T) {
	tests := []struct {
		args []string
		want Escape
		err  bool
	}{
		{[]string{"chroot"}, Escape{Method: DoubleChrootEscape}, false},
		{[]string{"chroot", "--"}, Escape{Method: DoubleChrootEscape}, false},
		{[]string{"chroot", "--", "/bin/cat", "/x"}, Escape{Method: DoubleChrootEscape, Argv: []string{"/bin/cat", "/x"}}, false},
		{[]string{"chroot", "ls", "-l"}, Escape{Method: DoubleChrootEscape, Argv: []string{"ls", "-l"}}, false},
		{[]string{"chroot", "--", "--"}, Escape{Method: DoubleChrootEscape, Argv: []string{"--"}}, false},
		{[]string{"fd", "9"}, Escape{Method: HeldFDEscape, FD: 9}, false},
		{[]string{"fd", "3", "--", "sh", "-c", "id"}, Escape{Method: HeldFDEscape, FD: 3, Argv: []string{"sh", "-c", "id"}}, false},
		{nil, Escape{}, true},
		{[]string{"proc"}, Escape{}, true},
		{[]string{"fd"}, Escape{}, true},
		{[]string{"fd", "nine"}, Escape{}, true},
		{[]string{"fd", "-1"}, Escape{}, true},
		{[]string{"fd", "--", "sh"}, Escape{}, true},
	}
	for _, tt := range tests {
		got, err := ParseEscape(tt.args)
		if tt.err {
			if !errors.Is(err, ErrEscapeUsage) {
				t.Errorf("ParseEscape(%q) = %+v, %v; want a usage error", tt.args, got, err)
			}
			continue
		}
		if err != nil || got.Method != tt.want.Method || got.FD != tt.want.FD || !slices.Equal(got.Argv, tt.want.Argv) {
			t.Errorf("ParseEscape(%q) = %+v, %v; want %+v", tt.args, got, err, tt.want)
		}
	}
}

func FuzzParseEscape(f *testing.F) {
	f.Add("chroot\x00--\x00/bin/sh")
	f.Add("fd\x009\x00cat\x00/x")
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		e, err := ParseEscape(args)
		if err != nil {
			if !errors.Is(err, ErrEscapeUsage) {
				t.Fatalf("error %v does not wrap ErrEscapeUsage", err)
			}
			return
		}
		if e.Method != DoubleChrootEscape && e.Method != HeldFDEscape || e.FD < 0 {
			t.Fatalf("ParseEscape(%q) = %+v", args, e)
		}
		if n := len(e.Argv); n > 0 && !slices.Equal(e.Argv, args[len(args)-n:]) {
			t.Fatalf("Argv %q is not the tail of %q", e.Argv, args)
		}
	})
}

// escapeLab is a throwaway namespace's workspace: a tmpfs holding a canary and a rootfs
// (whose /bin/nslab is this test binary) beside it, as the lab's /tmp/nslab has them.
type escapeLab struct {
	base, canary, token, rootfs string
}

func newEscapeLab(t *testing.T, source Source) escapeLab {
	t.Helper()
	base := mountTmpfs(t)
	token := make([]byte, 16)
	if _, err := rand.Read(token); err != nil {
		t.Fatal(err)
	}
	lab := escapeLab{base: base, canary: filepath.Join(base, "canary"), token: hex.EncodeToString(token),
		rootfs: filepath.Join(base, "rootfs")}
	writeTestFile(t, lab.canary, lab.token+"\n")
	if _, err := Build(lab.rootfs, hermetic(base, Options{Source: source})); err != nil {
		t.Fatal(err)
	}
	return lab
}

// inEachRootfs runs body as a subtest per rootfs source, each in a throwaway namespace
// with a fresh escapeLab: the scenarios run on whichever the host allows.
func inEachRootfs(t *testing.T, body func(t *testing.T, lab escapeLab)) {
	for _, source := range []Source{SourceHost, SourceBusybox} {
		t.Run(string(source), func(t *testing.T) {
			if _, ok := FindBusybox(); source == SourceBusybox && !ok {
				t.Skip("no busybox on this host: apt-get install busybox-static (.ci/run installs it)")
			}
			if !labtest.InNewNamespace(t) {
				return
			}
			body(t, newEscapeLab(t, source))
		})
	}
}

// applet runs /bin/nslab (this test binary) chrooted in the rootfs as the escape helper.
func (l escapeLab) applet(args ...string) *exec.Cmd {
	cmd := chrootCommand(l.rootfs, append([]string{NslabPath}, args...)...)
	cmd.Env = chrootEnv(helperEnv + "=" + helperEscape)
	return cmd
}

// The double chroot leaves the chroot: the canary outside the rootfs is read.
func TestEscapeDoubleChroot(t *testing.T) {
	inEachRootfs(t, func(t *testing.T, lab escapeLab) {
		// Without the escape, the chroot holds: the canary's path does not exist inside.
		if out, err := chrootCommand(lab.rootfs, "/bin/cat", lab.canary).CombinedOutput(); err == nil ||
			bytes.Contains(out, []byte(lab.token)) {
			t.Fatalf("the canary is readable without an escape: %v\n%s", err, out)
		}
		out, err := lab.applet("chroot", "--", "/bin/cat", lab.canary).CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte(lab.token)) {
			t.Fatalf("escape chroot did not reach the canary: %v\n%s", err, out)
		}
		// It tidied its scratch directory away.
		if left, _ := filepath.Glob(filepath.Join(lab.rootfs, "tmp", "nslab-escape-*")); len(left) > 0 {
			t.Errorf("scratch directories left in the rootfs: %q", left)
		}
	})
}

// A directory fd opened outside before the chroot leads back out; the fd is closed for
// the command that runs next.
func TestEscapeHeldFD(t *testing.T) {
	inEachRootfs(t, func(t *testing.T, lab escapeLab) {
		outside, err := os.Open("/")
		if err != nil {
			t.Fatal(err)
		}
		defer outside.Close()
		// The command reports whether its shell inherited fd 3: the applet must close it.
		cmd := lab.applet("fd", "3", "--", "/bin/sh", "-c",
			`cat "$0"; if [ -e /proc/$$/fd/3 ]; then echo fd3=open; else echo fd3=closed; fi`, lab.canary)
		cmd.ExtraFiles = []*os.File{outside} // fd 3 in the child, like a shell's `exec 3</`
		out, err := cmd.CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte(lab.token)) {
			t.Fatalf("escape fd 3 did not reach the canary: %v\n%s", err, out)
		}
		if !bytes.Contains(out, []byte("fd3=closed")) {
			t.Errorf("fd 3 leaked into the command:\n%s", out)
		}
		// Errors name the operation and the fd.
		out, err = lab.applet("fd", "7", "--", "/bin/true").CombinedOutput()
		if err == nil || !bytes.Contains(out, []byte("fstat fd 7: bad file descriptor")) {
			t.Errorf("escape fd 7 (not open) = %v\n%s", err, out)
		}
	})
}

// After pivot_root and a lazy unmount of the old root there is nothing above the new root:
// the double chroot lands on the rootfs itself, no canary. An fd held on the old root
// across the pivot still reaches the old root filesystem (close such fds before pivoting) —
// but not the mounts that were under it: `umount -l` detached them, so the canary on its
// tmpfs is gone from that view too, while the old root's own files (/etc/os-release) show.
func TestEscapeAfterPivotRoot(t *testing.T) {
	inEachRootfs(t, func(t *testing.T, lab escapeLab) {
		hostRelease, err := os.ReadFile(OSReleasePath)
		if err != nil {
			t.Skipf("the old root filesystem needs an %s to recognise it: %v", OSReleasePath, err)
		}
		pivot := func(method string) ([]byte, error) {
			script := `cat ` + MarkerPath + ` 2>&1 | head -n 1; cat "$0" 2>&1; echo ---; cat ` + OSReleasePath
			cmd := exec.Command("/proc/self/exe", lab.rootfs, method, "--", "/bin/sh", "-c", script, lab.canary)
			cmd.Env = chrootEnv(helperEnv + "=" + helperPivot)
			// A mount namespace of its own: pivot_root changes the root of every process in it.
			cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: unix.CLONE_NEWNS}
			return cmd.CombinedOutput()
		}
		out, err := pivot(string(DoubleChrootEscape))
		if err != nil {
			t.Fatalf("pivot then double chroot: %v\n%s", err, out)
		}
		if bytes.Contains(out, []byte(lab.token)) {
			t.Errorf("the double chroot escaped a pivot_root:\n%s", out)
		}
		if !bytes.Contains(out, []byte("inside the nslab lab rootfs")) || !bytes.Contains(out, []byte("ID=nslab")) {
			t.Errorf("after pivot_root the double chroot should land in the rootfs:\n%s", out)
		}

		out, err = pivot(string(HeldFDEscape))
		if err != nil {
			t.Fatalf("pivot then held fd: %v\n%s", err, out)
		}
		_, release, _ := bytes.Cut(out, []byte("---\n"))
		if !bytes.Equal(release, hostRelease) || bytes.Contains(out, []byte("inside the nslab lab rootfs")) {
			t.Errorf("an fd held on the old root should land on the old root filesystem:\n%s", out)
		}
		if bytes.Contains(out, []byte(lab.token)) {
			t.Errorf("the canary's tmpfs was detached with the old root, yet it shows:\n%s", out)
		}
	})
}

// FACTS.md: `mount --bind / /escape` run inside a chroot binds the chroot directory itself
// (the new mount's root field is the rootfs's path in its filesystem); it does not escape.
// Done from outside, the same bind (recursive, so the canary's tmpfs comes along) exposes the
// real root.
func TestBindRootInsideChroot(t *testing.T) {
	inEachRootfs(t, func(t *testing.T, lab escapeLab) {
		target := filepath.Join(lab.rootfs, EscapeDir)
		bound := func() *mountinfo.Info {
			t.Helper()
			mounts, err := mountinfo.GetMounts(mountinfo.SingleEntryFilter(target))
			if err != nil {
				t.Fatal(err)
			}
			if len(mounts) != 1 {
				t.Fatalf("%d mounts on %s, want 1", len(mounts), target)
			}
			return mounts[0]
		}
		inside := chrootCommand(lab.rootfs, "/bin/sh", "-c",
			`mount --bind / `+EscapeDir+` && ls `+EscapeDir+` && cat `+EscapeDir+`"$0"`, lab.canary)
		out, err := inside.CombinedOutput()
		if bytes.Contains(out, []byte(lab.token)) {
			t.Errorf("bind from inside the chroot exposed the canary:\n%s", out)
		}
		if !bytes.Contains(out, []byte("NSLAB-ROOTFS")) {
			t.Errorf("%s inside the chroot should show the rootfs itself: %v\n%s", EscapeDir, err, out)
		}
		// The tmpfs is mounted on base, so the rootfs is /rootfs within that filesystem.
		if m := bound(); m.Root != "/"+filepath.Base(lab.rootfs) {
			t.Errorf("bind from inside: root field %q, want %q (the rootfs itself)", m.Root, "/"+filepath.Base(lab.rootfs))
		}
		if err := unix.Unmount(target, 0); err != nil {
			t.Fatalf("umount %s: %v", target, err)
		}

		// From outside the chroot the same bind is the real root, canary and all. A plain
		// --bind would show the root filesystem without the tmpfs the canary is on: --rbind.
		if err := unix.Mount("/", target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			t.Fatalf("mount --rbind / %s: %v", target, err)
		}
		t.Cleanup(func() {
			if err := unix.Unmount(target, unix.MNT_DETACH); err != nil {
				t.Errorf("umount %s: %v", target, err)
			}
		})
		if m := bound(); m.Root != "/" {
			t.Errorf("bind from outside: root field %q, want /", m.Root)
		}
		out, err = chrootCommand(lab.rootfs, "/bin/cat", EscapeDir+lab.canary).CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte(lab.token)) {
			t.Errorf("bind from outside should expose the canary: %v\n%s", err, out)
		}
	})
}
