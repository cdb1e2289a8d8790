package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/lab/mnt"
)

// The lab's guards (guard.go): nothing in the lab's mount table leads back to the host's
// processes, terminals, mount namespace or service manager.

// The lab's table holds one proc (its own, at /proc), one devpts (its own), no nsfs, and
// its own /run with nothing of the host's beneath it.
func TestLabTableHasNoWayOut(t *testing.T) {
	labtest.RequireMachineRoot(t, "inherited mounts are locked in a user namespace, so the lab covers the machine's proc, devpts and /run instead of detaching them (README, Rootless)")
	l := startLab(t, Options{})
	ms, err := mnt.Read(l.InitPID())
	if err != nil {
		t.Fatalf("read the lab's mount table: %v", err)
	}
	var procs, devpts int
	var run *mnt.Mount
	for i, m := range ms {
		switch {
		case m.FSType == "proc":
			procs++
			if m.Mountpoint != "/proc" {
				t.Errorf("a proc at %s in the lab", m.Mountpoint)
			}
		case m.FSType == "devpts":
			if m.Source != DevptsSource {
				t.Errorf("the host's devpts (%s) at %s in the lab", m.Source, m.Mountpoint)
			}
			if m.Mountpoint == "/dev/pts" {
				devpts++
			}
		case m.FSType == "nsfs":
			t.Errorf("a namespace file bound at %s in the lab", m.Mountpoint)
		case m.Mountpoint == "/run":
			run = &ms[i]
		case strings.HasPrefix(m.Mountpoint, "/run/"):
			t.Errorf("the host's %s (%s) under the lab's /run", m.Mountpoint, m.FSType)
		}
	}
	if procs != 1 || devpts != 1 {
		t.Errorf("the lab has %d proc and %d devpts at /dev/pts, want one each", procs, devpts)
	}
	if run == nil || run.Source != RunSource {
		t.Errorf("the lab's /run is %+v, want its own tmpfs %s", run, RunSource)
	}
}

// `umount /proc` (or umount -l) in a pane uncovers nothing of the host's proc, so neither
// ps nor nsenter reaches a host process: a mount through nsenter stays out of the machine.
// It runs in a throwaway namespace, which is the "host" an escape would reach.
func TestUmountProcUncoversNothing(t *testing.T) {
	labtest.RequireMachineRoot(t, "inherited mounts are locked in a user namespace, so the lab covers the machine's proc, devpts and /run instead of detaching them (README, Rootless)")
	if !labtest.InNewNamespace(t) {
		return
	}
	l := startLab(t, Options{})
	me := os.Getpid() // a host process, as the lab would see it through the host's proc
	mark := fmt.Sprintf("guard-escape-%d", me)
	for _, c := range []struct {
		r      Role
		umount string
	}{{Host, "umount /proc"}, {NS, "umount -l /proc"}} {
		if got := run(t, l, c.r, fmt.Sprintf("test -e /proc/%d && echo HOST-PROC; ps -e -o pid= | wc -l", me)).Output; strings.Contains(got, "HOST-PROC") {
			t.Fatalf("%s pane sees host process %d in /proc before any umount: %q", c.r, me, got)
		}
		if res := run(t, l, c.r, c.umount); res.Exit != 0 {
			t.Fatalf("%s pane: %s failed (%d): %q", c.r, c.umount, res.Exit, res.Output)
		}
		if got := run(t, l, c.r, "ls -A /proc | wc -l").Output; strings.TrimSpace(got) != "0" {
			t.Errorf("%s pane: after %s, /proc holds %s entries, want none", c.r, c.umount, strings.TrimSpace(got))
		}
		for _, target := range []int{me, 1} {
			cmd := fmt.Sprintf("nsenter -t %d -m mount -t tmpfs %s /mnt; echo rc=$?", target, mark)
			if got := run(t, l, c.r, cmd).Output; strings.Contains(got, "rc=0") {
				t.Errorf("%s pane: %q succeeded after %s: %q", c.r, cmd, c.umount, got)
			}
		}
	}
	if strings.Contains(realHostMountinfo(t), mark) {
		t.Fatalf("a mount made through nsenter from the lab reached the namespace the lab was started from")
	}
}

