package lab

import (
	"errors"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nslab/nslab/lab/mnt"
	"github.com/nslab/nslab/lab/mntev"
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

	mu      sync.Mutex
	snaps   map[Role]Snapshot
	seq     uint64
	diff    []mnt.DiffRow
	diffSeq uint64
	// differ keeps the order of the side that did not change (guarded by mu).
	differ   mnt.Differ
	monitors map[Role]*monitor
	closed   bool

	// marks counts the command end marks (OSC 133 D) of both panes.
	marks atomic.Uint64

	// The mount-event probe (mntev.Probe), run once when the first pane starts; probed is
	// closed when report holds its result.
	probeOnce sync.Once
	probed    chan struct{}
	report    mntev.Report

	// How many times a namespace's table was read whole, how many of those with
	// statmount (mountinfo changed while read), and how many times only the mounts that
	// mount events named (for tests).
	wholeReads, statmountReads, partialReads atomic.Uint64
	// noAlign makes whole reads skip mountinfo for statmount (for tests).
	noAlign atomic.Bool
	// lateEvents turns every batch of mount events into a wake-up with none (for tests:
	// events that come after settleTime).
	lateEvents atomic.Bool
}

func newHub() *hub {
	return &hub{events: make(chan Event, 4096), snaps: map[Role]Snapshot{}, monitors: map[Role]*monitor{}, probed: make(chan struct{})}
}

// MountEventsEnv, set to "off", makes the lab follow mount tables with mountinfo and
// POLLPRI even where the kernel has mount events (to compare the two, as bench/run.sh does);
// set to "nofanotify", with mountinfo's POLLPRI and listmount, as on Linux 6.11–6.14.
const MountEventsEnv = "NSLAB_MOUNT_EVENTS"

// probe finds out, once, whether mount tables can be followed with mount events and read
// one mount at a time (mntev.Probe, with exe as its helper). Until it has, monitors use
// mountinfo; then they switch.
func (h *hub) probe(exe string) {
	h.probeOnce.Do(func() {
		go func() {
			h.report = probeMounts(exe)
			close(h.probed)
		}()
	})
}

// probeMounts is mntev.Probe as MountEventsEnv leaves it: "off" turns both facilities
// off, "nofanotify" mount events alone.
func probeMounts(exe string) mntev.Report {
	switch env := os.Getenv(MountEventsEnv); env {
	case "off":
		off := errors.New("turned off by " + MountEventsEnv + "=off")
		return mntev.Report{Statmount: off, Fanotify: off}
	case "nofanotify":
		r := mntev.Probe(exe)
		if r.Fanotify == nil {
			r.Fanotify = errors.New("turned off by " + MountEventsEnv + "=" + env)
		}
		return r
	}
	return mntev.Probe(exe)
}

// probedReport is the probe's findings, once it has finished (ok).
func (h *hub) probedReport() (r mntev.Report, ok bool) {
	select {
	case <-h.probed:
		return h.report, true
	default:
		return mntev.Report{}, false
	}
}

// mountEvents reports whether the probe has found mount events usable.
func (h *hub) mountEvents() bool {
	r, ok := h.probedReport()
	return ok && r.Events()
}

// listed reports whether the probe has found that, without mount events, listmount and
// statmount read what came and went at mountinfo's wake-ups.
func (h *hub) listed() bool {
	r, ok := h.probedReport()
	return ok && r.Listed()
}

