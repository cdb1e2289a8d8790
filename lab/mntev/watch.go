package mntev

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// ErrWatcherClosed is why a Watcher stops after Close.
var ErrWatcherClosed = errors.New("mount event watcher closed")

// Batch is what a Watcher delivers: the mounts attached to and detached from the
// namespace since the previous receive, each ID once, in the order the kernel reported
// them. A mount that came and went in between is in both lists, as is one moved inside
// the namespace; read them all (ReadMounts) to learn which are there now.
type Batch struct {
	Attached, Detached []uint64
	// Overflow: the kernel dropped events (its queue holds 16,384); the lists are
	// incomplete, re-read the whole table.
	Overflow bool
	// Remounted: the table changed in a way fanotify does not report (a remount,
	// mount_setattr(2)); re-read it whole. Only with Options.Remounts.
	Remounted bool
}

// Empty reports whether the batch says nothing.
func (b Batch) Empty() bool {
	return len(b.Attached) == 0 && len(b.Detached) == 0 && !b.Overflow && !b.Remounted
}

// Merge appends the IDs of later to b, each ID once, and keeps either's flags: what
// the two batches say together.
func (b Batch) Merge(later Batch) Batch {
	add := func(dst, src []uint64) []uint64 {
		for _, id := range src {
			if !slices.Contains(dst, id) {
				dst = append(dst, id)
			}
		}
		return dst
	}
	if len(b.Attached)+len(later.Attached) > 64 || len(b.Detached)+len(later.Detached) > 64 {
		return b.mergeLarge(later)
	}
	b.Attached = add(b.Attached, later.Attached)
	b.Detached = add(b.Detached, later.Detached)
	b.Overflow = b.Overflow || later.Overflow
	b.Remounted = b.Remounted || later.Remounted
	return b
}

// mergeLarge is merge through a set, for batches where a linear search would cost.
func (b Batch) mergeLarge(later Batch) Batch {
	add := func(dst, src []uint64) []uint64 {
		seen := make(map[uint64]bool, len(dst)+len(src))
		for _, id := range dst {
			seen[id] = true
		}
		for _, id := range src {
			if !seen[id] {
				seen[id] = true
				dst = append(dst, id)
			}
		}
		return dst
	}
	b.Attached = add(b.Attached, later.Attached)
	b.Detached = add(b.Detached, later.Detached)
	b.Overflow = b.Overflow || later.Overflow
	b.Remounted = b.Remounted || later.Remounted
	return b
}

// Watcher reports mounts attached to and detached from one mount namespace, with their
// IDs, from fanotify(7) mount events. It holds two descriptors and no timers: an idle
// watcher costs no CPU.
//
// The kernel ties the watch to the namespace, not to a process: it needs no process in
// the namespace, and it does not keep the namespace alive (Watch does not hold the ns file
// open). When the namespace ends, the kernel reports every mount detached and the watcher
// stops with ErrNamespaceGone.
//
// The kernel sends no event for a remount (mount -o remount, mount_setattr(2)) or for a
// propagation change (--make-shared and the like). Options.Remounts covers remounts with
// mountinfo's POLLPRI; nothing covers propagation changes: re-read the table when
// something else says it may have changed.
type Watcher struct {
	ns        Namespace
	fan       int // fanotify_init(2) group with one FAN_MARK_MNTNS mark
	mountinfo int // /proc/PID/mountinfo with Options.Remounts, else -1
	wake      int // eventfd(2): written by Close to end the poll
	c         chan Batch
	done      chan struct{}
	err       error // why the watch stopped; written before done is closed
	buf       []byte
	close     sync.Once
	cerr      error

	// For tests: the poll thread's ID and how many times poll(2) returned EINTR.
	tid        atomic.Int64
	interrupts atomic.Int64
}

// Watch starts watching the mount namespace pid is in at this moment. After Watch
// returns, every attach and detach in it is reported on C; read the table (ReadTable)
// after Watch, not before, so that no change falls between the two.
//
// Always call Close.
func Watch(pid int) (*Watcher, error) {
	return WatchWith(pid, Options{})
}

