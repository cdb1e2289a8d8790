package term

import (
	"io"
	"sync"
)

// inputQueue carries input bound for the pty (keys, pastes, the emulator's
// replies to queries) to a writer goroutine of its own. Pushing never waits
// for the pty: the pty reader must not block behind an application that is
// not reading its input, or each would wait for the other for ever.
type inputQueue struct {
	w io.Writer

	mu      sync.Mutex
	pending []byte
	writing int // bytes the writer goroutine took and is writing; 0 outside w.Write
	closed  bool
	dropped int64 // bytes refused because maxQueued were waiting
	err     error // the first error from w; later input is discarded

	wake    chan struct{} // one pending wake-up for the writer goroutine
	stopped chan struct{} // closed when the writer goroutine returns
}

func newInputQueue(w io.Writer) *inputQueue {
	q := &inputQueue{
		w:       w,
		wake:    make(chan struct{}, 1),
		stopped: make(chan struct{}),
	}
	go q.run()
	return q
}

// push queues p, or drops it when the queue is closed or full. Full counts
// the bytes inside a Write that has not returned: they wait for the pty as
// much as the queued ones, and leaving them out would let whether input is
// dropped depend on when the writer goroutine last took the queue.
func (q *inputQueue) push(p []byte) {
	if len(p) == 0 {
		return
	}
	q.mu.Lock()
	switch {
	case q.closed:
	case q.writing+len(q.pending)+len(p) > maxQueued:
		q.dropped += int64(len(p))
	default:
		q.pending = append(q.pending, p...)
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// NowWriter is an input writer that also takes input from a caller that
// may make a system call, and writes it then if it can (lab.Pane).
type NowWriter interface {
	WriteNow(p []byte) (int, error)
}

// pushNow is push for a caller that is not the UI's event loop (the key
// reader): when nothing waits in the queue and the writer is a NowWriter,
// p goes to it at once, without the hand-off to the writer goroutine.
func (q *inputQueue) pushNow(p []byte) {
	nw, ok := q.w.(NowWriter)
	q.mu.Lock()
	if !ok || q.closed || q.err != nil || q.writing > 0 || len(q.pending) > 0 {
		q.mu.Unlock()
		q.push(p)
		return
	}
	// Under mu, so nothing pushed after it is written before it.
	_, err := nw.WriteNow(p)
	if err != nil && q.err == nil {
		q.err = err
	}
	q.mu.Unlock()
}

// run writes queued input to w until the queue is closed.
func (q *inputQueue) run() {
	defer close(q.stopped)
	var buf []byte
	for range q.wake {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return
		}
		buf, q.pending = q.pending, buf[:0]
		if len(buf) == 0 || q.err != nil {
			q.mu.Unlock()
			continue
		}
		q.writing = len(buf)
		q.mu.Unlock()
		_, err := q.w.Write(buf)
		q.mu.Lock()
		q.writing = 0
		if err != nil && q.err == nil {
			q.err = err
		}
		q.mu.Unlock()
	}
}

// close stops the writer goroutine and drops what is still queued. It waits
// for the goroutine unless it is inside w.Write, which only the owner of w can
// end (by closing the pty); the goroutine then returns when that Write does.
func (q *inputQueue) close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.closed = true
	busy := q.writing > 0
	q.pending = nil
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	if !busy {
		<-q.stopped
	}
}

// stats returns the bytes dropped and the writer's first error.
func (q *inputQueue) stats() (dropped int64, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped, q.err
}
