package lab

import (
	"bufio"
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

	"github.com/creack/pty"
	"github.com/nslab/nslab/lab/labtest"
)

// However nslab ends — kill -9 included — no lab process and no lab mount may outlive it
// (the time it takes is logged). A stand-in nslab (this test binary, see TestMain) starts a lab whose
// panes each run jobs that ignore SIGHUP and hold a tmpfs.
func TestNothingSurvivesNslab(t *testing.T) {
	labtest.RequireRoot(t)
	rounds := 5
	if testing.Short() {
		rounds = 1
	}
	if n, err := strconv.Atoi(os.Getenv("NSLAB_KILL_ROUNDS")); err == nil && n > 0 {
		rounds = n // the fault suite asks for 20
	}
	ways := []struct {
		name string
		end  func(cmd *exec.Cmd, tty *os.File)
	}{
		{"SIGKILL", func(c *exec.Cmd, _ *os.File) { c.Process.Signal(syscall.SIGKILL) }},
		{"SIGTERM", func(c *exec.Cmd, _ *os.File) { c.Process.Signal(syscall.SIGTERM) }},
		{"SIGHUP", func(c *exec.Cmd, _ *os.File) { c.Process.Signal(syscall.SIGHUP) }},
		// The terminal nslab runs in goes away: the kernel hangs up its session.
		{"terminal closed", func(_ *exec.Cmd, tty *os.File) { tty.Close() }},
	}
	for _, way := range ways {
		t.Run(way.name, func(t *testing.T) {
			for i := 0; i < rounds; i++ {
				surviveRound(t, way.end)
			}
		})
	}
}

func surviveRound(t *testing.T, end func(*exec.Cmd, *os.File)) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	cmd := exec.Command(exe, "-test.run", "^$")
	cmd.Env = append(os.Environ(), surrogateEnv+"=1")
	cmd.Stdin, cmd.Stderr = slave, slave
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	// Nothing reads the terminal: a blocked Read would keep the master open after Close,
	// and the stand-in writes to it only on error.
	// The stand-in reports READY or an error, or ends: its own context bounds its start.
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "READY ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("stand-in nslab did not report READY: %q %v", line, err)
	}
	var initPID int
	var token string
	fmt.Sscanf(line, "READY %d %s", &initPID, &token)
	if token == "" {
		t.Fatalf("the stand-in did not report its canary: %q", line)
	}
	hostHeld, nsHeld := heldSource(cmd.Process.Pid, Host), heldSource(cmd.Process.Pid, NS)
	// The processes themselves, by pid and start time.
	procs := labtest.PIDNamespaceOf(initPID)
	if len(procs) < 7 { // init, 2 shells, 4 background jobs
		t.Fatalf("only %d processes in the lab before the end", len(procs))
	}
	if !labtest.AnyMountinfoHas(hostHeld) || !workspaceSeen(token) {
		t.Fatal("the pane's tmpfs is not visible before the end")
	}
	end(cmd, master)
	var exit *exec.ExitError // killed by a signal is how it should end
	if err := labtest.WaitExit(cmd, labtest.Patience); err != nil && !errors.As(err, &exit) {
		t.Fatalf("the stand-in nslab did not end: %v", err)
	}
	// The time is a figure, not the verdict (the kernel takes longer on a busy machine):
	// what counts is that nothing is left.
	took := labtest.WaitGone(t, procs, func() bool {
		return labtest.AnyMountinfoHas(hostHeld) || labtest.AnyMountinfoHas(nsHeld) || workspaceSeen(token)
	}, labtest.Patience)
	t.Logf("lab gone %v after nslab ended", took.Round(time.Millisecond))
}

// workspaceSeen reports whether any process can still see the lab's workspace: one whose
// mount table has a lab workspace holding this lab's canary token.
func workspaceSeen(token string) bool {
	files, _ := filepath.Glob("/proc/[0-9]*/mountinfo")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil || !strings.Contains(string(b), " - tmpfs "+WorkspaceSource+" ") {
			continue
		}
		canary, err := os.ReadFile(filepath.Join(filepath.Dir(f), "root", CanaryPath))
		if err == nil && strings.TrimSpace(string(canary)) == token {
			return true
		}
	}
	return false
}
