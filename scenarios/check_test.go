package scenarios

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

// runCheck parses a one-step scenario with the given check (YAML, one list item), runs
// the step on a fake lab prepared by setup, and returns the check's result.
func runCheck(t *testing.T, pane, cmd, check string, setup func(*fakeLab), res Result) CheckResult {
	t.Helper()
	src := "id: t\ntitle: {en: T, ko: T}\nsummary: {en: S, ko: S}\nsteps:\n" +
		"  - pane: " + pane + "\n    narration: {en: N, ko: N}\n"
	if cmd != "" {
		src += "    command: '" + cmd + "'\n"
	}
	src += "    checks:\n      - " + strings.ReplaceAll(strings.TrimSpace(check), "\n", "\n        ") + "\n"
	sc, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatalf("parse:\n%s\n%v", src, err)
	}
	f := newFakeLab()
	if setup != nil {
		setup(f)
	}
	f.results[cmd] = res
	r, err := Start(context.Background(), f, sc)
	if err != nil {
		t.Fatal(err)
	}
	got := r.Run(context.Background(), 0)
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	if len(got.Checks) != 1 {
		t.Fatalf("got %d check results, want 1", len(got.Checks))
	}
	return got.Checks[0]
}

func withMount(pane lab.Role, m mnt.Mount) func(*fakeLab) {
	return func(f *fakeLab) { f.addMount(pane, m) }
}

