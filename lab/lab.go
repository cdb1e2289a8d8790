package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ErrNotRoot is returned by Start when nslab lacks the privileges to make namespaces.
var ErrNotRoot = errors.New("nslab needs root to create namespaces and mounts: run it with sudo")

// ErrClosed is returned by operations on a lab that was closed.
var ErrClosed = errors.New("lab closed")

// NSStart says where the ns pane's shell starts.
type NSStart int

const (
	// NSUnshared starts the ns shell in a new mount namespace with private propagation,
	// as `unshare --mount` does.
	NSUnshared NSStart = iota
	// NSInHost starts it in the lab host's namespace, for lessons that narrate the unshare.
	NSInHost
)

// Options configure a lab.
type Options struct {
	// Shell is the pane shell; see ResolveShell.
	Shell ShellSpec
	// NSStart says where the ns pane starts.
	NSStart NSStart
	// Exe is the binary re-executed as the lab's init ("" = /proc/self/exe). It must call
	// InitMain when IsInit(os.Args).
	Exe string
	// Cols and Rows are the initial pane size (default 80×24).
	Cols, Rows int
	// Env is the environment the init's and the shells' PATH, LANG and LC_* are taken from
	// (default os.Environ()); nothing else of it enters the lab (keptEnv).
	Env []string
	// Rootfs, when set, is the user's own rootfs directory (--rootfs); otherwise the lab
	// builds one in its workspace on first need.
	Rootfs string
}

// Lab is a running lab: its init (a new mount and PID namespace) and the two pane shells.
type Lab struct {
	opts  Options
	panes map[Role]*Pane
	hub   *hub

	mu     sync.Mutex
	init   *initProc
	closed bool
	// ended is set when the init died under the lab (killed from outside, or reboot(2)
	// in a pane) or a Reset could not start a new one; Reset clears it.
	ended        bool
	endedBy      *initProc // the init that ended, for EndCause
	nextID       int
	rootfs       string // built rootfs path, once built in this init
	rootfsDetail string
}

// initProc is one running lab init and its control socket.
type initProc struct {
	pid   int
	ctl   *ctlConn
	token string
	done  chan struct{} // closed when the init has been reaped
	// state is how the init ended, set before done is closed (nil if it never started).
	state *os.ProcessState

	mu      sync.Mutex
	waiters map[int]chan ctlMsg // replies by request ID
}

// Start creates the lab: an init in new namespaces, then both shells on their own ptys.
func Start(ctx context.Context, opts Options) (*Lab, error) {
	if err := CheckPrivileges(); err != nil {
		return nil, err
	}
	if opts.Cols <= 0 || opts.Rows <= 0 {
		opts.Cols, opts.Rows = 80, 24
	}
	if opts.Env == nil {
		opts.Env = os.Environ()
	}
	if err := checkEnv(opts.Env); err != nil {
		return nil, err
	}
	if opts.Rootfs != "" {
		abs, err := filepath.Abs(opts.Rootfs)
		if err != nil {
			return nil, err
		}
		opts.Rootfs = abs
	}
	if opts.Shell.Path == "" {
		sh, err := ResolveShell("", os.Getenv("SHELL"))
		if err != nil {
			return nil, err
		}
		opts.Shell = sh
	}
	l := &Lab{opts: opts, panes: map[Role]*Pane{}, hub: newHub()}
	for _, r := range Roles {
		p, err := newPane(l, r, opts.Cols, opts.Rows)
		if err != nil {
			l.Close()
			return nil, err
		}
		l.panes[r] = p
	}
	if err := l.startInit(ctx); err != nil {
		l.Close()
		return nil, err
	}
	if err := l.openPTYs(); err != nil {
		l.Close()
		return nil, err
	}
	for _, r := range Roles {
		if err := l.panes[r].start(ctx); err != nil {
			l.Close()
			return nil, err
		}
	}
	for _, r := range Roles {
		l.hub.start(l.panes[r])
	}
	return l, nil
}

// Events delivers what the lab sees change: mounts, namespaces, processes, shells. Read it
// steadily; when 4,096 events wait unread, new ones are dropped (State.Dropped counts them).
func (l *Lab) Events() <-chan Event { return l.hub.events }

// State is the latest state of both panes as the monitors last saw it (no kernel reads).
func (l *Lab) State() State { return l.hub.state() }

