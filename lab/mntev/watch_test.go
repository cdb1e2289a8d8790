package mntev

import (
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

// awaitBatches receives batches until ok holds for all of them merged, and returns that.
func awaitBatches(t *testing.T, w *Watcher, what string, ok func(Batch) bool) Batch {
	t.Helper()
	var all Batch
	deadline := time.After(labtest.Patience)
	for {
		select {
		case b := <-w.C():
			all = all.Merge(b)
			if ok(all) {
				return all
			}
		case <-w.Done():
			t.Fatalf("the watch stopped while waiting for %s: %v (so far %+v)", what, w.Err(), all)
		case <-deadline:
			t.Fatalf("waited %s for %s: so far %+v", labtest.Patience, what, all)
		}
	}
}

func readOne(t *testing.T, ns Namespace, id uint64) Mount {
	t.Helper()
	found, gone, err := ReadMounts(ns, []uint64{id})
	if err != nil || len(found) != 1 {
		t.Fatalf("ReadMounts(%d): found %+v, gone %v, %v", id, found, gone, err)
	}
	return found[0]
}

// Attach and detach reach the watcher with the IDs that listmount and statmount use; a
// move is both; a lazy unmount of a tree detaches each mount in it; remounts and
// propagation changes send nothing.
func TestWatchAttachDetach(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	h := startHelper(t, false)
	h.do(t, cmd("mount", "base", dir, "tmpfs", "0", "size=64k"))
	for _, d := range []string{"a", "b", "c", "d", "m", "n"} {
		h.do(t, cmd("mkdir", p(d)))
	}
	w, err := Watch(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ns := w.Namespace()
	if want, err := NamespaceOf(h.pid); err != nil || want != ns {
		t.Fatalf("watching %+v, the helper is in %+v (%v)", ns, want, err)
	}
	before, err := ReadIDs(ns)
	if err != nil {
		t.Fatal(err)
	}

	h.do(t, cmd("mount", "a", p("a"), "tmpfs", "0", "size=64k"))
	b := awaitBatches(t, w, "the mount on a", func(b Batch) bool { return len(b.Attached) > 0 })
	if len(b.Attached) != 1 || len(b.Detached) != 0 || b.Overflow {
		t.Fatalf("after one mount: %+v, want one ID attached", b)
	}
	id := b.Attached[0]
	if slices.Contains(before, id) {
		t.Fatalf("the new mount's ID %d was listed before it was made", id)
	}
	if m := readOne(t, ns, id); m.Mountpoint != p("a") || m.Source != "a" {
		t.Fatalf("mount %d reads as %s on %s, want a on %s", id, m.Source, m.Mountpoint, p("a"))
	}
	if after, _ := ReadIDs(ns); !slices.Contains(after, id) || len(after) != len(before)+1 {
		t.Errorf("listmount after the mount: %v, before %v", after, before)
	}

	h.do(t, cmd("move", p("a"), p("b")))
	b = awaitBatches(t, w, "the move", func(b Batch) bool { return len(b.Attached)+len(b.Detached) > 0 })
	if !slices.Equal(b.Attached, []uint64{id}) || !slices.Equal(b.Detached, []uint64{id}) {
		t.Fatalf("after mount --move: %+v, want %d attached and detached", b, id)
	}
	if m := readOne(t, ns, id); m.Mountpoint != p("b") {
		t.Fatalf("after the move, mount %d is on %s, want %s", id, m.Mountpoint, p("b"))
	}

	// Remount and propagation changes: no event. The marker mount after them is the first
	// event; had they sent any, it would come before it.
	h.do(t,
		cmd("remount", p("b"), "0x"+strconv.FormatUint(unix.MS_RDONLY, 16)),
		cmd("make", "shared", p("b")),
		cmd("make", "slave", p("b")),
		cmd("make", "private", p("b")),
		cmd("make", "unbindable", p("b")),
		cmd("mount", "marker", p("m"), "tmpfs", "0", "size=64k"),
	)
	b = awaitBatches(t, w, "the marker mount", func(b Batch) bool { return len(b.Attached) > 0 })
	if len(b.Attached) != 1 || len(b.Detached) != 0 {
		t.Fatalf("after a remount, propagation changes and one mount: %+v, want only the mount", b)
	}
	if m := readOne(t, ns, b.Attached[0]); m.Source != "marker" {
		t.Fatalf("the first event after the remount and propagation changes is %s on %s, want the marker", m.Source, m.Mountpoint)
	}

	// A stack, then a tree detached at once.
	h.do(t,
		cmd("mount", "lower", p("c"), "tmpfs", "0", "size=64k"),
		cmd("mount", "upper", p("c"), "tmpfs", "0", "size=64k"),
	)
	b = awaitBatches(t, w, "two stacked mounts", func(b Batch) bool { return len(b.Attached) >= 2 })
	stack := b.Attached
	if len(stack) != 2 || readOne(t, ns, stack[0]).Source != "lower" || readOne(t, ns, stack[1]).Source != "upper" {
		t.Fatalf("stacked mounts: %+v", b)
	}
	h.do(t, cmd("mount", "tree", p("d"), "tmpfs", "0", "size=64k"), cmd("mkdir", p("d/e")), cmd("mount", "leaf", p("d/e"), "tmpfs", "0", "size=64k"))
	tree := awaitBatches(t, w, "a tree of two mounts", func(b Batch) bool { return len(b.Attached) >= 2 }).Attached
	h.do(t, cmd("lazy", p("d")))
	b = awaitBatches(t, w, "umount -l of the tree", func(b Batch) bool { return len(b.Detached) >= 2 })
	if !slices.Equal(slices.Sorted(slices.Values(b.Detached)), slices.Sorted(slices.Values(tree))) || len(b.Attached) != 0 {
		t.Fatalf("umount -l of a tree %v: %+v, want both detached", tree, b)
	}
	found, gone, err := ReadMounts(ns, tree)
	if err != nil || len(found) != 0 || len(gone) != 2 {
		t.Fatalf("ReadMounts of the detached tree: found %+v, gone %v, %v", found, gone, err)
	}

	h.do(t, cmd("umount", p("b")))
	b = awaitBatches(t, w, "the unmount of b", func(b Batch) bool { return len(b.Detached) > 0 })
	if !slices.Equal(b.Detached, []uint64{id}) || len(b.Attached) != 0 {
		t.Fatalf("after umount: %+v, want %d detached", b, id)
	}
}

// The watch needs no process in the namespace: with the helper gone and the namespace
// held by an open ns file, a mount that propagates into it is still reported. When the
// last hold goes, every mount is reported detached and the watch ends with
// ErrNamespaceGone.
func TestWatchNeedsNoProcess(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	dir := scratch(t)
	// Here: a shared tmpfs; the helper's copy of it is a peer (propagation kept).
	run(t, cmd("mount", "peer", dir, "tmpfs", "0", "size=64k"), cmd("make", "shared", dir), cmd("mkdir", filepath.Join(dir, "x")))
	h := startHelper(t, true)
	h.do(t, cmd("mkdir", filepath.Join(dir, "y")))
	hold, err := openNS("/proc/" + strconv.Itoa(h.pid) + "/ns/mnt")
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			unix.Close(hold)
		}
	}()
	w, err := Watch(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	h.stop()
	run(t, cmd("mount", "propagated", filepath.Join(dir, "x"), "tmpfs", "0", "size=64k"))
	b := awaitBatches(t, w, "the propagated mount", func(b Batch) bool { return len(b.Attached) > 0 })
	if m := readOne(t, w.Namespace(), b.Attached[0]); m.Source != "propagated" || m.Mountpoint != filepath.Join(dir, "x") {
		t.Fatalf("the propagated mount reads as %s on %s", m.Source, m.Mountpoint)
	}

	unix.Close(hold)
	closed = true
	select {
	case <-w.Done():
	case <-time.After(labtest.Patience):
		t.Fatalf("waited %s for the watch to end with its namespace", labtest.Patience)
	}
	if !errors.Is(w.Err(), ErrNamespaceGone) {
		t.Fatalf("the watch ended with %v, want ErrNamespaceGone", w.Err())
	}
	select {
	case b := <-w.C():
		if len(b.Detached) == 0 {
			t.Errorf("the last batch %+v has no detached mount", b)
		}
	default:
		t.Error("no batch for the namespace's end")
	}
}

// pollThread returns the watcher's poll thread ID once its goroutine runs.
func pollThread(t *testing.T, w *Watcher) int {
	t.Helper()
	for deadline := time.Now().Add(labtest.Patience); ; time.Sleep(time.Millisecond) {
		if tid := w.tid.Load(); tid != 0 {
			return int(tid)
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for the watch goroutine to start", labtest.Patience)
		}
	}
}

// threadState reads a thread's state letter, its voluntary context switches (one more
// each time it goes to sleep) and its system call with arguments (proc(5)).
func threadState(t *testing.T, tid int) (state string, sleeps int, call []string) {
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
			sleeps, _ = strconv.Atoi(value)
		}
	}
	b, err := os.ReadFile(dir + "syscall")
	if err != nil {
		t.Fatal(err)
	}
	return state, sleeps, strings.Fields(string(b))
}

