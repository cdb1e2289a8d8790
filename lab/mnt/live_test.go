package mnt

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
	"golang.org/x/sys/unix"
)

// guard bounds every wait for something that must happen, so a broken watcher fails the
// test instead of hanging it. It is not a speed requirement (speed is in the benchmarks):
// the waits below end on progress, and the guard only on a watcher stuck for minutes.
const guard = 2 * time.Minute

// capturedFixture is written by TestLiveFixtureMounts when NSLAB_MNT_CAPTURE=1 (an
// environment variable, because labtest re-runs the test without our flags).
const capturedFixture = "testdata/lab-vm.mountinfo"

// The fixture mounts, all under a tmpfs on /tmp of a throwaway namespace.
const (
	fxSpace      = "/tmp/lab/with space"
	fxTab        = "/tmp/lab/tab\there"
	fxBackslash  = `/tmp/lab/back\slash`
	fxNewline    = "/tmp/lab/new\nline"
	fxShared     = "/tmp/lab/shared"
	fxSlave      = "/tmp/lab/slave"
	fxUnbindable = "/tmp/lab/unbindable"
	fxReadOnly   = "/tmp/lab/ro"
	fxReadOnlyOf = "/tmp/lab/src"
)

// setupFixtureMounts makes the mounts the captured fixture shows: paths that need
// escaping, a shared mount with a slave bind of it, an unbindable mount and a read-only
// bind. Only in a throwaway namespace.
func setupFixtureMounts(t *testing.T) {
	t.Helper()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("mount tmpfs on /tmp", unix.Mount("nslab-fixture", "/tmp", "tmpfs", 0, "size=1m"))
	for _, d := range []string{fxSpace, fxTab, fxBackslash, fxNewline, fxShared, fxSlave, fxUnbindable, fxReadOnly, fxReadOnlyOf} {
		must("mkdir "+d, os.MkdirAll(d, 0o755))
	}
	must("mount "+fxSpace, unix.Mount("my disk", fxSpace, "tmpfs", 0, "size=1m"))
	must("mount "+fxTab, unix.Mount("tab", fxTab, "tmpfs", 0, "size=1m"))
	must("mount "+fxBackslash, unix.Mount("backslash", fxBackslash, "tmpfs", 0, "size=1m"))
	must("mount "+fxNewline, unix.Mount("newline", fxNewline, "tmpfs", 0, "size=1m"))
	must("mount "+fxShared, unix.Mount("peer", fxShared, "tmpfs", 0, "size=1m"))
	must("make-shared "+fxShared, unix.Mount("", fxShared, "", unix.MS_SHARED, ""))
	must("bind "+fxSlave, unix.Mount(fxShared, fxSlave, "", unix.MS_BIND, ""))
	must("make-slave "+fxSlave, unix.Mount("", fxSlave, "", unix.MS_SLAVE, ""))
	must("mount "+fxUnbindable, unix.Mount("unbindable", fxUnbindable, "tmpfs", 0, "size=1m"))
	must("make-unbindable "+fxUnbindable, unix.Mount("", fxUnbindable, "", unix.MS_UNBINDABLE, ""))
	must("bind "+fxReadOnly, unix.Mount(fxReadOnlyOf, fxReadOnly, "", unix.MS_BIND, ""))
	must("remount ro "+fxReadOnly, unix.Mount("", fxReadOnly, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, ""))
}

func findMount(t *testing.T, mounts []Mount, mountpoint string) *Mount {
	t.Helper()
	var found *Mount
	for i := range mounts {
		if mounts[i].Mountpoint == mountpoint {
			found = &mounts[i] // the last one is on top
		}
	}
	if found == nil {
		t.Fatalf("no mount on %q", mountpoint)
	}
	return found
}