func TestCheckKinds(t *testing.T) {
	testTmpfs := mount(300, 102, "/tmp/mount_test", "tmpfs", "tmpfs", "/", 0, 50)
	roBind := mount(301, 102, "/tmp/nslab/ro", "tmpfs", "labtmp", "/nslab/data", 0, 40)
	roBind.Options = "ro,relatime"
	sharedAt := func(m mnt.Mount, typ mnt.PropagationType, peer, master int) mnt.Mount {
		m.Propagation = mnt.Propagation{Type: typ, PeerGroup: peer, Master: master}
		return m
	}
	prop := mount(302, 102, "/tmp/nslab/prop", "tmpfs", "prop", "/", 0, 60)
	tests := []struct {
		name   string
		pane   string
		cmd    string
		check  string
		setup  func(*fakeLab)
		res    Result
		pass   bool
		reason string // the English reason, exactly
		ko     string // the Korean reason, exactly, where given
	}{
		{name: "exit equal", pane: "host", cmd: "true", check: "exit: 0", pass: true, reason: "got 0"},
		{name: "exit differs", pane: "host", cmd: "false", check: "exit: 0", res: Result{Exit: 2}, reason: "got 2"},
		{name: "exit nonzero passes", pane: "host", cmd: "false", check: "exit: nonzero", res: Result{Exit: 1}, pass: true, reason: "got 1"},
		{name: "exit nonzero fails on 0", pane: "host", cmd: "true", check: "exit: nonzero", reason: "got 0"},
		{name: "exit after timeout", pane: "host", cmd: "sleep 99", check: "exit: 0", res: Result{TimedOut: true}, reason: "no end mark within the timeout (0s): the command did not finish"},

		{name: "contains", pane: "ns", cmd: "echo", check: "output_contains: world", res: Result{Output: "a\nhello world\n"}, pass: true, reason: "found on line 2: hello world"},
		{name: "contains across lines", pane: "ns", cmd: "echo", check: `output_contains: "lo\nwo"`, res: Result{Output: "hello\nworld\n"}, pass: true, reason: "found in the output"},
		{name: "contains missing", pane: "ns", cmd: "echo", check: "output_contains: world", res: Result{Output: "a\nb\n"}, reason: "not in 2 lines of output (last: b)"},
		{name: "contains nothing printed", pane: "ns", cmd: "echo", check: "output_contains: world", reason: "the command printed nothing"},
		{name: "contains token", pane: "ns", cmd: "cat", check: `output_contains: "{{token}}"`, res: Result{Output: "0123456789abcdef\n"}, pass: true, reason: "found on line 1: 0123456789abcdef"},
		{name: "not contains", pane: "ns", cmd: "ls", check: "output_not_contains: hello", res: Result{Output: "note\n"}, pass: true, reason: "not in 1 lines of output (last: note)"},
		{name: "not contains but there", pane: "ns", cmd: "ls", check: "output_not_contains: hello", res: Result{Output: "hello\n"}, reason: "found on line 1: hello"},
		{name: "matches", pane: "ns", cmd: "readlink", check: `output_matches: '^mnt:\[[0-9]+\]'`, res: Result{Output: "mnt:[4026531841]\n"}, pass: true, reason: "matched on line 1: mnt:[4026531841]"},
		{name: "matches not", pane: "ns", cmd: "readlink", check: `output_matches: '^mnt:\[[0-9]+\]'`, res: Result{Output: "uts:[1]\n"}, reason: "not in 1 lines of output (last: uts:[1])"},
		{name: "matches quotes placeholder values", pane: "ns", cmd: "pwd", check: `output_matches: '^{{rootfs}}$'`, res: Result{Output: "/tmp/nslabXrootfs"}, reason: "not in 1 lines of output (last: /tmp/nslabXrootfs)"},
		{name: "matches placeholder", pane: "ns", cmd: "pwd", check: `output_matches: '^{{rootfs}}$'`, res: Result{Output: "/tmp/nslab/rootfs"}, pass: true, reason: "matched on line 1: /tmp/nslab/rootfs"},
		{name: "not matches", pane: "ns", cmd: "ps", check: `output_not_matches: '(?m)^\s*1\s+sh$'`, res: Result{Output: "  1 init\n  7 sh\n"}, pass: true, reason: "not in 2 lines of output (last: 7 sh)"},
		{name: "not matches but does", pane: "ns", cmd: "ps", check: `output_not_matches: '(?m)^\s*1\s+sh$'`, res: Result{Output: "  1 sh\n"}, reason: "matched on line 1: 1 sh"},

		{name: "mounted", pane: "ns", check: "mounted: /tmp/mount_test\nfstype: tmpfs", setup: withMount(lab.NS, testTmpfs), pass: true, reason: "mount 300: tmpfs tmpfs, root /, rw,relatime"},
		{name: "mounted absent", pane: "ns", check: "mounted: /tmp/mount_test\nfstype: tmpfs", reason: "not in ns's mount table (3 mounts; nearest: /tmp tmpfs)"},
		{name: "mounted absent from an empty table", pane: "ns", check: "mounted: /tmp/mount_test", setup: func(f *fakeLab) {
			s := f.snaps[lab.NS]
			s.Mounts = nil
			f.snaps[lab.NS] = s
		}, reason: "not in ns's mount table (0 mounts; nearest: none)"},
		{name: "mounted other pane", pane: "host", check: "mounted: /tmp/mount_test\npane: ns", setup: withMount(lab.NS, testTmpfs), pass: true, reason: "mount 300: tmpfs tmpfs, root /, rw,relatime"},
		{name: "mounted wrong fstype", pane: "ns", check: "mounted: /tmp/mount_test\nfstype: ext4", setup: withMount(lab.NS, testTmpfs), reason: "found tmpfs tmpfs at /tmp/mount_test (wanted fstype ext4)"},
		{name: "mounted wrong source", pane: "ns", check: "mounted: /tmp/mount_test\nsource: /dev/sda", setup: withMount(lab.NS, testTmpfs), reason: "found tmpfs tmpfs at /tmp/mount_test (wanted source /dev/sda)"},
		{name: "mounted root", pane: "ns", check: "mounted: /tmp/nslab/ro\nroot: /nslab/data", setup: withMount(lab.NS, roBind), pass: true, reason: "mount 301: tmpfs labtmp, root /nslab/data, ro,relatime"},
		{name: "mounted wrong root", pane: "ns", check: "mounted: /tmp/nslab/ro\nroot: /", setup: withMount(lab.NS, roBind), reason: "found root /nslab/data (wanted /)"},
		{name: "mounted options", pane: "ns", check: "mounted: /tmp/nslab/ro\noptions: ro\nsuper_options: rw", setup: withMount(lab.NS, roBind), pass: true, reason: "mount 301: tmpfs labtmp, root /nslab/data, ro,relatime"},
		{name: "mounted options missing", pane: "ns", check: "mounted: /tmp/mount_test\noptions: [ro, nosuid]", setup: withMount(lab.NS, testTmpfs), reason: "per-mount options are rw,relatime (no ro,nosuid)"},
		{name: "mounted super options missing", pane: "ns", check: "mounted: /tmp/nslab/ro\nsuper_options: ro", setup: withMount(lab.NS, roBind), reason: "super options are rw (no ro)"},
		{name: "bind of", pane: "ns", check: `mounted: /tmp/nslab/ro` + "\nbind_of: \"{{workspace}}/data\"", setup: withMount(lab.NS, roBind), pass: true, reason: "mount 301: tmpfs labtmp, root /nslab/data, ro,relatime"},
		{name: "bind of another dir", pane: "ns", check: `mounted: /tmp/nslab/ro` + "\nbind_of: \"{{rootfs}}\"", setup: withMount(lab.NS, roBind), reason: "root /nslab/data on 0:40, but /tmp/nslab/rootfs is /nslab/rootfs on 0:40"},
		// A directory of the same name on another filesystem is another directory.
		{name: "bind of a same-named dir on another major", pane: "ns", check: "mounted: /tmp/nslab/ro\nbind_of: \"{{workspace}}/data\"",
			setup:  withMount(lab.NS, mount(301, 102, "/tmp/nslab/ro", "ext4", "/dev/sdb", "/nslab/data", 8, 40)),
			reason: "root /nslab/data on 8:40, but /tmp/nslab/data is /nslab/data on 0:40"},
		{name: "bind of a same-named dir on another minor", pane: "ns", check: "mounted: /tmp/nslab/ro\nbind_of: \"{{workspace}}/data\"",
			setup:  withMount(lab.NS, mount(301, 102, "/tmp/nslab/ro", "tmpfs", "other", "/nslab/data", 0, 41)),
			reason: "root /nslab/data on 0:41, but /tmp/nslab/data is /nslab/data on 0:40"},
		{name: "bind of a dir on the top of a stack listed first", pane: "ns", check: "mounted: /tmp/nslab/ro\nbind_of: \"{{workspace}}/data\"", setup: func(f *fakeLab) {
			f.addMount(lab.NS, mount(305, 306, "/tmp", "tmpfs", "cover", "/", 0, 45))
			f.addMount(lab.NS, mount(306, 102, "/tmp", "tmpfs", "tucked", "/", 0, 46))
			f.addMount(lab.NS, mount(307, 305, "/tmp/nslab/ro", "tmpfs", "cover", "/nslab/data", 0, 45))
		}, pass: true, reason: "mount 307: tmpfs cover, root /nslab/data, rw,relatime"},
		{name: "bind of a dir no mount holds", pane: "ns", check: "mounted: /tmp/nslab/ro\nbind_of: \"{{workspace}}/data\"", setup: func(f *fakeLab) {
			s := f.snaps[lab.NS]
			s.Mounts = []mnt.Mount{roBind}
			f.snaps[lab.NS] = s
		}, reason: "no mount holds /tmp/nslab/data"},
		{name: "bind onto itself", pane: "ns", check: "mounted: \"{{rootfs}}\"\nbind_of: \"{{rootfs}}\"",
			setup: withMount(lab.NS, mount(303, 102, "/tmp/nslab/rootfs", "tmpfs", "labtmp", "/nslab/rootfs", 0, 40)), pass: true, reason: "mount 303: tmpfs labtmp, root /nslab/rootfs, rw,relatime"},
		{name: "mounted seen by a chrooted shell", pane: "ns", check: "mounted: \"{{rootfs}}/escape\"", setup: func(f *fakeLab) {
			f.snaps[lab.NS] = lab.Snapshot{PID: 30, Root: "/tmp/nslab/rootfs", Chrooted: true, TablePID: 30,
				Mounts: []mnt.Mount{mount(304, 102, "/escape", "tmpfs", "labtmp", "/nslab/rootfs", 0, 40)}}
		}, pass: true, reason: "mount 304: tmpfs labtmp, root /nslab/rootfs, rw,relatime"},
		// A chrooted shell's table read by another process at the namespace's root
		// already has its mount points as the namespace sees them.
		{name: "mounted seen through the namespace's table", pane: "ns", check: "mounted: /tmp/mount_test",
			setup: func(f *fakeLab) { chrootNS(f); f.addMount(lab.NS, testTmpfs) }, pass: true, reason: "mount 300: tmpfs tmpfs, root /, rw,relatime"},
		{name: "mounted seen by a chrooted shell, reader unknown", pane: "ns", check: "mounted: \"{{rootfs}}/escape\"", setup: func(f *fakeLab) {
			f.snaps[lab.NS] = lab.Snapshot{PID: 30, Root: "/tmp/nslab/rootfs", Chrooted: true,
				Mounts: []mnt.Mount{mount(304, 102, "/escape", "tmpfs", "labtmp", "/nslab/rootfs", 0, 40)}}
		}, pass: true, reason: "mount 304: tmpfs labtmp, root /nslab/rootfs, rw,relatime"},
		{name: "not mounted", pane: "host", check: "not_mounted: /tmp/mount_test", setup: withMount(lab.NS, testTmpfs), pass: true, reason: "not in host's mount table (3 mounts; nearest: /tmp tmpfs)"},
		{name: "not mounted but is", pane: "ns", check: "not_mounted: /tmp/mount_test", setup: withMount(lab.NS, testTmpfs), reason: "mount 300: tmpfs tmpfs, root /, rw,relatime"},
		{name: "not mounted of that fstype", pane: "ns", check: "not_mounted: /tmp/mount_test\nfstype: ext4", setup: withMount(lab.NS, testTmpfs), pass: true, reason: "found tmpfs tmpfs at /tmp/mount_test (wanted fstype ext4)"},

		{name: "pid in ns", pane: "ns", check: "pid_in_ns: 1", setup: func(f *fakeLab) {
			s := f.snaps[lab.NS]
			s.NSPID = 1
			f.snaps[lab.NS] = s
		}, pass: true, reason: "pid 20 (bash) is PID 1 there"},
		{name: "pid in ns differs", pane: "ns", check: "pid_in_ns: 1", setup: func(f *fakeLab) {
			s := f.snaps[lab.NS]
			s.NSPID = 42
			f.snaps[lab.NS] = s
		}, reason: "pid 20 (bash) is PID 42 there"},
		{name: "pid in ns unreadable", pane: "ns", check: "pid_in_ns: 1", reason: "cannot read the PID of pid 20 (bash) inside its PID namespace"},
		{name: "proc is own", pane: "ns", check: "proc_is_own: true", setup: func(f *fakeLab) {
			f.procs = map[lab.Role][2][]int{lab.NS: {{1}, {1}}}
		}, pass: true, reason: "it lists PID 1, the namespace's processes"},
		{name: "proc is another's", pane: "ns", check: "proc_is_own: true", setup: func(f *fakeLab) {
			f.procs = map[lab.Role][2][]int{lab.NS: {{1, 7, 9, 12, 30, 31, 40}, {1}}}
		}, reason: "it lists 7 processes (PID 1, 7, 9, 12, 30, …); the namespace holds 1 (PID 1)"},
		{name: "proc is another's, as claimed", pane: "ns", check: "proc_is_own: false", setup: func(f *fakeLab) {
			f.procs = map[lab.Role][2][]int{lab.NS: {{1, 7}, {1}}}
		}, pass: true, reason: "it lists 2 processes (PID 1, 7); the namespace holds 1 (PID 1)"},
		{name: "proc is own, not as claimed", pane: "ns", check: "proc_is_own: false", setup: func(f *fakeLab) {
			f.procs = map[lab.Role][2][]int{lab.NS: {{1}, {1}}}
		}, reason: "it lists PID 1, the namespace's processes"},
		{name: "same ns", pane: "ns", check: "same_ns: pid", pass: true, reason: "both pid:[4026531831]"},
		{name: "same ns differs", pane: "ns", check: "same_ns: mnt", reason: "host mnt:[4026532001], ns mnt:[4026532002]"},
		{name: "different ns", pane: "ns", check: "different_ns: mnt", pass: true, reason: "host mnt:[4026532001], ns mnt:[4026532002]"},
		{name: "different ns same", pane: "ns", check: "different_ns: uts", reason: "both uts:[4026531832]"},
		{name: "ns unreadable", pane: "ns", check: "same_ns: time", setup: func(f *fakeLab) {
			s := f.snaps[lab.NS]
			s.NS = map[lab.NSType]uint64{lab.NSMnt: 1}
			f.snaps[lab.NS] = s
		}, reason: "cannot read the time namespace (host 4026531837, ns 0)"},

		{name: "propagation private", pane: "ns", check: "propagation: private\ntarget: /tmp", pass: true, reason: "private (no optional fields)"},
		{name: "propagation differs", pane: "ns", check: "propagation: shared\ntarget: /tmp", reason: "private (no optional fields)"},
		{name: "propagation of every mount", pane: "ns", check: "propagation: private\ntarget: /\nrecursive: true", pass: true, reason: "all 3 mounts at or below / are private"},
		{name: "propagation of every mount, one shared", pane: "ns", check: "propagation: private\ntarget: /\nrecursive: true",
			setup: withMount(lab.NS, sharedAt(prop, mnt.Shared, 4, 0)), reason: "tmpfs at /tmp/nslab/prop is shared (shared:4)"},
		{name: "propagation of every mount below, one shared elsewhere", pane: "ns", check: "propagation: private\ntarget: /tmp/nslab/prop/x\nrecursive: true",
			setup: withMount(lab.NS, sharedAt(prop, mnt.Shared, 4, 0)), reason: "nothing mounted at or below /tmp/nslab/prop/x in ns"},
		{name: "propagation from a master out of reach", pane: "ns", check: "propagation: slave\ntarget: /tmp/nslab/prop", setup: func(f *fakeLab) {
			m := sharedAt(prop, mnt.Slave, 0, 7)
			m.Propagation.PropagateFrom = 3
			f.addMount(lab.NS, m)
		}, pass: true, reason: "slave (master:7 propagate_from:3)"},
		{name: "propagation unbindable", pane: "ns", check: "propagation: unbindable\ntarget: /tmp/nslab/prop",
			setup: withMount(lab.NS, sharedAt(prop, mnt.Unbindable, 0, 0)), pass: true, reason: "unbindable"},
		{name: "propagation shared and unbindable", pane: "ns", check: "propagation: unbindable\ntarget: /tmp/nslab/prop",
			setup: withMount(lab.NS, sharedAt(prop, mnt.Shared, 4, 0)), reason: "shared (shared:4)"},
		{name: "propagation nothing there", pane: "ns", check: "propagation: shared\ntarget: /nope", reason: "nothing mounted at /nope in ns",
			ko: "ns 창의 /nope 경로에는 마운트가 없습니다"},
		{name: "propagation peer has nothing there", pane: "ns", check: "propagation: shared\ntarget: /tmp/nslab/prop\npeer_with: host",
			setup:  withMount(lab.NS, sharedAt(prop, mnt.Shared, 7, 0)),
			reason: "shared (shared:7); nothing mounted at /tmp/nslab/prop in host", ko: "shared (shared:7); host 창의 /tmp/nslab/prop 경로에는 마운트가 없습니다"},
		{name: "propagation peer cannot be inspected", pane: "ns", check: "propagation: shared\ntarget: /tmp/nslab/prop\npeer_with: host", setup: func(f *fakeLab) {
			f.addMount(lab.NS, sharedAt(prop, mnt.Shared, 7, 0))
			f.paneErr = map[lab.Role]error{lab.Host: errors.New("gone")}
		}, reason: "cannot inspect host: gone", ko: "host 창을 살펴보지 못했습니다: gone"},
		{name: "propagation pane cannot be inspected", pane: "ns", check: "propagation: shared\ntarget: /tmp/nslab/prop",
			setup:  func(f *fakeLab) { f.paneErr = map[lab.Role]error{lab.NS: errors.New("gone")} },
			reason: "cannot inspect ns: gone"},
		{name: "propagation peers", pane: "ns", check: "propagation: shared\ntarget: /tmp/nslab/prop\npeer_with: host", setup: func(f *fakeLab) {
			f.addMount(lab.Host, sharedAt(prop, mnt.Shared, 7, 0))
			f.addMount(lab.NS, sharedAt(prop, mnt.Shared, 7, 0))
		}, pass: true, reason: "shared (shared:7), same peer group as host's shared (shared:7)"},
		{name: "propagation not peers", pane: "ns", check: "propagation: shared\ntarget: /tmp/nslab/prop\npeer_with: host", setup: func(f *fakeLab) {
			f.addMount(lab.Host, sharedAt(prop, mnt.Shared, 7, 0))
			f.addMount(lab.NS, sharedAt(prop, mnt.Shared, 8, 0))
		}, reason: "shared (shared:8), but host's is shared (shared:7)"},
		{name: "propagation slave of host", pane: "ns", check: "propagation: slave\ntarget: /tmp/nslab/prop\npeer_with: host", setup: func(f *fakeLab) {
			f.addMount(lab.Host, sharedAt(prop, mnt.Shared, 7, 0))
			f.addMount(lab.NS, sharedAt(prop, mnt.Slave, 0, 7))
		}, pass: true, reason: "slave (master:7), a slave of host's shared (shared:7)"},
		{name: "propagation slave of another group", pane: "ns", check: "propagation: slave\ntarget: /tmp/nslab/prop\npeer_with: host", setup: func(f *fakeLab) {
			f.addMount(lab.Host, sharedAt(prop, mnt.Shared, 7, 0))
			f.addMount(lab.NS, sharedAt(prop, mnt.Slave, 0, 3))
		}, reason: "slave (master:3), but host's is shared (shared:7)"},

		{name: "visible", pane: "ns", check: `visible: "{{canary}}"`, setup: func(f *fakeLab) { f.visible[lab.NS]["/tmp/nslab/canary"] = true }, pass: true, reason: "it exists (root /)"},
		{name: "visible from a root that cannot be read", pane: "ns", check: `visible: "{{canary}}"`, setup: func(f *fakeLab) {
			f.visible[lab.NS]["/tmp/nslab/canary"] = true
			s := f.snaps[lab.NS]
			s.Root = ""
			f.snaps[lab.NS] = s
		}, pass: true, reason: "it exists (root ?)"},
		{name: "visible not", pane: "ns", check: `visible: "{{canary}}"`, reason: "no such path (root /)"},
		{name: "not visible", pane: "ns", check: `not_visible: "{{canary}}"`, pass: true, reason: "no such path (root /)"},
		{name: "not visible but is", pane: "ns", check: `not_visible: "{{canary}}"`, setup: func(f *fakeLab) { f.visible[lab.NS]["/tmp/nslab/canary"] = true }, reason: "it exists (root /)"},

		{name: "chrooted", pane: "ns", check: "chrooted: true", setup: chrootNS, pass: true, reason: "pid 30 (sh), root /tmp/nslab/rootfs"},
		{name: "chrooted, no command name", pane: "ns", check: "chrooted: true", setup: func(f *fakeLab) {
			chrootNS(f)
			s := f.snaps[lab.NS]
			s.Comm = ""
			f.snaps[lab.NS] = s
		}, pass: true, reason: "pid 30, root /tmp/nslab/rootfs"},
		{name: "chrooted not", pane: "ns", check: "chrooted: true", reason: "pid 20 (bash), root /: its namespace's root"},
		{name: "not chrooted", pane: "ns", check: "chrooted: false", pass: true, reason: "pid 20 (bash), root /: its namespace's root"},
		{name: "not chrooted but is", pane: "ns", check: "chrooted: false", setup: chrootNS, reason: "pid 30 (sh), root /tmp/nslab/rootfs"},

		{name: "root is a mount point", pane: "ns", check: "root_is_mountpoint: true", pass: true, reason: "root /"},
		{name: "root is not a mount point", pane: "ns", check: "root_is_mountpoint: true", setup: func(f *fakeLab) { chrootNS(f); f.rootMP[lab.NS] = false },
			reason: "root /tmp/nslab/rootfs: a plain directory"},
		{name: "root cannot be inspected", pane: "ns", check: "root_is_mountpoint: true", setup: func(f *fakeLab) { f.inspectErr = errors.New("gone") },
			reason: "cannot inspect ns's root: gone"},
		{name: "root not a mount point wanted", pane: "ns", check: "root_is_mountpoint: false", setup: func(f *fakeLab) { f.rootMP[lab.NS] = false }, pass: true, reason: "root /: a plain directory"},
		{name: "root a mount point unwanted", pane: "ns", check: "root_is_mountpoint: false", reason: "root /"},

		{name: "mount copy", pane: "ns", check: "mount_copy: true", pass: true, reason: "ns has all 3 of host's mounts, each with a new mount ID (/ 100→200)"},
		{name: "mount copy without a root mount", pane: "ns", check: "mount_copy: true", setup: func(f *fakeLab) {
			for _, r := range lab.Roles {
				s := f.snaps[r]
				s.Mounts = s.Mounts[1:]
				f.snaps[r] = s
			}
		}, pass: true, reason: "ns has all 2 of host's mounts, each with a new mount ID (/proc 101→201)"},
		{name: "mount copy host only", pane: "ns", check: "mount_copy: true", setup: withMount(lab.Host, testTmpfs), reason: "not a copy: host only: /tmp/mount_test tmpfs"},
		{name: "mount copy same IDs", pane: "ns", check: "mount_copy: true", setup: func(f *fakeLab) {
			s := f.snaps[lab.NS]
			s.Mounts = baseTable(100)
			f.snaps[lab.NS] = s
		}, reason: "not a copy: same mount ID: / (id 100), /proc (id 101), /tmp (id 102)"},
		{name: "mount copy names the root's new ID", pane: "ns", check: "mount_copy: true", setup: func(f *fakeLab) {
			s := f.snaps[lab.NS]
			s.Mounts = []mnt.Mount{s.Mounts[2], s.Mounts[1], s.Mounts[0]}
			f.snaps[lab.NS] = s
		}, pass: true, reason: "ns has all 3 of host's mounts, each with a new mount ID (/ 100→200)"},
		{name: "mount copy many differences", pane: "ns", check: "mount_copy: true", setup: func(f *fakeLab) {
			for i, p := range []string{"/tmp/a", "/tmp/b", "/tmp/c", "/tmp/d"} {
				f.addMount(lab.Host, mount(110+i, 102, p, "tmpfs", "x", "/", 0, 80+i))
			}
		}, reason: "not a copy: host only: /tmp/a tmpfs, /tmp/b tmpfs, /tmp/c tmpfs (+1)"},
		{name: "mount copy every difference", pane: "ns", check: "mount_copy: true", setup: func(f *fakeLab) {
			f.addMount(lab.Host, testTmpfs)
			f.addMount(lab.NS, prop)
			s := f.snaps[lab.NS]
			s.Mounts[1].ID = 101
			f.snaps[lab.NS] = s
		}, reason: "not a copy: host only: /tmp/mount_test tmpfs; ns only: /tmp/nslab/prop tmpfs; same mount ID: /proc (id 101)",
			ko: "복사본이 아닙니다: host only: /tmp/mount_test tmpfs; ns only: /tmp/nslab/prop tmpfs; same mount ID: /proc (id 101)"},
		{name: "mount copy of an empty table", pane: "ns", check: "mount_copy: true", setup: func(f *fakeLab) {
			s := f.snaps[lab.NS]
			s.Mounts = nil
			f.snaps[lab.NS] = s
		}, reason: "not a copy: host only: / ext4, /proc proc, /tmp tmpfs; ns's table is empty"},
		{name: "mount copy of nothing", pane: "ns", check: "mount_copy: false", setup: func(f *fakeLab) {
			for _, r := range lab.Roles {
				s := f.snaps[r]
				s.Mounts = nil
				f.snaps[r] = s
			}
		}, pass: true, reason: "not a copy: ns's table is empty"},
		{name: "mount copy host cannot be inspected", pane: "ns", check: "mount_copy: true",
			setup:  func(f *fakeLab) { f.paneErr = map[lab.Role]error{lab.Host: errors.New("gone")} },
			reason: "cannot inspect host: gone"},
		{name: "mount copy ns cannot be inspected", pane: "ns", check: "mount_copy: true",
			setup:  func(f *fakeLab) { f.paneErr = map[lab.Role]error{lab.NS: errors.New("gone")} },
			reason: "cannot inspect ns: gone"},
		{name: "not a copy", pane: "ns", check: "mount_copy: false", setup: withMount(lab.NS, testTmpfs), pass: true, reason: "not a copy: ns only: /tmp/mount_test tmpfs"},

		{name: "inspect fails", pane: "ns", check: "chrooted: false", setup: func(f *fakeLab) { f.inspectErr = errors.New("gone") }, reason: "cannot inspect ns: gone"},
		{name: "visible fails", pane: "ns", check: "visible: /x", setup: func(f *fakeLab) { f.inspectErr = errors.New("gone") }, reason: "cannot resolve in ns: gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := tt.cmd
			if cmd == "" && strings.HasPrefix(tt.check, "exit") {
				cmd = "true"
			}
			got := runCheck(t, tt.pane, cmd, tt.check, tt.setup, tt.res)
			if got.Passed() != tt.pass {
				t.Errorf("passed = %v, want %v: %s", got.Passed(), tt.pass, got.Line(EN))
			}
			if got.Reason.EN != tt.reason {
				t.Errorf("reason %q, want %q", got.Reason.EN, tt.reason)
			}
			if tt.ko != "" && got.Reason.KO != tt.ko {
				t.Errorf("Korean reason %q, want %q", got.Reason.KO, tt.ko)
			}
			for _, l := range []Lang{EN, KO} {
				if line := got.Line(l); strings.Contains(line, "\n") || got.Reason.In(l) == "" || got.Label.In(l) == "" {
					t.Errorf("%s line is not one full line: %q", l, line)
				}
			}
		})
	}
}