func inPoll(state string, call []string) bool {
	return state == "S" && len(call) > 3 && call[0] == strconv.Itoa(unix.SYS_PPOLL)
}

// awaitPoll waits until the poll thread sleeps in ppoll(2) having gone to sleep more than
// after times. A mount wakes the watcher before mount(2) returns (the event is queued
// first), so a thread asleep again after a mount has read its event.
func awaitPoll(t *testing.T, w *Watcher, after int, what string) int {
	t.Helper()
	tid := pollThread(t, w)
	for deadline := time.Now().Add(labtest.Patience); ; time.Sleep(time.Millisecond) {
		state, sleeps, call := threadState(t, tid)
		if inPoll(state, call) && sleeps > after {
			return sleeps
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for the poll thread to sleep in ppoll(2) %s: state %s, %d sleeps (%d before), %q", labtest.Patience, what, state, sleeps, after, call)
		}
	}
}

// An idle watcher's thread sleeps in ppoll(2) on two descriptors with no timeout, and a
// mount in another namespace does not wake it.
func TestWatchQuietWhileIdle(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	dir := scratch(t)
	h := startHelper(t, false)
	h.do(t, cmd("mkdir", filepath.Join(dir, "h")))
	w, err := Watch(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tid := pollThread(t, w)
	slept := awaitPoll(t, w, -1, "after Watch")
	// ppoll(fds, nfds, tmo_p, sigmask, sigsetsize): a null tmo_p blocks without a timeout.
	if _, _, call := threadState(t, tid); call[2] != "0x2" || call[3] != "0x0" {
		t.Errorf("poll thread in ppoll with nfds %s and timeout pointer %s, want 0x2 and 0x0", call[2], call[3])
	}
	run(t, cmd("mount", "elsewhere", dir, "tmpfs", "0", "size=64k"))
	state, sleeps, call := threadState(t, tid)
	if !inPoll(state, call) || sleeps != slept {
		t.Errorf("after a mount in another namespace: state %s, %q, asleep %d times (%d before); want still asleep", state, call, sleeps, slept)
	}
	select {
	case b := <-w.C():
		t.Fatalf("a batch %+v for a mount in another namespace", b)
	default:
	}
	h.do(t, cmd("mount", "here", filepath.Join(dir, "h"), "tmpfs", "0", "size=64k"))
	awaitBatches(t, w, "the helper's mount", func(b Batch) bool { return len(b.Attached) == 1 })
}

// Signals that interrupt poll(2) neither stop the watch nor make batches.
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
	for deadline := time.Now().Add(labtest.Patience); w.interrupts.Load() < 3; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for poll(2) to be interrupted 3 times: %d", labtest.Patience, w.interrupts.Load())
		}
		// SIGURG: Go's preemption signal, handled and ignored by the runtime.
		if err := unix.Tgkill(os.Getpid(), tid, unix.SIGURG); err != nil {
			t.Fatalf("tgkill: %v", err)
		}
	}
	awaitPoll(t, w, -1, "after the interruptions")
	select {
	case b := <-w.C():
		t.Fatalf("EINTR made a batch: %+v", b)
	case <-w.Done():
		t.Fatalf("EINTR stopped the watch: %v", w.Err())
	default:
	}
	dir := scratch(t)
	run(t, cmd("mount", "after-eintr", dir, "tmpfs", "0", "size=64k"))
	awaitBatches(t, w, "a mount after the interruptions", func(b Batch) bool { return len(b.Attached) == 1 })
}

