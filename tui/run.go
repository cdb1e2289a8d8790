package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	tty "github.com/charmbracelet/x/term"
)

// Run shows the lab on the terminal until the user quits (F10), ctx ends, or
// the terminal fails. It puts the input terminal in raw mode and takes the
// alternate screen and the mouse (cell motion); it gives all of it back on
// return, also after a panic. It does not close the lab.
//
// With opts.Walkthrough set it runs the guided walkthrough on
// opts.ScenarioLab; otherwise it is the free-form lab.
//
// Bubble Tea runs the Model without its renderer (which redraws on a fixed
// frame ticker); a screen of ours draws each frame when the Model's view
// changed, and is idle otherwise.
func Run(ctx context.Context, l Lab, opts Options) (err error) {
	if l == nil || l.Pane("host") == nil || l.Pane("ns") == nil {
		return errors.New("tui: run: the lab has no panes")
	}
	if len(opts.Walkthrough) > 0 && opts.ScenarioLab == nil {
		return errors.New("tui: run: a walkthrough needs Options.ScenarioLab")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	in, out := opts.Input, opts.Output
	if in == nil {
		in = os.Stdin
	}
	if out == nil {
		out = os.Stdout
	}
	// Listening before the size is read, so no resize falls between the two.
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	t, err := openTerminal(in, out)
	if err != nil {
		return err
	}
	var release sync.Once
	var releaseErr error
	restore := func() {
		release.Do(func() { releaseErr = t.restore() })
	}
	defer func() {
		restore()
		if err == nil && releaseErr != nil {
			err = releaseErr
		}
	}()

	profile := colorprofile.Detect(out, os.Environ())
	if opts.NoColor {
		profile = colorprofile.Ascii
	}
	so := screenOptions{
		Profile: profile, Env: os.Environ(), MapNewline: !t.raw, Query: t.raw, Title: "nslab",
		Cols: t.cols, Rows: t.rows,
	}
	if r, ok := opts.Record.(Resizer); ok {
		so.Resize = r.Resize
	}
	drawTo := out
	if opts.Record != nil {
		drawTo = teeWriter{out: out, rec: opts.Record}
	}
	scr := newScreen(drawTo, so)
	t.screen = scr

	m := New(ctx, l, opts)
	defer m.Close()
	// A screen that cannot draw ends the program; restore says why.
	scr.fail = cancel
	keysIn, closeKeys := pollInput(in, t.raw)
	keys := newKeyReader(keysIn, &m.direct)
	defer func() {
		keys.close()
		closeKeys() // ends the read that waits, unless the input is given as is
	}()
	go keys.run()
	p := tea.NewProgram(onScreen{m: m, scr: scr, release: restore},
		tea.WithContext(ctx), tea.WithInput(&forwarded{k: keys}), tea.WithOutput(io.Discard),
		tea.WithoutRenderer(), tea.WithWindowSize(t.cols, t.rows), tea.WithColorProfile(profile),
		// Bubble Tea keeps a flush ticker even without its renderer; it has
		// nothing to flush here, so it ticks as seldom as it can.
		tea.WithFPS(1))
	send := p.Send
	m.wake.send.Store(&send)
	if err := scr.start(); err != nil {
		return fmt.Errorf("tui: run: set up the terminal: %w", err)
	}
	if t.sizeFd >= 0 {
		go watchResize(ctx, t.sizeFd, winch, p.Send)
	}
	_, err = p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		restore()
		if releaseErr != nil {
			return releaseErr
		}
		return ctx.Err()
	}
	return err
}

// Resizer is implemented by a recorder that records a change of the
// screen's size (an asciicast "r" event). Resize is called from the screen's
// drawing goroutine, before the first frame at the new size.
type Resizer interface {
	Resize(cols, rows int) error
}

// observe takes what the screen itself needs from the program's messages: whether the
// terminal knows synchronized output, and a new size, after which it draws all again.
func (s *screen) observe(msg tea.Msg) {
	switch msg := msg.(type) {
	case tea.ModeReportMsg:
		if msg.Mode == ansi.ModeSynchronizedOutput {
			// The answer to the query at start: the terminal knows mode 2026.
			s.setSync(msg.Value == ansi.ModeReset || msg.Value == ansi.ModeSet)
		}
	case tea.WindowSizeMsg:
		// Even at the size the Model last drew for: in between, the terminal
		// may have been smaller and cut what it showed.
		s.invalidate()
	}
}

// onScreen is the Model as the Program runs it: after each message Bubble Tea
// asks for the view, and the frame goes to the screen, which draws it if it
// changed. Update and View stay free of I/O: handing a frame over never
// blocks.
type onScreen struct {
	m       *Model
	scr     *screen
	release func()
}

func (o onScreen) Init() tea.Cmd { return o.guard(o.m.Init()) }