// EndMarks counts the command end marks (OSC 133 D) seen in both panes so far. Once a
// pane's Run has returned, a State whose snapshots have Ends ≥ EndMarks() shows the kernel
// as it was after that command.
func (l *Lab) EndMarks() uint64 { return l.hub.marks.Load() }

// Inspect reads the pane's foreground process state fresh from the kernel.
func (l *Lab) Inspect(r Role) (Snapshot, error) {
	p := l.panes[r]
	pid := p.Foreground()
	if pid == 0 {
		return Snapshot{Pane: r}, fmt.Errorf("%s pane: %w", r, ErrShellExited)
	}
	s, err := Inspect(pid, p.ShellPID())
	s.Pane = r
	return s, err
}

// PathVisible resolves path inside the root of the pane's foreground process and reports
// whether it exists there.
func (l *Lab) PathVisible(r Role, path string) (bool, error) {
	pid := l.panes[r].Foreground()
	if pid == 0 {
		return false, fmt.Errorf("%s pane: %w", r, ErrShellExited)
	}
	return pathVisible(pid, path)
}

// RootIsMountpoint says whether the root of the pane's foreground process is a mount point.
func (l *Lab) RootIsMountpoint(r Role) (bool, error) {
	pid := l.panes[r].Foreground()
	if pid == 0 {
		return false, fmt.Errorf("%s pane: %w", r, ErrShellExited)
	}
	return rootIsMountpoint(pid)
}

// ProcView says what the /proc that the pane's foreground process sees lists (the PIDs
// ps there shows) and which processes its PID namespace holds, by their PIDs in it.
func (l *Lab) ProcView(r Role) (listed, members []int, err error) {
	pid := l.panes[r].Foreground()
	if pid == 0 {
		return nil, nil, fmt.Errorf("%s pane: %w", r, ErrShellExited)
	}
	return ProcViewOf(pid)
}

// CheckPrivileges returns ErrNotRoot unless this process may create mount namespaces.
func CheckPrivileges() error {
	if os.Geteuid() == 0 {
		return nil
	}
	// capget(2): CAP_SYS_ADMIN in the effective set is what unshare and mount need.
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err == nil && data[0].Effective&(1<<unix.CAP_SYS_ADMIN) != 0 {
		return nil
	}
	return ErrNotRoot
}

// Pane returns the pane of a role.
func (l *Lab) Pane(r Role) *Pane { return l.panes[r] }

// Token is the random token in the host canary file of the current lab.
func (l *Lab) Token() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.init == nil {
		return ""
	}
	return l.init.token
}

// InitPID is the lab init's pid as nslab sees it (0 if none runs).
func (l *Lab) InitPID() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.init == nil {
		return 0
	}
	return l.init.pid
}

// Ended reports whether the lab's init is gone without nslab ending it: killed from
// outside, or ended by reboot(2) in a pane. Nothing runs in the lab then; Reset starts a
// fresh one.
func (l *Lab) Ended() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ended
}

// EndCause says why a lab's init ended without nslab ending it.
type EndCause int

// End causes.
const (
	EndNone EndCause = iota // it runs, or nslab ended it
	// EndRebooted: reboot(2) (restart) in a pane. In a PID namespace other than the
	// machine's it ends that namespace's init, which its parent sees killed by SIGHUP
	// (pid_namespaces(7)); the machine goes on.
	EndRebooted
	// EndHalted: reboot(2) halt or power-off in a pane, seen as SIGINT.
	EndHalted
	// EndKilled: a signal from outside the lab (inside it, the init catches or the
	// kernel drops them).
	EndKilled
	// EndExited: the init exited on its own, which it does only when it fails.
	EndExited
)

// String says the cause in words.
func (c EndCause) String() string {
	switch c {
	case EndRebooted:
		return "reboot was called in a pane, which ends the lab, not the machine"
	case EndHalted:
		return "halt or poweroff was called in a pane, which ends the lab, not the machine"
	case EndKilled:
		return "its init was killed from outside the lab"
	case EndExited:
		return "its init exited"
	}
	return ""
}