// The panes' terminals are on the lab's own devpts, and a terminal of the host (a pty this
// test opens) can neither be written to nor fed input with TIOCSTI from a pane.
func TestNoHostTerminalFromAPane(t *testing.T) {
	labtest.RequireMachineRoot(t, "inherited mounts are locked in a user namespace, so the lab covers the machine's proc, devpts and /run instead of detaching them (README, Rootless)")
	// A host pty numbered past the lab's own two (/dev/pts/0 and 1 in the lab): the same
	// path in the lab must not be taken for the host's terminal.
	var master, slave *os.File
	for n := 0; ; n++ {
		m, s, err := pty.Open()
		if err != nil {
			t.Fatalf("open a host pty: %v", err)
		}
		defer m.Close()
		defer s.Close()
		var num uint32
		if num, err = unix.IoctlGetUint32(int(m.Fd()), unix.TIOCGPTN); err != nil {
			t.Fatal(err)
		}
		if num >= 2 {
			master, slave = m, s
			break
		}
	}
	// Raw and non-blocking, so that any byte that arrives can be read at once and an empty
	// read proves nothing came.
	sfd, mfd := int(slave.Fd()), int(master.Fd())
	tio, err := unix.IoctlGetTermios(sfd, unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	tio.Lflag &^= unix.ICANON | unix.ECHO | unix.ISIG
	if err := unix.IoctlSetTermios(sfd, unix.TCSETS, tio); err != nil {
		t.Fatal(err)
	}
	for _, fd := range []int{sfd, mfd} {
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
	}
	pending := func(fd int) string {
		b := make([]byte, 4096)
		n, err := unix.Read(fd, b)
		if errors.Is(err, unix.EAGAIN) || n <= 0 {
			return ""
		}
		return string(b[:n])
	}
	host := slave.Name()
	// One line: Run counts a command's lines to know how many end marks to await.
	inject := `import fcntl, os, sys, termios; fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY); [fcntl.ioctl(fd, termios.TIOCSTI, bytes([c])) for c in b"INJECTED\n"]`
	python, pyErr := exec.LookPath("python3")
	if pyErr == nil {
		// The injection works where the terminal is reachable: from this (host) process.
		if out, err := exec.Command(python, "-c", inject, host).CombinedOutput(); err != nil {
			t.Fatalf("TIOCSTI into %s from the host: %v %s", host, err, out)
		}
		if got := pending(sfd); !strings.Contains(got, "INJECTED") {
			t.Fatalf("TIOCSTI from the host reached nothing (%q): the check would prove nothing", got)
		}
	}

	l := startLab(t, Options{})
	var hostPts unix.Stat_t
	if err := unix.Stat("/dev/pts", &hostPts); err != nil {
		t.Fatal(err)
	}
	for _, r := range Roles {
		got := strings.Fields(run(t, l, r, "tty; stat -c %d /dev/pts; stat -f -c %T /dev/pts").Output)
		if len(got) != 3 || !strings.HasPrefix(got[0], "/dev/pts/") || got[1] == fmt.Sprint(hostPts.Dev) || got[2] != "devpts" {
			t.Errorf("%s pane: tty, /dev/pts device and type %q; want a /dev/pts/N of a devpts other than the host's (device %d)", r, got, hostPts.Dev)
		}
		run(t, l, r, fmt.Sprintf("echo WRITTEN > %s; true", host))
		if got := pending(mfd); got != "" {
			t.Errorf("%s pane wrote %q to the host's terminal %s", r, got, host)
		}
		if pyErr != nil {
			t.Logf("no python3: TIOCSTI from the pane not tried")
			continue
		}
		run(t, l, r, fmt.Sprintf("%s -c '%s' %s; true", python, inject, host))
		if got := pending(sfd); got != "" {
			t.Errorf("%s pane injected %q into the host's terminal %s", r, got, host)
		}
	}
}

// The init keeps only what it needs of the environment: /proc/1/environ, and the shells'
// own, show no secret of the caller's, and a long variable the lab does not keep is no
// obstacle.
func TestInitEnvironHasNoSecrets(t *testing.T) {
	secret := fmt.Sprintf("guard-secret-%d", os.Getpid())
	// In this process's own environment, which the lab takes by default, as nslab does.
	t.Setenv("SSH_AUTH_SOCK", "/tmp/"+secret)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("NSLAB_GUARD_BLOB", strings.Repeat("b", 100<<10))
	l := startLab(t, Options{})
	for _, r := range Roles {
		got := run(t, l, r, `tr '\0' '\n' </proc/1/environ; echo ---; env`).Output
		if strings.Contains(got, secret) || strings.Contains(got, "NSLAB_GUARD_BLOB") {
			t.Errorf("%s pane: the init's or the shell's environment holds the caller's variables:\n%s", r, got)
		}
		if !strings.Contains(got, "PATH=") || !strings.Contains(got, "---") {
			t.Errorf("%s pane: no PATH in the environments read:\n%s", r, got)
		}
	}
}

// A kept variable too long for the lab is refused before anything starts, in one sentence
// naming it and the bound; variables the lab does not keep may be as long as they like.
func TestCheckEnv(t *testing.T) {
	long := strings.Repeat("x", 100<<10)
	for _, c := range []struct {
		name string
		env  []string
		want string // "" for no error
	}{
		{"usual", []string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=/root"}, ""},
		{"long kept", []string{"PATH=/bin", "LC_PAPER=" + long}, "LC_PAPER"},
		{"long PATH", []string{"PATH=" + long}, "PATH"},
		{"long but not kept", []string{"PATH=/bin", "BLOB=" + long}, ""},
		{"many kept together", func() (e []string) {
			for i := 0; i < 10; i++ {
				e = append(e, fmt.Sprintf("LC_X%d=%s", i, strings.Repeat("y", 4<<10+i)))
			}
			return e
		}(), "LC_X9"},
		// JSON escapes "<" as six bytes: the bound is on what travels.
		{"escaped", []string{"LANG=" + strings.Repeat("<", 6<<10)}, "LANG"},
	} {
		err := checkEnv(c.env)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "" && err == nil:
			t.Errorf("%s: accepted", c.name)
		case c.want != "":
			msg := err.Error()
			if !strings.Contains(msg, "variable "+c.want+" ") || !strings.Contains(msg, "32 KiB") || strings.Contains(msg, "\n") {
				t.Errorf("%s: %q does not name %s and the 32 KiB bound in one line", c.name, msg, c.want)
			}
		}
	}
}

// Start refuses a 100 KiB kept variable before it starts anything (it once ended the init
// with "the lab init ended"), and no init is left behind.
func TestLongVariableRefusedBeforeStart(t *testing.T) {
	labtest.RequireRoot(t)
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Patience)
	defer cancel()
	before := fmt.Sprint(childrenOf(os.Getpid()))
	l, err := Start(ctx, Options{Env: append(os.Environ(), "LC_PAPER="+strings.Repeat("x", 100<<10))})
	if err == nil {
		l.Close()
		t.Fatal("a lab started with a 100 KiB LC_PAPER")
	}
	if !strings.Contains(err.Error(), "LC_PAPER") || !strings.Contains(err.Error(), "32 KiB") {
		t.Fatalf("the error does not name the variable and the bound: %v", err)
	}
	if after := fmt.Sprint(childrenOf(os.Getpid())); after != before {
		t.Fatalf("a refused start changed this process's children from %s to %s", before, after)
	}
}