func chrootNS(f *fakeLab) {
	s := f.snaps[lab.NS]
	s.PID, s.Comm, s.Root, s.Chrooted, s.TablePID = 30, "sh", "/tmp/nslab/rootfs", true, 20
	f.snaps[lab.NS] = s
}

// The brief's example, word for word.
func TestMountedReasonReadsLikeTheExample(t *testing.T) {
	f := func(fl *fakeLab) {
		s := fl.snaps[lab.NS]
		for i := len(s.Mounts); i < 24; i++ {
			s.Mounts = append(s.Mounts, mount(500+i, 200, "/sys/x"+string(rune('a'+i)), "sysfs", "sysfs", "/", 0, 22))
		}
		fl.snaps[lab.NS] = s
	}
	got := runCheck(t, "ns", "", "mounted: /tmp/mount_test\nfstype: tmpfs", f, Result{})
	want := "✗ mounted tmpfs at /tmp/mount_test in ns: not in ns's mount table (24 mounts; nearest: /tmp tmpfs)"
	if got.Line(EN) != want {
		t.Errorf("got  %s\nwant %s", got.Line(EN), want)
	}
	if !strings.Contains(got.Line(KO), "ns 창의 마운트 테이블에 없습니다 (마운트 24개, 가장 가까운 것: /tmp tmpfs)") {
		t.Errorf("Korean line: %s", got.Line(KO))
	}
}

