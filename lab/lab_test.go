package lab

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/lab/mnt"
)

// Every test here starts a real lab: its own mount and PID namespaces, torn down in Cleanup,
// so nothing it mounts outlives it.

func startLab(t *testing.T, opts Options) *Lab {
	t.Helper()
	labtest.RequireRoot(t)
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Patience)
	defer cancel()
	l, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("start lab: %v", err)
	}
	t.Cleanup(func() {
		pid := l.InitPID()
		l.Close()
		if pid > 0 && processExists(pid) {
			t.Errorf("lab init %d still exists after Close", pid)
		}
	})
	return l
}

func run(t *testing.T, l *Lab, r Role, cmd string) Result {
	t.Helper()
	res, err := l.Pane(r).Run(context.Background(), cmd, labtest.Patience)
	if err != nil {
		t.Fatalf("%s: run %q: %v (output %q)", r, cmd, err, res.Output)
	}
	if res.TimedOut {
		t.Fatalf("%s: %q timed out; output %q", r, cmd, res.Output)
	}
	return res
}

func processExists(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}

// waitState waits until the monitors publish a state that satisfies ok.
func waitState(t *testing.T, l *Lab, what string, ok func(State) bool) State {
	t.Helper()
	deadline := time.Now().Add(labtest.Patience)
	for {
		st := l.State()
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("state never showed %s; last: host pid %d (%s) %d mounts, ns pid %d (%s) %d mounts",
				what, st.Host.PID, st.Host.Comm, len(st.Host.Mounts), st.NS.PID, st.NS.Comm, len(st.NS.Mounts))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func hasMount(ms []mnt.Mount, target, fstype string) bool {
	for _, m := range ms {
		if m.Mountpoint == target && (fstype == "" || m.FSType == fstype) {
			return true
		}
	}
	return false
}

func realHostMountinfo(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPanesInDifferentMountNamespaces(t *testing.T) {
	l := startLab(t, Options{})
	h := run(t, l, Host, "readlink /proc/$$/ns/mnt")
	n := run(t, l, NS, "readlink /proc/$$/ns/mnt")
	if !strings.HasPrefix(h.Output, "mnt:[") || !strings.HasPrefix(n.Output, "mnt:[") {
		t.Fatalf("unexpected output: host %q ns %q", h.Output, n.Output)
	}
	if h.Output == n.Output {
		t.Fatalf("both panes report %s", h.Output)
	}
	st := waitState(t, l, "both panes inspected", func(s State) bool { return s.Host.PID > 0 && s.NS.PID > 0 })
	if st.Host.NS[NSMnt] == st.NS.NS[NSMnt] {
		t.Fatalf("snapshots show one mount namespace %d for both panes", st.Host.NS[NSMnt])
	}
	if got := fmt.Sprintf("mnt:[%d]\n", st.Host.NS[NSMnt]); got != h.Output {
		t.Errorf("host snapshot says %q, the shell says %q", got, h.Output)
	}
	// Same PID namespace (the lab's), a new one compared with nslab's own.
	if st.Host.NS[NSPID] != st.NS.NS[NSPID] {
		t.Errorf("panes in different PID namespaces: %d vs %d", st.Host.NS[NSPID], st.NS.NS[NSPID])
	}
	self, _ := nsInode(os.Getpid(), NSPID)
	if st.Host.NS[NSPID] == self {
		t.Errorf("the lab shares nslab's PID namespace")
	}
}

func TestNSPaneCanStartInHostNamespace(t *testing.T) {
	l := startLab(t, Options{NSStart: NSInHost})
	h := run(t, l, Host, "readlink /proc/$$/ns/mnt")
	n := run(t, l, NS, "readlink /proc/$$/ns/mnt")
	if h.Output != n.Output {
		t.Fatalf("ns pane started in host namespace, but host %q ns %q", h.Output, n.Output)
	}
	// The lesson's own unshare then gives it a new one; the run ends at the nested prompt.
	run(t, l, NS, "unshare --mount /bin/sh")
	n2 := run(t, l, NS, "readlink /proc/$$/ns/mnt")
	if n2.Output == h.Output {
		t.Fatalf("after unshare --mount the ns pane still reports %s", n2.Output)
	}
}

func TestRunReportsStatusAndOutput(t *testing.T) {
	l := startLab(t, Options{})
	tests := []struct {
		cmd    string
		exit   int
		output string
	}{
		{"true", 0, ""},
		{"false", 1, ""},
		{"(exit 7)", 7, ""},
		{"echo hello; echo world", 0, "hello\nworld\n"},
		{"printf '\\033[31mred\\033[0m\\n'", 0, "red\n"},
		{"ls /nonexistent-nslab 2>&1", 2, "ls: cannot access '/nonexistent-nslab': No such file or directory\n"},
	}
	for _, r := range Roles {
		for _, tt := range tests {
			res := run(t, l, r, tt.cmd)
			if res.Exit != tt.exit || res.Output != tt.output {
				t.Errorf("%s: %q: exit %d output %q, want %d %q", r, tt.cmd, res.Exit, res.Output, tt.exit, tt.output)
			}
		}
	}
}

func TestRunInPOSIXShell(t *testing.T) {
	sh, err := ResolveShell("dash", "")
	if err != nil {
		t.Skip("dash is not installed")
	}
	l := startLab(t, Options{Shell: sh})
	res := run(t, l, NS, "echo one; false")
	if res.Exit != 1 || res.Output != "one\n" {
		t.Fatalf("dash: exit %d output %q", res.Exit, res.Output)
	}
	// The prompt names the pane.
	res = run(t, l, Host, "echo \"$PS1\" | grep -c '\\[host\\]'")
	if res.Output != "1\n" {
		t.Fatalf("host prompt does not name the pane: %q", res.Output)
	}
}

func TestRunTimesOutAndInterrupts(t *testing.T) {
	l := startLab(t, Options{})
	res, err := l.Pane(Host).Run(context.Background(), "sleep 60", 300*time.Millisecond)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if !res.TimedOut {
		t.Fatalf("sleep 60 with a 300ms timeout did not time out: %+v", res)
	}
	// Ctrl-C brought the prompt back: the pane takes the next command.
	if got := run(t, l, Host, "echo back"); got.Output != "back\n" {
		t.Fatalf("after the timeout: %q", got.Output)
	}
}

func TestRunHonoursContext(t *testing.T) {
	l := startLab(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(200 * time.Millisecond); cancel() }()
	_, err := l.Pane(NS).Run(ctx, "sleep 30", time.Minute)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run returned %v", err)
	}
}

func TestTmpfsInHostPaneStaysThere(t *testing.T) {
	before := realHostMountinfo(t)
	l := startLab(t, Options{})
	run(t, l, Host, "mkdir -p /tmp/mount_test && mount -t tmpfs tmpfs /tmp/mount_test")
	st := waitState(t, l, "the tmpfs in host", func(s State) bool { return hasMount(s.Host.Mounts, "/tmp/mount_test", "tmpfs") })
	if hasMount(st.NS.Mounts, "/tmp/mount_test", "") {
		t.Fatal("the host pane's tmpfs shows in the ns pane's table")
	}
	var row *mnt.DiffRow
	for i := range st.Diff {
		if st.Diff[i].Point() == "/tmp/mount_test" {
			row = &st.Diff[i]
		}
	}
	if row == nil || row.Class != mnt.HostOnly {
		t.Fatalf("diff row for /tmp/mount_test: %+v, want HostOnly", row)
	}
	if out := run(t, l, NS, "findmnt -n /tmp/mount_test; echo rc=$?"); out.Output != "rc=1\n" {
		t.Fatalf("findmnt in ns sees the mount: %q", out.Output)
	}
	// The reverse: a mount made in ns is invisible in host.
	run(t, l, NS, "mkdir -p /tmp/ns_only && mount -t tmpfs nsonly /tmp/ns_only")
	waitState(t, l, "the tmpfs in ns", func(s State) bool { return hasMount(s.NS.Mounts, "/tmp/ns_only", "tmpfs") })
	if out := run(t, l, Host, "findmnt -n /tmp/ns_only; echo rc=$?"); out.Output != "rc=1\n" {
		t.Fatalf("findmnt in host sees the ns mount: %q", out.Output)
	}
	// And neither reached the real host, whose table is as it was.
	after := realHostMountinfo(t)
	if strings.Contains(after, "mount_test") || strings.Contains(after, "ns_only") || strings.Contains(after, WorkspaceSource) {
		t.Fatalf("a lab mount reached the real host:\n%s", after)
	}
	if after != before {
		t.Fatalf("the real host's mount table changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// With the real / shared (systemd's default), nothing done in either pane may propagate out.
func TestNothingReachesASharedHost(t *testing.T) {
	if !labtest.InNewNamespaceWith(t, labtest.Options{SharedRoot: true}) {
		return
	}
	before := realHostMountinfo(t)
	if !strings.Contains(strings.SplitN(before, "\n", 2)[0], "shared:") {
		t.Fatalf("the test namespace's / is not shared:\n%s", before)
	}
	l := startLab(t, Options{})
	for _, r := range Roles {
		run(t, l, r, "mkdir -p /mnt/x_"+string(r)+" 2>/dev/null; mount -t tmpfs leak_"+string(r)+" /mnt")
		run(t, l, r, "mount --make-rshared / && mount -t tmpfs leak2_"+string(r)+" /media")
	}
	after := realHostMountinfo(t)
	if strings.Contains(after, "leak") || strings.Contains(after, WorkspaceSource) || after != before {
		t.Fatalf("lab mounts reached a shared parent:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestForegroundProcessIsFollowed(t *testing.T) {
	l := startLab(t, Options{})
	st := waitState(t, l, "host inspected", func(s State) bool { return s.Host.PID > 0 })
	shellNS := st.Host.NS[NSMnt]
	shellPID := st.Host.PID
	run(t, l, Host, "unshare --mount bash --norc -i")
	st = waitState(t, l, "the nested bash's namespace", func(s State) bool {
		return s.Host.NS[NSMnt] != shellNS && s.Host.NS[NSMnt] != 0
	})
	if st.Host.PID == shellPID || st.Host.Comm != "bash" {
		t.Fatalf("inspected %d (%s), want the nested bash", st.Host.PID, st.Host.Comm)
	}
	run(t, l, Host, "exit")
	waitState(t, l, "back in the first namespace", func(s State) bool {
		return s.Host.NS[NSMnt] == shellNS && s.Host.PID == shellPID
	})
}

func TestNamespaceChangeIsAnEvent(t *testing.T) {
	l := startLab(t, Options{})
	waitState(t, l, "ns inspected", func(s State) bool { return s.NS.PID > 0 })
	drain(l)
	run(t, l, NS, "unshare --mount --uts /bin/sh")
	seen := map[NSType]bool{}
	deadline := time.After(labtest.Patience)
	for !(seen[NSMnt] && seen[NSUTS]) {
		select {
		case e := <-l.Events():
			if e.Kind == NamespaceChanged && e.Pane == NS {
				seen[e.NSType] = true
				if e.OldInode == e.NewInode || e.NewInode == 0 {
					t.Errorf("namespace event without a change: %+v", e)
				}
			}
		case <-deadline:
			t.Fatalf("waited %v for namespace events of mnt and uts; seen: %v", labtest.Patience, seen)
		}
	}
	if seen[NSNet] || seen[NSPID] {
		t.Errorf("events for namespaces that did not change: %v", seen)
	}
}

func drain(l *Lab) {
	for {
		select {
		case <-l.Events():
		default:
			return
		}
	}
}

func TestMountEventsCarryTheMount(t *testing.T) {
	l := startLab(t, Options{})
	waitState(t, l, "host inspected", func(s State) bool { return s.Host.PID > 0 })
	drain(l)
	// One command per change: a burst within one re-read is coalesced, and a mount made and
	// removed before the table is read again leaves nothing to report.
	for _, step := range []struct {
		cmd  string
		kind EventKind
	}{
		{"mkdir -p /tmp/ev && mount -t tmpfs evfs /tmp/ev", MountAdded},
		{remountRO("/tmp/ev"), MountChanged},
		{"umount /tmp/ev", MountRemoved},
	} {
		run(t, l, Host, step.cmd)
		deadline := time.After(labtest.Patience)
	wait:
		for {
			select {
			case e := <-l.Events():
				if e.Mount == nil || e.Mount.Mountpoint != "/tmp/ev" || e.Pane != Host {
					continue
				}
				if e.Kind != step.kind {
					t.Fatalf("after %q: event %v, want %v", step.cmd, e.Kind, step.kind)
				}
				if e.Kind == MountChanged && (e.Old == nil || !strings.HasPrefix(e.Mount.Options, "ro") || !strings.HasPrefix(e.Old.Options, "rw")) {
					t.Fatalf("changed event: old %+v new options %q", e.Old, e.Mount.Options)
				}
				break wait
			case <-deadline:
				t.Fatalf("no %v event for /tmp/ev within %v after %q", step.kind, labtest.Patience, step.cmd)
			}
		}
	}
}

func TestShellExitIsReportedAndRestartWorks(t *testing.T) {
	l := startLab(t, Options{})
	ns := l.Pane(NS)
	oldPID := ns.ShellPID()
	drain(l)
	if _, err := ns.Run(context.Background(), "exit 3", labtest.Patience); !errors.Is(err, ErrShellExited) {
		t.Fatalf("run exit 3: %v", err)
	}
	var status = -1
	deadline := time.After(labtest.Patience)
	for status < 0 {
		select {
		case e := <-l.Events():
			if e.Kind == ShellExited && e.Pane == NS {
				status = e.Status
			}
		case <-deadline:
			t.Fatalf("no ShellExited event for the ns pane within %v", labtest.Patience)
		}
	}
	if status != 3 {
		t.Fatalf("exit status %d, want 3", status)
	}
	if alive, st := ns.Alive(); alive || st != 3 {
		t.Fatalf("Alive() = %v, %d", alive, st)
	}
	// No zombie: the init reaped it.
	if processExists(oldPID) {
		stat, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", oldPID))
		t.Fatalf("the exited shell %d is still there: %s", oldPID, stat)
	}
	if _, err := ns.Run(context.Background(), "true", time.Second); !errors.Is(err, ErrShellExited) {
		t.Fatalf("run in an exited pane: %v", err)
	}
	// The other pane keeps working.
	if res := run(t, l, Host, "echo still"); res.Output != "still\n" {
		t.Fatalf("host pane after ns exit: %q", res.Output)
	}
	if err := ns.Restart(context.Background()); err != nil {
		t.Fatalf("restart: %v", err)
	}
	if res := run(t, l, NS, "echo again"); res.Output != "again\n" {
		t.Fatalf("restarted pane: %q", res.Output)
	}
	if ns.ShellPID() == oldPID || ns.ShellPID() == 0 {
		t.Fatalf("restarted shell pid %d (old %d)", ns.ShellPID(), oldPID)
	}
	if err := ns.Restart(context.Background()); err == nil {
		t.Fatal("restart of a running shell succeeded")
	}
}

func TestShellHoldsOnlyItsTerminal(t *testing.T) {
	l := startLab(t, Options{})
	for _, r := range Roles {
		run(t, l, r, "true") // past start-up, where bash briefly holds locale files
		pid := l.Pane(r).ShellPID()
		ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		if err != nil {
			t.Fatal(err)
		}
		tty := ""
		for _, e := range ents {
			target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, e.Name()))
			n, _ := strconv.Atoi(e.Name())
			if !strings.HasPrefix(target, "/dev/pts/") {
				t.Errorf("%s shell fd %d is %s, not its terminal", r, n, target)
			}
			if tty == "" {
				tty = target
			} else if target != tty {
				t.Errorf("%s shell fd %d is %s, another terminal than %s", r, n, target, tty)
			}
			if n > 2 && n != 255 { // bash keeps a copy of its terminal on fd 255
				t.Errorf("%s shell holds fd %d (%s)", r, n, target)
			}
		}
	}
}

func TestResizeReachesTheShell(t *testing.T) {
	l := startLab(t, Options{Cols: 100, Rows: 30})
	if res := run(t, l, Host, "stty size"); res.Output != "30 100\n" {
		t.Fatalf("initial size %q", res.Output)
	}
	if err := l.Pane(Host).Resize(132, 43); err != nil {
		t.Fatal(err)
	}
	if res := run(t, l, Host, "stty size"); res.Output != "43 132\n" {
		t.Fatalf("size after resize %q", res.Output)
	}
	for _, bad := range [][2]int{{0, 10}, {10, 0}, {-1, 5}, {70000, 5}} {
		if err := l.Pane(Host).Resize(bad[0], bad[1]); err == nil {
			t.Errorf("resize %v accepted", bad)
		}
	}
}

// waitForeground waits until the pane's foreground job is comm itself (for
// at most labtest.Patience; the caller's command then times out). Not merely
// "not the shell": between fork and execve the job is still a copy of the
// shell, which may swallow what is typed (seen on a busy machine).
func waitForeground(p *Pane, shell int, comm string) {
	for deadline := time.Now().Add(labtest.Patience); time.Now().Before(deadline); {
		fg := p.Foreground()
		if got, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", fg)); err == nil && fg != shell && string(got) == comm+"\n" {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCtrlCInterruptsTheForegroundJob(t *testing.T) {
	l := startLab(t, Options{})
	p := l.Pane(NS)
	shell := p.ShellPID()
	go func() {
		// Then type Ctrl-C as a user would.
		waitForeground(p, shell, "sleep")
		p.Write([]byte{3})
	}()
	res, err := p.Run(context.Background(), "sleep 1000", labtest.Patience)
	if err != nil || res.TimedOut {
		t.Fatalf("run: %v %+v", err, res)
	}
	if res.Exit != 130 {
		t.Fatalf("exit after Ctrl-C %d, want 130", res.Exit)
	}
}

// TestWriteNowKeepsTheQueuesOrder: input written at once (WriteNow) never
// overtakes input queued before it, and goes on being written once the
// queue is empty.
func TestWriteNowKeepsTheQueuesOrder(t *testing.T) {
	l := startLab(t, Options{})
	p := l.Pane(Host)
	shell := p.ShellPID()
	want := ""
	go func() {
		waitForeground(p, shell, "head")
		for i := range 200 {
			b := []byte{byte('a' + i%26)}
			if i%3 == 0 {
				p.WriteNow(b)
			} else {
				p.Write(b)
			}
		}
		p.WriteNow([]byte("\r"))
	}()
	for i := range 200 {
		want += string(rune('a' + i%26))
	}
	res, err := p.Run(context.Background(), "head -n1 | tr -d '\\n' | md5sum", labtest.Patience)
	if err != nil || res.TimedOut || res.Exit != 0 {
		t.Fatalf("run: %v %+v", err, res)
	}
	sum := fmt.Sprintf("%x", md5.Sum([]byte(want)))
	if !strings.Contains(res.Output, sum) {
		t.Fatalf("head read another line than typed (md5 %s); the pane showed %q", sum, res.Output)
	}
}

func TestLabIgnoresKillOfItsInitFromInside(t *testing.T) {
	l := startLab(t, Options{})
	run(t, l, Host, "kill -TERM 1; kill -HUP 1; kill -INT 1; kill -KILL 1; true")
	if res := run(t, l, NS, "echo alive"); res.Output != "alive\n" {
		t.Fatalf("after kill 1: %q", res.Output)
	}
	if !processExists(l.InitPID()) {
		t.Fatal("the init died")
	}
}

func TestResetStartsAFreshLab(t *testing.T) {
	l := startLab(t, Options{})
	run(t, l, Host, "mkdir -p /tmp/m && mount -t tmpfs old /tmp/m")
	oldToken, oldInit := l.Token(), l.InitPID()
	oldShells := []int{l.Pane(Host).ShellPID(), l.Pane(NS).ShellPID()}
	if err := l.Reset(context.Background(), NSInHost); err != nil {
		t.Fatalf("reset: %v", err)
	}
	if l.Token() == oldToken || l.InitPID() == oldInit {
		t.Fatal("reset kept the old init or canary")
	}
	for _, pid := range append(oldShells, oldInit) {
		if processExists(pid) {
			t.Errorf("process %d of the old lab survived the reset", pid)
		}
	}
	if res := run(t, l, Host, "findmnt -n /tmp/m; cat "+CanaryPath); res.Output != l.Token()+"\n" {
		t.Fatalf("fresh lab: %q (token %s)", res.Output, l.Token())
	}
	h := run(t, l, Host, "readlink /proc/$$/ns/mnt")
	n := run(t, l, NS, "readlink /proc/$$/ns/mnt")
	if h.Output != n.Output {
		t.Fatalf("reset with NSInHost: host %q ns %q", h.Output, n.Output)
	}
}

func TestPathVisibleAndRootMountpoint(t *testing.T) {
	l := startLab(t, Options{})
	root := "/tmp/nslab/jail"
	// A tiny root with a shell: dash and its libraries.
	mk := run(t, l, NS, "for f in /usr/bin/dash $(ldd /usr/bin/dash | grep -o '/[^ ]*'); do mkdir -p "+root+"$(dirname $f) && cp -L $f "+root+"$f || exit 1; done; ln -s usr/bin "+root+"/bin && mkdir "+root+"/inside")
	if mk.Exit != 0 {
		t.Fatalf("make the jail: %+v", mk)
	}
	for _, tc := range []struct {
		path string
		want bool
	}{{CanaryPath, true}, {"/inside", false}, {"/../../../" + CanaryPath, true}} {
		ok, err := l.PathVisible(NS, tc.path)
		if err != nil || ok != tc.want {
			t.Fatalf("before chroot, %s visible = %v, %v; want %v", tc.path, ok, err, tc.want)
		}
	}
	if ok, err := l.RootIsMountpoint(NS); err != nil || !ok {
		t.Fatalf("shell root is a mount point = %v, %v", ok, err)
	}
	// Without the lab's rc in the jail the nested dash has no marks: give it one in ENV.
	run(t, l, NS, "mkdir -p "+root+"/tmp/nslab && cp "+ShRCPath+" "+root+ShRCPath)
	if res := run(t, l, NS, "chroot "+root+" /bin/dash -i"); res.Exit != 0 {
		t.Fatalf("chroot: %+v", res)
	}
	for _, tc := range []struct {
		path string
		want bool
	}{{CanaryPath, false}, {"/inside", true}, {"/../../../inside", true}, {"/../../../" + CanaryPath, false}} {
		ok, err := l.PathVisible(NS, tc.path)
		if err != nil || ok != tc.want {
			t.Fatalf("in the chroot, %s visible = %v, %v; want %v", tc.path, ok, err, tc.want)
		}
	}
	if ok, err := l.RootIsMountpoint(NS); err != nil || ok {
		t.Fatalf("chroot into a plain directory: root is a mount point = %v, %v", ok, err)
	}
	s, err := l.Inspect(NS)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Chrooted || s.Root != root {
		t.Fatalf("inspect: chrooted %v root %q", s.Chrooted, s.Root)
	}
	// Its own mountinfo is empty (proc(5)); the snapshot shows the namespace's table.
	own, _ := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", s.PID))
	if len(own) != 0 {
		t.Fatalf("mountinfo of a process chrooted to a plain directory: %q", own)
	}
	if s.TablePID == s.PID || len(s.Mounts) == 0 || !hasMount(s.Mounts, "/tmp", "tmpfs") {
		t.Fatalf("snapshot table from %d (inspected %d): %d mounts", s.TablePID, s.PID, len(s.Mounts))
	}
	// The monitor follows too.
	waitState(t, l, "the chrooted shell", func(st State) bool { return st.NS.Chrooted && st.NS.Root == root })
}

// copyForNobody copies the test binary into a new directory that nobody can enter (the
// binary itself may live where nobody cannot reach it), removed after the test.
func copyForNobody(t *testing.T, prefix string) (dir, cp string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err = os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	cp = filepath.Join(dir, "lab.test")
	if err := os.WriteFile(cp, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, cp
}

// A user who is not root gets one sentence naming sudo.
func TestStartWithoutRoot(t *testing.T) {
	if os.Getenv("NSLAB_TEST_NOT_ROOT") == "1" {
		_, err := Start(context.Background(), Options{})
		if !errors.Is(err, ErrNotRoot) {
			t.Fatalf("Start as nobody: %v", err)
		}
		if !strings.Contains(err.Error(), "sudo") {
			t.Fatalf("error does not name sudo: %v", err)
		}
		return
	}
	labtest.RequireMachineRoot(t, "it becomes nobody, whom the tests' user namespace does not map")
	dir, cp := copyForNobody(t, "nslab-notroot-")
	cmd := exec.Command(cp, "-test.run", "^TestStartWithoutRoot$", "-test.v")
	cmd.Env = append(os.Environ(), "NSLAB_TEST_NOT_ROOT=1")
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
}

func TestRootfsBuiltInTheWorkspace(t *testing.T) {
	l := startLab(t, Options{})
	path, summary, err := l.EnsureRootfs(context.Background())
	if err != nil {
		t.Fatalf("ensure rootfs: %v", err)
	}
	if path != RootfsDir || summary == "" {
		t.Fatalf("rootfs %q %q", path, summary)
	}
	// It lives in the lab's workspace, not on the real host.
	if _, err := os.Stat(RootfsDir); err == nil {
		t.Fatalf("%s exists outside the lab", RootfsDir)
	}
	res := run(t, l, NS, "chroot "+path+" /bin/sh -c 'ls /; cat /etc/os-release | head -1; echo x > /dev/null && echo devnull-ok'")
	if res.Exit != 0 || !strings.Contains(res.Output, "NSLAB-ROOTFS") || !strings.Contains(res.Output, "devnull-ok") {
		t.Fatalf("inside the rootfs: %+v", res)
	}
	// The second call is answered from memory.
	if p2, s2, err := l.EnsureRootfs(context.Background()); err != nil || p2 != path || s2 != summary {
		t.Fatalf("second ensure: %q %q %v", p2, s2, err)
	}
}

// A user's rootfs is used through an overlay: lessons write into the lab's tmpfs, and the
// user's directory is left exactly as it was — also when it lives under /tmp, which the lab
// covers with its workspace.
func TestUserRootfsIsOverlaid(t *testing.T) {
	labtest.RequireRoot(t)
	dir, err := os.MkdirTemp("", "nslab-userroot-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	for _, f := range append([]string{"/usr/bin/dash"}, libsOf(t, "/usr/bin/dash")...) {
		dst := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, "bin"), 0o755)
	os.Symlink("/usr/bin/dash", filepath.Join(dir, "bin/sh"))
	os.WriteFile(filepath.Join(dir, "MINE"), []byte("user's\n"), 0o644)
	listing := func() string {
		out, _ := exec.Command("find", dir, "-printf", "%p %s\n").Output()
		return string(out)
	}
	before := listing()

	l := startLab(t, Options{Rootfs: dir})
	path, summary, err := l.EnsureRootfs(context.Background())
	if err != nil {
		t.Fatalf("ensure rootfs: %v", err)
	}
	t.Logf("rootfs %s: %s", path, summary)
	// Only dash is in there: builtins do the work.
	res := run(t, l, NS, "chroot "+path+" /bin/sh -c 'read x < /MINE; echo $x; echo new > /NEW; echo more > /escape/x && [ -x /bin/nslab ] && echo has-nslab'")
	if res.Exit != 0 || !strings.Contains(res.Output, "user's") || !strings.Contains(res.Output, "has-nslab") {
		t.Fatalf("in the user's rootfs: %+v", res)
	}
	if after := listing(); after != before {
		t.Fatalf("the user's rootfs changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func libsOf(t *testing.T, bin string) []string {
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	var libs []string
	for _, f := range strings.Fields(string(out)) {
		if strings.HasPrefix(f, "/") {
			libs = append(libs, f)
		}
	}
	return libs
}