// A burst while nobody receives is one batch holding every ID, and never blocks the
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
	dir := scratch(t)
	slept := awaitPoll(t, w, -1, "after Watch")
	const burst = 100
	for i := range burst {
		run(t, cmd("mount", "burst"+strconv.Itoa(i), dir, "tmpfs", "0", "size=16k"))
	}
	awaitPoll(t, w, slept, "after a burst of mounts")
	if len(w.c) != 1 {
		t.Fatalf("%d batches pending after a burst of %d mounts, want 1", len(w.c), burst)
	}
	closed := make(chan error)
	go func() { closed <- w.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(labtest.Patience):
		t.Fatal("Close did not return while a batch was pending")
	}
	b := <-w.c
	if len(b.Attached) != burst || len(b.Detached) != 0 {
		t.Errorf("the pending batch has %d attached, %d detached; want %d attached", len(b.Attached), len(b.Detached), burst)
	}
}

// Close ends the goroutine and closes both descriptors (the ns file was closed at once);
// a second Close is harmless.
func TestWatchCloseReleasesEverything(t *testing.T) {
	labtest.RequireMachineRoot(t, "it watches the machine's mount namespace, which fanotify lets only the machine's root watch")
	count := func() int {
		entries, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	fds, goroutines := count(), runtime.NumGoroutine()
	w, err := Watch(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	tid := pollThread(t, w)
	if got := count(); got != fds+2 {
		t.Errorf("open descriptors while watching: %d, want %d", got, fds+2)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(w.Err(), ErrWatcherClosed) {
		t.Errorf("Err after Close = %v, want ErrWatcherClosed", w.Err())
	}
	if got := count(); got != fds {
		t.Errorf("open descriptors after Close: %d, want %d", got, fds)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for deadline := time.Now().Add(labtest.Patience); runtime.NumGoroutine() > goroutines; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after Close: %d goroutines, were %d", runtime.NumGoroutine(), goroutines)
		}
	}
	if _, err := os.Stat("/proc/self/task/" + strconv.Itoa(tid)); err != nil {
		t.Errorf("the poll thread ended with the watcher: %v", err)
	}
}

// With Options.Remounts a remount, which sends no mount event, is reported as Remounted.
// A mount or an unmount is not, unless its events come more than settleTime after the
// wake-up (a preempted mounting thread on a busy machine): that is counted and logged, not
// failed. A propagation change wakes nothing at all.
func TestWatchRemounts(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	h := startHelper(t, false)
	h.do(t, cmd("mount", "base", dir, "tmpfs", "0", "size=64k"), cmd("mkdir", p("a")), cmd("mkdir", p("m")))
	w, err := WatchWith(h.pid, Options{Remounts: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	late := 0
	for i := range 200 {
		h.do(t, cmd("mount", "a", p("a"), "tmpfs", "0", "size=16k"), cmd("umount", p("a")))
		b := awaitBatches(t, w, "a mount and an unmount", func(b Batch) bool { return len(b.Detached) > 0 })
		if len(b.Attached) != 1 || !slices.Equal(b.Attached, b.Detached) {
			t.Fatalf("round %d: a mount and an unmount gave %+v", i, b)
		}
		if b.Remounted {
			late++
		}
	}
	t.Logf("200 mounts and unmounts: %d read as remounts (events later than %s)", late, settleTime)
	h.do(t, cmd("remount", dir, "0x"+strconv.FormatUint(unix.MS_RDONLY, 16)))
	b := awaitBatches(t, w, "the remount", func(b Batch) bool { return !b.Empty() })
	if !b.Remounted || len(b.Attached)+len(b.Detached) != 0 {
		t.Fatalf("after a remount: %+v, want Remounted only", b)
	}
	h.do(t, cmd("remount", dir, "0"), cmd("mount", "m", p("m"), "tmpfs", "0", "size=16k"))
	awaitBatches(t, w, "a remount, then a mount", func(b Batch) bool { return len(b.Attached) > 0 })
	h.do(t, cmd("make", "shared", dir), cmd("make", "private", dir), cmd("umount", p("m")))
	b = awaitBatches(t, w, "propagation changes, then an unmount", func(b Batch) bool { return len(b.Detached) > 0 })
	if b.Remounted || len(b.Attached) != 0 {
		t.Fatalf("propagation changes and an unmount gave %+v, want only the unmount", b)
	}
	// The open mountinfo file holds the namespace: the watch outlives the helper.
	h.stop()
	select {
	case <-w.Done():
		t.Fatalf("the watch ended with the helper: %v", w.Err())
	default:
	}
}
