package term

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/creack/pty"
)

var (
	record = flag.Bool("record", false, "run vi, less and top in a pty and rewrite testdata/*.bytes and *.golden")
	update = flag.Bool("update", false, "rewrite testdata/*.golden from the committed captures")
)

// The sessions were recorded at this size, with TERM=xterm-256color.
const recCols, recRows = 80, 24

// session is a program run in a pty, in phases: each phase's output is
// recorded to its own file, so a test can look at the screen between them.
type session struct {
	name   string
	script string // run by sh -c in a directory holding file.txt
	phases []phase
}

type phase struct {
	name  string
	wait  func(Terminal) bool // the screen this phase ends on
	input []tea.KeyPressMsg   // typed when the phase is over
	exits bool                // the program exits at the end of this phase
}

func typed(s string) []tea.KeyPressMsg {
	var keys []tea.KeyPressMsg
	for _, r := range s {
		switch r {
		case '\r':
			keys = append(keys, tea.KeyPressMsg{Code: tea.KeyEnter})
		default:
			keys = append(keys, tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	return keys
}

func shows(text string) func(Terminal) bool {
	return func(t Terminal) bool { return strings.Contains(strings.Join(screen(t), "\n"), text) }
}

func sessions() []session {
	return []session{
		{
			name:   "vi",
			script: `printf 'before vi\n'; exec vi -i NONE file.txt`,
			phases: []phase{
				{name: "open", wait: shows(`"file.txt" 120L`), input: typed(":q\r")},
				{name: "quit", exits: true},
			},
		},
		{
			name:   "less",
			script: `printf 'before less\n'; exec less file.txt`,
			phases: []phase{
				{name: "open", wait: shows("line 023"), input: typed("q")},
				{name: "quit", exits: true},
			},
		},
		{
			name:   "top",
			script: `exec top -n 1`,
			phases: []phase{{name: "run", exits: true}},
		},
	}
}

func (s session) file(p phase) string {
	return filepath.Join("testdata", s.name+"-"+p.name+".bytes")
}

// fileText is what vi and less show: 120 numbered lines.
func fileText() string {
	var b strings.Builder
	for i := 1; i <= 120; i++ {
		fmt.Fprintf(&b, "line %03d\n", i)
	}
	return b.String()
}

// recordSessions runs each session for real and rewrites its captures; TestMain
// calls it under -record, before the tests, so the replays that follow check
// the new captures and rewrite their golden screens. A program that is
// missing is an error: a recording asked for is not skipped.
func recordSessions() error {
	for _, s := range sessions() {
		if err := recordSession(s); err != nil {
			return fmt.Errorf("record %s: %w", s.name, err)
		}
	}
	return nil
}

// capture collects pty output and the Terminal's view of it.
type capture struct {
	mu   sync.Mutex
	buf  []byte
	term Terminal
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.buf = append(c.buf, p...)
	c.mu.Unlock()
	return c.term.Write(p)
}

// take returns and forgets what was captured so far.
func (c *capture) take() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.buf
	c.buf = nil
	return b
}

// recordSession runs s in a pty with a Terminal answering its queries and,
// once every phase has ended as it should, writes the phases' captures.
func recordSession(s session) error {
	if _, err := exec.LookPath(strings.Fields(strings.SplitN(s.script, "exec ", 2)[1])[0]); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "term-record-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "file.txt"), []byte(fileText()), 0o644); err != nil {
		return err
	}
	cmd := exec.Command("sh", "-c", s.script)
	cmd.Dir = dir
	cmd.Env = []string{"TERM=xterm-256color", "HOME=" + dir, "LANG=C.UTF-8", "PATH=/usr/bin:/bin", "LESSHISTFILE=-"}
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: recCols, Rows: recRows})
	if err != nil {
		return fmt.Errorf("start in a pty: %w", err)
	}
	defer ptmx.Close()
	done := make(chan error, 1)
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-done
		}
	}()

	term := New(ptmx, Options{Cols: recCols, Rows: recRows})
	defer term.Close()
	c := &capture{term: term}
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(c, ptmx) // ends with EIO when the program has exited
		close(copied)
	}()
	go func() { done <- cmd.Wait() }()

	captures := make(map[string][]byte)
	for _, p := range s.phases {
		if p.exits {
			select {
			case err := <-done:
				if err != nil {
					return fmt.Errorf("exited: %w", err)
				}
			case <-time.After(hangLimit):
				return fmt.Errorf("did not exit in %v; screen:\n%s", hangLimit, strings.Join(screen(term), "\n"))
			}
			<-copied
		} else {
			deadline := time.Now().Add(hangLimit)
			for !p.wait(term) {
				if time.Now().After(deadline) {
					return fmt.Errorf("phase %s never showed in %v; screen:\n%s", p.name, hangLimit, strings.Join(screen(term), "\n"))
				}
				time.Sleep(20 * time.Millisecond)
			}
			// Let the program finish drawing and reading replies: a capture
			// cut short shows in its golden screen, which -record rewrites
			// for review.
			time.Sleep(300 * time.Millisecond)
		}
		captures[s.file(p)] = c.take()
		for _, k := range p.input {
			term.SendKey(k)
		}
	}
	for name, data := range captures {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// replay feeds a session's captures phase by phase to each implementation,
// calling check after each phase.
func replay(t *testing.T, name string, chunk int, check func(phase string, term Terminal)) {
	t.Helper()
	forEachImpl(t, func(t *testing.T, im impl) { replayOn(t, im, name, chunk, check) })
}

func replayOn(t *testing.T, im impl, name string, chunk int, check func(phase string, term Terminal)) {
	t.Helper()
	var s session
	for _, ss := range sessions() {
		if ss.name == name {
			s = ss
		}
	}
	term, _ := newTerm(t, im, recCols, recRows)
	for _, p := range s.phases {
		data, err := os.ReadFile(s.file(p))
		if errors.Is(err, os.ErrNotExist) {
			t.Fatalf("no capture %s: record with go test -run TestReplay -record", s.file(p))
		} else if err != nil {
			t.Fatal(err)
		}
		whole := chunk >= len(data)
		for len(data) > 0 {
			n := min(chunk, len(data))
			write(t, term, string(data[:n]))
			data = data[n:]
		}
		checkRender(t, term)
		checkGolden(t, filepath.Join("testdata", s.name+"-"+p.name+".golden"), goldenScreen(term),
			(*record || *update) && im.name == "core" && whole)
		if check != nil {
			check(p.name, term)
		}
	}
}

// goldenScreen is what a replay shows after a phase: where the cursor is,
// whether the alternate screen is on, and the render, styles and all. The
// cursor's blink is left out: x/vt ignores ?12 (knownDifferences).
func goldenScreen(term Terminal) string {
	c, st := term.Cursor(), term.State()
	return fmt.Sprintf("cursor %d,%d visible=%t shape=%d alt=%t scrollback=%d\n%s\n",
		c.X, c.Y, c.Visible, c.Shape, st.AltScreen, st.ScrollbackLen, term.Render())
}

// checkGolden fails unless got is the content of file; with write, it
// rewrites file instead.
func checkGolden(t testing.TB, file, got string, write bool) {
	t.Helper()
	if write {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v: rewrite the golden screens with go test -run TestReplay -update", err)
	}
	if got == string(want) {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("replay differs from %s at line %d:\n got: %q\nwant: %q", file, i+1, g, w)
		}
	}
}

