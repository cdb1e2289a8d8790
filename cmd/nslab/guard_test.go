package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/nslab/nslab/lab/labtest"
)

// The guards through the real binary in a real terminal: what a careless root types in a
// pane does not reach the machine's processes, mount namespace, terminals or services.

// umount /proc in a pane, then nsenter into a host process's mount namespace and mount:
// /proc is empty, nsenter fails, and the table nslab was started from is unchanged after
// it ends. The test runs in a throwaway namespace, the "host" an escape would reach.
func TestGuardUmountProcThenNsenter(t *testing.T) {
	labtest.RequireMachineRoot(t, "inherited mounts are locked in a user namespace, so the lab covers the machine's proc, devpts and /run instead of detaching them (README, Rootless)")
	if !labtest.InNewNamespace(t) {
		return
	}
	before := mountTable(t)
	mark := fmt.Sprintf("guard-nsenter-%d", os.Getpid())
	r := startLabInTmux(t, 160, 48)
	r.runIn("umount /proc && echo UMOUNTED-$((6*7))", "UMOUNTED-42")
	out := r.runIn(fmt.Sprintf("ls -A /proc | wc -l; nsenter -t %d -m mount -t tmpfs %s /mnt; echo NSENTER-\"\"rc=$?", os.Getpid(), mark), "NSENTER-rc=")
	if strings.Contains(out, "NSENTER-rc=0") {
		t.Errorf("nsenter into a host process's mount namespace worked after umount /proc:\n%s", out)
	}
	r.keys("M-Right")
	r.runIn("umount -l /proc; ls -A /proc | wc -l; nsenter -t 1 -m true; echo NS-\"\"rc=$?", "NS-rc=")
	if strings.Contains(r.screen(), "NS-rc=0") {
		t.Errorf("nsenter -t 1 worked in the ns pane after umount -l /proc:\n%s", r.screen())
	}
	r.quitAndCheck(before)
	if strings.Contains(string(mountTable(t)), mark) {
		t.Fatal("a mount made through nsenter from a pane is in the table nslab was started from")
	}
}

