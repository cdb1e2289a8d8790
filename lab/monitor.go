package lab

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/nslab/nslab/lab/mnt"
)

// State is the latest kernel state of both panes and their diff.
type State struct {
	Host, NS Snapshot
	// Diff is the union of both mount tables (see mnt.Diff).
	Diff []mnt.DiffRow
	// Seq grows with every published change; equal Seq, equal state.
	Seq uint64
	// Dropped counts events lost because nobody read Events in time.
	Dropped uint64
}

// Snapshot returns the state of one pane.
func (s State) Snapshot(r Role) Snapshot {
	if r == NS {
		return s.NS
	}
	return s.Host
}

// hub collects what the pane monitors see and hands it to the UI and the engine.
type hub struct {
	events  chan Event
	dropped atomic.Uint64

	mu       sync.Mutex
	snaps    map[Role]Snapshot
	seq      uint64
	diff     []mnt.DiffRow
	diffSeq  uint64
	monitors map[Role]*monitor
	closed   bool
}

func newHub() *hub {
	return &hub{events: make(chan Event, 4096), snaps: map[Role]Snapshot{}, monitors: map[Role]*monitor{}}
}

func (h *hub) emit(e Event) {
	select {
	case h.events <- e:
	default:
		h.dropped.Add(1)
	}
}

// poke tells a pane's monitor that its pty was active: the foreground process may differ.
func (h *hub) poke(r Role) {
	h.mu.Lock()
	m := h.monitors[r]
	h.mu.Unlock()
	if m != nil {
		m.poke()
	}
}

func (h *hub) publish(s Snapshot) {
	h.mu.Lock()
	h.snaps[s.Pane] = s
	h.seq++
	h.mu.Unlock()
}

func (h *hub) state() State {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.diffSeq != h.seq || h.diff == nil {
		// Computed on demand, so a burst of changes costs one diff per reader.
		h.diff = mnt.Diff(h.snaps[Host].Mounts, h.snaps[NS].Mounts)
		h.diffSeq = h.seq
	}
	return State{Host: h.snaps[Host], NS: h.snaps[NS], Diff: h.diff, Seq: h.seq, Dropped: h.dropped.Load()}
}

