package tui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/tui/term"
)

// paneView is one terminal pane: the shell's screen in a box titled with the
// pane's role and its mount namespace.
type paneView struct {
	role lab.Role
	pane Pane
	term term.Terminal

	alive      bool
	status     int
	restarting bool
	// heard is set once a lab event said whether the shell runs; the first
	// read of Alive, which may be older, is then ignored.
	heard   bool
	problem string // why the last restart failed
	// ended is the lab's own end, shared by both panes (nil: never ends).
	ended *labEnd

	box rect
	// typeTo is the terminal as the key reader types into it (kept, so the
	// Model does not hand it a new one after each message).
	typeTo *typeTarget
	// The pty's size: asked for (applied or in flight), and wanted now. One
	// resize runs at a time, so the last size asked is the one that sticks.
	ptyCols, ptyRows   int
	wantCols, wantRows int
	resizing           bool

	// drawn keeps what View drew last that a frame of output leaves as it
	// was, so drawing the pane after a keystroke costs its lines only.
	drawn paneDrawn
}

// paneDrawn is a pane's title and borders as drawn last, with what they were
// drawn from, and its screen's lines.
type paneDrawn struct {
	titleKey titleKey
	title    string

	borderKey                borderKey
	top, bottom, left, right string

	render string
	// lines are the screen's lines drawn last; spare is the slice the
	// drawing before used, filled anew next time.
	lines, spare []string
	// rows are the box's rows as View returned them last, the lines
	// between the borders (out) drawn from lines; a row whose line and
	// borders did not change is kept, so unchanged rows stay the same
	// strings and the frame's join can tell them apart cheaply.
	rows []string
}

// titleKey is everything the title depends on besides the styles and
// words, which do not change while the lab runs.
type titleKey struct {
	ok, focused bool
	comm, root  string
	pid         int
	mntNS       uint64
	chrooted    bool
	room        int
}

// borderKey is everything a box's borders depend on besides the styles.
type borderKey struct {
	ok, focused           bool
	title, status, footer string
	box                   rect
}

// lineRenderer is a terminal that renders line by line (term.Core).
type lineRenderer interface {
	RenderLines(dst []string) []string
}

// wakeSink feeds pty output to the pane's Terminal and then taps the
// waker, so an idle screen notices output without a message per read.
type wakeSink struct {
	t    term.Terminal
	wake *waker
}

func (s wakeSink) Write(p []byte) (int, error) {
	n, err := s.t.Write(p)
	s.wake.tap()
	return n, err
}

// waker carries "output arrived" from the panes' sinks to the Model. A
// command of the Model waits on ch, unless Run has set send (the program's
// Send): then the first output after a quiet spell is sent to the program by
// the pty's reader itself, while the Model is armed. That is one goroutine
// hand-off fewer between a key's echo and its frame: the waiting command's
// goroutine took 50 to 200 µs to run on a busy two-core machine.
type waker struct {
	ch    chan struct{}
	send  atomic.Pointer[func(tea.Msg)]
	armed atomic.Bool
}

// direct says whether the pty's reader sends the wake itself.
func (w *waker) direct() bool { return w.send.Load() != nil }

// tap says that output arrived. Only a tap that disarms the waker sends,
// and only once the Model has drawn what came before and armed it again, so
// a flood of output is one message, not one per read.
func (w *waker) tap() {
	send := w.send.Load()
	if send == nil {
		select {
		case w.ch <- struct{}{}:
		default:
		}
		return
	}
	if w.armed.CompareAndSwap(true, false) {
		(*send)(wakeMsg{})
		// The program's loop, made ready here, would otherwise wait for
		// this goroutine (the pty's reader, with more to do) to block.
		runtime.Gosched()
	}
}

var _ io.Writer = wakeSink{}

// paneInput is a pane as its Terminal's input writer. The lab drops input it
// cannot queue (a program that reads nothing, 256 writes waiting) and says so
// with an error; the Terminal's writer takes any error as the end of the pty
// and would discard every key after it. Dropped input is only dropped, so only
// a closed lab is reported.
type paneInput struct{ p Pane }

func (w paneInput) Write(b []byte) (int, error) { return onlyClosed(b, w.p.Write) }

