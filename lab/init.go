package lab

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// InitCommand is the hidden first argument that makes nslab run as the lab's init.
const InitCommand = "__nslab-lab-init"

// WorkspaceSource is the source name of the lab's workspace tmpfs, so it is easy to spot
// in a mount table (and easy to prove absent from the real host's).
const WorkspaceSource = "nslab-workspace"

// IsInit reports whether args (os.Args) ask for the lab's init.
func IsInit(args []string) bool {
	return len(args) > 1 && args[1] == InitCommand
}

// InitMain is the lab's init: PID 1 of a new PID namespace, in a new mount namespace.
// It sets the namespace up, then starts and reaps the pane shells on request. It returns the
// process exit code; the caller (cmd/nslab, or a test binary's TestMain) exits with it.
func InitMain() int {
	// close_range(2) with CLOSE_RANGE_CLOEXEC: descriptors inherited from whoever started
	// nslab (fd 3, the control socket, is duplicated close-on-exec below) must not reach
	// the shells, which hold only fds 0–2.
	_ = unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	// Signals sent from inside the lab (a learner's `kill 1`) must not end it; nslab ends
	// it with SIGKILL or by closing the control socket. They are caught, not ignored: an
	// ignored signal stays ignored across execve(2), and the shells need Ctrl-C.
	quiet := make(chan os.Signal, 16)
	signal.Notify(quiet, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT,
		syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGPIPE, syscall.SIGUSR1, syscall.SIGUSR2)
	go func() {
		for range quiet {
		}
	}()
	ctl, err := newCtlConn(os.NewFile(3, "ctl"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "nslab init:", err)
		return 2
	}
	defer ctl.close()
	userRootfs := ""
	if len(os.Args) > 2 {
		userRootfs = os.Args[2]
	}
	token, err := setupLabHost(userRootfs)
	if err != nil {
		_ = ctl.send(ctlMsg{Op: opHello, Err: err.Error()}, nil)
		return 1
	}
	if err := ctl.send(ctlMsg{Op: opHello, Token: token}, nil); err != nil {
		return 1
	}
	return initLoop(ctl, userRootfs != "")
}

