package lab

import (
	"bufio"
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
	"github.com/nslab/nslab/lab/mnt"
)

// However nslab ends — kill -9 included — no lab process and no lab mount may outlive it
// by more than 2 s. A stand-in nslab (this test binary, see TestMain) starts a lab whose
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
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "READY ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("stand-in nslab: %q %v", line, err)
	}
	var initPID int
	var pidNS uint64
	var wsDev string
	fmt.Sscanf(line, "READY %d %d %s", &initPID, &pidNS, &wsDev)
	if wsDev == "" {
		t.Fatalf("the stand-in did not report its workspace: %q", line)
	}
	hostHeld, nsHeld := heldSource(cmd.Process.Pid, Host), heldSource(cmd.Process.Pid, NS)
	// The processes themselves, by pid and start time: a freed namespace inode can be
	// reused at once by someone else's namespace.
	procs := labProcesses(pidNS)
	if len(procs) < 7 { // init, 2 shells, 4 background jobs
		t.Fatalf("only %d processes in the lab before the end", len(procs))
	}
	if !anyMountinfoHas(hostHeld) || !anyMountinfoSeesDevice(wsDev) {
		t.Fatal("the pane's tmpfs is not visible before the end")
	}
	ended := time.Now()
	end(cmd, master)
	cmd.Wait()
	deadline := ended.Add(2 * time.Second)
	for {
		var alive []procID
		for _, p := range procs {
			if p.alive() {
				alive = append(alive, p)
			}
		}
		leaked := anyMountinfoHas(hostHeld) || anyMountinfoHas(nsHeld) || anyMountinfoSeesDevice(wsDev)
		if len(alive) == 0 && !leaked {
			t.Logf("lab gone %v after nslab was told to end", time.Since(ended).Round(time.Millisecond))
			return
		}
		if time.Now().After(deadline) {
			var detail []string
			for _, p := range alive {
				st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
				cl, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.pid))
				wc, _ := os.ReadFile(fmt.Sprintf("/proc/%d/wchan", p.pid))
				detail = append(detail, fmt.Sprintf("%s [%q wchan %s]", st, cl, wc))
			}
			t.Fatalf("2 s after nslab ended: lab processes %v, lab mounts left: %v\n%s", alive, leaked, strings.Join(detail, "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// procID is a process, told apart from a later one with the same pid by its start time.
type procID struct {
	pid   int
	start string
}

// startTime reads fields 22 (starttime) and 3 (state) of /proc/PID/stat (proc(5)).
func startTime(pid int) (start, state string) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", ""
	}
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return "", ""
	}
	return f[19], f[0]
}

// alive: the same process still exists and is not a zombie. An orphaned zombie is dead and
// holds nothing (its namespaces went at exit); it waits only for the machine's PID 1 to reap it.
func (p procID) alive() bool {
	st, state := startTime(p.pid)
	return st != "" && st == p.start && state != "Z"
}

// labProcesses lists the processes in the PID namespace with inode ino.
func labProcesses(ino uint64) []procID {
	var pids []procID
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if got, err := nsInode(pid, NSPID); err == nil && got == ino {
			st, _ := startTime(pid)
			pids = append(pids, procID{pid, st})
		}
	}
	return pids
}

// anyMountinfoSeesDevice reports whether any process sees the lab workspace of device
// major:minor (a freed device number can be reused, but hardly by another lab's workspace
// within the same two seconds).
func anyMountinfoSeesDevice(dev string) bool {
	files, _ := filepath.Glob("/proc/[0-9]*/mountinfo")
	for _, f := range files {
		ms, err := mnt.Parse(mustOpen(f))
		if err != nil {
			continue
		}
		for _, m := range ms {
			if m.Source == WorkspaceSource && fmt.Sprintf("%d:%d", m.Major, m.Minor) == dev {
				return true
			}
		}
	}
	return false
}

func mustOpen(path string) *strings.Reader {
	b, _ := os.ReadFile(path)
	return strings.NewReader(string(b))
}

// anyMountinfoHas reports whether any process on the machine sees a mount whose line
// contains s.
func anyMountinfoHas(s string) bool {
	files, _ := filepath.Glob("/proc/[0-9]*/mountinfo")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil && strings.Contains(string(b), s) {
			return true
		}
	}
	return false
}
