package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/sys/unix"
)

// Result is how a command typed by Run ended.
type Result struct {
	// Exit is the status from the shell's command-end mark (-1 if unknown).
	Exit int
	// Output is what the command printed, escape sequences and carriage returns removed.
	Output string
	// TimedOut is set when no end mark came in time; Run then sent Ctrl-C.
	TimedOut bool
	// TypingTimedOut is set (with TimedOut) when typing the command alone took the whole
	// timeout: Run stopped typing and sent Ctrl-C to drop the half-typed line.
	TypingTimedOut bool
	Duration       time.Duration
}

// ErrShellExited is returned by Run when the pane's shell is not running.
var ErrShellExited = errors.New("the pane's shell has exited")

// Pane is one pane's shell on its pty, as the UI and the scenario engine use it.
type Pane struct {
	lab   *Lab
	role  Role
	input chan []byte
	quit  chan struct{}
	// inMu orders WriteNow with the queue: queued counts writes sent to
	// input and not yet written by writeLoop.
	inMu   sync.Mutex
	queued int

	mu sync.Mutex
	// tty is the pane's pty on the devpts of the current init (nil before the first shell).
	tty        *labPTY
	changed    chan struct{} // closed and replaced on every state change (a broadcast)
	sink       io.Writer
	scanner    markScanner
	in         *initProc
	spawnID    int
	shellPID   int // in nslab's PID namespace
	alive      bool
	status     int    // of the last shell that ended
	prompt     bool   // the last mark was A or B: a prompt is showing
	typed      bool   // the user typed since the prompt appeared
	ends       uint64 // count of D marks
	lastExit   int
	capture    *bytes.Buffer
	capFrom    int // offset in capture where output starts (-1 until known)
	capEnd     int // offset just after the last D mark
	cols, rows int
	typeDelay  time.Duration
	closed     bool
}

// labPTY is a pane's pty, allocated on the devpts instance of one lab init: each init
// mounts its own, so no host terminal is in the lab, and a Reset brings a new pty.
type labPTY struct {
	in     *initProc
	master *os.File
	// slave stays open here so the master never sees EIO between shells (restart).
	slave   *os.File
	termios *unix.Termios // the slave's settings at open, restored before each new shell
	done    chan struct{} // closed when its reader ends
}

// setSize sets the window size (TIOCSWINSZ, ioctl_tty(2)); the kernel sends SIGWINCH to
// the foreground job.
func (t *labPTY) setSize(cols, rows int) error {
	return rawControl(t.master, func(fd int) error {
		return unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Col: uint16(cols), Row: uint16(rows)})
	})
}

// masterInt reads an int with an ioctl on the master (TIOCGPGRP, TIOCGSID).
func (t *labPTY) masterInt(req uint) (int, error) {
	var v int
	err := rawControl(t.master, func(fd int) (err error) {
		v, err = unix.IoctlGetInt(fd, req)
		return err
	})
	return v, err
}

// close ends the pty once its shells are gone: the master's Close ends the pending Read.
func (t *labPTY) close() {
	t.slave.Close()
	t.master.Close()
	<-t.done
}

func newPane(l *Lab, r Role, cols, rows int) (*Pane, error) {
	p := &Pane{
		lab: l, role: r,
		input: make(chan []byte, 256), quit: make(chan struct{}),
		changed: make(chan struct{}), cols: cols, rows: rows, lastExit: -1,
	}
	go p.writeLoop()
	return p, nil
}