// WriteNow is Write for the key reader (term.NowWriter), through the lab
// pane's own WriteNow where it has one.
func (w paneInput) WriteNow(b []byte) (int, error) {
	if nw, ok := w.p.(term.NowWriter); ok {
		return onlyClosed(b, nw.WriteNow)
	}
	return w.Write(b)
}

// onlyClosed writes b with write and reports only the lab's end: other
// input the lab refused was dropped, not failed.
func onlyClosed(b []byte, write func([]byte) (int, error)) (int, error) {
	n, err := write(b)
	if err != nil && !errors.Is(err, lab.ErrClosed) {
		return len(b), nil
	}
	return n, err
}

// paneColors are the colours a pane answers to colour queries (OSC 10, 11, 4):
// the theme's text colour on the background it is made for, white for the
// light theme and black otherwise, so vim and others in the pane choose
// colours that can be read there.
func paneColors(t Theme) term.Colors {
	p := paletteFor(t)
	bg := color.Color(color.Black)
	if t == Light {
		bg = color.White
	}
	return term.Colors{Foreground: p.text, Background: bg}
}

func newPaneView(role lab.Role, p Pane, t term.Terminal) *paneView {
	cols, rows := t.Size()
	return &paneView{role: role, pane: p, term: t, alive: true, ptyCols: cols, ptyRows: rows, wantCols: cols, wantRows: rows}
}

// paneResizedMsg reports that a pty resize finished.
type paneResizedMsg struct {
	role       lab.Role
	cols, rows int
	err        error
}

// paneRestartedMsg reports how starting a new shell went.
type paneRestartedMsg struct {
	role lab.Role
	err  error
}

// SetSize places the pane in r, resizes its Terminal at once and returns the
// command that resizes the pty, if one is due.
func (p *paneView) SetSize(r rect) tea.Cmd {
	p.box = r
	in := r.inner()
	if in.W < 1 || in.H < 1 {
		return nil
	}
	if c, rw := p.term.Size(); c != in.W || rw != in.H {
		p.term.Resize(in.W, in.H)
	}
	p.wantCols, p.wantRows = in.W, in.H
	return p.resizePty()
}

// resizePty starts a pty resize to the wanted size unless one is running or
// the pty already has it.
func (p *paneView) resizePty() tea.Cmd {
	if p.resizing || (p.ptyCols == p.wantCols && p.ptyRows == p.wantRows) {
		return nil
	}
	p.resizing = true
	p.ptyCols, p.ptyRows = p.wantCols, p.wantRows
	pane, role, cols, rows := p.pane, p.role, p.wantCols, p.wantRows
	return func() tea.Msg {
		return paneResizedMsg{role: role, cols: cols, rows: rows, err: pane.Resize(cols, rows)}
	}
}

// resized handles the end of a pty resize and starts the next if the size
// changed meanwhile.
func (p *paneView) resized(msg paneResizedMsg) tea.Cmd {
	p.resizing = false
	return p.resizePty()
}

// restart starts a new shell in the pane's role.
func (p *paneView) restart(ctx context.Context) tea.Cmd {
	if p.alive || p.restarting {
		return nil
	}
	p.restarting, p.problem = true, ""
	pane, role := p.pane, p.role
	return func() tea.Msg {
		return paneRestartedMsg{role: role, err: pane.Restart(ctx)}
	}
}

// ShortHelp is the pane's keys: a new shell once it has exited, and the
// scrollback.
func (p *paneView) ShortHelp(k KeyMap) []key.Binding {
	if !p.alive && p.ended != nil && (p.ended.on || p.ended.restarting) {
		return []key.Binding{p.ended.key, k.ScrollUp} // Enter starts a fresh lab
	}
	if !p.alive {
		return []key.Binding{k.Restart, k.ScrollUp}
	}
	return []key.Binding{k.ScrollUp}
}

// ownsKeys reports whether the program in the pane owns its screen, and
// with it every key but Ctrl-g: the alternate screen (vim, less, htop) or
// mouse reporting on.
func (p *paneView) ownsKeys() bool {
	if !p.alive {
		return false
	}
	s := p.term.State()
	return s.AltScreen || s.Modes.Mouse != term.MouseOff
}

// wheelLines is how far one notch of the wheel moves: lines of scrollback,
// or arrow keys on the alternate screen (xterm's alternate scroll).
const wheelLines = 3