func TestNearest(t *testing.T) {
	table := []mnt.Mount{
		mount(1, 0, "/", "ext4", "/dev/vda", "/", 8, 0),
		mount(2, 1, "/tmp", "tmpfs", "t", "/", 0, 1),
		mount(3, 2, "/tmp/a", "tmpfs", "a", "/", 0, 2),
		mount(4, 1, "/tmpx", "tmpfs", "x", "/", 0, 3),
	}
	for path, want := range map[string]string{
		"/tmp/a/b": "/tmp/a", "/tmp/ab": "/tmp", "/tmpx/y": "/tmpx", "/etc": "/", "/tmp": "/tmp",
	} {
		if got := nearest(table, path); got == nil || got.Mountpoint != want {
			t.Errorf("nearest(%s) = %v, want %s", path, got, want)
		}
	}
	if got := nearest(nil, "/x"); got != nil {
		t.Errorf("nearest in an empty table = %v", got)
	}
	if got := nearest(table[1:], "/etc"); got != nil {
		t.Errorf("nearest with no mount at / = %v", got)
	}
	// At a stack the top holds the path, listed first or not.
	stacked := []mnt.Mount{table[0], mount(6, 7, "/tmp", "tmpfs", "cover", "/", 0, 6), mount(7, 1, "/tmp", "tmpfs", "tucked", "/", 0, 7)}
	for _, p := range []string{"/tmp/a", "/tmp"} {
		if got := nearest(stacked, p); got == nil || got.Source != "cover" {
			t.Errorf("nearest(%s) in a tucked stack = %v, want the cover", p, got)
		}
	}
	if got := without(table, 2); len(got) != 2 || got[0].ID != 1 || got[1].ID != 4 {
		t.Errorf("without /tmp = %v, want / and /tmpx", got)
	}
}

