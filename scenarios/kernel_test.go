package scenarios

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/lab/mnt"
	"github.com/nslab/nslab/lab/rootfs"
	"golang.org/x/sys/unix"
)

// TestBuiltinScenariosOnKernel runs every built-in scenario, headless, against the real
// kernel: real shells, real namespaces, a real rootfs, inside a throwaway mount and PID
// namespace. Every narrated claim has a check, so this is where a narration that the
// kernel disagrees with fails.
func TestBuiltinScenariosOnKernel(t *testing.T) {
	// Both ways the lab builds a rootfs: busybox applets, or the host's own programs with
	// their libraries (their messages and needs differ: util-linux mount, coreutils cat).
	for _, source := range []rootfs.Source{rootfs.SourceBusybox, rootfs.SourceHost} {
		t.Run(string(source), func(t *testing.T) {
			// Skip here, not in the child: a child's skipped subtest reads as passed.
			if _, ok := rootfs.FindBusybox(); source == rootfs.SourceBusybox && !ok {
				t.Skip("no busybox on this host: the busybox rootfs cannot be built")
			}
			if !labtest.InNewNamespaceWith(t, labtest.Options{NewPID: true}) {
				return
			}
			scs := loadForThisLab(t)
			l := newPipeLab(t, source)
			var out bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
			defer cancel()
			ok, err := RunHeadless(ctx, patient{l}, scs, &out, TranscriptOptions{Lang: EN})
			t.Logf("transcript:\n%s", out.String())
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				t.Fatal("a scenario failed on the real kernel; see the transcript")
			}
		})
	}
}

// patient gives every command at least a few minutes: no built-in step expects a
// timeout, and a verdict must not depend on how busy the machine is.
type patient struct{ Lab }

// patience is how long a test lets a command run before calling it hung.
const patience = 3 * time.Minute

func (p patient) Run(ctx context.Context, pane lab.Role, cmd string, timeout time.Duration) (Result, error) {
	return p.Lab.Run(ctx, pane, cmd, max(timeout, patience))
}

// pipeLab is a small stand-in for the lab, enough to run scenarios on the real kernel:
// each pane is a non-interactive bash reading commands from a pipe, and a command ends
// when a marker line the harness types after it comes back (a nested shell started by the
// command reads and runs that line, as it would show its prompt). It lives in the test's
// throwaway namespaces; every Reset makes a fresh /tmp, rootfs and host namespace.
type pipeLab struct {
	t      *testing.T
	source rootfs.Source
	ws     Workspace
	panes  map[lab.Role]*pipeShell
	seq    int
	// tmp is set once a Reset has mounted the fresh /tmp the next one takes away.
	tmp bool
}

type pipeShell struct {
	cmd   *exec.Cmd
	stdin *os.File
	// stdinR is kept open to ask how much typed input is still unread.
	stdinR *os.File
	mu     sync.Mutex
	buf    []byte
	more   chan struct{}
	done   chan struct{}
}

