package term

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// TestLiveShell runs bash on a pty behind a Terminal, the way a pane does,
// and types into it: keys reach the shell, Ctrl-C interrupts through the tty,
// and a program that asks for the cursor position gets the answer.
func TestLiveShell(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skipf("no bash: %v", err)
	}
	cmd := exec.Command(bash, "--norc", "--noprofile", "-i")
	cmd.Env = []string{"TERM=xterm-256color", "PS1=$ ", "PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 60, Rows: 10})
	if err != nil {
		t.Fatalf("start bash on a pty: %v", err)
	}
	term := New(ptmx, Options{Cols: 60, Rows: 10})
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(term, ptmx)
		close(copied)
	}()
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = ptmx.Close()
		<-copied
		_ = term.Close()
	}()

	waitScreen := func(want string) {
		t.Helper()
		deadline := time.Now().Add(hangLimit)
		for !strings.Contains(strings.Join(screen(term), "\n"), want) {
			if time.Now().After(deadline) {
				t.Fatalf("screen never showed %q:\n%s", want, strings.Join(screen(term), "\n"))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	typeLine := func(s string) {
		for _, r := range s {
			term.SendKey(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
		term.SendKey(tea.KeyPressMsg{Code: tea.KeyEnter})
	}

	waitScreen("$")
	typeLine("echo hi$((40+2))")
	waitScreen("hi42")

	typeLine("sleep 100")
	// The echo of the line shows before bash runs it; a Ctrl-C typed then
	// interrupts bash, not the sleep that follows for 100 seconds.
	waitForeground(t, ptmx, "sleep")
	term.SendKey(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	typeLine("echo status=$?")
	waitScreen("status=130")

	// The application asks where the cursor is and reads the answer from
	// its input: the reply must travel drain, queue, writer, pty.
	typeLine(`clear; printf '\033[3;7H\033[6n'; IFS= read -rsd R pos; echo; echo "pos=${pos#*[}"`)
	waitScreen("pos=3;7")

	term.Paste("echo pasted\n")
	waitScreen("pasted")
}

// waitForeground waits until the foreground process group of the terminal
// behind ptmx is led by a process named comm: it has started and the tty
// sends it Ctrl-C.
func waitForeground(t *testing.T, ptmx *os.File, comm string) {
	t.Helper()
	conn, err := ptmx.SyscallConn() // not Fd, which would make reads blocking
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(hangLimit)
	seen := ""
	for {
		var pgrp int
		var ierr error
		if err := conn.Control(func(fd uintptr) { pgrp, ierr = unix.IoctlGetInt(int(fd), unix.TIOCGPGRP) }); err != nil {
			t.Fatal(err)
		}
		if ierr != nil {
			t.Fatalf("TIOCGPGRP: %v", ierr)
		}
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pgrp))
		if seen = strings.TrimSpace(string(b)); seen == comm {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never led the foreground process group in %v; last seen: group %d, led by %q", comm, hangLimit, pgrp, seen)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