// ptyFor returns the pane's pty on the devpts of init in, opening it (and closing the one
// of an earlier init, whose shells are gone) when the pane has none there yet.
func (p *Pane) ptyFor(in *initProc) (*labPTY, error) {
	p.mu.Lock()
	old, cols, rows := p.tty, p.cols, p.rows
	p.mu.Unlock()
	if old != nil && old.in == in {
		return old, nil
	}
	master, slave, err := openLabPTY(in.pid)
	if err != nil {
		return nil, fmt.Errorf("open a pty for the %s pane: %w", p.role, err)
	}
	t := &labPTY{in: in, master: master, slave: slave, done: make(chan struct{})}
	if tio, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS); err == nil {
		t.termios = tio
	}
	_ = t.setSize(cols, rows)
	go p.readLoop(t)
	p.mu.Lock()
	closed := p.closed
	if !closed {
		p.tty = t
	}
	p.mu.Unlock()
	if closed {
		t.close()
		return nil, ErrClosed
	}
	if old != nil {
		old.close()
	}
	return t, nil
}

// openPTYs gives both panes a pty on the current init's devpts before either shell of
// that init starts, while nothing in the lab can have touched the path (openLabPTY).
func (l *Lab) openPTYs() error {
	l.mu.Lock()
	in := l.init
	l.mu.Unlock()
	if in == nil {
		return ErrClosed
	}
	for _, r := range Roles {
		if _, err := l.panes[r].ptyFor(in); err != nil {
			return err
		}
	}
	return nil
}

// Role is the pane's role.
func (p *Pane) Role() Role { return p.role }

// SetSink sets where the pane's raw output goes (the terminal emulator). It is called from
// the pane's reader goroutine, one chunk at a time.
func (p *Pane) SetSink(w io.Writer) {
	p.mu.Lock()
	p.sink = w
	p.mu.Unlock()
}

// SetTypeDelay sets the pause between characters when Run types a command, so a class can
// watch it being typed. Zero types at once.
func (p *Pane) SetTypeDelay(d time.Duration) {
	p.mu.Lock()
	p.typeDelay = d
	p.mu.Unlock()
}

// Write sends input (keystrokes, paste, terminal replies) to the shell. It never blocks the
// caller: input is queued for the pane's writer goroutine; if 256 writes are already waiting
// (the shell reads nothing), the input is dropped.
func (p *Pane) Write(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	if _, err := p.typing(); err != nil {
		return 0, err
	}
	p.inMu.Lock()
	defer p.inMu.Unlock()
	return p.queueLocked(b)
}

// WriteNow is Write for a caller that may make a system call: when nothing
// is queued before it, the input is written to the pty at once
// (non-blocking write(2)), and only what the pty does not take is queued. A
// key typed this way reaches the shell without a hand-off to the writer
// goroutine.
func (p *Pane) WriteNow(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	t, err := p.typing()
	if err != nil {
		return 0, err
	}
	p.inMu.Lock()
	defer p.inMu.Unlock()
	done := 0
	if p.queued == 0 && t != nil {
		done = writeNonblock(t.master, b)
	}
	if done == len(b) {
		return done, nil
	}
	n, err := p.queueLocked(b[done:])
	return done + n, err
}

// typing notes input for the prompt's sake and returns the pty it goes to
// (nil before the first shell: the input waits in the queue for it).
func (p *Pane) typing() (*labPTY, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	if p.prompt {
		p.typed = true
	}
	return p.tty, nil
}

// queueLocked hands b to writeLoop, or drops it when 256 writes wait.
func (p *Pane) queueLocked(b []byte) (int, error) {
	select {
	case p.input <- append([]byte(nil), b...):
		p.queued++
		return len(b), nil
	default:
		return 0, errors.New("pane input queue full")
	}
}

// writeNonblock writes b to the pty's master without waiting for room
// (write(2) on the non-blocking descriptor) and returns how much it took.
func writeNonblock(master *os.File, b []byte) int {
	rc, err := master.SyscallConn()
	if err != nil {
		return 0
	}
	done := 0
	_ = rc.Write(func(fd uintptr) bool {
		for done < len(b) {
			n, err := unix.Write(int(fd), b[done:])
			if n <= 0 || err != nil {
				break // EAGAIN (full), or an error writeLoop meets as well
			}
			done += n
		}
		return true // never wait for the poller
	})
	return done
}