func newPipeLab(t *testing.T, source rootfs.Source) *pipeLab {
	// A PID namespace needs its own /proc for the PIDs the shells report to make sense.
	run(t, "mount", "-t", "proc", "proc", "/proc")
	l := &pipeLab{t: t, source: source, panes: map[lab.Role]*pipeShell{}}
	t.Cleanup(l.stop)
	return l
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func (l *pipeLab) stop() {
	for r, p := range l.panes {
		// kill(2) the pane's process group: the shell and everything it started.
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		_ = p.cmd.Wait()
		p.stdin.Close()
		p.stdinR.Close()
		delete(l.panes, r)
	}
}

func (l *pipeLab) Reset(ctx context.Context, nsStart NSStart) error {
	l.stop()
	// A fresh /tmp: the workspace, the rootfs and the canary, as the lab's init makes them.
	if l.tmp {
		if out, err := exec.Command("umount", "-l", "/tmp").CombinedOutput(); err != nil {
			return fmt.Errorf("umount -l /tmp: %v: %s", err, out)
		}
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "labtmp", "/tmp").CombinedOutput(); err != nil {
		return fmt.Errorf("mount /tmp: %v: %s", err, out)
	}
	l.tmp = true
	tok := make([]byte, 8)
	if _, err := rand.Read(tok); err != nil {
		return err
	}
	l.ws = Workspace{Dir: rootfs.WorkspaceDir, Rootfs: rootfs.RootfsDir, Canary: rootfs.CanaryPath,
		Token: hex.EncodeToString(tok), NSLab: rootfs.NslabPath}
	if err := os.MkdirAll(l.ws.Dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(l.ws.Canary, []byte(l.ws.Token+"\n"), 0o644); err != nil {
		return err
	}
	if _, err := rootfs.Build(l.ws.Rootfs, rootfs.Options{Source: l.source}); err != nil {
		return fmt.Errorf("build rootfs: %w", err)
	}
	host, err := startPipeShell("unshare", "--mount", "--propagation", "private", "--", "bash")
	if err != nil {
		return err
	}
	l.panes[lab.Host] = host
	// The host shell must be in its namespace before the ns pane joins or copies it.
	if err := l.ready(ctx, lab.Host); err != nil {
		return err
	}
	args := []string{"-t", strconv.Itoa(host.cmd.Process.Pid), "-m", "--"}
	if nsStart == StartUnshared {
		args = append(args, "unshare", "--mount", "--propagation", "private", "--")
	}
	ns, err := startPipeShell("nsenter", append(args, "bash")...)
	if err != nil {
		return err
	}
	l.panes[lab.NS] = ns
	return l.ready(ctx, lab.NS)
}

// ready waits until the pane's shell has run a command, with a deadline only a hung
// shell misses.
func (l *pipeLab) ready(ctx context.Context, pane lab.Role) error {
	const limit = 2 * time.Minute
	res, err := l.Run(ctx, pane, "true", limit)
	switch {
	case err != nil:
		return fmt.Errorf("start the %s shell: %w", pane, err)
	case res.TimedOut:
		return fmt.Errorf("start the %s shell: `true` did not finish within %s; it printed %q", pane, limit, res.Output)
	case res.Exit != 0:
		return fmt.Errorf("start the %s shell: `true` exited %d: %q", pane, res.Exit, res.Output)
	}
	return nil
}

func startPipeShell(name string, args ...string) (*pipeShell, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(name, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = r, outW, outW
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=/root", "LANG=C", "TERM=dumb"}
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	outW.Close()
	p := &pipeShell{cmd: cmd, stdin: w, stdinR: r, more: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		b := make([]byte, 4096)
		for {
			n, err := outR.Read(b)
			if n > 0 {
				p.mu.Lock()
				p.buf = append(p.buf, b[:n]...)
				p.mu.Unlock()
				select {
				case p.more <- struct{}{}:
				default:
				}
			}
			if err != nil {
				outR.Close()
				return
			}
		}
	}()
	return p, nil
}

func (l *pipeLab) Run(ctx context.Context, pane lab.Role, cmd string, timeout time.Duration) (Result, error) {
	p := l.panes[pane]
	if p == nil {
		return Result{}, fmt.Errorf("run in %s: no shell", pane)
	}
	l.seq++
	marker := fmt.Sprintf("__NSLAB_END_%d_", l.seq)
	p.mu.Lock()
	p.buf = p.buf[:0]
	p.mu.Unlock()
	start := time.Now()
	if _, err := p.stdin.WriteString(cmd + "\n"); err != nil {
		return Result{}, fmt.Errorf("run in %s: %w", pane, err)
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	// The marker is typed only once the command line is consumed and a shell waits for
	// more input: dash and busybox sh read ahead in blocks, so a marker typed with the
	// command would be swallowed by a nested shell that then exits.
	for !l.waitingForInput(pane) {
		select {
		case <-p.done:
			return Result{Exit: -1}, errors.New("the pane's shell has exited")
		case <-deadline.C:
			return Result{Exit: -1, TimedOut: true, Duration: time.Since(start)}, nil
		case <-ctx.Done():
			return Result{Exit: -1}, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	if _, err := fmt.Fprintf(p.stdin, "printf '\\n%s%%s__\\n' \"$?\"\n", marker); err != nil {
		return Result{}, fmt.Errorf("run in %s: %w", pane, err)
	}
	for {
		p.mu.Lock()
		text := string(p.buf)
		p.mu.Unlock()
		if i := strings.Index(text, marker); i >= 0 {
			rest := text[i+len(marker):]
			if j := strings.Index(rest, "__"); j >= 0 {
				out := strings.TrimSuffix(text[:i], "\n")
				exit, err := strconv.Atoi(rest[:j])
				if err != nil { // not 0, or an exit check would pass on a garbled marker
					return Result{Exit: -1, Output: text}, fmt.Errorf("run in %s: the end marker's status %q: %w", pane, rest[:j], err)
				}
				return Result{Exit: exit, Output: out, Duration: time.Since(start)}, nil
			}
		}
		select {
		case <-p.more:
		case <-p.done:
			return Result{Exit: -1, Output: text, Duration: time.Since(start)}, errors.New("the pane's shell has exited")
		case <-deadline.C:
			return Result{Exit: -1, Output: text, TimedOut: true, Duration: time.Since(start)}, nil
		case <-ctx.Done():
			return Result{Exit: -1, Output: text}, ctx.Err()
		}
	}
}

// waitingForInput reports whether everything typed was read and the pane's foreground
// process sits in read(2) on the pane's input.
func (l *pipeLab) waitingForInput(pane lab.Role) bool {
	p := l.panes[pane]
	// ioctl(2) FIONREAD (TIOCINQ): bytes typed but not read yet.
	if n, err := unix.IoctlGetInt(int(p.stdinR.Fd()), unix.TIOCINQ); err != nil || n > 0 {
		return false
	}
	pid, _, err := l.foreground(pane)
	if err != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", pid))
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	if len(f) < 2 || f[0] != strconv.Itoa(unix.SYS_READ) {
		return false
	}
	fd, err := strconv.ParseInt(strings.TrimPrefix(f[1], "0x"), 16, 64)
	if err != nil {
		return false
	}
	in, err1 := os.Stat(fmt.Sprintf("/proc/%d/fd/%d", pid, fd))
	ours, err2 := p.stdinR.Stat()
	return err1 == nil && err2 == nil && os.SameFile(in, ours)
}

// foreground is the newest process at the end of the pane shell's chain of children:
// what a pty's foreground process group would be, between commands.
func (l *pipeLab) foreground(pane lab.Role) (pid, top int, err error) {
	p := l.panes[pane]
	if p == nil {
		return 0, 0, fmt.Errorf("inspect %s: no shell", pane)
	}
	children := map[int][]int{}
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil {
			continue
		}
		s := string(b)
		end := strings.LastIndex(s, ")")
		f := strings.Fields(s[end+1:])
		if len(f) < 2 {
			continue
		}
		child, _ := strconv.Atoi(strings.Split(d, "/")[2])
		parent, _ := strconv.Atoi(f[1])
		children[parent] = append(children[parent], child)
	}
	top = p.cmd.Process.Pid
	pid = top
	for len(children[pid]) > 0 {
		next := 0
		for _, c := range children[pid] {
			next = max(next, c)
		}
		pid = next
	}
	return pid, top, nil
}

func (l *pipeLab) Inspect(pane lab.Role) (lab.Snapshot, error) {
	pid, top, err := l.foreground(pane)
	if err != nil {
		return lab.Snapshot{}, err
	}
	s, err := lab.Inspect(pid, top)
	s.Pane = pane
	return s, err
}

func (l *pipeLab) PathVisible(pane lab.Role, path string) (bool, error) {
	pid, _, err := l.foreground(pane)
	if err != nil {
		return false, err
	}
	// Through the /proc/PID/root magic link: good enough for the absolute, symlink-free
	// paths the scenarios ask about (the lab resolves with openat2 RESOLVE_IN_ROOT).
	_, err = os.Lstat(fmt.Sprintf("/proc/%d/root%s", pid, path))
	if err == nil {
		return true, nil
	}
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return false, nil
	}
	return false, err
}

func (l *pipeLab) RootIsMountpoint(pane lab.Role) (bool, error) {
	pid, _, err := l.foreground(pane)
	if err != nil {
		return false, err
	}
	// A mount at "/" in a process's own table (paths relative to its root) is a mount
	// at its root.
	ms, err := mnt.Read(pid)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if m.Mountpoint == "/" {
			return true, nil
		}
	}
	return false, nil
}

func (l *pipeLab) ProcView(pane lab.Role) ([]int, []int, error) {
	pid, _, err := l.foreground(pane)
	if err != nil {
		return nil, nil, err
	}
	return lab.ProcViewOf(pid)
}

func (l *pipeLab) Workspace(ctx context.Context) (Workspace, error) { return l.ws, nil }