// A terminal of the host (a pty this test opens, numbered past the lab's own) can neither
// be written to nor fed input with TIOCSTI from a pane; the panes' own terminals are on
// the lab's devpts.
func TestGuardNoHostTerminal(t *testing.T) {
	labtest.RequireMachineRoot(t, "inherited mounts are locked in a user namespace, so the lab covers the machine's proc, devpts and /run instead of detaching them (README, Rootless)")
	requireTmux(t)
	var master, slave *os.File
	for {
		m, s, err := pty.Open()
		if err != nil {
			t.Fatalf("open a host pty: %v", err)
		}
		defer m.Close()
		defer s.Close()
		n, err := unix.IoctlGetUint32(int(m.Fd()), unix.TIOCGPTN)
		if err != nil {
			t.Fatal(err)
		}
		if n >= 2 {
			master, slave = m, s
			break
		}
	}
	sfd, mfd := int(slave.Fd()), int(master.Fd())
	tio, err := unix.IoctlGetTermios(sfd, unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	tio.Lflag &^= unix.ICANON | unix.ECHO | unix.ISIG // raw: any byte that comes is readable
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
	python, pyErr := exec.LookPath("python3")
	inject := `import fcntl,os,sys,termios; fd=os.open(sys.argv[1],os.O_RDWR|os.O_NOCTTY); [fcntl.ioctl(fd,termios.TIOCSTI,bytes([c])) for c in b"INJECTED"]`
	if pyErr == nil {
		if out, err := exec.Command(python, "-c", inject, host).CombinedOutput(); err != nil || !strings.Contains(pending(sfd), "INJECTED") {
			t.Fatalf("TIOCSTI into %s from the host did not arrive (%v %s): the check would prove nothing", host, err, out)
		}
	}

	r := startLabInTmux(t, 160, 48)
	r.runIn("stat -f -c %T-$(tty) /dev/pts", "devpts-/dev/pts/")
	r.runIn(fmt.Sprintf("echo WRITTEN > %s; echo WROTE-$((6*7))", host), "WROTE-42")
	if got := pending(mfd); got != "" {
		t.Errorf("a pane wrote %q to the host's terminal %s", got, host)
	}
	if pyErr == nil {
		r.runIn(fmt.Sprintf("python3 -c '%s' %s; echo INJ-$((6*7))", inject, host), "INJ-42")
		if got := pending(sfd); got != "" {
			t.Errorf("a pane injected %q into the host's terminal %s", got, host)
		}
	} else {
		t.Log("no python3: TIOCSTI from a pane not tried")
	}
	r.quitAndCheck(nil)
}

// /proc/1/environ in the lab holds nothing of nslab's caller's secrets, and /run is the
// lab's own: no dbus or systemd socket of the machine's in it.
func TestGuardEnvironAndRun(t *testing.T) {
	requireTmux(t)
	secret := fmt.Sprintf("guardsecret%d", os.Getpid())
	r := startTmux(t, 160, 48, fmt.Sprintf("env AWS_SECRET_ACCESS_KEY=%s SSH_AUTH_SOCK=/tmp/%s %s", secret, secret, nslabBin))
	r.waitScreen("both prompts", func(s string) bool {
		return strings.Contains(s, "[host] ~ #") && strings.Contains(s, "[ns] ~ #")
	})
	either := func(cmd, bad, good string) string {
		r.text(cmd)
		r.keys("Enter")
		return r.waitScreen(bad+" or "+good, func(s string) bool { return strings.Contains(s, bad) || strings.Contains(s, good) })
	}
	if s := either(fmt.Sprintf("grep -q %s /proc/1/environ && echo LEAKED-$((6*7)) || echo CLEAN-$((6*7))", secret), "LEAKED-42", "CLEAN-42"); strings.Contains(s, "LEAKED-42") {
		t.Errorf("the lab's /proc/1/environ holds the caller's secret:\n%s", s)
	}
	// The machine's /run here has dbus and systemd; the lab's has neither.
	if s := either("findmnt -no SOURCE /run | grep -qx nslab-run && ! test -e /run/dbus -o -e /run/systemd && echo OWN-$((6*7)) || echo HOSTRUN-$((6*7))", "HOSTRUN-42", "OWN-42"); strings.Contains(s, "HOSTRUN-42") {
		t.Errorf("/run in the lab is not its own tmpfs, or holds the host's dbus or systemd:\n%s", s)
	}
	r.quitAndCheck(nil)
}

// A 100 KiB variable that the lab would keep (LC_PAPER) is refused before the lab starts:
// one sentence naming it and the bound, a non-zero exit, nothing left running.
func TestGuardLongVariable(t *testing.T) {
	labtest.RequireRoot(t)
	t.Setenv("LC_PAPER", strings.Repeat("x", 100<<10))
	out, errs, code := runNslab(t, nil, "run", "ns-identity")
	if code == 0 || out != "" || !strings.Contains(errs, "LC_PAPER") || !strings.Contains(errs, "32 KiB") {
		t.Fatalf("nslab run with a 100 KiB LC_PAPER: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	assertOneSentence(t, errs)
	if left := processesOf(nslabBin); len(left) > 0 {
		t.Errorf("processes of nslab remain: %v", left)
	}
	// A long variable the lab does not keep is no obstacle.
	t.Setenv("LC_PAPER", "C")
	t.Setenv("NSLAB_GUARD_BLOB", strings.Repeat("b", 100<<10))
	if out, errs, code := runNslab(t, nil, "run", "ns-identity"); code != 0 {
		t.Errorf("nslab run with a 100 KiB variable the lab does not keep: exit %d\n%s\n%s", code, out, errs)
	}
}