// wheel handles a notch of the wheel over the pane (inside its box or on its
// border; rel is the event relative to the inside). A program that asked for
// the mouse gets the wheel; on the alternate screen without mouse reporting
// it gets arrow keys, in the cursor-key mode it set, as xterm's alternate
// scroll sends them, so less and man scroll; on the normal screen the wheel
// scrolls the pane's scrollback.
func (p *paneView) wheel(b tea.MouseButton, inside bool, rel tea.Mouse) {
	s := p.term.State()
	switch {
	case p.alive && s.Modes.Mouse != term.MouseOff:
		if inside {
			p.term.SendMouse(tea.MouseWheelMsg(rel))
		}
	case p.alive && s.AltScreen:
		arrow := map[tea.MouseButton]rune{tea.MouseWheelUp: tea.KeyUp, tea.MouseWheelDown: tea.KeyDown}[b]
		for i := 0; arrow != 0 && i < wheelLines; i++ {
			p.term.SendKey(tea.KeyPressMsg{Code: arrow})
		}
	case b == tea.MouseWheelUp:
		p.term.ScrollBy(wheelLines)
	case b == tea.MouseWheelDown:
		p.term.ScrollBy(-wheelLines)
	}
}

// exited records that the pane's shell ended.
func (p *paneView) exited(status int) {
	p.alive, p.status, p.restarting = false, status, false
}

// started records that a shell runs in the pane.
func (p *paneView) started() {
	p.alive, p.restarting, p.problem = true, false, ""
}

// restarted handles the answer to restart.
func (p *paneView) restarted(err error) {
	p.restarting = false
	if err != nil {
		p.problem = oneLine(err.Error())
		return
	}
	p.alive = true
}

// title is the pane's name, the process its panels follow (the lab's
// choice: the foreground job, or the shell when none runs), that process's
// mount namespace, and its chroot: "● ns · follows sh(4250) mnt:[4026532377]
// · chroot /tmp/nslab/rootfs". In room cells it leaves out, in this order,
// the word "follows", the chroot's path (keeping "chroot"), the dots, then
// the process; the mount namespace stays to the last, cut and marked only
// when nothing else is left.
func (p *paneView) title(st Styles, wd *words, focused bool, snap lab.Snapshot, room int) string {
	name := string(p.role)
	ts := st.Title
	if focused {
		ts = st.TitleFocus
		name = symFocus + " " + name
	}
	dot := st.Muted.Render(" · ")
	mntNS := ""
	if ino := snap.NS[lab.NSMnt]; ino != 0 {
		mntNS = st.Muted.Render(fmt.Sprintf("mnt:[%d]", ino))
	}
	proc := ""
	if snap.PID != 0 {
		proc = fmt.Sprintf("%s(%d)", snap.Comm, snap.PID)
	}
	variant := func(follows, process, path, dots bool) string {
		s := ts.Render(name)
		sep := dot
		if !dots {
			sep = " "
		}
		if process && proc != "" {
			s += sep
			if follows {
				s += st.Muted.Render(wd.follows + " ")
			}
			s += st.Normal.Render(proc)
		}
		if mntNS != "" {
			s += " " + mntNS
		}
		if snap.Chrooted {
			if path {
				s += sep + st.Warn.Render("chroot "+snap.Root)
			} else {
				s += " " + st.Warn.Render("chroot")
			}
		}
		return s
	}
	var s string
	for _, v := range [][4]bool{
		{true, true, true, true}, {false, true, true, true}, {false, true, false, true},
		{false, true, false, false}, {false, false, false, false},
	} {
		if s = variant(v[0], v[1], v[2], v[3]); cellWidth(s) <= room {
			break
		}
	}
	return s
}