// checkFixtureMounts asserts what the kernel must show for setupFixtureMounts.
func checkFixtureMounts(t *testing.T, mounts []Mount) {
	t.Helper()
	for _, c := range []struct{ mountpoint, source string }{
		{fxSpace, "my disk"}, {fxTab, "tab"}, {fxBackslash, "backslash"}, {fxNewline, "newline"},
	} {
		if m := findMount(t, mounts, c.mountpoint); m.Source != c.source || m.FSType != "tmpfs" {
			t.Errorf("%q: source %q fstype %q, want %q tmpfs", c.mountpoint, m.Source, m.FSType, c.source)
		}
	}
	shared, slave := findMount(t, mounts, fxShared), findMount(t, mounts, fxSlave)
	if shared.Propagation.Type != Shared || shared.Propagation.PeerGroup == 0 {
		t.Errorf("%s: propagation %+v, want shared:N", fxShared, shared.Propagation)
	}
	if slave.Propagation.Type != Slave || slave.Propagation.Master != shared.Propagation.PeerGroup {
		t.Errorf("%s: propagation %+v, want master:%d", fxSlave, slave.Propagation, shared.Propagation.PeerGroup)
	}
	if slave.Key() == shared.Key() || slave.Major != shared.Major || slave.Minor != shared.Minor {
		t.Errorf("slave bind %+v should be the same filesystem as %+v on another mount point", slave.Key(), shared.Key())
	}
	if m := findMount(t, mounts, fxUnbindable); m.Propagation != (Propagation{Type: Unbindable}) {
		t.Errorf("%s: propagation %+v, want unbindable", fxUnbindable, m.Propagation)
	}
	ro := findMount(t, mounts, fxReadOnly)
	if opts := strings.Split(ro.Options, ","); opts[0] != "ro" {
		t.Errorf("%s: per-mount options %q, want ro", fxReadOnly, ro.Options)
	}
	if super := strings.Split(ro.VFSOptions, ","); super[0] != "rw" {
		t.Errorf("%s: super options %q, want rw", fxReadOnly, ro.VFSOptions)
	}
	if ro.Root != "/lab/src" {
		t.Errorf("%s: root %q, want /lab/src (the bound directory within the /tmp tmpfs)", fxReadOnly, ro.Root)
	}
}

// The kernel's own table, read live: escapes, propagation, a read-only bind.
func TestLiveFixtureMounts(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	setupFixtureMounts(t)
	raw, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, esc := range []string{`with\040space`, `tab\011here`, `back\134slash`, `new\012line`, `my\040disk`} {
		if !strings.Contains(string(raw), esc) {
			t.Errorf("mountinfo does not contain %s", esc)
		}
	}
	mounts, err := Read(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureMounts(t, mounts)
	if os.Getenv("NSLAB_MNT_CAPTURE") == "1" {
		if err := os.WriteFile(capturedFixture, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", capturedFixture)
	}
}

func TestReadMissingProcess(t *testing.T) {
	_, err := Read(-1)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Read(-1) = %v, want an error that is os.ErrNotExist", err)
	}
	if !strings.Contains(err.Error(), "/proc/-1/mountinfo") {
		t.Errorf("error %q does not name the path", err)
	}
	// -1 as from open(2), so that closing it by mistake cannot close another descriptor.
	if fd, err := openProc("/proc/-1/mountinfo"); fd != -1 || err == nil {
		t.Errorf("openProc of a missing file = %d, %v; want -1 and an error", fd, err)
	}
}

// Read takes a table of any size: a helper's table of 1,000 mounts is larger than the
// 64 KiB that the first read(2) asks for. Not in a throwaway namespace of its own: the
// helper mounts in its own, and this process only reads.
func TestReadLargeTable(t *testing.T) {
	labtest.RequireRoot(t)
	h := startHelper(t, helperOptions{total: 1000})
	path := "/proc/" + strconv.Itoa(h.pid) + "/mountinfo"
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) <= 64<<10 {
		t.Fatalf("the helper's table has %d bytes, want more than 64 KiB", len(want))
	}
	got, err := readProcFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("readProcFile gave %d bytes, os.ReadFile %d; they differ", len(got), len(want))
	}
	mounts, err := Read(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	if len(mounts) != h.mounts || h.mounts != 1000 {
		t.Fatalf("Read gave %d mounts, the helper counted %d, want 1000", len(mounts), h.mounts)
	}
	if m := findMount(t, mounts, h.dir); m.Source != "nslab-helper" || m.FSType != "tmpfs" {
		t.Errorf("the helper's tmpfs on %s reads as %s %s", h.dir, m.FSType, m.Source)
	}
}

// pollThread returns the watcher's poll thread ID once its goroutine runs.
func pollThread(t *testing.T, w *Watcher) int {
	t.Helper()
	for deadline := time.Now().Add(guard); ; time.Sleep(time.Millisecond) {
		if tid := w.tid.Load(); tid != 0 {
			return int(tid)
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for the watch goroutine to start", guard)
		}
	}
}

