package tui

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/tui/term"
)

// The screen is checked by replaying what it wrote into a terminal emulator:
// the emulator must then show exactly the frame the Model drew (the frame
// the golden files hold), with the cursor where the Model put it.

// tape is a terminal output that keeps everything written, and the recorder
// events beside it in order.
type tape struct {
	mu     sync.Mutex
	out    bytes.Buffer
	writes int
	events []string
}

func (t *tape) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.writes++
	t.events = append(t.events, fmt.Sprintf("o %d", len(p)))
	return t.out.Write(p)
}

func (t *tape) Resize(cols, rows int) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events = append(t.events, fmt.Sprintf("r %dx%d", cols, rows))
	return nil
}

// count is the number of writes so far.
func (t *tape) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.writes
}

// take returns what was written since the last take.
func (t *tape) take() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := append([]byte(nil), t.out.Bytes()...)
	t.out.Reset()
	return b
}

func testScreen(out *tape, cols, rows int) *screen {
	return newScreen(out, screenOptions{
		Profile: colorprofile.TrueColor, Env: []string{"TERM=xterm-256color"}, Title: "nslab",
		Cols: cols, Rows: rows, Resize: out.Resize,
	})
}

// stopScreen gives the terminal's modes back and fails the test if that
// fails.
func stopScreen(t *testing.T, s *screen) {
	t.Helper()
	if err := s.stop(); err != nil {
		t.Errorf("stop the screen: %v", err)
	}
}