// setupLabHost makes this mount namespace safe and gives it a fresh /proc, /dev/pts, /run
// and workspace, with the user's rootfs (if any) as an overlay in it.
func setupLabHost(userRootfs string) (token string, err error) {
	// mount(2) MS_SLAVE|MS_REC on /: host mounts still propagate in, ours never out —
	// even when the real / is shared (systemd). mount_namespaces(7).
	if err := unix.Mount("", "/", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return "", &os.PathError{Op: "make rslave", Path: "/", Err: err}
	}
	// The lab's own proc, devpts and /run, and nothing of the host's in their place or
	// elsewhere (guard.go).
	if err := guardLabHost(); err != nil {
		return "", err
	}
	// The user's rootfs may live under /tmp, which the workspace is about to cover: hold it
	// by a descriptor first.
	var userFD int = -1
	if userRootfs != "" {
		if userFD, err = unix.Open(userRootfs, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err != nil {
			return "", &os.PathError{Op: "open rootfs", Path: userRootfs, Err: err}
		}
		defer unix.Close(userFD)
	}
	// The workspace: the lab's /tmp is its own tmpfs, so nothing a scenario writes there
	// reaches the real disk. Not nodev: the rootfs built in it gets a real /dev/null.
	if err := unix.Mount(WorkspaceSource, "/tmp", "tmpfs", unix.MS_NOSUID, "mode=1777,size=25%"); err != nil {
		return "", &os.PathError{Op: "mount tmpfs", Path: "/tmp", Err: err}
	}
	if err := os.MkdirAll(WorkspaceDir, 0o755); err != nil {
		return "", err
	}
	if paneHome() == RootlessHome {
		if err := os.Mkdir(RootlessHome, 0o700); err != nil {
			return "", err
		}
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token = "nslab-canary-" + hex.EncodeToString(b)
	files := []struct {
		path, body string
		mode       os.FileMode
	}{
		{CanaryPath, token + "\n", 0o644},
		{ShRCPath, shRC, 0o644},
		{BashRCPath, bashRC, 0o644},
	}
	for _, f := range files {
		if err := os.WriteFile(f.path, []byte(f.body), f.mode); err != nil {
			return "", err
		}
	}
	if userFD >= 0 {
		if err := overlayUserRootfs(userFD); err != nil {
			return "", err
		}
	}
	return token, nil
}

// Where the user's rootfs is layered in the workspace.
const (
	userLower = WorkspaceDir + "/.rootfs-lower"
	userUpper = WorkspaceDir + "/.rootfs-upper"
	userWork  = WorkspaceDir + "/.rootfs-work"
	// UserRootfsSource is the overlay's source name in the mount table.
	UserRootfsSource = "nslab-rootfs"
)

// overlayUserRootfs mounts an overlay at RootfsDir whose lower layer is the user's rootfs
// and whose upper layer is in the workspace tmpfs: the lessons write into it (mkdir
// /escape, the nslab applet, pivot_root's old_root) and the user's directory stays as it
// was. overlayfs(5); the lower layer is first bound from the held descriptor.
func overlayUserRootfs(fd int) error {
	for _, d := range []string{userLower, userUpper, userWork, RootfsDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := unix.Mount(fmt.Sprintf("/proc/self/fd/%d", fd), userLower, "", unix.MS_BIND, ""); err != nil {
		return &os.PathError{Op: "bind the user's rootfs", Path: userLower, Err: err}
	}
	opts := "lowerdir=" + userLower + ",upperdir=" + userUpper + ",workdir=" + userWork
	if err := unix.Mount(UserRootfsSource, RootfsDir, "overlay", 0, opts); err != nil {
		return &os.PathError{Op: "mount overlay", Path: RootfsDir, Err: err}
	}
	return nil
}

type shellProc struct {
	id   int
	role Role
}

// initLoop serves spawn requests and reports every shell that ends. As PID 1 it also reaps
// orphans, which the kernel reparents to it.
func initLoop(ctl *ctlConn, userRootfs bool) int {
	reqs := make(chan ctlReq)
	go func() {
		defer close(reqs)
		for {
			m, f, err := ctl.recv()
			if err != nil {
				return
			}
			reqs <- ctlReq{m, f}
		}
	}()
	sigchld := make(chan os.Signal, 1)
	signal.Notify(sigchld, syscall.SIGCHLD)
	shells := map[int]shellProc{} // by pid in this namespace
	// The lessons' rootfs is built once both shells run and nothing waits, so the free-form
	// lab has it where the lessons say too, without slowing the start; a later rootfs
	// request finds it built. In this loop, as that request is: the build's own children
	// must not be reaped under it.
	prebuild := true
	for {
		if prebuild && len(shells) >= 2 {
			select {
			case r, ok := <-reqs:
				if !ok {
					return 0
				}
				handleRequest(ctl, r, shells)
			case <-sigchld:
				reap(ctl, shells)
			default:
				prebuild = false
				_, _ = buildRootfs(RootfsDir, userRootfs) // an error is told to the request that needs it
			}
			continue
		}
		select {
		case r, ok := <-reqs:
			if !ok {
				return 0 // nslab closed the socket: the lab ends with us
			}
			handleRequest(ctl, r, shells)
		case <-sigchld:
			reap(ctl, shells)
		}
	}
}

type ctlReq struct {
	m ctlMsg
	f *os.File
}

func handleRequest(ctl *ctlConn, r ctlReq, shells map[int]shellProc) {
	switch r.m.Op {
	case opSpawn:
		pid, err := spawnShell(r.m, r.f)
		if r.f != nil {
			r.f.Close()
		}
		reply := ctlMsg{Op: opSpawned, ID: r.m.ID, PID: pid}
		if err != nil {
			reply.Err = err.Error()
		} else {
			shells[pid] = shellProc{id: r.m.ID, role: r.m.Role}
		}
		_ = ctl.send(reply, nil)
	case opRootfs:
		detail, err := buildRootfs(r.m.Rootfs, r.m.InHost)
		reply := ctlMsg{Op: opRootfs, ID: r.m.ID, Rootfs: r.m.Rootfs, Detail: detail}
		if err != nil {
			reply.Err = err.Error()
		}
		_ = ctl.send(reply, nil)
	default:
		if r.f != nil {
			r.f.Close()
		}
		_ = ctl.send(ctlMsg{Op: r.m.Op, ID: r.m.ID, Err: "unknown operation " + r.m.Op}, nil)
	}
}

// spawnShell starts a pane shell on the pty slave tty: its own session with the tty as its
// controlling terminal (setsid(2), TIOCSCTTY), only fds 0–2, and for the ns pane a new
// mount namespace made private, as unshare --mount does.
func spawnShell(m ctlMsg, tty *os.File) (int, error) {
	if tty == nil {
		return 0, errors.New("spawn: no pty attached")
	}
	if len(m.Argv) == 0 {
		return 0, errors.New("spawn: empty command")
	}
	sys := &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if m.Role == NS && !m.InHost {
		// Unshareflags (not Cloneflags) with CLONE_NEWNS also makes / recursively private in
		// the child, so nothing propagates between the panes unless a lesson asks for it.
		sys.Unshareflags = unix.CLONE_NEWNS
	}
	dir := m.Dir
	if dir == "" {
		dir = "/"
	}
	p, err := os.StartProcess(m.Argv[0], m.Argv, &os.ProcAttr{
		Dir:   dir,
		Env:   m.Env,
		Files: []*os.File{tty, tty, tty},
		Sys:   sys,
	})
	if err != nil {
		return 0, err
	}
	pid := p.Pid
	_ = p.Release() // reaped by reap(), not by os.Process.Wait
	return pid, nil
}

// reap collects every ended child (wait4(2), WNOHANG) and reports the shells.
func reap(ctl *ctlConn, shells map[int]shellProc) {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if err == unix.EINTR {
			continue
		}
		if pid <= 0 || err != nil {
			return
		}
		sh, ok := shells[pid]
		if !ok {
			continue // an orphan reparented to us
		}
		delete(shells, pid)
		_ = ctl.send(ctlMsg{Op: opExit, ID: sh.id, Role: sh.role, PID: pid, Status: exitCode(ws)}, nil)
	}
}

// exitCode turns a wait status into a shell-style status: the exit code, or 128+signal.
func exitCode(ws unix.WaitStatus) int {
	switch {
	case ws.Exited():
		return ws.ExitStatus()
	case ws.Signaled():
		return 128 + int(ws.Signal())
	}
	return -1
}
