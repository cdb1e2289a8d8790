package mnt

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// ErrProcessExited is why a Watcher stops when the watched process exits.
var ErrProcessExited = errors.New("watched process exited")

// ErrWatcherClosed is why a Watcher stops after Close.
var ErrWatcherClosed = errors.New("mount watcher closed")

// Watcher signals when the mount table of one process's mount namespace changes. It
// holds three descriptors, no timers: an idle watcher costs no CPU and reads nothing.
type Watcher struct {
	pid     int
	changed chan struct{}
	done    chan struct{}
	err     error // why the watch stopped; written before done is closed

	mountinfo int // /proc/PID/mountinfo: POLLPRI|POLLERR when the table changes
	pidfd     int // pidfd_open(2): readable when the process exits
	wake      int // eventfd(2): written by Close to end the poll

	closeOnce sync.Once
	closeErr  error

	// For tests: the poll thread's ID (to interrupt it with a signal) and how many
	// times poll(2) returned EINTR.
	tid        atomic.Int64
	interrupts atomic.Int64
}

// Watch starts watching the mount table of pid's mount namespace. After Watch returns,
// every change to that table is signalled on C; read the table (Read) after Watch, not
// before, so that no change falls between the two.
//
// The kernel ties the watch to the namespace pid is in at this moment: if the process
// later moves to another namespace (unshare(2), setns(2)), the watcher keeps following
// the old one. Watch again when the namespace inode changes.
//
// Always call Close, also after the process has exited.
func Watch(pid int) (*Watcher, error) {
	path := "/proc/" + strconv.Itoa(pid) + "/mountinfo"
	// pidfd first, then the file, then a liveness check through the pidfd: if the
	// process is alive after the open, the file is its table and not that of a process
	// that got the same PID.
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		if errors.Is(err, unix.ESRCH) {
			err = fmt.Errorf("%w: %w", ErrProcessExited, err)
		}
		return nil, fmt.Errorf("watch %s: pidfd_open: %w", path, err)
	}
	// Not os.Open: Go's netpoller would take the fd and swallow the POLLPRI wake-up.
	fd, err := openProc(path)
	if err != nil {
		if exited(pidfd) {
			// A zombie has no mount namespace left to show.
			err = fmt.Errorf("%w: %w", ErrProcessExited, err)
		}
		unix.Close(pidfd)
		return nil, fmt.Errorf("watch: %w", err)
	}
	if err := unix.PidfdSendSignal(pidfd, 0, nil, 0); err != nil {
		unix.Close(fd)
		unix.Close(pidfd)
		if errors.Is(err, unix.ESRCH) {
			err = fmt.Errorf("%w: %w", ErrProcessExited, err)
		}
		return nil, fmt.Errorf("watch %s: pidfd_send_signal: %w", path, err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(fd)
		unix.Close(pidfd)
		return nil, fmt.Errorf("watch %s: eventfd: %w", path, err)
	}
	w := &Watcher{
		pid:       pid,
		changed:   make(chan struct{}, 1),
		done:      make(chan struct{}),
		mountinfo: fd,
		pidfd:     pidfd,
		wake:      wake,
	}
	go w.run()
	return w, nil
}

// exited reports whether the process of a pidfd has exited: poll(2) finds a pidfd
// readable from then on (pidfd_open(2)).
func exited(pidfd int) bool {
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 0)
		if err == unix.EINTR {
			continue
		}
		return err == nil && n == 1
	}
}

// PID is the watched process.
func (w *Watcher) PID() int { return w.pid }

// C delivers a signal after the table has changed. Changes are coalesced: a burst of
// mounts while nobody receives becomes one signal, so each receive means "re-read once".
func (w *Watcher) C() <-chan struct{} { return w.changed }

// Done is closed when the watch stops: the process exited, Close was called, or poll(2)
// failed. Err says which.
func (w *Watcher) Done() <-chan struct{} { return w.done }

// Err is nil while the watch runs; after Done is closed it is ErrProcessExited,
// ErrWatcherClosed or the poll(2) error.
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
	w.closeOnce.Do(func() {
		// eventfd(2): adding 1 makes the wake fd readable, which ends the poll.
		one := [8]byte{1}
		for {
			_, err := unix.Write(w.wake, one[:])
			if err != unix.EINTR {
				break
			}
		}
		<-w.done
		w.closeErr = errors.Join(
			closeFD("mountinfo", w.mountinfo),
			closeFD("pidfd", w.pidfd),
			closeFD("eventfd", w.wake),
		)
	})
	return w.closeErr
}

func closeFD(name string, fd int) error {
	if err := unix.Close(fd); err != nil {
		return &os.PathError{Op: "close", Path: name, Err: err}
	}
	return nil
}

// run is the watch loop: one thread blocked in poll(2) on the three descriptors.
func (w *Watcher) run() {
	// The thread spends its life in poll(2) anyway; locking it gives tests a stable
	// thread ID to interrupt. Unlock before returning: a goroutine that ends locked takes
	// its thread down, and with it every child whose Pdeathsig was tied to that thread
	// when it ran another goroutine earlier.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	w.tid.Store(int64(unix.Gettid()))
	defer close(w.done)
	fds := []unix.PollFd{
		{Fd: int32(w.mountinfo), Events: unix.POLLPRI},
		{Fd: int32(w.pidfd), Events: unix.POLLIN},
		{Fd: int32(w.wake), Events: unix.POLLIN},
	}
	const bad = unix.POLLNVAL
	for {
		// poll(2): a mountinfo file reports POLLPRI|POLLERR once per change of its
		// namespace's table since the last poll (proc(5)); the poll itself re-arms it.
		_, err := unix.Poll(fds, -1)
		if err == unix.EINTR {
			// A signal landed on this thread (Go preempts with SIGURG); poll(2) is never
			// restarted, so poll again.
			w.interrupts.Add(1)
			continue
		}
		if err != nil {
			w.err = fmt.Errorf("watch mounts of pid %d: poll: %w", w.pid, err)
			return
		}
		if fds[2].Revents != 0 {
			w.err = ErrWatcherClosed
			return
		}
		if fds[0].Revents&bad != 0 || fds[1].Revents&bad != 0 {
			w.err = fmt.Errorf("watch mounts of pid %d: poll: %w", w.pid, unix.EBADF)
			return
		}
		if fds[0].Revents&(unix.POLLPRI|unix.POLLERR) != 0 {
			select {
			case w.changed <- struct{}{}:
			default: // a signal is already pending: the reader will re-read anyway
			}
		}
		if fds[1].Revents != 0 {
			w.err = ErrProcessExited
			return
		}
	}
}