func TestReplayVi(t *testing.T) {
	replay(t, "vi", 1<<20, func(phase string, term Terminal) {
		lines, st := screen(term), term.State()
		switch phase {
		case "open":
			if !st.AltScreen {
				t.Error("vi is not on the alternate screen")
			}
			for i := range 22 {
				if want := fmt.Sprintf("line %03d", i+1); lines[i] != want {
					t.Errorf("row %d = %q, want %q", i, lines[i], want)
				}
			}
			if !strings.HasPrefix(lines[23], `"file.txt" 120L`) {
				t.Errorf("status row = %q", lines[23])
			}
			if c := term.Cursor(); c.X != 0 || c.Y != 0 {
				t.Errorf("cursor at %+v, want the top left (line 1, column 1)", c)
			}
		case "quit":
			if st.AltScreen {
				t.Error("still on the alternate screen after :q")
			}
			if lines[0] != "before vi" {
				t.Errorf("main screen row 0 after vi = %q, want the output from before vi", lines[0])
			}
			if strings.Contains(strings.Join(lines, "\n"), "line 001") {
				t.Error("vi's screen leaked onto the main screen")
			}
			if c := term.Cursor(); !c.Visible || c.Y != 1 {
				t.Errorf("cursor after vi = %+v, want visible on row 1", c)
			}
		}
	})
}

func TestReplayLess(t *testing.T) {
	replay(t, "less", 1<<20, func(phase string, term Terminal) {
		lines, st := screen(term), term.State()
		switch phase {
		case "open":
			if !st.AltScreen {
				t.Error("less is not on the alternate screen")
			}
			for i := range 23 {
				if want := fmt.Sprintf("line %03d", i+1); lines[i] != want {
					t.Errorf("row %d = %q, want %q", i, lines[i], want)
				}
			}
			if !strings.Contains(lines[23], "file.txt") {
				t.Errorf("prompt row = %q, want the file name", lines[23])
			}
		case "quit":
			if st.AltScreen {
				t.Error("still on the alternate screen after q")
			}
			if lines[0] != "before less" {
				t.Errorf("main screen row 0 after less = %q", lines[0])
			}
		}
	})
}

func TestReplayTop(t *testing.T) {
	replay(t, "top", 1<<20, func(_ string, term Terminal) {
		text := strings.Join(screen(term), "\n")
		// Not " top": whether top lists itself depends on what else ran
		// while it was recorded. The golden screen holds the rest.
		for _, want := range []string{"Tasks:", "MiB Mem", "PID USER", "COMMAND"} {
			if !strings.Contains(text, want) {
				t.Errorf("top's screen lacks %q:\n%s", want, text)
			}
		}
		if st := term.State(); st.AltScreen || st.Modes.CursorKeysApp || st.Modes.KeypadApp {
			t.Errorf("top left modes set: %+v", st)
		}
		// top ends on the last row with a newline, so its first line is the
		// newest in the scrollback.
		term.ScrollBy(1)
		if row := screen(term)[0]; !strings.HasPrefix(row, "top - ") || !strings.Contains(row, "load average") {
			t.Errorf("one line up, row 0 = %q, want top's header", row)
		}
		checkRender(t, term)
	})
}

// TestReplayInPieces feeds the captures in small odd pieces, so escape
// sequences and UTF-8 split across writes, and expects the very same screens.
func TestReplayInPieces(t *testing.T) {
	for _, s := range sessions() {
		for _, im := range impls() {
			t.Run(s.name+"/"+im.name, func(t *testing.T) {
				var whole, pieces []string
				replayOn(t, im, s.name, 1<<20, func(_ string, term Terminal) { whole = append(whole, term.Render()) })
				replayOn(t, im, s.name, 7, func(_ string, term Terminal) { pieces = append(pieces, term.Render()) })
				for i := range whole {
					if whole[i] != pieces[i] {
						t.Errorf("phase %d renders differently when fed in pieces:\n%s\n---\n%s", i, whole[i], pieces[i])
					}
				}
			})
		}
	}
}