// endCauseOf reads the init's wait status. SIGHUP and SIGINT are caught by the init, so
// an init ended by them was ended by reboot(2) in its namespace.
func endCauseOf(st *os.ProcessState) EndCause {
	if st == nil {
		return EndNone
	}
	ws, ok := st.Sys().(syscall.WaitStatus)
	switch {
	case !ok:
		return EndNone
	case ws.Signaled() && ws.Signal() == syscall.SIGHUP:
		return EndRebooted
	case ws.Signaled() && ws.Signal() == syscall.SIGINT:
		return EndHalted
	case ws.Signaled():
		return EndKilled
	}
	return EndExited
}

// EndCause says why the lab's init ended when Ended is true (EndNone otherwise).
func (l *Lab) EndCause() EndCause {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.ended || l.endedBy == nil {
		return EndNone
	}
	return endCauseOf(l.endedBy.state)
}

// Reset throws the lab away — its init, namespaces, every mount and process in them — and
// starts a fresh one with the ns pane started as asked. The panes keep their terminals.
func (l *Lab) Reset(ctx context.Context, nsStart NSStart) error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.opts.NSStart = nsStart
	old := l.init
	l.init = nil
	l.rootfs = ""
	l.ended, l.endedBy = false, nil
	l.mu.Unlock()
	for _, r := range Roles {
		l.panes[r].detach()
	}
	if old != nil {
		old.kill()
	}
	if err := l.startInit(ctx); err != nil {
		l.mu.Lock()
		l.ended = true // no init runs: as good as ended, and Reset may be tried again
		l.mu.Unlock()
		return err
	}
	if err := l.openPTYs(); err != nil {
		return err
	}
	for _, r := range Roles {
		if err := l.panes[r].start(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Close ends the lab: the init is killed, and with it, by the kernel, every process in its
// PID namespace; its mount namespaces, with every lab mount, vanish with them.
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	in := l.init
	l.init = nil
	l.mu.Unlock()
	// Monitors first: they read the ptys' foreground groups until they stop.
	l.hub.close()
	for _, p := range l.panes {
		p.detach()
	}
	if in != nil {
		in.kill()
	}
	for _, p := range l.panes {
		p.close()
	}
	return nil
}

// startInit re-executes nslab as the lab's init in a new mount and PID namespace.
func (l *Lab) startInit(ctx context.Context) error {
	exe := l.opts.Exe
	if exe == "" {
		exe = "/proc/self/exe"
	}
	// socketpair(2): SOCK_SEQPACKET keeps message boundaries; CLOEXEC on both ends, the
	// child's end is handed over explicitly as fd 3.
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("control socketpair: %w", err)
	}
	parentEnd := os.NewFile(uintptr(fds[0]), "ctl")
	childEnd := os.NewFile(uintptr(fds[1]), "ctl-child")
	defer childEnd.Close()
	ctl, err := newCtlConn(parentEnd)
	if err != nil {
		childEnd.Close()
		return err
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		ctl.close()
		return err
	}
	defer devnull.Close()
	stderr := devnull
	if os.Getenv("NSLAB_DEBUG") != "" {
		stderr = os.Stderr
	}

	in := &initProc{ctl: ctl, done: make(chan struct{}), waiters: map[int]chan ctlMsg{}}
	started := make(chan error, 1)
	go func() {
		// Pdeathsig follows the parent *thread*: this goroutine keeps its thread locked
		// and alive for as long as the init lives, and is the one that reaps it.
		runtime.LockOSThread()
		argv := []string{"nslab", InitCommand}
		if l.opts.Rootfs != "" {
			argv = append(argv, l.opts.Rootfs)
		}
		p, err := os.StartProcess(exe, argv, &os.ProcAttr{
			Env:   initEnv(l.opts.Env),
			Files: []*os.File{devnull, devnull, stderr, childEnd},
			Sys: &syscall.SysProcAttr{
				// UTS and IPC too: a `hostname` or `ipcrm -a` typed in a pane stays in the lab.
				Cloneflags: unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC,
				Pdeathsig:  syscall.SIGKILL,
			},
		})
		if err != nil {
			started <- err
			close(in.done)
			return
		}
		in.pid = p.Pid
		started <- nil
		in.state, _ = p.Wait()
		close(in.done)
	}()
	if err := <-started; err != nil {
		ctl.close()
		if errors.Is(err, unix.EPERM) {
			return ErrNotRoot
		}
		return fmt.Errorf("start the lab init (%s): %w", exe, err)
	}
	childEnd.Close()

	hello := make(chan ctlMsg, 1)
	go func() {
		m, _, err := ctl.recv()
		if err != nil {
			m = ctlMsg{Err: "the lab init ended before it was ready"}
		}
		hello <- m
	}()
	select {
	case m := <-hello:
		if m.Err != "" {
			in.kill()
			return fmt.Errorf("lab init: %s", m.Err)
		}
		in.token = m.Token
	case <-ctx.Done():
		in.kill()
		return ctx.Err()
	case <-time.After(time.Minute): // seconds at most, even on a busy machine
		in.kill()
		return errors.New("lab init: not ready after a minute")
	}
	l.mu.Lock()
	l.init = in
	l.mu.Unlock()
	go l.readControl(in)
	return nil
}