// /run in the lab is its own tmpfs: a socket in the /run the lab was started from is not
// there, and what programs expect (/run/lock) is. It runs in a throwaway namespace with a
// /run of its own, standing for the host's.
func TestRunIsTheLabsOwn(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	if err := unix.Mount("guard-host-run", "/run", "tmpfs", 0, "mode=0755"); err != nil {
		t.Fatalf("mount a stand-in host /run: %v", err)
	}
	sock := "/run/guard-host.sock"
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: sock}); err != nil {
		t.Fatal(err)
	}
	l := startLab(t, Options{})
	for _, r := range Roles {
		got := run(t, l, r, "findmnt -n -o SOURCE /run; test -e "+sock+" && echo REACHED; test -d /run/lock && echo LOCK").Output
		if !strings.HasPrefix(got, RunSource+"\n") || strings.Contains(got, "REACHED") || !strings.Contains(got, "LOCK") {
			t.Errorf("%s pane: /run is not the lab's own, or lacks /run/lock:\n%s", r, got)
		}
	}
}

// reboot -f and poweroff -f in a pane end the lab's init only (reboot(2) in a PID namespace
// other than the machine's), and the lab says which ended it.
func TestRebootInAPaneEndsOnlyTheLab(t *testing.T) {
	for _, c := range []struct {
		cmd  string
		want EndCause
	}{{"reboot -f", EndRebooted}, {"poweroff -f", EndHalted}} {
		t.Run(strings.Fields(c.cmd)[0], func(t *testing.T) {
			if _, err := exec.LookPath(strings.Fields(c.cmd)[0]); err != nil {
				t.Skipf("no %s on this machine", strings.Fields(c.cmd)[0])
			}
			l := startLab(t, Options{})
			// Safety first: the command runs only in a shell whose PID namespace is not
			// this machine's, where reboot(2) ends the namespace instead.
			shell := l.Pane(Host).ShellPID()
			theirs, err1 := nsInode(shell, NSPID)
			mine, err2 := nsInode(os.Getpid(), NSPID)
			if err1 != nil || err2 != nil || theirs == mine || shell == 0 {
				t.Fatalf("the pane shell %d is not in a PID namespace of its own (%d vs %d; %v %v): not rebooting", shell, theirs, mine, err1, err2)
			}
			run(t, l, Host, "true") // a prompt is up
			if _, err := l.Pane(Host).Write([]byte(c.cmd + "\r")); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(labtest.Patience)
			for !l.Ended() {
				if time.Now().After(deadline) {
					t.Fatalf("waited %v for the lab to end after %q", labtest.Patience, c.cmd)
				}
				time.Sleep(10 * time.Millisecond)
			}
			if got := l.EndCause(); got != c.want {
				t.Errorf("after %q the lab says %q (%d), want %q", c.cmd, got, got, c.want)
			}
			_, err := l.Pane(Host).Run(context.Background(), "true", labtest.Patience)
			if err == nil {
				t.Errorf("a command ran in an ended lab")
			}
			ctx, cancel := context.WithTimeout(context.Background(), labtest.Patience)
			defer cancel()
			if err := l.Reset(ctx, NSUnshared); err != nil {
				t.Fatalf("reset after %q: %v", c.cmd, err)
			}
			if got := run(t, l, Host, "echo again").Output; got != "again\n" {
				t.Errorf("after Reset: %q", got)
			}
		})
	}
}