// MountPath says how the lab follows mount tables, and why: mount events and single-mount
// reads; mountinfo's wake-ups told apart by listmount, with single-mount reads; or
// mountinfo and whole-table reads. "" until the probe has finished.
func (l *Lab) MountPath() string {
	if r, ok := l.hub.probedReport(); ok {
		return r.String()
	}
	return ""
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

// commandRun tells a pane's monitor that a command was accepted (OSC 133 C, running true)
// or has ended (D, false). What a command becomes (unshare, chroot, nsenter) is decided
// after the fork, with no output to wake anyone, so while one runs the monitor looks again
// every runningLook.
func (h *hub) commandRun(r Role, running bool) {
	h.mu.Lock()
	m := h.monitors[r]
	h.mu.Unlock()
	if m == nil {
		return
	}
	select {
	case <-m.started: // only the latest news counts
	default:
	}
	select {
	case m.started <- running:
	default:
	}
}

// runningLook spaces the looks at a pane while a command runs in it; an idle pane (at its
// prompt) costs nothing.
const runningLook = 250 * time.Millisecond

// refreshAll tells every monitor that a command ended in a pane: what it did may have
// changed either pane's state without a wake-up (propagation changes wake nobody), so both
// re-read everything.
func (h *hub) refreshAll() {
	h.mu.Lock()
	ms := make([]*monitor, 0, len(h.monitors))
	for _, m := range h.monitors {
		ms = append(ms, m)
	}
	h.mu.Unlock()
	for _, m := range ms {
		m.refresh()
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
		h.diff = h.differ.Diff(h.snaps[Host].Mounts, h.snaps[NS].Mounts)
		h.diffSeq = h.seq
	}
	return State{Host: h.snaps[Host], NS: h.snaps[NS], Diff: h.diff, Seq: h.seq, Dropped: h.dropped.Load()}
}

func (h *hub) start(p *Pane) {
	h.probe(p.lab.opts.Exe)
	m := &monitor{pane: p, hub: h, pokes: make(chan struct{}, 1), full: make(chan struct{}, 1), started: make(chan bool, 1),
		nsSignals: make(chan nsSignal, 64), stop: make(chan struct{}), done: make(chan struct{}),
		watched: map[uint64]*nsWatch{}}
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

// monitor follows one pane. The panels show the followed process: the pty's foreground
// job (descending through wrappers that fork and wait, such as unshare --fork), or, while
// none runs, the innermost shell. Mount events come from every mount namespace a process of
// the pane is in, each watched until no process of the pane is left in it, so a change is
// logged whichever process the panels follow at that moment.
type monitor struct {
	pane      *Pane
	hub       *hub
	pokes     chan struct{}
	started   chan bool // a command was accepted (true) or ended (false)
	full      chan struct{}
	nsSignals chan nsSignal
	stop      chan struct{}
	done      chan struct{}

	watched map[uint64]*nsWatch // by mount namespace inode
	chain   []int               // shell → … → followed process, for when the job ends
	owed    bool                // a whole re-read did not get to publish
	snap    Snapshot
	last    time.Time
	// lastMounts is when a table was last read for mount changes: the storm spacing
	// counts from it, not from any look (a look every runningLook while a command runs
	// would otherwise hold a lone mount back).
	lastMounts time.Time
	// held are the events of a resolve that could not publish (the followed process ended
	// while it was read): they go out after the next publish, which is asked for at once,
	// so no reader is woken for a change State does not have yet.
	held []Event
}

// maxHeld bounds the held events; beyond it they count as dropped, as the hub's are.
const maxHeld = 4096

// nsWatch is one mount namespace a process of the pane is in. It is followed one of two
// ways: by mount events (mntev), reading only the mounts that changed, when the probe
// found them usable and a process of the pane is at the namespace's root; otherwise by
// mountinfo's POLLPRI (mnt.Watch), reading the whole table at each change.
type nsWatch struct {
	ino     uint64
	pid     int // the process whose mountinfo is watched and read
	atRoot  bool
	watcher *mnt.Watcher
	events  *mntev.Watcher // instead of watcher, on the events path
	tab     *mntev.Table   // the table the events (or listmount) keep up to date
	pending mntev.Batch    // events not read yet
	noEvent bool           // the events path failed here: use mountinfo
	stop    chan struct{}
	table   []mnt.Mount
	read    bool // table holds a read
	dirty   bool // the table must be read whole
	// Without mount events: when mountinfo last woke, and when the table was last
	// listed or read whole; a wake-up from before that has been seen.
	wokeAt, listedAt time.Time
}

// nsSignal is a watcher's news: the table changed (on the events path, with the mounts
// that did), or the watch ended.
type nsSignal struct {
	w     *nsWatch
	batch mntev.Batch
	ended bool
	at    time.Time // when the watcher woke
}

// poke asks for a resolve (spaced by minResolve); the monitor's own loop may call it.
func (m *monitor) poke() {
	select {
	case m.pokes <- struct{}{}:
	default:
	}
}

// refresh asks for a full re-read: every watched table and the followed process.
func (m *monitor) refresh() {
	select {
	case m.full <- struct{}{}:
	default:
	}
}

// minResolve spaces out re-resolution during a flood of output; idle panes cost nothing.
const minResolve = 20 * time.Millisecond

// pokeDelay is how long a look waits after the output that asked for it: keystroke →
// screen was 2.1–2.7× tmux's with the look at once, 2.0–2.1× with it 2 ms later.
const pokeDelay = 2 * time.Millisecond

// minMountRead spaces out the reads of a storm of mount changes: each publishes a new
// table, a copy of the whole, which the UI diffs and draws. Ten a second still looks live
// and keeps a 50 Hz storm at 10,000 mounts near a tenth of a core (at 25 a second the
// UI's diffs alone took that); a lone change is read at once, and no event is lost.
const minMountRead = 100 * time.Millisecond

func (m *monitor) run() {
	defer close(m.done)
	defer m.closeAll()
	var delay *time.Timer
	var delayC <-chan time.Time
	// While a command runs: a look every runningLook, until its end mark.
	look := time.NewTimer(time.Hour)
	look.Stop()
	defer look.Stop()
	running := false
	probed := m.hub.probed
	for {
		select {
		case <-probed:
			// The probe has decided: watches move to the path it found.
			probed = nil
			m.resolve(true)
		case <-m.stop:
			if delay != nil {
				delay.Stop()
			}
			return
		case <-m.pokes:
			// Output asks for a look a moment later, never at once: the first output
			// after a quiet spell is most often a key's echo, and reading /proc then
			// competes with the frame that draws it; a flood is looked at once per
			// minResolve.
			if delayC == nil {
				delay = time.NewTimer(max(minResolve-time.Since(m.last), pokeDelay))
				delayC = delay.C
			}
		case <-delayC:
			delayC = nil
			m.resolve(false)
		case running = <-m.started:
			if running {
				look.Reset(runningLook)
			} else {
				look.Stop()
			}
		case <-look.C:
			m.resolve(false)
			if running {
				look.Reset(runningLook)
			}
		case <-m.full:
			m.resolve(true)
		case sig := <-m.nsSignals:
			if m.watched[sig.w.ino] != sig.w {
				continue // from a watch already replaced
			}
			switch {
			case sig.ended:
				if sig.w.events != nil {
					sig.w.noEvent = true // the events failed here: mountinfo from now on
				}
				m.closeWatch(sig.w)
				sig.w.pid = 0
			case sig.w.tab != nil:
				sig.w.pending = sig.w.pending.Merge(sig.batch)
				if sig.at.After(sig.w.wokeAt) {
					sig.w.wokeAt = sig.at
				}
			default:
				sig.w.dirty = true
			}
			// A change right after the last look waits for the next one, with whatever
			// else comes meanwhile: a storm of mounts is read at most once per
			// minMountRead, a lone change at once.
			if wait := minMountRead - time.Since(m.lastMounts); wait > 0 && !sig.ended {
				if delayC == nil {
					delay = time.NewTimer(wait)
					delayC = delay.C
				}
				continue
			}
			m.resolve(false)
		}
	}
}

func (m *monitor) closeAll() {
	for ino, w := range m.watched {
		m.closeWatch(w)
		delete(m.watched, ino)
	}
}

func (m *monitor) closeWatch(w *nsWatch) {
	if w.watcher != nil || w.events != nil {
		close(w.stop)
	}
	if w.watcher != nil {
		w.watcher.Close()
		w.watcher = nil
	}
	if w.events != nil {
		w.events.Close()
		w.events = nil
	}
	w.tab, w.pending = nil, mntev.Batch{}
}

// paneProc is one process of the pane, as cheaply identified.
type paneProc struct {
	pid    int
	parent int
	mnt    uint64
	root   string
	pgrp   int
}

// resolve finds the followed process and the pane's namespaces, re-reads what changed and
// publishes. all re-reads every table (after a command's end mark).
func (m *monitor) resolve(all bool) {
	m.last = time.Now()
	// A whole re-read that could not publish is owed: the next look is one.
	all = all || m.owed
	m.owed = all
	// The end marks the snapshot includes: those counted before a whole re-read, which
	// sees everything the commands did. A partial one (a mount event, a new foreground
	// process) may come before the re-read a mark asks for, with events still queued, so
	// it claims no more than the last whole one did.
	marks := m.snap.Ends
	if all {
		marks = m.hub.marks.Load() // before reading
	}
	role := m.pane.role
	shell := m.pane.ShellPID()
	fg := m.pane.foregroundGroup()
	if fg == 0 || shell == 0 {
		if m.snap.PID != 0 {
			m.closeAll()
			m.chain = nil
			m.snap = Snapshot{Pane: role, Time: time.Now(), Ends: marks}
			m.hub.publish(m.snap)
			m.owed = false
			m.emitHeld()
			// Said as an event too, so a reader that waits on Events sees the empty pane.
			m.hub.emit(Event{Time: m.snap.Time, Pane: role, Kind: ProcessChanged})
		}
		return
	}
	procs := paneProcesses(shell)
	if len(procs) == 0 {
		return // the shell is gone; its exit event brings the next state
	}
	byPID := make(map[int]paneProc, len(procs))
	for _, p := range procs {
		byPID[p.pid] = p
	}
	followed, chain := m.follow(fg, shell, procs, byPID)
	m.chain = chain

	// Namespaces: watch each one a process of the pane is in, from the first process in
	// tree order (the outermost, which outlives the commands it runs) at the namespace's
	// root, or any when all are chrooted.
	now := time.Now()
	seen := map[uint64]bool{}
	for _, p := range procs {
		if seen[p.mnt] {
			continue
		}
		seen[p.mnt] = true
		target := p
		for _, q := range procs {
			if q.mnt == p.mnt && q.root == "/" {
				target = q
				break
			}
		}
		w := m.watched[p.mnt]
		if w == nil {
			w = &nsWatch{ino: p.mnt}
			m.watched[p.mnt] = w
		}
		atRoot := target.root == "/"
		switch {
		case w.events != nil && atRoot:
			// Events follow the namespace, not a process: any process at its root reads
			// the same table, so another one changes only whose table it is.
			w.pid = target.pid
		case w.pid != target.pid || w.atRoot != atRoot || (w.watcher == nil && w.events == nil) || (w.watcher != nil && atRoot && m.useEvents(w)) ||
			(w.watcher != nil && w.tab == nil && atRoot && m.useListed(w)):
			// Watch before reading, so no change falls between the two.
			m.closeWatch(w)
			framed := w.read && w.atRoot && atRoot
			w.pid, w.atRoot = target.pid, atRoot
			m.startWatch(w)
			if !framed {
				w.read = false // another frame: the next read is a new view, not a change
			}
			w.dirty = true
		}
		if all {
			w.dirty = true
		}
	}
	for ino, w := range m.watched {
		if !seen[ino] {
			m.closeWatch(w) // no process of the pane is left in it
			delete(m.watched, ino)
		}
	}
	// Events go out after the state that has them is published: a reader woken by an
	// event must find the change in State (the UI reads State only when woken).
	for _, ino := range sortedInodes(m.watched) {
		m.hold(m.readWatch(m.watched[ino], followed, now))
	}

	// The followed process: a full snapshot when anything it shows may differ.
	s, err := inspectFollowed(followed, m.watched[followed.mnt])
	if err != nil {
		if len(m.held) > 0 {
			m.poke() // the tables have moved on: publish them with the next process
		}
		return
	}
	s.Pane, s.Ends, s.Time = role, marks, now
	old := m.snap
	m.snap = s
	m.hub.publish(s)
	m.owed = false
	m.emitProcessChanges(old, s)
	m.emitHeld()
}

// hold keeps events until the state that has them is published.
func (m *monitor) hold(events []Event) {
	m.held = append(m.held, events...)
	if over := len(m.held) - maxHeld; over > 0 {
		m.hub.dropped.Add(uint64(over))
		m.held = slices.Delete(m.held, 0, over)
	}
}

// emitHeld sends the held events, after a publish.
func (m *monitor) emitHeld() {
	for _, e := range m.held {
		m.hub.emit(e)
	}
	m.held = m.held[:0]
}

// follow picks the followed process: the foreground process group's leader, then down
// through children in the same group while there is exactly one (unshare --fork, sudo,
// nsenter wait for the one they start); when the job has already ended, the deepest living
// process of the last chain followed (the shell that ran it).
func (m *monitor) follow(fg, shell int, procs []paneProc, byPID map[int]paneProc) (paneProc, []int) {
	p, ok := byPID[fg]
	if !ok {
		// The leader is gone: another member of its group (a pipeline's later command).
		for _, q := range procs {
			if q.pgrp == fg {
				p, ok = q, true
				break
			}
		}
	}
	if !ok {
		// The job has ended and its shell has not taken the terminal back yet: stay with
		// the deepest living process of the chain followed, not the pane's shell.
		for i := len(m.chain) - 1; i >= 0; i-- {
			if q, alive := byPID[m.chain[i]]; alive {
				p, ok = q, true
				break
			}
		}
	}
	if !ok {
		p = byPID[shell]
	}
	for {
		var only paneProc
		n := 0
		for _, q := range procs {
			if q.parent == p.pid && q.pgrp == p.pgrp {
				only = q
				n++
			}
		}
		if n != 1 {
			break
		}
		p = only
	}
	var chain []int
	for q, hops := p, 0; hops < 64; hops++ {
		chain = append([]int{q.pid}, chain...)
		if q.pid == shell {
			break
		}
		parent, ok := byPID[q.parent]
		if !ok {
			break
		}
		q = parent
	}
	return p, chain
}

// useEvents reports whether w can be followed by mount events: the probe found them
// usable and they have not failed for this namespace.
func (m *monitor) useEvents(w *nsWatch) bool {
	return !w.noEvent && m.hub.mountEvents()
}

// useListed reports whether w's mountinfo wake-ups can be told apart by listmount.
func (m *monitor) useListed(w *nsWatch) bool {
	return !w.noEvent && m.hub.listed()
}

func (m *monitor) startWatch(w *nsWatch) {
	if w.atRoot && m.useEvents(w) {
		if m.startEvents(w) {
			return
		}
		w.noEvent = true
	}
	watcher, err := mnt.Watch(w.pid)
	if err != nil {
		return // the process is gone: the next resolve picks another
	}
	w.watcher, w.stop = watcher, make(chan struct{})
	// Without mount events a wake-up is a wake-up with no event: listmount, where it
	// can, tells a mount or unmount from a remount (readWatch).
	var wake mntev.Batch
	if w.atRoot && m.useListed(w) {
		if ns, err := mntev.NamespaceOf(w.pid); err == nil {
			w.tab, wake = mntev.NewTable(ns), mntev.Batch{Remounted: true}
		}
	}
	go func(w *nsWatch, watcher *mnt.Watcher, stop chan struct{}) {
		for {
			select {
			case <-stop:
				return
			case <-watcher.C():
				m.signal(nsSignal{w: w, batch: wake, at: time.Now()}, stop)
			case <-watcher.Done():
				m.signal(nsSignal{w: w, ended: true}, stop)
				return
			}
		}
	}(w, watcher, w.stop)
}

// startEvents starts following w by mount events, with remounts (which fanotify does not
// report) through mountinfo's POLLPRI, and reports whether it could.
func (m *monitor) startEvents(w *nsWatch) bool {
	events, err := mntev.WatchWith(w.pid, mntev.Options{Remounts: true})
	if err != nil {
		return false
	}
	if events.Namespace().Inode != w.ino {
		events.Close() // the process moved to another namespace meanwhile
		return false
	}
	w.events, w.tab, w.stop = events, mntev.NewTable(events.Namespace()), make(chan struct{})
	go func(w *nsWatch, events *mntev.Watcher, stop chan struct{}) {
		for {
			select {
			case <-stop:
				return
			case b := <-events.C():
				m.signal(nsSignal{w: w, batch: b}, stop)
			case <-events.Done():
				m.signal(nsSignal{w: w, ended: true}, stop)
				return
			}
		}
	}(w, events, w.stop)
	return true
}

// readWatch brings w's table up to date and returns the events for what changed: only the
// mounts the mount events name, or the whole table when it is dirty or the events cannot
// say exactly (lost events, a remount, what statmount cannot tell from outside).
func (m *monitor) readWatch(w *nsWatch, followed paneProc, now time.Time) []Event {
	if w.dirty || !w.pending.Empty() {
		m.lastMounts = now
	}
	if w.tab != nil && !w.dirty && !w.pending.Empty() {
		b := w.pending
		w.pending = mntev.Batch{}
		if m.hub.lateEvents.Load() && !b.Remounted {
			b = mntev.Batch{Remounted: true} // as if the events came too late (for tests)
		}
		ids, known := batchIDs(b), !b.Overflow && w.tab.Loaded()
		switch {
		case known && b.Remounted && len(ids) == 0 && w.events == nil && !w.wokeAt.After(w.listedAt):
			// Without mount events: every wake-up so far came before the last listing or
			// whole read, which saw what it was for (mountinfo wakes after a change is in
			// place). A remount among them, which listmount cannot see, waits for the next
			// command's end, as one in the same instant as a mount does with events.
			return nil
		case known && b.Remounted && len(ids) == 0:
			// mountinfo woke and no event came in time: a remount, or a mount or unmount
			// whose event comes late (the mounting thread preempted on a busy machine).
			// listmount tells them apart: a mount that came or went changes the IDs, and
			// then only those are read (a whole read took 240 ms at 100,000 mounts). A
			// remount in the same instant is missed, as Options.Remounts says.
			w.listedAt = time.Now()
			listed, err := mntev.ReadIDs(w.tab.Namespace())
			added, gone := w.tab.Compare(listed)
			ids = append(added, gone...)
			known = err == nil && len(ids) > 0
		case b.Remounted:
			known = false // events and a wake-up without one: a remount among them
		}
		if known {
			found, gone, err := mntev.ReadMounts(w.tab.Namespace(), ids)
			if err == nil {
				changes, exact := w.tab.Apply(found, gone)
				if exact {
					m.hub.partialReads.Add(1)
					w.table = w.tab.Mounts()
					return m.mountChanges(w, changes, followed, now)
				}
			}
		}
		w.dirty = true
	}
	if !w.dirty {
		return nil
	}
	w.pending = mntev.Batch{} // the whole read covers them
	w.listedAt = time.Now()
	var table []mnt.Mount
	var err error
	if w.tab != nil {
		table, err = m.readAligned(w)
	} else {
		table, err = mnt.Read(w.pid)
	}
	if err != nil {
		return nil // the process ended; its watcher or the next resolve says so
	}
	m.hub.wholeReads.Add(1)
	w.dirty = false
	// Unchanged (a command's end asks for a read whatever it did): the same slice goes
	// on, so the diff and the panel have nothing to do again.
	unchanged := w.read && (sameSlice(w.table, table) || slices.Equal(w.table, table))
	var out []Event
	if w.read && !unchanged {
		out = m.mountChanges(w, mnt.Changes(w.table, table), followed, now)
	}
	if unchanged {
		table = w.table
	}
	w.table, w.read = table, true
	return out
}

// sameSlice says a and b are one slice (Load keeps a table found the same: then there is
// nothing to compare).
func sameSlice(a, b []mnt.Mount) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// batchIDs lists the mounts a batch names, each once (a move is both attached and
// detached).
func batchIDs(b mntev.Batch) []uint64 {
	seen := make(map[uint64]bool, len(b.Attached)+len(b.Detached))
	ids := make([]uint64, 0, len(b.Attached)+len(b.Detached))
	for _, id := range slices.Concat(b.Attached, b.Detached) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// readAligned reads w's whole table from mountinfo, exact in every field, and lines it up
// with the 64-bit mount IDs listmount gives, so that events can change it one mount at a
// time later. mountinfo lists mounts in the order of those IDs; the same IDs before and
// after the read, as many as its lines, mean no mount came or went in between. In a storm
// of mounts they rarely line up: then the table is read with statmount instead, each
// mount with its ID (the events of what changes meanwhile follow), unless statmount cannot
// read it exactly (mntev.Doubts); then the mountinfo table is used as it is, and the next
// event has it read whole again.
func (m *monitor) readAligned(w *nsWatch) ([]mnt.Mount, error) {
	ns := w.tab.Namespace()
	w.tab.Unload()
	var table []mnt.Mount
	for range 2 {
		if m.hub.noAlign.Load() {
			break
		}
		before, err := mntev.ReadIDs(ns)
		if err != nil {
			break
		}
		if table, err = mnt.Read(w.pid); err != nil {
			return nil, err
		}
		after, err := mntev.ReadIDs(ns)
		if err != nil {
			break
		}
		if slices.Equal(before, after) && len(after) == len(table) && w.tab.Load(table, after) == nil {
			return w.tab.Mounts(), nil // the table's own copy, which mounts to come extend
		}
	}
	if read, err := mntev.ReadTable(ns); err == nil && mntev.Doubts(read, ns) == "" {
		mounts, ids := make([]mnt.Mount, len(read)), make([]uint64, len(read))
		for i := range read {
			mounts[i], ids[i] = read[i].Mount, read[i].UniqueID
		}
		if w.tab.Load(mounts, ids) == nil {
			m.hub.statmountReads.Add(1)
			return w.tab.Mounts(), nil
		}
	}
	if table == nil {
		return mnt.Read(w.pid)
	}
	return table, nil
}

func (m *monitor) signal(sig nsSignal, stop chan struct{}) {
	select {
	case m.nsSignals <- sig:
	case <-stop:
	case <-m.stop:
	}
}

// mountChanges turns what changed in one namespace's table into events, attributed to
// the pane and that namespace, and to the followed process when it is in it.
func (m *monitor) mountChanges(w *nsWatch, changes []mnt.Change, followed paneProc, now time.Time) []Event {
	if len(changes) == 0 {
		return nil
	}
	pid, comm := w.pid, readComm(w.pid)
	if followed.mnt == w.ino {
		pid, comm = followed.pid, readComm(followed.pid)
	}
	out := make([]Event, 0, len(changes))
	for _, c := range changes {
		e := Event{Time: now, Pane: m.pane.role, PID: pid, Comm: comm, MntNS: w.ino}
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
		out = append(out, e)
	}
	return out
}

func (m *monitor) emitProcessChanges(old, s Snapshot) {
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
}

func sortedInodes(ws map[uint64]*nsWatch) []uint64 {
	out := make([]uint64, 0, len(ws))
	for ino := range ws {
		out = append(out, ino)
	}
	slices.Sort(out)
	return out
}