func (p *Pane) writeLoop() {
	for {
		select {
		case b := <-p.input:
			p.mu.Lock()
			t := p.tty
			p.mu.Unlock()
			if t != nil {
				// An error means the pty was replaced or closed: the input was for it.
				_, _ = t.master.Write(b)
			}
			p.inMu.Lock()
			p.queued--
			p.inMu.Unlock()
		case <-p.quit:
			return
		}
	}
}

// Resize sets the pty's window size; the kernel sends SIGWINCH to the foreground job.
func (p *Pane) Resize(cols, rows int) error {
	if cols < 1 || rows < 1 || cols > 0xffff || rows > 0xffff {
		return fmt.Errorf("resize %s pane: bad size %dx%d", p.role, cols, rows)
	}
	p.mu.Lock()
	p.cols, p.rows = cols, rows
	t := p.tty
	p.mu.Unlock()
	if t == nil {
		return nil // the pty, when it comes, starts at this size
	}
	return t.setSize(cols, rows)
}

// ShellPID is the pid of the pane's shell as nslab sees it (0 when none runs).
func (p *Pane) ShellPID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.alive {
		return 0
	}
	return p.shellPID
}

// Alive reports whether the shell runs, and the status of the last one that ended.
func (p *Pane) Alive() (alive bool, lastStatus int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.alive, p.status
}

// foregroundGroup is the pty's foreground process group (TIOCGPGRP on the master), whether
// or not its leader still exists (0 when unknown).
func (p *Pane) foregroundGroup() int {
	p.mu.Lock()
	closed, t := p.closed, p.tty
	p.mu.Unlock()
	if closed || t == nil {
		return 0
	}
	pgrp, err := t.masterInt(unix.TIOCGPGRP)
	if err != nil || pgrp <= 0 {
		return 0
	}
	return pgrp
}

// ForegroundGroup is the pty's foreground process group (TIOCGPGRP on the master, in
// nslab's PID namespace) even when its leader has ended, as a pipeline's first command does;
// the shell's own while it waits at its prompt; 0 when unknown. The UI asks before quitting
// while it is another.
func (p *Pane) ForegroundGroup() int { return p.foregroundGroup() }

// Foreground is the pty's foreground process group (TIOCGPGRP on the master, in nslab's PID
// namespace): the process the panels inspect. It falls back to the shell.
func (p *Pane) Foreground() int {
	if pgrp := p.foregroundGroup(); pgrp > 0 {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pgrp)); err == nil {
			return pgrp
		}
	}
	return p.ShellPID()
}

// Restart starts a new shell in this pane's role once the old one has ended.
func (p *Pane) Restart(ctx context.Context) error {
	p.mu.Lock()
	alive := p.alive
	p.mu.Unlock()
	if alive {
		return fmt.Errorf("restart %s pane: its shell is still running", p.role)
	}
	return p.start(ctx)
}

// start asks the current init for a new shell on this pane's pty.
func (p *Pane) start(ctx context.Context) error {
	l := p.lab
	l.mu.Lock()
	opts, cur := l.opts, l.init
	l.mu.Unlock()
	if cur == nil {
		return fmt.Errorf("start %s shell %s: %w", p.role, opts.Shell.Path, ErrClosed)
	}
	t, err := p.ptyFor(cur)
	if err != nil {
		return err
	}
	if t.termios != nil {
		// A killed full-screen program can leave the tty raw; a new shell starts sane.
		_ = unix.IoctlSetTermios(int(t.slave.Fd()), unix.TCSETS, t.termios)
	}
	p.mu.Lock()
	cols, rows := p.cols, p.rows
	p.mu.Unlock()
	_ = t.setSize(cols, rows)
	m := ctlMsg{
		Op:     opSpawn,
		Role:   p.role,
		Argv:   opts.Shell.Argv,
		Env:    shellEnv(p.role, opts.Env),
		Dir:    paneHome(),
		InHost: p.role == NS && opts.NSStart == NSInHost,
	}
	// Register the spawn ID before the shell can end, so its exit finds this pane.
	p.mu.Lock()
	p.prompt, p.typed, p.ends, p.capture = false, false, 0, nil
	p.mu.Unlock()
	reply, in, err := l.requestFor(ctx, m, t.slave, func(in *initProc, id int) {
		p.mu.Lock()
		p.in, p.spawnID, p.alive = in, id, true
		p.mu.Unlock()
	})
	if err != nil {
		p.mu.Lock()
		p.alive = false
		p.mu.Unlock()
		return fmt.Errorf("start %s shell %s: %w", p.role, opts.Shell.Path, err)
	}
	// TIOCGSID on the master gives the session leader — the shell — in our PID namespace.
	sid, err := t.masterInt(unix.TIOCGSID)
	if err != nil {
		sid = 0
	}
	p.mu.Lock()
	if p.in == in && p.spawnID == reply.ID && p.alive {
		p.shellPID = sid
	}
	p.broadcastLocked()
	p.mu.Unlock()
	l.hub.emit(Event{Time: time.Now(), Pane: p.role, Kind: ShellStarted, PID: sid})
	l.hub.poke(p.role)
	return nil
}