// Each init has its own devpts, so a Reset gives the panes new ptys; the panes keep their
// size, and the old ptys are closed.
func TestResetGivesNewPTYs(t *testing.T) {
	l := startLab(t, Options{Cols: 100, Rows: 30})
	before := run(t, l, Host, "stat -c %d /dev/pts").Output
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Patience)
	defer cancel()
	if err := l.Pane(Host).Resize(90, 20); err != nil {
		t.Fatal(err)
	}
	if err := l.Reset(ctx, NSUnshared); err != nil {
		t.Fatal(err)
	}
	got := strings.Fields(run(t, l, Host, "stat -c %d /dev/pts; stty size").Output)
	if len(got) != 3 || got[0]+"\n" == before || got[1] != "20" || got[2] != "90" {
		t.Errorf("after Reset: devpts device and size %q (before: devpts %q, size 20 90)", got, before)
	}
}

// The lab has its own UTS and IPC namespaces (shared by both panes): a `hostname` or an
// `ipcrm` typed in a pane stays in the lab.
func TestLabHasItsOwnUTSAndIPC(t *testing.T) {
	l := startLab(t, Options{})
	st := waitState(t, l, "both panes inspected", func(s State) bool { return s.Host.PID > 0 && s.NS.PID > 0 })
	for _, typ := range []NSType{NSUTS, NSIPC} {
		mine, err := nsInode(os.Getpid(), typ)
		if err != nil {
			t.Fatal(err)
		}
		if st.Host.NS[typ] == mine || st.Host.NS[typ] != st.NS.NS[typ] {
			t.Errorf("%s: host pane %d, ns pane %d, nslab %d; want both panes in one of the lab's own", typ, st.Host.NS[typ], st.NS.NS[typ], mine)
		}
	}
}