// drawn waits until the screen has drawn n frames.
func drawn(t *testing.T, s *screen, n int) {
	t.Helper()
	deadline := time.Now().Add(hangLimit)
	for {
		s.mu.Lock()
		frames := s.frames
		s.mu.Unlock()
		if frames >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for the screen to draw %d frames; it drew %d", hangLimit, n, frames)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// modelFrames draws a Model over the fake lab at a size, after each of some
// changes, and returns its frames.
func modelFrames(t *testing.T, w, h int) []frame {
	m, fl := newTestModel(t, Options{})
	run(m, tea.WindowSizeMsg{Width: w, Height: h})
	take := func() frame {
		v := m.View()
		return frameOf(v.Content, w, h, v.Cursor)
	}
	var out []frame
	out = append(out, take())
	fl.panes[lab.Host].output("\x1b[1;32m[host]\x1b[0m ~ # echo héllo 世界\r\nhéllo 世界\r\n\x1b[1;32m[host]\x1b[0m ~ # ")
	m.Update(wakeMsg{})
	out = append(out, take())
	s, evs := changedState()
	fl.setState(s)
	m.Update(labEventsMsg{events: evs, state: s})
	out = append(out, take())
	m.Update(press(tea.KeyF2, 0))
	out = append(out, take())
	return out
}

// modelScreenFrames are frames as Run hands them to the screen (lines with
// the pieces they were joined from) over typing, output in both panes,
// a change of focus, a zoom and back, and a lab event.
func modelScreenFrames(t *testing.T, w, h int) []frame {
	m, fl := newTestModel(t, Options{})
	run(m, tea.WindowSizeMsg{Width: w, Height: h})
	var out []frame
	take := func() { out = append(out, m.screenFrame()) }
	take()
	host, ns := fl.panes[lab.Host], fl.panes[lab.NS]
	host.output("\x1b[1;32m[host]\x1b[0m ~ # ")
	m.Update(wakeMsg{})
	take()
	for i, c := range "echo \x1b[7mhé世\x1b[0m" {
		host.output(string(c))
		if i%3 == 0 {
			ns.output(fmt.Sprintf("\x1b[3%dmns %d\x1b[m\r\n", i%8, i))
		}
		m.Update(wakeMsg{})
		take()
	}
	m.Update(press(tea.KeyF2, 0))
	take()
	m.Update(tea.KeyPressMsg{Code: 'z', Mod: tea.ModAlt})
	take()
	host.output("\r\nzoomed\r\n")
	m.Update(wakeMsg{})
	take()
	m.Update(tea.KeyPressMsg{Code: 'z', Mod: tea.ModAlt})
	take()
	s, evs := changedState()
	fl.setState(s)
	m.Update(labEventsMsg{events: evs, state: s})
	take()
	host.output("x")
	m.Update(wakeMsg{})
	take()
	return out
}

// emulate replays bytes into an emulator of the frame's size and returns
// its screen as plain lines, and its cursor.
func emulate(t *testing.T, emu term.Terminal, b []byte) ([]string, term.Cursor) {
	t.Helper()
	if _, err := emu.Write(b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(ansi.Strip(emu.Render()), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines, emu.Cursor()
}

func plainLines(f frame) []string {
	lines := strings.Split(ansi.Strip(strings.Join(f.lines, "\n")), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}

func TestScreenDrawsTheModelsFrames(t *testing.T) {
	for _, sz := range [][2]int{{100, 30}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			out := &tape{}
			s := testScreen(out, sz[0], sz[1])
			if err := s.start(); err != nil {
				t.Fatal(err)
			}
			defer stopScreen(t, s)
			emu := term.New(&bytes.Buffer{}, term.Options{Cols: sz[0], Rows: sz[1]})
			defer emu.Close()
			var full int
			for i, f := range modelFrames(t, sz[0], sz[1]) {
				s.show(f)
				drawn(t, s, i+1)
				b := out.take()
				if i == 0 {
					full = len(b)
				} else if len(b) >= full {
					t.Errorf("frame %d: %d bytes, no fewer than the first full frame's %d: not a diff", i, len(b), full)
				}
				got, cur := emulate(t, emu, b)
				want := plainLines(f)
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Fatalf("frame %d on the emulated terminal:\n%s\nwant:\n%s", i, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				if f.cursor == nil {
					continue
				}
				if !cur.Visible || cur.X != f.cursor.X || cur.Y != f.cursor.Y {
					t.Errorf("frame %d: cursor at %d,%d (visible %v), want %d,%d", i, cur.X, cur.Y, cur.Visible, f.cursor.X, f.cursor.Y)
				}
			}
		})
	}
}

// TestScreenUnchangedFrameWritesNothing: handing over the frame already shown
// draws nothing and writes nothing.
func TestScreenUnchangedFrameWritesNothing(t *testing.T) {
	f := modelFrames(t, 100, 30)[1]
	// Not started, so nothing takes what show hands over: an unchanged
	// frame is not even handed over.
	idle := testScreen(&tape{}, 100, 30)
	idle.show(f)
	receive(t, idle.kick, "the frame handed over to the idle screen")
	idle.pending = nil
	same := f
	c := *f.cursor
	same.cursor = &c // an equal cursor, not the same pointer
	idle.show(same)
	if idle.pending != nil || len(idle.kick) != 0 {
		t.Fatal("an unchanged frame was handed over to be drawn")
	}
	moved := same
	moved.cursor = &tea.Cursor{Position: tea.Position{X: c.X + 1, Y: c.Y}, Shape: c.Shape, Blink: c.Blink}
	if idle.show(moved); idle.pending == nil {
		t.Fatal("a frame whose cursor moved was not handed over")
	}

	out := &tape{}
	s := testScreen(out, 100, 30)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	defer stopScreen(t, s)
	s.show(f)
	drawn(t, s, 1)
	writes := out.count()
	for range 100 {
		s.show(f)
	}
	// A different frame after them: had any of the copies been drawn, it
	// would be counted before this one.
	g := f
	g.cursor = nil
	s.show(g)
	drawn(t, s, 2)
	s.mu.Lock()
	frames := s.frames
	s.mu.Unlock()
	if frames != 2 || out.count() != writes+1 {
		t.Errorf("%d frames and %d writes for one frame shown 101 times and one other, want 2 and %d", frames, out.count(), writes+1)
	}
}

// heldWriter blocks each write until released, and says when one waits.
type heldWriter struct {
	tape
	entered chan struct{}
	release chan struct{}
}

func (h *heldWriter) Write(p []byte) (int, error) {
	h.entered <- struct{}{}
	<-h.release
	return h.tape.Write(p)
}

// TestScreenCoalesces: frames handed over while one is being written are
// not queued: only the newest is drawn after it.
func TestScreenCoalesces(t *testing.T) {
	out := &heldWriter{entered: make(chan struct{}), release: make(chan struct{})}
	s := newScreen(out, screenOptions{Profile: colorprofile.Ascii, Cols: 40, Rows: 3})
	go func() { <-out.entered; out.release <- struct{}{} }() // the modes at start
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	screenOf := func(i int) frame {
		line := fmt.Sprintf("%-40s", fmt.Sprintf("frame %d", i))
		return frameOf(line+"\n"+line+"\n"+line, 40, 3, nil)
	}
	s.show(screenOf(0))
	receive(t, out.entered, "the screen to start writing frame 0")
	for i := 1; i <= 50; i++ {
		s.show(screenOf(i))
	}
	deliver(t, out.release, struct{}{}, "the write of frame 0")
	receive(t, out.entered, "the screen to start writing the next frame")
	deliver(t, out.release, struct{}{}, "the write of the next frame")
	drawn(t, s, 2)
	emu := term.New(&bytes.Buffer{}, term.Options{Cols: 40, Rows: 3})
	defer emu.Close()
	if got, _ := emulate(t, emu, out.take()); got[0] != "frame 50" {
		t.Errorf("the screen shows %q after the frames, want the newest, frame 50", got)
	}
	go func() { <-out.entered; out.release <- struct{}{} }() // the restore at stop
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	if s.frames != 2 {
		t.Errorf("%d frames drawn for 51 handed over while the first was written, want 2", s.frames)
	}
}

// TestScreenModes: start takes the modes the lab needs, stop gives every one
// back; synchronized output wraps a frame once the terminal said it has it.
func TestScreenModes(t *testing.T) {
	out := &tape{}
	s := testScreen(out, 100, 30)
	emu := term.New(&bytes.Buffer{}, term.Options{Cols: 100, Rows: 30})
	defer emu.Close()
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	f := modelFrames(t, 100, 30)[1]
	s.show(f)
	drawn(t, s, 1)
	emulate(t, emu, out.take())
	st := emu.State()
	if !st.AltScreen || st.Modes.Mouse != term.MouseButton || !st.Modes.MouseSGR || !st.Modes.BracketedPaste || st.Title != "nslab" {
		t.Errorf("while running: alt screen %v, mouse %v (SGR %v), bracketed paste %v, title %q; want the alternate screen, cell motion in SGR, paste, nslab",
			st.AltScreen, st.Modes.Mouse, st.Modes.MouseSGR, st.Modes.BracketedPaste, st.Title)
	}

	s.setSync(true)
	g := modelFrames(t, 100, 30)[2]
	s.show(g)
	drawn(t, s, 2)
	b := string(out.take())
	if !strings.HasPrefix(b, ansi.SetModeSynchronizedOutput) || !strings.HasSuffix(b, ansi.ResetModeSynchronizedOutput) {
		t.Errorf("a frame with synchronized output is not wrapped in it: %q…", b[:min(len(b), 40)])
	}
	emulate(t, emu, []byte(b))

	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	if err := s.stop(); err != nil { // twice is harmless
		t.Fatal(err)
	}
	rest := string(out.take())
	_, cur := emulate(t, emu, []byte(rest))
	st = emu.State()
	if st.AltScreen || st.Modes.Mouse != term.MouseOff || st.Modes.MouseSGR || st.Modes.BracketedPaste || !cur.Visible {
		t.Errorf("after stop: alt screen %v, mouse %v (SGR %v), bracketed paste %v, cursor visible %v; want all given back",
			st.AltScreen, st.Modes.Mouse, st.Modes.MouseSGR, st.Modes.BracketedPaste, cur.Visible)
	}
	for _, seq := range []string{ansi.ResetModifyOtherKeys, ansi.PopKittyKeyboard(1), ansi.SetCursorStyle(0)} {
		if !strings.Contains(rest, seq) {
			t.Errorf("stop does not reset %q", seq)
		}
	}
}

// TestScreenResize: a frame at a new size is drawn in full on the resized
// terminal, and a recording hears of the size before the frame's output.
func TestScreenResize(t *testing.T) {
	out := &tape{}
	s := testScreen(out, 100, 30)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	defer stopScreen(t, s)
	emu := term.New(&bytes.Buffer{}, term.Options{Cols: 100, Rows: 30})
	defer emu.Close()
	for i, f := range []frame{modelFrames(t, 100, 30)[1], modelFrames(t, 160, 48)[2], modelFrames(t, 100, 30)[3], modelFrames(t, 100, 30)[1]} {
		// The terminal changes size first (and rewraps what it shows), then
		// the frame at that size comes.
		emu.Resize(f.width, f.height)
		s.show(f)
		drawn(t, s, i+1)
		got, _ := emulate(t, emu, out.take())
		if strings.Join(got, "\n") != strings.Join(plainLines(f), "\n") {
			t.Fatalf("frame %d (%dx%d) shows:\n%s", i, f.width, f.height, strings.Join(got, "\n"))
		}
	}
	out.mu.Lock()
	events := strings.Join(out.events, ",")
	out.mu.Unlock()
	// The modes, the first frame at the recording's own size (no resize),
	// then each resize just before its frame.
	re := regexp.MustCompile(`^o \d+,o \d+,r 160x48,o \d+,r 100x30,o \d+,o \d+$`)
	if !re.MatchString(events) {
		t.Errorf("recorder events %s; want a resize before each frame at a new size, none for the first", events)
	}
}

// TestGuardRestoresBeforeAPanic: a command that panics gives the terminal
// back before the panic goes on to Bubble Tea, which prints it.
func TestGuardRestoresBeforeAPanic(t *testing.T) {
	released := 0
	o := onScreen{release: func() { released++ }}
	inner := func() tea.Msg { panic("boom") }
	batch := o.guard(tea.Batch(func() tea.Msg { return nil }, inner))
	msg, ok := batch().(tea.BatchMsg)
	if !ok || len(msg) != 2 {
		t.Fatalf("the guarded batch gave %T", msg)
	}
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("the panic became %v", r)
			}
		}()
		msg[1]()
	}()
	if released != 1 {
		t.Errorf("the terminal was given back %d times before the panic, want once", released)
	}
}

// TestScreenRedrawsAfterAResizeToTheSameSize: a terminal made smaller and
// back between two frames lost rows; after the resize is reported the same
// frame is drawn again, in full.
func TestScreenRedrawsAfterAResizeToTheSameSize(t *testing.T) {
	out := &tape{}
	s := testScreen(out, 100, 30)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	defer stopScreen(t, s)
	emu := term.New(&bytes.Buffer{}, term.Options{Cols: 100, Rows: 30})
	defer emu.Close()
	f := modelFrames(t, 100, 30)[2]
	s.show(f)
	drawn(t, s, 1)
	emulate(t, emu, out.take())
	emu.Resize(40, 10)
	emu.Resize(100, 30)
	s.invalidate()
	s.show(f)
	drawn(t, s, 2)
	got, _ := emulate(t, emu, out.take())
	if strings.Join(got, "\n") != strings.Join(plainLines(f), "\n") {
		t.Errorf("after the terminal shrank and grew back the screen shows:\n%s", strings.Join(got, "\n"))
	}
}

// TestScreenChangedLinesAsTheWhole: parsing only the lines that changed
// since the frame before leaves the cell buffer, styles and all, as parsing
// each whole frame does.
func TestScreenChangedLinesAsTheWhole(t *testing.T) {
	for _, size := range [][2]int{{100, 30}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			changedLinesAsTheWhole(t, size[0], size[1])
		})
	}
}