// threadState reads a thread of this process from /proc: its state letter, its voluntary
// context switches (one more each time it goes to sleep) and its system call with the
// arguments ("running" while it runs), from proc(5) status and syscall.
func threadState(t *testing.T, tid int) (state string, sleeps int, syscall []string) {
	t.Helper()
	dir := "/proc/self/task/" + strconv.Itoa(tid) + "/"
	status, err := os.ReadFile(dir + "status")
	if err != nil {
		t.Fatal(err)
	}
	sleeps = -1
	for line := range strings.Lines(string(status)) {
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		switch name {
		case "State":
			state, _, _ = strings.Cut(value, " ")
		case "voluntary_ctxt_switches":
			if sleeps, err = strconv.Atoi(value); err != nil {
				t.Fatalf("%sstatus: %v", dir, err)
			}
		}
	}
	if state == "" || sleeps < 0 {
		t.Fatalf("%sstatus has no State or voluntary_ctxt_switches:\n%s", dir, status)
	}
	call, err := os.ReadFile(dir + "syscall")
	if err != nil {
		t.Fatal(err)
	}
	return state, sleeps, strings.Fields(string(call))
}

// inPoll reports whether a thread sleeps in ppoll(2), the call behind unix.Poll.
func inPoll(state string, syscall []string) bool {
	return state == "S" && len(syscall) > 3 && syscall[0] == strconv.Itoa(unix.SYS_PPOLL)
}

// awaitPoll waits until the watcher's poll thread sleeps in ppoll(2) having gone to sleep
// more than after times, and returns how many times it has. Since mount(2) wakes the
// pollers before it returns, a thread asleep again after a mount has seen it.
func awaitPoll(t *testing.T, w *Watcher, after int, what string) (sleeps int) {
	t.Helper()
	tid := pollThread(t, w)
	for deadline := time.Now().Add(guard); ; time.Sleep(time.Millisecond) {
		state, sleeps, call := threadState(t, tid)
		if inPoll(state, call) && sleeps > after {
			return sleeps
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for the poll thread to sleep in ppoll(2) %s: state %s, %d sleeps (%d before), system call %q",
				guard, what, state, sleeps, after, call)
		}
	}
}

// waitSignal waits for a change signal from w after something that changed the watched
// table, done when the poll thread had gone to sleep slept times: the signal, or the
// thread back asleep without having sent it (a failure), whichever comes first.
func waitSignal(t *testing.T, w *Watcher, slept int, after string) {
	t.Helper()
	tid := pollThread(t, w)
	for deadline := time.Now().Add(guard); ; time.Sleep(time.Millisecond) {
		select {
		case <-w.C():
			return
		case <-w.Done():
			t.Fatalf("watch stopped instead of signalling %s: %v", after, w.Err())
		default:
		}
		state, sleeps, call := threadState(t, tid)
		if inPoll(state, call) && sleeps > slept {
			select {
			case <-w.C():
				return
			default:
				t.Fatalf("the poll thread woke after %s and went back to sleep in ppoll(2) without a signal", after)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for a signal after %s: none; poll thread state %s, %d sleeps (%d before), system call %q",
				guard, after, state, sleeps, slept, call)
		}
	}
}