// What leads out is swept from wherever it sits in the table the lab copies: a namespace
// file bound (as `ip netns add` does), a second proc, a bind of devpts, a proc stacked
// under another mount. The throwaway namespace stands for the host.
func TestSweepTakesEveryWayOut(t *testing.T) {
	labtest.RequireMachineRoot(t, "inherited mounts are locked in a user namespace, so the lab covers the machine's proc, devpts and /run instead of detaching them (README, Rootless)")
	if !labtest.InNewNamespace(t) {
		return
	}
	dir, err := os.MkdirTemp("/var/tmp", "nslab-guard-")
	if err != nil {
		t.Fatal(err)
	}
	// Everything on a tmpfs of the test's, detached with all it holds once the lab is gone.
	if err := unix.Mount("guard-base", dir, "tmpfs", 0, ""); err != nil {
		os.Remove(dir)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = unix.Unmount(dir, unix.MNT_DETACH)
		_ = os.Remove(dir)
	})
	for _, d := range []string{"p", "d", "s"} {
		if err := os.Mkdir(dir+"/"+d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(dir+"/net", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		src, target, fstype string
		flags               uintptr
	}{
		{"/proc/self/ns/net", dir + "/net", "", unix.MS_BIND},
		{"proc", dir + "/p", "proc", 0},
		{"/dev/pts", dir + "/d", "", unix.MS_BIND},
		{"proc", dir + "/s", "proc", 0},
		{"guard-cover", dir + "/s", "tmpfs", 0}, // covers the proc beneath
	} {
		if err := unix.Mount(m.src, m.target, m.fstype, m.flags, ""); err != nil {
			t.Fatalf("mount %s on %s: %v", m.src, m.target, err)
		}
	}
	l := startLab(t, Options{})
	ms, err := mnt.Read(l.InitPID())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if strings.HasPrefix(m.Mountpoint, dir) && m.FSType != "tmpfs" {
			t.Errorf("still in the lab: %s %s (%s)", m.Mountpoint, m.FSType, m.Source)
		}
	}
	// The covering tmpfs went too, to reach the proc: one umount uncovers nothing more.
	got := run(t, l, Host, "umount "+dir+"/s 2>/dev/null; ls -A "+dir+"/s | wc -l").Output
	if strings.TrimSpace(got) != "0" {
		t.Errorf("%s/s holds %s entries in the lab: a proc is still beneath", dir, strings.TrimSpace(got))
	}
}

// The shells are root in the lab: their PATH has the sbin directories, also when the
// caller's (a user's, on Debian) has none, and keeps the caller's own order.
func TestKeptPathHasSbin(t *testing.T) {
	for _, tt := range []struct{ path, want string }{
		{"/usr/local/bin:/usr/bin:/bin", "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"},
		{"/usr/sbin:/usr/bin", "/usr/sbin:/usr/bin:/usr/local/sbin:/sbin"},
		{"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		{"", "/usr/local/sbin:/usr/sbin:/sbin"},
	} {
		env := keptEnv([]string{"PATH=" + tt.path, "HOME=/home/u"})
		if len(env) != 1 || env[0] != "PATH="+tt.want {
			t.Errorf("PATH=%s: kept %q, want [PATH=%s]", tt.path, env, tt.want)
		}
	}
}