// Options choose what a Watcher reports besides fanotify's mount events.
type Options struct {
	// Remounts also opens /proc/PID/mountinfo, whose POLLPRI wakes at every change of the
	// table, and reports a change that came with no mount event as Batch.Remounted. The
	// open file holds the namespace (and its mounts) until Close, like an open ns file.
	//
	// A wake-up with no event is given settleTime for its events to arrive: the kernel
	// wakes mountinfo's pollers first and queues the events of a mount or unmount after
	// it lets other readers of the table in again, so there is no lock to wait on. A
	// remount in the same instant as a mount is taken for the mount's wake-up and missed;
	// a mount whose events come later than settleTime reads as a remount too.
	Remounts bool
}

// WatchWith is Watch with options.
func WatchWith(pid int, o Options) (*Watcher, error) {
	path := "/proc/" + strconv.Itoa(pid) + "/ns/mnt"
	nsfd, err := openNS(path)
	if err != nil {
		return nil, fmt.Errorf("watch mount events: %w", err)
	}
	defer unix.Close(nsfd)
	mountinfo := -1
	if o.Remounts {
		// Not os.Open: Go's netpoller would take the fd and swallow the POLLPRI wake-up.
		// Opened after the ns file: if both name the same namespace, the process had not
		// moved between the two opens.
		if mountinfo, err = openNS("/proc/" + strconv.Itoa(pid) + "/mountinfo"); err != nil {
			return nil, fmt.Errorf("watch mount events: %w", err)
		}
		var now unix.Stat_t
		if err := unix.Stat("/proc/"+strconv.Itoa(pid)+"/ns/mnt", &now); err != nil || !sameFile(nsfd, &now) {
			unix.Close(mountinfo)
			return nil, fmt.Errorf("watch mount events: process %d left its mount namespace while it was opened", pid)
		}
	}
	w, err := watchFD(nsfd, path, mountinfo)
	if err != nil && mountinfo >= 0 {
		unix.Close(mountinfo)
	}
	return w, err
}

// sameFile reports whether fd is the file st describes.
func sameFile(fd int, st *unix.Stat_t) bool {
	var fst unix.Stat_t
	return unix.Fstat(fd, &fst) == nil && fst.Dev == st.Dev && fst.Ino == st.Ino
}

