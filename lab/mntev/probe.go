package mntev

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/nslab/nslab/lab/mnt"
	"golang.org/x/sys/unix"
)

// Report is what Probe found: whether each facility works here, and if not, why.
type Report struct {
	// Statmount is nil when listmount(2) and statmount(2) read another namespace's table
	// exactly as its mountinfo shows it (Linux ≥ 6.11 for sources and fs options).
	Statmount error
	// Fanotify is nil when fanotify(7) reports mounts attached to and detached from
	// another namespace, with IDs that statmount finds (Linux ≥ 6.15).
	Fanotify error
}

// Events reports whether both work, so that a namespace can be followed by events and
// read one changed mount at a time.
func (r Report) Events() bool { return r.Statmount == nil && r.Fanotify == nil }

// Listed reports whether, without mount events, listmount and statmount can still tell
// what came and went at each of mountinfo's wake-ups and read only that (Linux 6.11–6.14,
// or mount events turned off alone).
func (r Report) Listed() bool { return r.Statmount == nil && r.Fanotify != nil }

// Path names the way mount tables are followed with these findings.
func (r Report) Path() string {
	switch {
	case r.Events():
		return "fanotify mount events + statmount"
	case r.Listed():
		return "mountinfo's POLLPRI + listmount + statmount"
	}
	return "mountinfo + POLLPRI"
}

// String says which path is in use and why, in one line.
func (r Report) String() string {
	if r.Events() {
		return r.Path() + ": each mount change read alone (tried in a throwaway namespace)"
	}
	if r.Listed() {
		return r.Path() + " (each mount or unmount read alone, a remount or a propagation change the whole table): fanotify: " + r.Fanotify.Error()
	}
	var why []string
	if r.Fanotify != nil {
		why = append(why, "fanotify: "+r.Fanotify.Error())
	}
	if r.Statmount != nil {
		why = append(why, "statmount: "+r.Statmount.Error())
	}
	return r.Path() + " (whole table per change): " + strings.Join(why, "; ")
}

// probeLimit bounds each wait of the probe: only a hang reaches it.
const probeLimit = 10 * time.Second

// Probe tries both facilities for real: a helper process in a new, private mount
// namespace mounts and unmounts a tmpfs while this process watches and reads that
// namespace from outside, as the lab reads its panes. The helper is exe (default
// /proc/self/exe) started with this package's helper variable set: any program that links
// this package serves, since the package's init runs the helper before the program's main.
// The namespace, and every mount in it, ends with the helper. Needs root.
func Probe(exe string) Report {
	if os.Geteuid() != 0 {
		err := errors.New("not tried: needs root (CAP_SYS_ADMIN)")
		return Report{Statmount: err, Fanotify: err}
	}
	h, err := startProbeHelper(exe)
	if err != nil {
		return Report{Statmount: err, Fanotify: err}
	}
	defer h.stop()
	var r Report
	ns, err := NamespaceOf(h.pid)
	if err != nil {
		r.Statmount = err
	}
	w, err := Watch(h.pid)
	if err != nil {
		r.Fanotify = err
	} else {
		defer w.Close()
	}
	if r.Statmount == nil {
		r.Statmount = sameTable(ns, h.pid, nil)
	}
	if r.Fanotify != nil {
		return r
	}
	// A mount: one event, attached, whose ID statmount reads as mountinfo shows it.
	if err := h.do("mount"); err != nil {
		r.Fanotify = err
		return r
	}
	b, err := awaitBatch(w, func(b Batch) bool { return len(b.Attached) > 0 })
	if err != nil {
		r.Fanotify = fmt.Errorf("after a mount: %w", err)
		return r
	}
	id := b.Attached[0]
	if r.Statmount == nil {
		r.Statmount = sameTable(ns, h.pid, []uint64{id})
	}
	// An unmount: the same ID, detached.
	if err := h.do("umount"); err != nil {
		r.Fanotify = err
		return r
	}
	if _, err := awaitBatch(w, func(b Batch) bool { return slices.Contains(b.Detached, id) }); err != nil {
		r.Fanotify = fmt.Errorf("after an unmount: %w", err)
	}
	return r
}

// sameTable compares the namespace's table read with statmount, or only the mounts ids
// when given, with the helper's mountinfo.
func sameTable(ns Namespace, pid int, ids []uint64) error {
	want, err := mnt.Read(pid)
	if err != nil {
		return err
	}
	var got []Mount
	if ids == nil {
		got, err = ReadTable(ns)
	} else {
		got, _, err = ReadMounts(ns, ids)
	}
	if err != nil {
		if errNoSys(err) {
			return fmt.Errorf("not in this kernel (Linux ≥ 6.11 needed): %w", err)
		}
		return err
	}
	if ids != nil {
		if len(got) != len(ids) {
			return fmt.Errorf("statmount did not find the new mount %d", ids[0])
		}
		for _, w := range want {
			if w.ID == got[0].ID {
				if diff := CompareMount(&got[0], &w); len(diff) > 0 {
					return fmt.Errorf("differs from mountinfo: %s", diff[0])
				}
				return nil
			}
		}
		return fmt.Errorf("the new mount %d (%s) is not in mountinfo", got[0].ID, got[0].Mountpoint)
	}
	if diff := Compare(got, want); len(diff) > 0 {
		return fmt.Errorf("differs from mountinfo in %d place(s), first: %s", len(diff), diff[0])
	}
	return nil
}