// View draws the pane's box: the terminal's screen inside, the title on the
// top border, the scroll position at its right, and the shell's fate on the
// bottom border.
func (p *paneView) View(st Styles, wd *words, focused, zoomed bool, snap lab.Snapshot) []string {
	var status []string
	ts := p.term.State()
	if ts.ScrollOffset > 0 {
		status = append(status, st.Warn.Render(fmt.Sprintf("↑ %d/%d", ts.ScrollOffset, ts.ScrollbackLen)))
	}
	if zoomed {
		status = append(status, st.Muted.Render(wd.zoom))
	}
	footer := ""
	switch {
	case !p.alive && p.ended.footer(st, wd) != "":
		// The whole lab ended: a new shell cannot start, a fresh lab can.
		footer = p.ended.footer(st, wd)
	case p.restarting:
		footer = st.Warn.Render(symRunning + " " + wd.startingShell)
	case !p.alive && p.problem != "":
		footer = st.Fail.Render(symFail) + " " + st.Key.Render(wd.retry) + st.Fail.Render(" · "+wd.noShellBecause(p.problem))
	case !p.alive && p.status == 0:
		// A normal exit (exit, Ctrl-D) is no failure: no red ✗.
		footer = st.Muted.Render(wd.exited(0)+" · ") + st.Key.Render(wd.newShell)
	case !p.alive:
		footer = st.Fail.Render(symFail+" "+wd.exited(p.status)) + st.Muted.Render(" · ") + st.Key.Render(wd.newShell)
	}
	statusLine := ""
	switch len(status) {
	case 1:
		statusLine = status[0]
	case 2:
		statusLine = status[0] + st.Muted.Render(" · ") + status[1]
	}
	// The title's room on the top border: the corner, a line and a space
	// before it, a space after, and the status with its own spaces and line.
	room := p.box.W - 2 - 3
	if statusLine != "" {
		room -= cellWidth(statusLine) + 3
	}
	d := &p.drawn
	var lines, before []string
	exact := false
	if in := p.box.inner(); in.W > 0 && in.H > 0 {
		before = d.lines
		if lr, ok := p.term.(lineRenderer); ok {
			// Unchanged lines come back as the same strings.
			d.lines, d.spare = lr.RenderLines(d.spare), d.lines
		} else if r := p.term.Render(); r != d.render || d.lines == nil {
			d.render, d.lines = r, strings.Split(r, "\n")
		}
		lines = d.lines
		c, r := p.term.Size()
		exact = c == in.W && r == in.H
	}
	tk := titleKey{ok: true, focused: focused, comm: snap.Comm, root: snap.Root, pid: snap.PID,
		mntNS: snap.NS[lab.NSMnt], chrooted: snap.Chrooted, room: room}
	if tk != d.titleKey {
		d.titleKey, d.title = tk, p.title(st, wd, focused, snap, room)
	}
	spec := boxSpec{Focused: focused, Title: d.title, Status: statusLine, Footer: footer, Lines: lines, Exact: exact}
	if !exact || p.box.W < 2 || p.box.H < 2 {
		d.rows = nil // not drawn from these lines
		return drawBox(st, p.box, spec)
	}
	// The borders as drawBox draws them, kept while nothing on them changes.
	bk := borderKey{ok: true, focused: focused, title: d.title, status: statusLine, footer: footer, box: p.box}
	same := len(d.rows) == p.box.H && len(lines) == p.box.H-2 && len(before) == len(lines)
	if bk != d.borderKey {
		same = false
		edges := drawBox(st, rect{X: p.box.X, Y: p.box.Y, W: p.box.W, H: 2}, boxSpec{Focused: focused, Title: d.title, Status: statusLine, Footer: footer})
		frame, bs := st.Frame, st.Border
		if focused {
			frame, bs = st.FrameFocus, st.BorderFocus
		}
		d.borderKey, d.top, d.bottom = bk, edges[0], edges[1]
		d.left, d.right = bs.Render(frame.Left), bs.Render(frame.Right)
	}
	if same && slices.Equal(lines, before) {
		return d.rows // nothing changed
	}
	out := make([]string, 0, p.box.H)
	out = append(out, d.top)
	for i, l := range lines {
		if same && l == before[i] {
			out = append(out, d.rows[i+1])
			continue
		}
		out = append(out, d.left+l+d.right)
	}
	out = append(out, d.bottom)
	d.rows = out
	return out
}

// cursor gives the screen position of the shell's cursor when it should show.
func (p *paneView) cursor() (x, y int, c term.Cursor, ok bool) {
	if !p.alive {
		return 0, 0, c, false
	}
	c = p.term.Cursor()
	in := p.box.inner()
	if !c.Visible || c.X < 0 || c.Y < 0 || c.X >= in.W || c.Y >= in.H || p.term.State().ScrollOffset > 0 {
		return 0, 0, c, false
	}
	return in.X + c.X, in.Y + c.Y, c, true
}

// oneLine keeps the first line of a message.
func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