// A mount made by another process in another namespace reaches the watcher; Read and
// Changes then show exactly that mount, and it is not in this namespace.
func TestWatchSeesMountInAnotherNamespace(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	h := startHelper(t, helperOptions{})
	w, err := Watch(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	before, err := Read(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	extra := filepath.Join(h.dir, "extra")

	slept := awaitPoll(t, w, -1, "after Watch")
	h.do(t, "mount")
	waitSignal(t, w, slept, "the helper's mount")
	after, err := Read(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	changes := Changes(before, after)
	if len(changes) != 1 || changes[0].Kind != Added || changes[0].Mount.Mountpoint != extra ||
		changes[0].Mount.FSType != "tmpfs" || changes[0].Mount.Source != "nslab-extra" {
		t.Fatalf("changes after the helper's mount: %+v, want one tmpfs added on %s", changes, extra)
	}
	own, err := Read(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range own {
		if m.Mountpoint == extra || m.Mountpoint == h.dir {
			t.Errorf("the helper's private mount on %s shows in this namespace", m.Mountpoint)
		}
	}

	slept = awaitPoll(t, w, -1, "after the signal")
	h.do(t, "umount")
	waitSignal(t, w, slept, "the helper's umount")
	again, err := Read(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	changes = Changes(after, again)
	if len(changes) != 1 || changes[0].Kind != Removed || changes[0].Mount.Mountpoint != extra {
		t.Fatalf("changes after the helper's umount: %+v, want one removal of %s", changes, extra)
	}
}

// An idle watcher's thread sleeps in ppoll(2) on its three descriptors with no timeout,
// and a mount in another namespace (this one) does not wake it.
func TestWatchQuietWhileIdle(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	h := startHelper(t, helperOptions{})
	w, err := Watch(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tid := pollThread(t, w)
	slept := awaitPoll(t, w, -1, "after Watch")
	// ppoll(fds, nfds, tmo_p, sigmask, sigsetsize): a null tmo_p blocks without a timeout.
	if _, _, call := threadState(t, tid); call[2] != "0x3" || call[3] != "0x0" {
		t.Errorf("poll thread in ppoll with nfds %s and timeout pointer %s, want 0x3 and 0x0 (no timeout)", call[2], call[3])
	}

	// mount(2) wakes the pollers of its own namespace before it returns, so a thread
	// woken by this mount would be running or would have slept again by now.
	dir := t.TempDir()
	if err := unix.Mount("elsewhere", dir, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
	state, sleeps, call := threadState(t, tid)
	if !inPoll(state, call) || sleeps != slept {
		t.Errorf("after a mount in another namespace the poll thread is in state %s, system call %q, asleep %d times (%d before); want still asleep in ppoll",
			state, call, sleeps, slept)
	}
	select {
	case <-w.C():
		t.Fatal("signal although the helper's table did not change (a mount in another namespace)")
	case <-w.Done():
		t.Fatalf("watch stopped: %v", w.Err())
	default:
	}
	h.do(t, "mount") // and it still works
	waitSignal(t, w, slept, "the helper's mount")
}

// Signals that interrupt poll(2) neither stop the watch nor count as changes.
func TestWatchSurvivesEINTR(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	w, err := Watch(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tid := pollThread(t, w)
	for deadline := time.Now().Add(guard); w.interrupts.Load() < 3; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for poll(2) to be interrupted 3 times by SIGURG: %d", guard, w.interrupts.Load())
		}
		// SIGURG: Go's preemption signal, which the runtime handles and ignores.
		if err := unix.Tgkill(os.Getpid(), tid, unix.SIGURG); err != nil {
			t.Fatalf("tgkill: %v", err)
		}
	}
	slept := awaitPoll(t, w, -1, "after the interruptions")
	select {
	case <-w.C():
		t.Fatal("EINTR was reported as a change")
	case <-w.Done():
		t.Fatalf("EINTR stopped the watch: %v", w.Err())
	default:
	}
	dir := t.TempDir()
	if err := unix.Mount("after-eintr", dir, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
	waitSignal(t, w, slept, "a mount after the interruptions")
}

// A burst of changes while nobody receives is one pending signal, and never blocks the
// watch: Close still returns.
func TestWatchCoalesces(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	w, err := Watch(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	dir := t.TempDir()
	const burst = 20
	t.Cleanup(func() {
		for range burst {
			_ = unix.Unmount(dir, unix.MNT_DETACH)
		}
	})
	slept := awaitPoll(t, w, -1, "after Watch")
	for i := range burst {
		if err := unix.Mount("burst"+strconv.Itoa(i), dir, "tmpfs", 0, ""); err != nil {
			t.Fatal(err)
		}
	}
	// Asleep again after the last mount: the watch has seen the whole burst.
	awaitPoll(t, w, slept, "after a burst of mounts")
	if len(w.changed) != 1 {
		t.Fatalf("%d signals pending after a burst of %d mounts, want 1", len(w.changed), burst)
	}
	closed := make(chan error)
	go func() { closed <- w.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(guard):
		t.Fatal("Close did not return while a signal was pending: the watch blocked on a send")
	}
	// The goroutine has ended, so what is queued now is final.
	pending := 0
	for range len(w.changed) {
		<-w.changed
		pending++
	}
	if pending != 1 {
		t.Errorf("%d signals pending after a burst of %d mounts, want 1", pending, burst)
	}
}

// countFDs counts this process's open descriptors.
func countFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// Close ends the goroutine and closes all three descriptors; a second Close is harmless.
func TestWatchCloseReleasesEverything(t *testing.T) {
	// Go's runtime opens its netpoller (two descriptors) at its first timer, which under
	// go test is the -timeout alarm but without it may be in pollThread's wait: sleep
	// once, so that only the watcher's descriptors are counted.
	time.Sleep(time.Nanosecond)
	fds := countFDs(t)
	goroutines := runtime.NumGoroutine()
	w, err := Watch(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	tid := pollThread(t, w)
	if got := countFDs(t); got != fds+3 {
		t.Errorf("open descriptors while watching: %d, want %d", got, fds+3)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case <-w.Done():
	default:
		t.Fatal("Done is not closed after Close")
	}
	if !errors.Is(w.Err(), ErrWatcherClosed) {
		t.Errorf("Err after Close = %v, want ErrWatcherClosed", w.Err())
	}
	if got := countFDs(t); got != fds {
		t.Errorf("open descriptors after Close: %d, want %d", got, fds)
	}
	for _, fd := range []int{w.mountinfo, w.pidfd, w.wake} {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); !errors.Is(err, unix.EBADF) {
			t.Errorf("descriptor %d still open after Close", fd)
		}
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// The goroutine ends; its thread lives on, unlocked (a thread that ended would fire
	// the Pdeathsig of children forked from it).
	for deadline := time.Now().Add(guard); runtime.NumGoroutine() > goroutines; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after Close: %d goroutines, were %d", runtime.NumGoroutine(), goroutines)
		}
	}
	if _, err := os.Stat("/proc/self/task/" + strconv.Itoa(tid)); err != nil {
		t.Errorf("the poll thread ended with the watcher: %v", err)
	}
}

// The watch ends with ErrProcessExited when the process exits, instead of spinning.
func TestWatchReportsExit(t *testing.T) {
	h := startHelper(t, helperOptions{idle: true})
	w, err := Watch(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := h.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.Done():
	case <-time.After(guard):
		t.Fatal("watch did not stop when the process exited")
	}
	if !errors.Is(w.Err(), ErrProcessExited) {
		t.Errorf("Err = %v, want ErrProcessExited", w.Err())
	}
	// Not reaped yet: a zombie.
	if _, err := Watch(h.pid); !errors.Is(err, ErrProcessExited) {
		t.Errorf("Watch of a zombie = %v, want ErrProcessExited", err)
	}
	h.stop()
	_, err = Watch(h.pid)
	if !errors.Is(err, ErrProcessExited) {
		t.Errorf("Watch of a reaped process = %v, want ErrProcessExited", err)
	}
}

// Across two namespaces whose copies are peers (clone(2) with CLONE_NEWNS under a shared
// root), every mount is InBoth with the same peer group; after one side leaves the group
// and shares again, the pair is Changed on propagation alone, and the new peer group
// number is one the other namespace does not use.
func TestDiffPeersAcrossNamespaces(t *testing.T) {
	if !labtest.InNewNamespaceWith(t, labtest.Options{SharedRoot: true}) {
		return
	}
	h := startHelper(t, helperOptions{keepPropagation: true})
	// The helper's tmpfs propagated here; unmount it before its directory is removed.
	t.Cleanup(func() { _ = unix.Unmount(h.dir, unix.MNT_DETACH) })
	own, err := Read(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := Read(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	rows := Diff(own, theirs)
	if len(rows) != len(own) || len(own) != len(theirs) {
		t.Fatalf("%d rows for tables of %d and %d mounts, want peers matched one to one", len(rows), len(own), len(theirs))
	}
	for _, r := range rows {
		if r.Class != InBoth || r.Host.ID == r.NS.ID && r.Host.Mountpoint != "/" {
			t.Errorf("%s: class %d, IDs %d and %d; want InBoth with new IDs in the copy", r.Point(), r.Class, idOf(r.Host), idOf(r.NS))
		}
	}
	if base := findMount(t, own, h.dir); base.Source != "nslab-helper" || base.Propagation.Type != Shared {
		t.Fatalf("the helper's tmpfs did not propagate here as a shared peer: %+v", base)
	}

	h.do(t, "reshare")
	own, err = Read(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	theirs, err = Read(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	var row *DiffRow
	for _, r := range Diff(own, theirs) {
		if r.Point() == h.dir {
			row = &r
		} else if r.Class != InBoth {
			t.Errorf("%s: class %d after reshare of another mount", r.Point(), r.Class)
		}
	}
	if row == nil || row.Class != Changed || row.Differs != DiffPropagation {
		t.Fatalf("after reshare: row %+v, want Changed on propagation only", row)
	}
	group := row.NS.Propagation.PeerGroup
	if row.NS.Propagation.Type != Shared || group == row.Host.Propagation.PeerGroup {
		t.Fatalf("after reshare: host %s, ns %s; want both shared in different groups", row.Host.Propagation, row.NS.Propagation)
	}
	if slices.ContainsFunc(own, func(m Mount) bool { return m.Propagation.PeerGroup == group }) {
		t.Errorf("the new peer group %d is also used in the other namespace", group)
	}
}

func idOf(m *Mount) int {
	if m == nil {
		return 0
	}
	return m.ID
}