func (p *Pane) ownsSpawn(in *initProc, id int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.in == in && p.spawnID == id
}

// exited records that the pane's shell ended with status.
func (p *Pane) exited(id, status int) {
	p.mu.Lock()
	if p.spawnID != id || !p.alive {
		p.mu.Unlock()
		return
	}
	p.alive, p.status, p.shellPID, p.prompt = false, status, 0, false
	p.broadcastLocked()
	p.mu.Unlock()
	p.lab.hub.emit(Event{Time: time.Now(), Pane: p.role, Kind: ShellExited, Status: status})
	p.lab.hub.poke(p.role)
}

// initDied marks the shell gone when the whole init died under us (not on Reset or Close).
func (p *Pane) initDied(in *initProc) {
	p.mu.Lock()
	if p.in != in {
		// A Reset came first (the lab said it ended before this ran): the shell is the
		// fresh lab's.
		p.mu.Unlock()
		return
	}
	wasAlive := p.alive
	p.alive, p.shellPID, p.prompt = false, 0, false
	if wasAlive {
		p.status = 128 + int(unix.SIGKILL)
	}
	p.broadcastLocked()
	p.mu.Unlock()
	if wasAlive {
		p.lab.hub.emit(Event{Time: time.Now(), Pane: p.role, Kind: ShellExited, Status: 128 + int(unix.SIGKILL)})
		p.lab.hub.poke(p.role)
	}
}

// detach forgets the current shell before its init is killed on purpose.
func (p *Pane) detach() {
	p.mu.Lock()
	p.alive, p.shellPID, p.in, p.spawnID, p.prompt = false, 0, nil, 0, false
	p.broadcastLocked()
	p.mu.Unlock()
}

func (p *Pane) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	t := p.tty
	p.broadcastLocked()
	p.mu.Unlock()
	close(p.quit)
	if t != nil {
		t.close()
	}
}

func (p *Pane) broadcastLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// readLoop reads the pty, finds the shell's marks and hands the bytes to the sink.
func (p *Pane) readLoop(t *labPTY) {
	defer close(t.done)
	buf := make([]byte, 32<<10)
	for {
		n, err := t.master.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			ended, started := false, false
			p.mu.Lock()
			marks := p.scanner.Scan(chunk)
			if p.capture != nil {
				base := p.capture.Len()
				p.capture.Write(chunk)
				for _, m := range marks {
					switch m.Kind {
					case MarkCommandRun:
						p.capFrom = base + m.End
					case MarkCommandEnd:
						p.capEnd = base + m.End
					}
				}
				if p.capture.Len() > maxCapture {
					p.trimCaptureLocked()
				}
			}
			for _, m := range marks {
				switch m.Kind {
				case MarkPromptStart, MarkCommandStart:
					p.prompt, p.typed = true, false
				case MarkCommandRun:
					p.prompt = false
					started = true
				case MarkCommandEnd:
					p.ends++
					p.lastExit = m.Exit
					p.prompt = false
					// Counted before Run is woken, so that whoever Run returns to finds
					// the mark counted (Lab.EndMarks) and can wait for a state that has it.
					p.lab.hub.marks.Add(1)
					ended = true
				}
			}
			if len(marks) > 0 {
				p.broadcastLocked()
			}
			sink := p.sink
			p.mu.Unlock()
			if sink != nil {
				_, _ = sink.Write(chunk)
			}
			if started || ended {
				p.lab.hub.commandRun(p.role, !ended) // a chunk with C then D has ended
			}
			if ended {
				p.lab.hub.refreshAll()
			}
			p.lab.hub.poke(p.role)
		}
		if err != nil {
			if errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN) {
				continue
			}
			return
		}
	}
}