// watchFD starts a watch on the namespace of an open ns file.
func watchFD(nsfd int, path string, mountinfo int) (*Watcher, error) {
	ns, err := namespaceOfFD(nsfd, path)
	if err != nil {
		return nil, fmt.Errorf("watch mount events: %w", err)
	}
	// fanotify_init(2): FAN_REPORT_MNT makes a group of mount events only (Linux ≥ 6.15),
	// whose events carry a mount ID instead of a file descriptor; FAN_CLASS_NOTIF because
	// it only listens. Non-blocking: the loop below reads until the queue is empty.
	fan, err := unix.FanotifyInit(unix.FAN_CLASS_NOTIF|unix.FAN_REPORT_MNT|unix.FAN_CLOEXEC|unix.FAN_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("watch mount events: fanotify_init FAN_REPORT_MNT: %w", err)
	}
	// fanotify_mark(2): FAN_MARK_MNTNS marks the namespace the ns file refers to; the
	// mark lives with the namespace, so the ns file can be closed right after.
	if err := unix.FanotifyMark(fan, unix.FAN_MARK_ADD|unix.FAN_MARK_MNTNS, unix.FAN_MNT_ATTACH|unix.FAN_MNT_DETACH, nsfd, ""); err != nil {
		unix.Close(fan)
		return nil, fmt.Errorf("watch mount events: fanotify_mark FAN_MARK_MNTNS %s: %w", path, err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(fan)
		return nil, fmt.Errorf("watch mount events: eventfd: %w", err)
	}
	w := &Watcher{ns: ns, fan: fan, mountinfo: mountinfo, wake: wake, c: make(chan Batch, 1), done: make(chan struct{}), buf: make([]byte, 64<<10)}
	go w.run()
	return w, nil
}

// namespaceOfFD names the namespace of an open ns file.
func namespaceOfFD(fd int, path string) (Namespace, error) {
	id, err := mntnsID(fd)
	if err != nil {
		return Namespace{}, fmt.Errorf("%s: ioctl NS_GET_MNTNS_ID: %w", path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return Namespace{}, &os.PathError{Op: "fstat", Path: path, Err: err}
	}
	own, err := ownNamespace(id)
	if err != nil {
		return Namespace{}, err
	}
	return Namespace{ID: id, Inode: st.Ino, Own: own}, nil
}

// Namespace is the watched namespace.
func (w *Watcher) Namespace() Namespace { return w.ns }

// C delivers what changed. Batches are coalesced: while nobody receives, later events
// join the batch that waits, so each receive means "these changed since the last".
func (w *Watcher) C() <-chan Batch { return w.c }

// Done is closed when the watch stops: Close was called, the namespace ended, or reading
// the events failed. Err says which.
func (w *Watcher) Done() <-chan struct{} { return w.done }

// Err is nil while the watch runs; after Done is closed it is ErrWatcherClosed,
// ErrNamespaceGone or the error that stopped it.
func (w *Watcher) Err() error {
	select {
	case <-w.done:
		return w.err
	default:
		return nil
	}
}

// Close stops the watch, waits for its goroutine to end and closes its descriptors. It
// returns promptly and may be called more than once.
func (w *Watcher) Close() error {
	w.close.Do(func() {
		// eventfd(2): adding 1 makes the wake fd readable, which ends the poll.
		one := [8]byte{1}
		for {
			if _, err := unix.Write(w.wake, one[:]); err != unix.EINTR {
				break
			}
		}
		<-w.done
		w.cerr = errors.Join(closeFD("fanotify", w.fan), closeFD("eventfd", w.wake))
		if w.mountinfo >= 0 {
			w.cerr = errors.Join(w.cerr, closeFD("mountinfo", w.mountinfo))
		}
	})
	return w.cerr
}

func closeFD(name string, fd int) error {
	if err := unix.Close(fd); err != nil {
		return &os.PathError{Op: "close", Path: name, Err: err}
	}
	return nil
}

// run is the watch loop: one thread blocked in poll(2) on the fanotify group and the
// wake fd.
func (w *Watcher) run() {
	// Locked for a stable thread ID that tests can look at; unlocked before returning, so
	// the thread lives on (a goroutine that ends locked takes its thread down).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	w.tid.Store(int64(unix.Gettid()))
	defer close(w.done)
	fds := []unix.PollFd{
		{Fd: int32(w.fan), Events: unix.POLLIN},
		{Fd: int32(w.wake), Events: unix.POLLIN},
	}
	if w.mountinfo >= 0 {
		fds = append(fds, unix.PollFd{Fd: int32(w.mountinfo), Events: unix.POLLPRI})
	}
	for {
		_, err := unix.Poll(fds, -1)
		if err == unix.EINTR {
			// A signal landed on this thread (Go preempts with SIGURG); poll again.
			w.interrupts.Add(1)
			continue
		}
		if err != nil {
			w.err = fmt.Errorf("watch mount events in namespace %d: poll: %w", w.ns.ID, err)
			return
		}
		if fds[1].Revents != 0 {
			w.err = ErrWatcherClosed
			return
		}
		if fds[0].Revents&(unix.POLLNVAL|unix.POLLERR) != 0 {
			w.err = fmt.Errorf("watch mount events in namespace %d: poll: revents %#x", w.ns.ID, fds[0].Revents)
			return
		}
		// mountinfo reports POLLPRI|POLLERR once per change since the last poll (proc(5)).
		changed := len(fds) > 2 && fds[2].Revents&(unix.POLLPRI|unix.POLLERR) != 0
		if len(fds) > 2 && fds[2].Revents&unix.POLLNVAL != 0 {
			w.err = fmt.Errorf("watch mount events in namespace %d: poll mountinfo: %w", w.ns.ID, unix.EBADF)
			return
		}
		if fds[0].Revents == 0 && !changed {
			continue
		}
		if changed {
			// Take every wake-up up to now (poll(2) again, without waiting): the events of
			// the changes behind them are drained below.
			w.consumeMountinfo()
		}
		b, err := w.drain()
		if changed && b.Empty() && err == nil {
			// mountinfo woke and no event came: a remount, or a mount whose event is
			// still on its way (the kernel queues events after it has let readers of the
			// table in again).
			b, err = w.settle()
			if b.Empty() {
				b.Remounted = true
			}
		}
		if !b.Empty() {
			w.deliver(b)
		}
		if err != nil {
			w.err = err
			return
		}
		if len(b.Detached) > 0 && w.gone() {
			// The namespace's end detaches every mount in it; nothing will follow.
			w.err = ErrNamespaceGone
			return
		}
	}
}

// settleTime is how long a mountinfo wake-up waits for its mount events before it counts
// as a remount. The kernel queues them microseconds later, unless the mounting thread is
// preempted in between.
const settleTime = 100 * time.Millisecond

// settle waits up to settleTime for events and drains them; Close cuts it short.
func (w *Watcher) settle() (Batch, error) {
	fds := []unix.PollFd{{Fd: int32(w.fan), Events: unix.POLLIN}, {Fd: int32(w.wake), Events: unix.POLLIN}}
	deadline := time.Now().Add(settleTime)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return Batch{}, nil
		}
		_, err := unix.Poll(fds, int(left.Milliseconds())+1)
		if err == unix.EINTR {
			w.interrupts.Add(1)
			continue
		}
		if err != nil || fds[1].Revents != 0 || fds[0].Revents == 0 {
			return Batch{}, nil // the main loop sees Close, a failure, or nothing came
		}
		return w.drain()
	}
}