func awaitBatch(w *Watcher, ok func(Batch) bool) (Batch, error) {
	deadline := time.After(probeLimit)
	var all Batch
	for {
		select {
		case b := <-w.C():
			all = all.Merge(b)
			if ok(all) {
				return all, nil
			}
		case <-w.Done():
			return all, fmt.Errorf("the watch stopped: %w", w.Err())
		case <-deadline:
			return all, fmt.Errorf("no event within %s", probeLimit)
		}
	}
}

// helperEnv, set to "1", makes any program linking this package run the probe helper.
const helperEnv = "NSLAB_MNTEV_PROBE_HELPER"

func init() {
	// The probe's helper: a re-executed copy of whatever program links this package, so
	// Probe needs no cooperation from main. It runs before anything else of the program.
	if os.Getenv(helperEnv) == "1" {
		os.Exit(helperMain(os.Stdin, os.Stdout))
	}
}

// helperMain runs in the probe's throwaway namespace: it mounts a tmpfs to work in, says
// "ready", then obeys "mount" and "umount" (a tmpfs on a directory with a space in its
// name), one per line, answering "ok" or "error …", until EOF.
func helperMain(in io.Reader, out io.Writer) int {
	base := ""
	for _, d := range []string{"/tmp", "/mnt", "/run", "/dev"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			base = d
			break
		}
	}
	if base == "" {
		fmt.Fprintln(out, "error: no directory to mount on")
		return 1
	}
	// The namespace is private (CLONE_NEWNS through unshare, like unshare(1)): nothing
	// here reaches the caller's namespace.
	if err := unix.Mount("nslab-probe", base, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "size=64k,mode=0755"); err != nil {
		fmt.Fprintf(out, "error: mount tmpfs on %s: %v\n", base, err)
		return 1
	}
	target := filepath.Join(base, "a b")
	if err := os.Mkdir(target, 0o755); err != nil {
		fmt.Fprintf(out, "error: %v\n", err)
		return 1
	}
	fmt.Fprintln(out, "ready")
	lines := bufio.NewScanner(in)
	for lines.Scan() {
		var err error
		switch lines.Text() {
		case "mount":
			err = unix.Mount("nslab probe", target, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC|unix.MS_NOATIME, "size=16k")
		case "umount":
			err = unix.Unmount(target, 0)
		default:
			err = fmt.Errorf("unknown command %q", lines.Text())
		}
		if err != nil {
			fmt.Fprintf(out, "error %s: %v\n", lines.Text(), err)
			continue
		}
		fmt.Fprintln(out, "ok")
	}
	return 0
}

// probeHelper is a running helper.
type probeHelper struct {
	cmd   *exec.Cmd
	pid   int
	stdin io.WriteCloser
	lines chan string
}

func startProbeHelper(exe string) (*probeHelper, error) {
	if exe == "" {
		exe = "/proc/self/exe"
	}
	cmd := exec.Command(exe)
	cmd.Env = []string{helperEnv + "=1"}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// Unshareflags (not Cloneflags): the new namespace's mounts are made private, as
		// unshare(1) does, so the helper's mounts never propagate back here.
		Unshareflags: unix.CLONE_NEWNS,
		Pdeathsig:    syscall.SIGKILL,
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	// Pdeathsig follows the parent thread: start from a locked thread that stays alive
	// (a thread unlocked later is not ended, so the helper outlives this call only until
	// stop).
	runtime.LockOSThread()
	err = cmd.Start()
	runtime.UnlockOSThread()
	if err != nil {
		return nil, fmt.Errorf("start the probe's helper %s: %w", exe, err)
	}
	h := &probeHelper{cmd: cmd, pid: cmd.Process.Pid, stdin: stdin, lines: make(chan string, 4)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			h.lines <- sc.Text()
		}
		close(h.lines)
	}()
	if err := h.await(); err != nil {
		h.stop()
		return nil, fmt.Errorf("the probe's helper (%s in a new mount namespace): %w", exe, err)
	}
	return h, nil
}

// await waits for the helper's next answer.
func (h *probeHelper) await() error {
	select {
	case line, ok := <-h.lines:
		switch {
		case !ok:
			return errors.New("it exited without answering")
		case line == "ok" || line == "ready":
			return nil
		default:
			return errors.New(line)
		}
	case <-time.After(probeLimit):
		return fmt.Errorf("no answer within %s", probeLimit)
	}
}

func (h *probeHelper) do(command string) error {
	if _, err := io.WriteString(h.stdin, command+"\n"); err != nil {
		return fmt.Errorf("probe helper %s: %w", command, err)
	}
	if err := h.await(); err != nil {
		return fmt.Errorf("probe helper %s: %w", command, err)
	}
	return nil
}

// stop ends the helper (EOF on its input; killed if it does not go) and reaps it, after
// reading what it still printed.
func (h *probeHelper) stop() {
	h.stdin.Close()
	kill := time.AfterFunc(probeLimit, func() { _ = h.cmd.Process.Kill() })
	for range h.lines {
	}
	kill.Stop()
	_ = h.cmd.Wait()
}