func (o onScreen) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer o.giveBackOnPanic()
	if isMarker(msg) {
		// Everything read before it has been through Update, and the
		// target stored after it.
		o.m.direct.seen.Add(1)
		o.m.unchanged = true
		return o, nil
	}
	o.scr.observe(msg)
	_, cmd := o.m.Update(msg)
	// Before a marker that follows is counted (above), so the key reader,
	// once it finds the count caught up, reads the target as it is after
	// every key before.
	o.m.direct.target.Store(o.m.typeTarget())
	return o, o.guard(cmd)
}

func (o onScreen) View() tea.View {
	defer o.giveBackOnPanic()
	defer o.m.publish() // as Model.View does: to spectators, if any
	if o.m.unchanged {
		// Without its renderer Bubble Tea does nothing with a view.
		return tea.View{}
	}
	if !o.m.sized || o.m.width <= 0 || o.m.height <= 0 {
		return tea.View{}
	}
	// The lines, not View's Content: the screen finds the changed lines by
	// pointer, and nothing joins them.
	o.scr.show(o.m.screenFrame())
	return tea.View{}
}

// giveBackOnPanic restores the terminal before Bubble Tea reports a panic,
// so its message lands on the main screen where it can be read.
func (o onScreen) giveBackOnPanic() {
	if r := recover(); r != nil {
		o.release()
		panic(r)
	}
}

// guard makes a command, and the commands of a batch it returns, restore the
// terminal before a panic of theirs reaches Bubble Tea.
func (o onScreen) guard(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		defer o.giveBackOnPanic()
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for i := range batch {
				batch[i] = o.guard(batch[i])
			}
		}
		return msg
	}
}

// terminal is the input and output as Run found them, and what it changed.
type terminal struct {
	raw      bool
	rawFd    uintptr
	oldState *tty.State
	// sizeFd is the descriptor the size is read from (-1: none).
	sizeFd     int
	cols, rows int
	screen     *screen
}

// openTerminal puts the input in raw mode when it is a terminal (keys come
// one by one, Ctrl-C and Ctrl-Z are keys for the shells) and reads the
// screen's size from the output, or else the input.
func openTerminal(in io.Reader, out io.Writer) (*terminal, error) {
	t := &terminal{sizeFd: -1}
	if f, ok := in.(tty.File); ok && tty.IsTerminal(f.Fd()) {
		st, err := tty.MakeRaw(f.Fd())
		if err != nil {
			return nil, fmt.Errorf("tui: run: raw mode on %s: %w", fileName(f), err)
		}
		t.raw, t.rawFd, t.oldState = true, f.Fd(), st
	}
	for _, f := range []any{out, in} {
		if f, ok := f.(tty.File); ok && tty.IsTerminal(f.Fd()) {
			t.sizeFd = int(f.Fd())
			break
		}
	}
	t.cols, t.rows = 80, 24
	if t.sizeFd >= 0 {
		if w, h, err := tty.GetSize(uintptr(t.sizeFd)); err == nil && w > 0 && h > 0 {
			t.cols, t.rows = w, h
			return t, nil
		}
	}
	// No terminal to ask: the environment may say, as for any program.
	if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c > 0 {
		t.cols = c
	}
	if r, err := strconv.Atoi(os.Getenv("LINES")); err == nil && r > 0 {
		t.rows = r
	}
	return t, nil
}

// fileName names a terminal for an error.
func fileName(f tty.File) string {
	if n, ok := f.(interface{ Name() string }); ok {
		return n.Name()
	}
	return "the input terminal"
}

// restore gives the screen's modes back and leaves raw mode.
func (t *terminal) restore() error {
	var err error
	if t.screen != nil {
		err = t.screen.stop()
	}
	if t.raw {
		if rerr := tty.Restore(t.rawFd, t.oldState); rerr != nil && err == nil {
			err = fmt.Errorf("tui: run: leave raw mode: %w", rerr)
		}
	}
	return err
}

// watchResize tells the program the terminal's new size after each
// SIGWINCH, until ctx ends. Signals that come while one is handled are
// taken as one.
func watchResize(ctx context.Context, fd int, winch <-chan os.Signal, send func(tea.Msg)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-winch:
		}
		if w, h, err := tty.GetSize(uintptr(fd)); err == nil && w > 0 && h > 0 {
			send(tea.WindowSizeMsg{Width: w, Height: h})
		}
	}
}

// teeWriter is the terminal whose output is also copied to a recorder.
type teeWriter struct {
	out, rec io.Writer
}

func (t teeWriter) Write(p []byte) (int, error) {
	n, err := t.out.Write(p)
	if n > 0 {
		_, _ = t.rec.Write(p[:n]) // a recorder's failure must not stop the lab
	}
	return n, err
}