// consumeMountinfo takes a pending POLLPRI of the mountinfo file, if any.
func (w *Watcher) consumeMountinfo() {
	fds := []unix.PollFd{{Fd: int32(w.mountinfo), Events: unix.POLLPRI}}
	for {
		if _, err := unix.Poll(fds, 0); err != unix.EINTR {
			return
		}
	}
}

// drain reads every queued event.
func (w *Watcher) drain() (Batch, error) {
	var b Batch
	for {
		n, err := unix.Read(w.fan, w.buf)
		if err == unix.EINTR {
			continue
		}
		if err == unix.EAGAIN {
			return b, nil
		}
		if err != nil {
			return b, fmt.Errorf("watch mount events in namespace %d: read: %w", w.ns.ID, err)
		}
		if n == 0 {
			return b, nil
		}
		events, err := ParseEvents(w.buf[:n])
		var more Batch
		for _, e := range events {
			switch {
			case e.Overflow:
				more.Overflow = true
			default:
				if e.Attach {
					more.Attached = append(more.Attached, e.MountID)
				}
				if e.Detach {
					more.Detached = append(more.Detached, e.MountID)
				}
			}
		}
		b = b.Merge(more)
		if err != nil {
			return b, fmt.Errorf("watch mount events in namespace %d: %w", w.ns.ID, err)
		}
	}
}

// deliver hands a batch to the reader without ever blocking: the channel holds one
// batch; if one is already waiting, this takes it back and merges.
func (w *Watcher) deliver(b Batch) {
	for {
		select {
		case w.c <- b:
			return
		case old := <-w.c:
			b = old.Merge(b)
		}
	}
}

// gone reports whether the namespace has ended: listmount(2) finds no namespace by its ID.
func (w *Watcher) gone() bool {
	_, err := listmount(lsmtRoot, nsParam(w.ns), 0, make([]uint64, 1))
	return errors.Is(err, unix.ENOENT)
}
