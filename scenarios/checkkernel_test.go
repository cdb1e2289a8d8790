package scenarios

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/labtest"
	"golang.org/x/sys/unix"
)

// procLab is a Lab whose panes are processes on the real kernel: host is this test
// process, ns a child it started. Nothing is typed: the test makes its mounts itself and
// asks the checks what the kernel says of them, as the lab reads it.
type procLab struct {
	ws   Workspace
	pids map[lab.Role]int
}

func (l *procLab) Reset(context.Context, NSStart) error { return nil }

func (l *procLab) Run(context.Context, lab.Role, string, time.Duration) (Result, error) {
	return Result{}, errors.New("procLab has no shell to type into")
}

func (l *procLab) Inspect(pane lab.Role) (lab.Snapshot, error) {
	pid := l.pids[pane]
	s, err := lab.Inspect(pid, pid)
	s.Pane = pane
	return s, err
}

func (l *procLab) PathVisible(pane lab.Role, path string) (bool, error) {
	return false, errors.New("procLab resolves no paths")
}

func (l *procLab) RootIsMountpoint(pane lab.Role) (bool, error) {
	return false, errors.New("procLab does not stat roots")
}

func (l *procLab) ProcView(pane lab.Role) ([]int, []int, error) {
	return nil, nil, errors.New("procLab does not list processes")
}

func (l *procLab) Workspace(context.Context) (Workspace, error) { return l.ws, nil }

// kernelCase is one check and what it must say of the kernel's state.
type kernelCase struct {
	name  string
	pane  string
	check string
	pass  bool
	// reason must match the check's English reason; where it has two groups, both
	// must be the same number (a slave's master is the other mount's peer group).
	reason string
}

// expectChecks runs each case's check as a one-step scenario on l.
func expectChecks(t *testing.T, l Lab, cases []kernelCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			src := "id: k\ntitle: {en: K, ko: K}\nsummary: {en: S, ko: S}\nsteps:\n  - pane: " + tt.pane +
				"\n    narration: {en: N, ko: N}\n    checks:\n      - " +
				strings.ReplaceAll(strings.TrimSpace(tt.check), "\n", "\n        ") + "\n"
			sc, err := Parse("k.yaml", []byte(src))
			if err != nil {
				t.Fatalf("parse:\n%s\n%v", src, err)
			}
			r, err := Start(context.Background(), l, sc)
			if err != nil {
				t.Fatal(err)
			}
			res := r.Run(context.Background(), 0)
			if res.Err != nil || len(res.Checks) != 1 {
				t.Fatalf("step: %+v", res)
			}
			got := res.Checks[0]
			m := regexp.MustCompile(tt.reason).FindStringSubmatch(got.Reason.EN)
			if got.Passed() != tt.pass || m == nil || (len(m) == 3 && m[1] != m[2]) {
				t.Errorf("got %s\nwant passed=%v, a reason matching %s", got.Line(EN), tt.pass, tt.reason)
			}
		})
	}
}

// mountAt is mount(2) in the test's own namespace: a new mount, a bind or a propagation
// change (no source, no fstype).
func mountAt(t *testing.T, source, target, fstype string, flags uintptr) {
	t.Helper()
	if err := os.MkdirAll(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount(source, target, fstype, flags, ""); err != nil {
		t.Fatalf("mount %s on %s (%s, flags %#x): %v", source, target, fstype, flags, err)
	}
}

// makeDir makes a directory on a mount (to bind, or to mount on later).
func makeDir(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
}

// devOf is major:minor of the filesystem holding p, from stat(2): the kernel's answer
// without mountinfo.
func devOf(t *testing.T, p string) string {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d:%d", unix.Major(st.Dev), unix.Minor(st.Dev))
}

// nsInodeOf is the inode of /proc/PID/ns/TYPE, from stat(2).
func nsInodeOf(t *testing.T, pid int, typ string) uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(fmt.Sprintf("/proc/%d/ns/%s", pid, typ), &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

// startNSPane starts a process in a new mount namespace made by unshare(1) with the
// given propagation, and returns its pid once it runs there: it says so on its output
// after unshare is done. It ends with the test.
func startNSPane(t *testing.T, propagation string) int {
	t.Helper()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer outR.Close()
	cmd := exec.Command("unshare", "--mount", "--propagation", propagation, "--",
		"sh", "-c", "echo ready; exec cat")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = outW, outW
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start unshare: %v", err)
	}
	outW.Close()
	t.Cleanup(func() {
		stdin.Close() // cat ends on end of input
		if err := cmd.Wait(); err != nil {
			t.Errorf("ns pane (unshare --propagation %s): %v", propagation, err)
		}
	})
	// A generous deadline: only a hung unshare misses it, and then the test says so.
	const limit = 2 * time.Minute
	if err := outR.SetReadDeadline(time.Now().Add(limit)); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("waited up to %s for `unshare --propagation %s` to say ready; read %q, %v", limit, propagation, line, err)
	}
	return cmd.Process.Pid
}