func changedLinesAsTheWhole(t *testing.T, w, h int) {
	frames := append(modelFrames(t, w, h), modelScreenFrames(t, w, h)...)
	s := testScreen(&tape{}, w, h)
	s.cells = uv.NewScreenBuffer(w, h)
	changed, pieceWise := 0, 0
	for i, f := range frames {
		if i > 0 {
			for y, l := range f.lines {
				if l != s.lines[y] {
					changed++
					if _, _, ok := samePlaces(f.rows, s.rows, y); ok {
						pieceWise++
					}
				}
			}
		}
		s.drawLines(f, i == 0, nil)
		want := uv.NewScreenBuffer(f.width, f.height)
		uv.NewStyledString(strings.Join(f.lines, "\n")).Draw(want, want.Bounds())
		for y := range f.height {
			for x := range f.width {
				if got, w := s.cells.CellAt(x, y), want.CellAt(x, y); !got.Equal(w) {
					t.Fatalf("frame %d, cell %d,%d = %+v, want %+v", i, x, y, got, w)
				}
			}
		}
	}
	if changed == 0 || changed >= (len(frames)-1)*h {
		t.Errorf("%d lines changed over %d frames: the frames do not try the line by line path", changed, len(frames)-1)
	}
	if pieceWise == 0 || pieceWise == changed {
		t.Errorf("%d of %d changed lines drawn piece by piece: the frames do not try both paths", pieceWise, changed)
	}
}