func (h *hub) start(p *Pane) {
	m := &monitor{pane: p, hub: h, pokes: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.monitors[p.role] = m
	h.mu.Unlock()
	go m.run()
	m.poke()
}

func (h *hub) close() {
	h.mu.Lock()
	h.closed = true
	ms := h.monitors
	h.monitors = map[Role]*monitor{}
	h.mu.Unlock()
	for _, m := range ms {
		close(m.stop)
		<-m.done
	}
}

// monitor follows one pane's foreground process and its mount table.
type monitor struct {
	pane  *Pane
	hub   *hub
	pokes chan struct{}
	stop  chan struct{}
	done  chan struct{}

	watcher *mnt.Watcher
	id      procIdentity
	snap    Snapshot
	last    time.Time
}

func (m *monitor) poke() {
	select {
	case m.pokes <- struct{}{}:
	default:
	}
}

// minResolve spaces out re-resolution during a flood of output; idle panes cost nothing.
const minResolve = 20 * time.Millisecond

func (m *monitor) run() {
	defer close(m.done)
	defer m.closeWatcher()
	var delay *time.Timer
	var delayC <-chan time.Time
	for {
		var changed, ended <-chan struct{}
		if m.watcher != nil {
			changed, ended = m.watcher.C(), m.watcher.Done()
		}
		select {
		case <-m.stop:
			if delay != nil {
				delay.Stop()
			}
			return
		case <-m.pokes:
			if wait := minResolve - time.Since(m.last); wait > 0 {
				if delayC == nil {
					delay = time.NewTimer(wait)
					delayC = delay.C
				}
				continue
			}
			m.resolve(false)
		case <-delayC:
			delayC = nil
			m.resolve(false)
		case <-changed:
			m.resolve(true)
		case <-ended:
			m.closeWatcher()
			m.resolve(false)
		}
	}
}

func (m *monitor) closeWatcher() {
	if m.watcher != nil {
		m.watcher.Close()
		m.watcher = nil
	}
}

// resolve finds the inspected process and publishes what changed. tableChanged is set when
// the watcher said the mount table changed.
func (m *monitor) resolve(tableChanged bool) {
	m.last = time.Now()
	role := m.pane.role
	shell := m.pane.ShellPID()
	pid := m.pane.Foreground()
	if pid == 0 || shell == 0 {
		if m.snap.PID != 0 || m.id.pid != 0 {
			m.closeWatcher()
			m.id, m.snap = procIdentity{}, Snapshot{Pane: role, Time: time.Now()}
			m.hub.publish(m.snap)
			// Said as an event too, so a reader that waits on Events sees the empty pane.
			m.hub.emit(Event{Time: m.snap.Time, Pane: role, Kind: ProcessChanged})
		}
		return
	}
	id, err := identify(pid)
	if err != nil && pid != shell {
		pid = shell // the foreground job is already gone
		id, err = identify(pid)
	}
	if err != nil {
		return
	}
	if !tableChanged && id == m.id && m.watcher != nil {
		return
	}
	now := time.Now()
	if !tableChanged && m.watcher != nil && id.mnt == m.id.mnt && id.root == m.id.root {
		// Another process in the same place: same table, only who is inspected changed.
		m.id = id
		m.snap.PID, m.snap.Comm, m.snap.Time = pid, readComm(pid), now
		if cwd, err := readlinkProc(pid, "cwd"); err == nil {
			m.snap.Cwd = cwd
		}
		m.hub.publish(m.snap)
		m.hub.emit(Event{Time: now, Pane: role, Kind: ProcessChanged, PID: pid, Comm: m.snap.Comm})
		return
	}
	if m.watcher == nil || id.mnt != m.id.mnt {
		// Watch before reading, so no change falls between the two. Watch the shell when
		// it shares the namespace: it outlives the commands it runs.
		m.closeWatcher()
		target := pid
		if shellID, err := identify(shell); err == nil && shellID.mnt == id.mnt {
			target = shell
		}
		if w, err := mnt.Watch(target); err == nil {
			m.watcher = w
		}
	}
	s, err := Inspect(pid, shell)
	if err != nil && pid != shell {
		// The foreground job ended while we read it; the shell's view is the current one.
		pid = shell
		if id, err = identify(pid); err == nil {
			s, err = Inspect(pid, shell)
		}
	}
	if err != nil {
		return
	}
	s.Pane = role
	old := m.snap
	m.id, m.snap = id, s
	m.hub.publish(s)
	m.emitChanges(old, s)
}

func (m *monitor) emitChanges(old, s Snapshot) {
	now := s.Time
	role := s.Pane
	if old.PID != s.PID || old.Root != s.Root {
		m.hub.emit(Event{Time: now, Pane: role, Kind: ProcessChanged, PID: s.PID, Comm: s.Comm})
	}
	if old.PID == 0 {
		return // the first look: nothing to compare with
	}
	for _, t := range NSTypes {
		if old.NS[t] != s.NS[t] {
			m.hub.emit(Event{Time: now, Pane: role, Kind: NamespaceChanged, NSType: t, OldInode: old.NS[t], NewInode: s.NS[t], PID: s.PID, Comm: s.Comm})
		}
	}
	if old.NS[NSMnt] != s.NS[NSMnt] || old.Root != s.Root || old.TablePID == 0 {
		return // another namespace or another root: a new view of a table, not a change
	}
	for _, c := range mnt.Changes(old.Mounts, s.Mounts) {
		e := Event{Time: now, Pane: role, PID: s.PID, Comm: s.Comm}
		mt := c.Mount
		e.Mount = &mt
		switch c.Kind {
		case mnt.Added:
			e.Kind = MountAdded
		case mnt.Removed:
			e.Kind = MountRemoved
		default:
			e.Kind = MountChanged
			e.Old = c.Old
		}
		m.hub.emit(e)
	}
}