// Two mounts stacked on one mount point: a lookup sees the top one, and so must the
// checks. mountinfo's order is not the stack's: a mount propagated to a place already
// covered is tucked beneath the cover but listed after it (seen on Linux 6.18; so is a
// move_mount(2) MOVE_MOUNT_BENEATH), so the stack is known by parent IDs only.
func TestChecksSeeTheTopOfAStack(t *testing.T) {
	const at = "/tmp/nslab/stack"
	// stack gives a shared lower mount (id, parent) and a private upper one (id, parent).
	stack := func(lowerID, lowerParent, upperID, upperParent int) (lower, upper mnt.Mount) {
		lower = mount(lowerID, lowerParent, at, "tmpfs", "lower", "/", 0, 61)
		lower.Propagation = mnt.Propagation{Type: mnt.Shared, PeerGroup: 7}
		return lower, mount(upperID, upperParent, at, "tmpfs", "upper", "/", 0, 62)
	}
	bottom, top := stack(310, 102, 311, 310)
	tucked, cover := stack(312, 102, 311, 312)
	hidden, seen := stack(310, 300, 311, 301) // on /tmp/nslab, then on a mount over it
	loop, onLoop := stack(310, 310, 311, 310) // a mount its own parent is under the one on it
	stacks := map[string][]mnt.Mount{
		"listed bottom first":             {bottom, top},
		"listed top first":                {cover, tucked},
		"one left under a covered parent": {hidden, seen},
		"on a mount its own parent":       {onLoop, loop},
	}
	tests := []struct {
		name, pane, check string
		pass              bool
		reason            string
	}{
		{"propagation of the top", "ns", "propagation: private\ntarget: " + at, true, "private (no optional fields)"},
		{"not the propagation of the one under it", "ns", "propagation: shared\ntarget: " + at, false, "private (no optional fields)"},
		{"mounted names the top", "ns", "mounted: " + at, true, "tmpfs upper, root /"},
		{"a mismatch names the top", "ns", "mounted: " + at + "\nfstype: ext4", false, "found tmpfs upper at " + at + " (wanted fstype ext4)"},
		{"the one under it is mounted there too", "ns", "mounted: " + at + "\nsource: lower", true, "tmpfs lower, root /"},
		{"a peer of the top of the other pane's stack", "host", "propagation: shared\ntarget: " + at + "\npeer_with: ns", false, "but ns's is private (no optional fields)"},
	}
	for order, stack := range stacks {
		for _, tt := range tests {
			t.Run(order+"/"+tt.name, func(t *testing.T) {
				setup := func(f *fakeLab) {
					for _, m := range stack {
						f.addMount(lab.NS, m)
					}
					shared := mount(320, 102, at, "tmpfs", "lower", "/", 0, 61)
					shared.Propagation = mnt.Propagation{Type: mnt.Shared, PeerGroup: 7}
					f.addMount(lab.Host, shared)
				}
				got := runCheck(t, tt.pane, "", tt.check, setup, Result{})
				if got.Passed() != tt.pass || !strings.Contains(got.Reason.EN, tt.reason) {
					t.Errorf("got %s\nwant passed=%v, a reason with %q", got.Line(EN), tt.pass, tt.reason)
				}
			})
		}
	}
}