// maxCapture bounds what Run keeps of one command's output.
const maxCapture = 4 << 20

// trimCaptureLocked keeps the last half of an overlong capture.
func (p *Pane) trimCaptureLocked() {
	b := p.capture.Bytes()
	cut := len(b) - maxCapture/2
	rest := append([]byte("…\n"), b[cut:]...)
	p.capture = bytes.NewBuffer(rest)
	p.capFrom = max(p.capFrom-cut+2, -1)
	if p.capFrom < 0 {
		p.capFrom = 0
	}
	p.capEnd = max(p.capEnd-cut+2, 0)
}

// waitFor waits until cond (called with p.mu held) is true, ctx ends or the deadline passes.
func (p *Pane) waitFor(ctx context.Context, deadline time.Time, cond func() bool) error {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		p.mu.Lock()
		ok := cond()
		ch := p.changed
		closed := p.closed
		p.mu.Unlock()
		if ok {
			return nil
		}
		if closed {
			return ErrClosed
		}
		select {
		case <-ch:
		case <-timer.C:
			return context.DeadlineExceeded
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// WaitPrompt waits until the pane's shell shows a prompt.
func (p *Pane) WaitPrompt(ctx context.Context, timeout time.Duration) error {
	err := p.waitFor(ctx, time.Now().Add(timeout), func() bool { return p.prompt || !p.alive })
	if err != nil {
		return fmt.Errorf("%s pane: no prompt within %s: %w", p.role, timeout, err)
	}
	p.mu.Lock()
	alive := p.alive
	p.mu.Unlock()
	if !alive {
		return ErrShellExited
	}
	return nil
}

// Run types cmd into the pane as if typed (visibly, followed by Enter) and waits for the
// shell's command-end mark. A command that starts a nested shell ends when that shell shows
// its prompt. On timeout it sends Ctrl-C and reports TimedOut; it never hangs.
func (p *Pane) Run(ctx context.Context, cmd string, timeout time.Duration) (Result, error) {
	start := time.Now()
	deadline := start.Add(timeout)
	if err := p.WaitPrompt(ctx, timeout); err != nil {
		return Result{Exit: -1}, err
	}
	lines := 0
	for _, l := range strings.Split(cmd, "\n") {
		if strings.TrimSpace(l) != "" {
			lines++
		}
	}
	p.mu.Lock()
	typed, delay := p.typed, p.typeDelay
	want := p.ends + uint64(max(lines, 1))
	p.capture, p.capFrom, p.capEnd = &bytes.Buffer{}, -1, -1
	p.mu.Unlock()
	if typed {
		_, _ = p.Write([]byte{0x15}) // Ctrl-U: clear what the user left on the line
	}
	if err := p.typeText(ctx, strings.ReplaceAll(cmd, "\n", "\r")+"\r", delay, deadline); err != nil {
		if errors.Is(err, errTypingTimedOut) {
			// Ctrl-C: the shell drops the half-typed line and prompts again. Wait for that
			// prompt, or the next command's first keys go to the tty's input flush.
			p.mu.Lock()
			p.capture, p.prompt = nil, false
			p.mu.Unlock()
			_, _ = p.Write([]byte{0x03})
			_ = p.waitFor(ctx, time.Now().Add(2*time.Second), func() bool { return p.prompt || !p.alive })
			return Result{Exit: -1, TimedOut: true, TypingTimedOut: true, Duration: time.Since(start)}, nil
		}
		return Result{Exit: -1}, err
	}
	err := p.waitFor(ctx, deadline, func() bool { return p.ends >= want || !p.alive })
	res := Result{Exit: -1}
	if errors.Is(err, context.DeadlineExceeded) {
		res.TimedOut = true
		_, _ = p.Write([]byte{0x03}) // Ctrl-C, then give the prompt a moment to come back
		_ = p.waitFor(ctx, time.Now().Add(2*time.Second), func() bool { return p.ends >= want || !p.alive })
		err = nil
	}
	p.mu.Lock()
	alive := p.alive
	if p.ends >= want && !res.TimedOut {
		res.Exit = p.lastExit
	}
	res.Output = p.captureTextLocked(cmd)
	p.capture = nil
	p.mu.Unlock()
	res.Duration = time.Since(start)
	if err != nil {
		return res, err
	}
	if !alive {
		return res, ErrShellExited
	}
	return res, nil
}

// errTypingTimedOut says the deadline came before the last character was typed.
var errTypingTimedOut = errors.New("typing the command took longer than its timeout")

// typeText writes s, one character at a time when a delay is set, and stops at the
// deadline: a long command at a slow pace must not go on typing for hours.
func (p *Pane) typeText(ctx context.Context, s string, delay time.Duration, deadline time.Time) error {
	if delay <= 0 {
		_, err := p.Write([]byte(s))
		return err
	}
	for _, r := range s {
		if !time.Now().Before(deadline) {
			return errTypingTimedOut
		}
		if _, err := p.Write([]byte(string(r))); err != nil {
			return err
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// captureTextLocked turns the captured bytes into the command's output text: from the C mark
// (or the end of the echoed command line) to the last D mark, escapes stripped.
func (p *Pane) captureTextLocked(cmd string) string {
	if p.capture == nil {
		return ""
	}
	b := p.capture.Bytes()
	end := len(b)
	if p.capEnd >= 0 && p.capEnd <= len(b) {
		end = p.capEnd
	}
	if p.capFrom >= 0 && p.capFrom <= end {
		return plainText(b[p.capFrom:end])
	}
	// No C mark (POSIX sh): the output starts after the shell's echo of the command line.
	return afterEcho(plainText(b[:end]), cmd)
}

// plainText strips terminal control sequences and carriage returns.
func plainText(b []byte) string {
	text := ansi.Strip(string(b))
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.ReplaceAll(text, "\r", "")
}

// afterEcho returns what follows the echo of cmd in text. A line editor may wrap the echo
// with newlines or redraw it (busybox ash repaints the prompt and line), so the
// first complete echo — newlines inside it ignored — that ends a line is taken (output that
// repeats the command comes after it); without one, what follows the first newline.
func afterEcho(text, cmd string) string {
	cmd = strings.TrimSpace(strings.ReplaceAll(cmd, "\n", " "))
	best := -1
	for i := 0; cmd != "" && i < len(text); i++ {
		if text[i] != cmd[0] {
			continue
		}
		j, k := i, 0
		for j < len(text) && k < len(cmd) {
			switch {
			case text[j] == cmd[k]:
				j, k = j+1, k+1
			case text[j] == '\n':
				j++
			default:
				k = -1
			}
			if k < 0 {
				break
			}
		}
		if k != len(cmd) {
			continue
		}
		for j < len(text) && text[j] == ' ' {
			j++
		}
		if j < len(text) && text[j] == '\n' {
			best = j + 1
			break
		}
	}
	if best >= 0 {
		return text[best:]
	}
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		return text[i+1:]
	}
	return ""
}