// TestScreenScrollingFrames draws frames whose lines move up, as a zoomed
// pane's do under output, with a line changed here and there: the terminal
// must show each frame exactly, whether the renderer scrolls or repaints.
// Runs of frames say no pane spans the width (noScroll): the renderer then
// scrolls nothing, and when it looks again the frame is right although the
// lines it hashed last are long gone.
func TestScreenScrollingFrames(t *testing.T) {
	scrollRegion := regexp.MustCompile(`\x1b\[\d+;\d+r`)
	scrolled := 0
	const w, h = 40, 12
	out := &tape{}
	s := testScreen(out, w, h)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	defer stopScreen(t, s)
	emu := term.New(&bytes.Buffer{}, term.Options{Cols: w, Rows: h})
	defer emu.Close()
	line := func(n int) string {
		return fmt.Sprintf("│\x1b[3%dmline %-4d\x1b[m%*s│", n%8, n, w-12, "")
	}
	for i := range 60 {
		var lines []string
		lines = append(lines, fmt.Sprintf("%-*s", w, "top bar"))
		for y := 1; y < h-1; y++ {
			n := i + y
			if i%7 == 3 && y == 4 {
				n = 1000 + i // a line that does not move with the rest
			}
			lines = append(lines, line(n))
		}
		lines = append(lines, fmt.Sprintf("%-*d", w, i))
		f := frameOf(strings.Join(lines, "\n"), w, h, nil)
		f.noScroll = i%20 >= 10
		s.show(f)
		drawn(t, s, i+1)
		written := out.take()
		got, _ := emulate(t, emu, written)
		if want := plainLines(f); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("frame %d (noScroll %v) on the emulated terminal:\n%s\nwant:\n%s", i, f.noScroll, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if scrollRegion.Match(written) {
			if f.noScroll {
				t.Fatalf("frame %d scrolled a region although no pane spans the width: %q", i, written)
			}
			scrolled++
		}
	}
	if scrolled == 0 {
		t.Errorf("no frame scrolled: the test does not try the renderer's scrolling")
	}
}