// output_shows_ns wants the pane's inode as the kernel has it, as a whole number.
func TestOutputShowsNS(t *testing.T) {
	for _, tt := range []struct {
		out    string
		pass   bool
		reason string
	}{
		{"mnt:[4026532002]\n", true, "the kernel says mnt:[4026532002]; on line 1"},
		{"a\ninode 4026532002\n", true, "the kernel says mnt:[4026532002]; on line 2"},
		{"mnt:[4026532001]\n", false, "the kernel says mnt:[4026532002], not in the output"},
		{"mnt:[40265320021]\n", false, "the kernel says mnt:[4026532002], not in the output"},
	} {
		got := runCheck(t, "ns", "readlink", "output_shows_ns: mnt", nil, Result{Output: tt.out})
		if got.Passed() != tt.pass || got.Reason.EN != tt.reason {
			t.Errorf("output %q: got %s, want passed=%v, %q", tt.out, got.Line(EN), tt.pass, tt.reason)
		}
	}
}

// What each check claims, in both languages, placeholders expanded.
func TestLabels(t *testing.T) {
	tests := []struct{ check, en, ko string }{
		{"exit: 0", "exit status 0", "종료 상태 0"},
		{"exit: nonzero", "exit status non-zero", "종료 상태가 0이 아님"},
		{`output_contains: "{{token}}"`, `output contains "0123456789abcdef"`, `출력에 "0123456789abcdef" 포함`},
		{"output_not_contains: x", `output does not contain "x"`, `출력에 "x" 없음`},
		{"output_matches: '^a$'", "output has the expected form", "출력이 기대한 형식과 맞음"},
		{"output_not_matches: '^a$'", "output lacks the excluded form", "출력에 제외한 형식이 없음"},
		{"output_matches: '^a$'\nlabel: {en: 'output is a in {{rootfs}}', ko: '{{rootfs}} 안의 a 출력'}", "output is a in /tmp/nslab/rootfs", "/tmp/nslab/rootfs 안의 a 출력"},
		{"output_shows_ns: mnt\npane: host", "output shows host's mnt namespace as the kernel has it", "출력에 커널이 아는 host 창의 mnt 네임스페이스 번호가 있음"},
		{"mounted: /tmp/x", "mounted at /tmp/x in ns", "ns 창에서 /tmp/x 경로에 마운트됨"},
		{"mounted: /tmp/x\nfstype: tmpfs\nsource: labtmp\nbind_of: \"{{rootfs}}\"\nroot: /r\noptions: [ro, nosuid]\nsuper_options: rw",
			"mounted tmpfs from labtmp bind of /tmp/nslab/rootfs root /r (ro,nosuid) (super rw) at /tmp/x in ns",
			"ns 창에서 /tmp/x 경로에 마운트됨 (tmpfs 소스 labtmp /tmp/nslab/rootfs 경로의 바인드 root 필드 /r (ro,nosuid) (슈퍼블록 rw))"},
		{"not_mounted: /tmp/y\nfstype: proc\npane: host", "nothing proc mounted at /tmp/y in host", "host 창에서 /tmp/y 경로에 마운트 없음 (proc)"},
		{"same_ns: uts", "same uts namespace in host and ns", "host 창과 ns 창의 uts 네임스페이스가 같음"},
		{"different_ns: mnt", "different mnt namespaces in host and ns", "host 창과 ns 창의 mnt 네임스페이스가 다름"},
		{"propagation: private\ntarget: /p\nrecursive: true", "every mount at or below /p is private in ns", "ns 창에서 /p 경로와 그 아래의 모든 마운트의 전파 유형은 private"},
		{"propagation: private\ntarget: /p", "/p is private in ns", "ns 창에서 /p 경로의 전파 유형은 private"},
		{"propagation: shared\ntarget: /p\npeer_with: host", "/p is shared in ns (peer of host's)", "ns 창에서 /p 경로의 전파 유형은 shared (host 창 마운트와 같은 피어 그룹)"},
		{"propagation: slave\ntarget: /p\npeer_with: host", "/p is slave in ns (slave of host's)", "ns 창에서 /p 경로의 전파 유형은 slave (host 창 마운트의 슬레이브)"},
		{`visible: "{{canary}}"`, "/tmp/nslab/canary visible from ns's root", "ns 창의 루트에서 /tmp/nslab/canary 경로가 보임"},
		{`not_visible: "{{canary}}"`, "/tmp/nslab/canary not visible from ns's root", "ns 창의 루트에서 /tmp/nslab/canary 경로가 보이지 않음"},
		{"chrooted: true", "ns is chrooted", "ns 창은 chroot 상태"},
		{"chrooted: false", "ns is not chrooted", "ns 창은 chroot 상태가 아님"},
		{"root_is_mountpoint: true", "ns's root is a mount point", "ns 창의 루트는 마운트 지점"},
		{"root_is_mountpoint: false", "ns's root is not a mount point", "ns 창의 루트는 마운트 지점이 아님"},
		{"pid_in_ns: 1", "ns's process is PID 1 in its PID namespace", "ns 창의 프로세스는 자기 PID 네임스페이스에서 PID 1"},
		{"proc_is_own: true", "ns's ps reads the /proc of its own PID namespace", "ns 창의 ps가 읽는 /proc은 자기 PID 네임스페이스의 프로세스를 보여 줌"},
		{"proc_is_own: false", "ns's ps reads the /proc of another PID namespace", "ns 창의 ps가 읽는 /proc은 다른 PID 네임스페이스의 프로세스를 보여 줌"},
		{"mount_copy: true", "ns's mount table is a copy of host's", "ns 창의 마운트 테이블은 host 창의 복사본"},
		{"mount_copy: false", "ns's mount table is not a copy of host's", "ns 창의 마운트 테이블은 host 창의 복사본이 아님"},
	}
	for _, tt := range tests {
		got := runCheck(t, "ns", "true", tt.check, nil, Result{}).Label
		if got.EN != tt.en || got.KO != tt.ko {
			t.Errorf("%s:\n got %q / %q\nwant %q / %q", tt.check, got.EN, got.KO, tt.en, tt.ko)
		}
	}
	if got := label(Check{Kind: "someday"}, sampleWorkspace()); got != (Text{EN: "someday", KO: "someday"}) {
		t.Errorf("an unknown kind's label = %+v", got)
	}
}

// Checks the loader never lets through still fail with a reason, never pass.
func TestJudgeRefusesWhatTheLoaderWouldNot(t *testing.T) {
	p := newProbe(context.Background(), newFakeLab(), sampleWorkspace())
	for _, tt := range []struct {
		c      Check
		res    *Result
		reason string
	}{
		{Check{Kind: "someday", Pane: lab.NS}, &Result{}, `unknown check kind "someday"`},
		{Check{Kind: CheckExit, Pane: lab.NS}, nil, "the command has not run"},
		{Check{Kind: CheckOutputMatches, Pane: lab.NS, Text: "a("}, &Result{Output: "a("},
			"bad regular expression: error parsing regexp: missing closing ): `a(`"},
	} {
		got := p.evaluate(tt.c, tt.res)
		if got.State != Failed || got.Reason.EN != tt.reason || got.Reason.KO == "" {
			t.Errorf("%+v: %s", tt.c, got.Line(EN))
		}
	}
}