// readControl dispatches the init's messages until it ends.
func (l *Lab) readControl(in *initProc) {
	for {
		m, f, err := in.ctl.recv()
		if f != nil {
			f.Close()
		}
		if errors.Is(err, errCtlMsg) {
			// A damaged message: the lab can no longer be driven, so it ends now rather
			// than leave requests unanswered.
			_ = unix.Kill(in.pid, unix.SIGKILL)
		}
		if err != nil {
			break
		}
		switch m.Op {
		case opExit:
			if p := l.paneBySpawn(in, m.ID); p != nil {
				p.exited(m.ID, m.Status)
			}
		default:
			in.mu.Lock()
			ch := in.waiters[m.ID]
			delete(in.waiters, m.ID)
			in.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		}
	}
	// The init is gone (killed, or it died): tell whoever still waits, and why. Its end of
	// the socket closes as it exits, so it is reaped soon.
	<-in.done
	why := "the lab init ended"
	if c := endCauseOf(in.state); c != EndNone {
		why += ": " + c.String()
	}
	in.mu.Lock()
	for id, ch := range in.waiters {
		ch <- ctlMsg{ID: id, Err: why}
		delete(in.waiters, id)
	}
	in.mu.Unlock()
	l.mu.Lock()
	current := l.init == in
	if current {
		l.ended = true // before the panes say their shells ended, so whoever hears it knows why
		l.endedBy = in
	}
	l.mu.Unlock()
	if current {
		for _, p := range l.panes {
			p.initDied(in)
		}
	}
}

func (l *Lab) paneBySpawn(in *initProc, id int) *Pane {
	for _, p := range l.panes {
		if p.ownsSpawn(in, id) {
			return p
		}
	}
	return nil
}

// request sends m (with an optional fd) to the current init and waits for the reply.
func (l *Lab) request(ctx context.Context, m ctlMsg, f *os.File) (ctlMsg, *initProc, error) {
	return l.requestFor(ctx, m, f, nil)
}

// requestFor is request with a hook called with the request's ID before it is sent.
func (l *Lab) requestFor(ctx context.Context, m ctlMsg, f *os.File, before func(*initProc, int)) (ctlMsg, *initProc, error) {
	l.mu.Lock()
	in := l.init
	if in == nil || l.closed {
		l.mu.Unlock()
		return ctlMsg{}, nil, ErrClosed
	}
	l.nextID++
	m.ID = l.nextID
	l.mu.Unlock()
	if before != nil {
		before(in, m.ID)
	}
	ch := make(chan ctlMsg, 1)
	in.mu.Lock()
	in.waiters[m.ID] = ch
	in.mu.Unlock()
	if err := in.ctl.send(m, f); err != nil {
		in.mu.Lock()
		delete(in.waiters, m.ID)
		in.mu.Unlock()
		return ctlMsg{}, in, fmt.Errorf("lab control: %w", err)
	}
	select {
	case r := <-ch:
		if r.Err != "" {
			return r, in, errors.New(r.Err)
		}
		return r, in, nil
	case <-ctx.Done():
		return ctlMsg{}, in, ctx.Err()
	}
}

// kill ends the init with SIGKILL and waits until it is reaped; the kernel then kills every
// process of its PID namespace.
func (in *initProc) kill() {
	if in.pid > 0 {
		_ = unix.Kill(in.pid, unix.SIGKILL)
	}
	<-in.done
	in.ctl.close()
}