// The checks read the real kernel right: stacked and tucked mounts, binds across
// filesystems, peer groups and slaves, namespaces and copies, made here with mount(2) in a
// throwaway namespace. Every expectation is written out by hand or comes from stat(2).
func TestChecksOnKernel(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	// Everything lives on a tmpfs of its own, detached with all that is on it when the
	// test ends (the test's / is rprivate: nothing leaks out before).
	d := t.TempDir()
	mountAt(t, "nslab-base", d, "tmpfs", 0)
	t.Cleanup(func() {
		if err := unix.Unmount(d, unix.MNT_DETACH); err != nil {
			t.Errorf("umount -l %s: %v", d, err)
		}
	})

	// A stack listed bottom first: the upper mount is private over a shared lower one.
	mountAt(t, "lower", d+"/s", "tmpfs", 0)
	mountAt(t, "", d+"/s", "", unix.MS_SHARED)
	mountAt(t, "upper", d+"/s", "tmpfs", 0)
	mountAt(t, "", d+"/s", "", unix.MS_PRIVATE)

	// A stack listed top first: b is a slave of a, and b/x is covered; a mount on a/x
	// propagates to b/x and is tucked beneath the cover, yet listed after it.
	mountAt(t, "peers", d+"/a", "tmpfs", 0)
	makeDir(t, d+"/a/x")
	mountAt(t, "", d+"/a", "", unix.MS_SHARED)
	mountAt(t, d+"/a", d+"/b", "", unix.MS_BIND)
	mountAt(t, "", d+"/b", "", unix.MS_SLAVE)
	mountAt(t, "cover", d+"/b/x", "tmpfs", 0)
	mountAt(t, "tucked", d+"/a/x", "tmpfs", 0)
	makeDir(t, d+"/b/x/data") // on the cover, the one seen
	mountAt(t, d+"/b/x/data", d+"/bx", "", unix.MS_BIND)

	// A mount left under a mount that later covered its parent; the newer one is seen.
	mountAt(t, "first", d+"/o", "tmpfs", 0)
	mountAt(t, "hidden", d+"/o/x", "tmpfs", 0)
	mountAt(t, "", d+"/o/x", "", unix.MS_SHARED)
	mountAt(t, "over", d+"/o", "tmpfs", 0)
	mountAt(t, "seen", d+"/o/x", "tmpfs", 0)

	// Two filesystems with a directory of one name, and a bind of one of them.
	mountAt(t, "one", d+"/one", "tmpfs", 0)
	makeDir(t, d+"/one/data")
	mountAt(t, "two", d+"/two", "tmpfs", 0)
	makeDir(t, d+"/two/data")
	mountAt(t, d+"/two/data", d+"/t", "", unix.MS_BIND)
	one, two := devOf(t, d+"/one"), devOf(t, d+"/two")
	if one == two {
		t.Fatalf("two tmpfs mounts on one device %s", one)
	}

	// A shared mount for the ns panes to copy.
	mountAt(t, "p", d+"/p", "tmpfs", 0)
	mountAt(t, "", d+"/p", "", unix.MS_SHARED)

	ws := Workspace{Dir: d}
	q := regexp.QuoteMeta
	t.Run("one namespace", func(t *testing.T) {
		self := os.Getpid()
		expectChecks(t, &procLab{ws: ws, pids: map[lab.Role]int{lab.Host: self, lab.NS: self}}, []kernelCase{
			{"propagation of the top of a stack", "host", "propagation: private\ntarget: '{{workspace}}/s'", true, `^private \(no optional fields\)$`},
			{"not that of the mount under it", "host", "propagation: shared\ntarget: '{{workspace}}/s'", false, `^private \(no optional fields\)$`},
			{"a mismatch names the top", "host", "mounted: '{{workspace}}/s'\nfstype: ext4", false, `^found tmpfs upper at ` + q(d) + `/s \(wanted fstype ext4\)$`},
			{"the one under it is there too", "host", "mounted: '{{workspace}}/s'\nsource: lower", true, `^mount [0-9]+: tmpfs lower, root /, `},
			{"propagation of the cover over a tucked mount", "host", "propagation: private\ntarget: '{{workspace}}/b/x'", true, `^private \(no optional fields\)$`},
			{"not that of the tucked mount", "host", "propagation: slave\ntarget: '{{workspace}}/b/x'", false, `^private \(no optional fields\)$`},
			{"mounted names the cover", "host", "mounted: '{{workspace}}/b/x'\nfstype: tmpfs", true, `^mount [0-9]+: tmpfs cover, root /, `},
			{"the tucked mount is there too", "host", "mounted: '{{workspace}}/b/x'\nsource: tucked", true, `^mount [0-9]+: tmpfs tucked, root /, `},
			{"a mismatch names the cover", "host", "mounted: '{{workspace}}/b/x'\nsource: nothing", false, `^found tmpfs cover at ` + q(d) + `/b/x \(wanted source nothing\)$`},
			{"not mounted sees the whole stack", "host", "not_mounted: '{{workspace}}/b/x'\nsource: tucked", false, `tmpfs tucked`},
			{"propagation of the mount seen over a covered one", "host", "propagation: private\ntarget: '{{workspace}}/o/x'", true, `^private \(no optional fields\)$`},
			{"a mismatch names the mount seen", "host", "mounted: '{{workspace}}/o/x'\nsource: nothing", false, `^found tmpfs seen at ` + q(d) + `/o/x \(wanted source nothing\)$`},
			{"the covered one is listed there too", "host", "mounted: '{{workspace}}/o/x'\nsource: hidden", true, `^mount [0-9]+: tmpfs hidden, root /, `},
			{"a bind of a directory on the cover", "host", "mounted: '{{workspace}}/bx'\nbind_of: '{{workspace}}/b/x/data'", true, `^mount [0-9]+: tmpfs cover, root /data, `},
			{"a bind of the directory", "host", "mounted: '{{workspace}}/t'\nbind_of: '{{workspace}}/two/data'", true, `^mount [0-9]+: tmpfs two, root /data, `},
			{"not of a same-named directory elsewhere", "host", "mounted: '{{workspace}}/t'\nbind_of: '{{workspace}}/one/data'", false,
				`^root /data on ` + two + `, but ` + q(d) + `/one/data is /data on ` + one + `$`},
			{"a bind of its parent's directory is not one of the directory", "host", "mounted: '{{workspace}}/t'\nbind_of: '{{workspace}}/two'", false,
				`^root /data on ` + two + `, but ` + q(d) + `/two is / on ` + two + `$`},
			{"same mnt", "ns", "same_ns: mnt", true, `^both mnt:\[[0-9]+\]$`},
		})
	})

	t.Run("copied, shared both ways", func(t *testing.T) {
		self, child := os.Getpid(), startNSPane(t, "unchanged")
		hostMnt, nsMnt := nsInodeOf(t, self, "mnt"), nsInodeOf(t, child, "mnt")
		l := &procLab{ws: ws, pids: map[lab.Role]int{lab.Host: self, lab.NS: child}}
		expectChecks(t, l, []kernelCase{
			{"different mnt", "ns", "different_ns: mnt", true, fmt.Sprintf(`^host mnt:\[%d\], ns mnt:\[%d\]$`, hostMnt, nsMnt)},
			{"not the same mnt", "ns", "same_ns: mnt", false, fmt.Sprintf(`^host mnt:\[%d\], ns mnt:\[%d\]$`, hostMnt, nsMnt)},
			{"same uts", "ns", "same_ns: uts", true, fmt.Sprintf(`^both uts:\[%d\]$`, nsInodeOf(t, self, "uts"))},
			{"peers", "ns", "propagation: shared\ntarget: '{{workspace}}/p'\npeer_with: host", true,
				`^shared \(shared:([0-9]+)\), same peer group as host's shared \(shared:([0-9]+)\)$`},
			{"a copy", "ns", "mount_copy: true", true, `^ns has all [0-9]+ of host's mounts, each with a new mount ID \(/ [0-9]+→[0-9]+\)$`},
			{"a copy, not otherwise", "ns", "mount_copy: false", false, `each with a new mount ID`},
		})
		// A mount made in the host after the copy, under a private parent, stays there.
		mountAt(t, "after", d+"/after", "tmpfs", 0)
		expectChecks(t, l, []kernelCase{
			{"no longer a copy", "ns", "mount_copy: true", false, `^not a copy: host only: ` + q(d) + `/after tmpfs$`},
			{"not a copy", "ns", "mount_copy: false", true, `^not a copy: host only: ` + q(d) + `/after tmpfs$`},
			{"not mounted in ns", "ns", "not_mounted: '{{workspace}}/after'", true, `^not in ns's mount table \([0-9]+ mounts; nearest: ` + q(d) + ` tmpfs\)$`},
			{"mounted in host", "host", "mounted: '{{workspace}}/after'\nsource: after", true, `tmpfs after`},
		})
	})

	t.Run("copied as a slave", func(t *testing.T) {
		self, child := os.Getpid(), startNSPane(t, "slave")
		expectChecks(t, &procLab{ws: ws, pids: map[lab.Role]int{lab.Host: self, lab.NS: child}}, []kernelCase{
			{"a slave of host's", "ns", "propagation: slave\ntarget: '{{workspace}}/p'\npeer_with: host", true,
				`^slave \(master:([0-9]+)\), a slave of host's shared \(shared:([0-9]+)\)$`},
			{"not shared", "ns", "propagation: shared\ntarget: '{{workspace}}/p'", false, `^slave \(master:[0-9]+\)$`},
			{"host's is not a slave of ns's", "host", "propagation: shared\ntarget: '{{workspace}}/p'\npeer_with: ns", false,
				`^shared \(shared:[0-9]+\), but ns's is slave \(master:[0-9]+\)$`},
			{"a private mount is a slave of nothing", "ns", "propagation: slave\ntarget: '{{workspace}}/one'\npeer_with: host", false,
				`^private \(no optional fields\)$`},
		})
	})
}
