package term

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// hangLimit bounds waits for something that must happen (a reply reaching the
// pty writer); reaching it means the thing never happened, not that it was
// slow, so it is minutes: a wait ends on the progress it waits for.
const hangLimit = 2 * time.Minute

// sink is the pty master stand-in: it records what the Terminal writes.
type sink struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newSink() *sink { return &sink{changed: make(chan struct{}, 1)} }

func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.buf.Write(p)
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (s *sink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor waits until want has been written and returns everything written up
// to and including it, removing that from the sink.
func (s *sink) waitFor(t testing.TB, want string) string {
	t.Helper()
	timeout := time.After(hangLimit)
	for {
		s.mu.Lock()
		got := s.buf.String()
		if i := strings.Index(got, want); i >= 0 {
			s.buf.Reset()
			s.buf.WriteString(got[i+len(want):])
			s.mu.Unlock()
			return got[:i+len(want)]
		}
		s.mu.Unlock()
		select {
		case <-s.changed:
		case <-timeout:
			t.Fatalf("pty writer never got %q; it got %q", want, got)
		}
	}
}

// waitLen waits until n bytes have been written and returns them, failing
// if more arrive.
func (s *sink) waitLen(t testing.TB, n int) string {
	t.Helper()
	timeout := time.After(hangLimit)
	for {
		s.mu.Lock()
		got := s.buf.Len()
		if got >= n {
			b := s.buf.String()
			s.mu.Unlock()
			if got > n {
				t.Fatalf("pty writer got %d bytes, want %d", got, n)
			}
			return b
		}
		s.mu.Unlock()
		select {
		case <-s.changed:
		case <-timeout:
			t.Fatalf("pty writer got %d of %d bytes in %v", got, n, hangLimit)
		}
	}
}

// firstDiff returns the first byte at which a and b differ, or -1 when they
// are the same.
func firstDiff(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// sentinel marks the end of a burst of input: the queue keeps order, so what
// arrives before the sentinel is all the burst produced.
const sentinel = "\x00<sync>\x00"

// inputOf returns the input queued by f, exactly.
func inputOf(t testing.TB, term Terminal, s *sink, f func()) string {
	t.Helper()
	f()
	queueOf(term).push([]byte(sentinel))
	return strings.TrimSuffix(s.waitFor(t, sentinel), sentinel)
}

// queueOf returns a Terminal's input queue.
func queueOf(term Terminal) *inputQueue {
	switch term := term.(type) {
	case *Core:
		return term.in
	case *VT:
		return term.in
	}
	panic(fmt.Sprintf("no input queue in %T", term))
}

// impl is one implementation of Terminal, for tests and benchmarks that run
// on each.
type impl struct {
	name string
	new  func(io.Writer, Options) Terminal
}

func impls() []impl {
	return []impl{
		{"core", func(w io.Writer, o Options) Terminal { return NewCore(w, o) }},
		{"vt", func(w io.Writer, o Options) Terminal { return NewVT(w, o) }},
	}
}

// forEachImpl runs f as a subtest for each implementation.
func forEachImpl(t *testing.T, f func(t *testing.T, im impl)) {
	t.Helper()
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) { f(t, im) })
	}
}

// newTerm returns a Terminal of implementation im writing to a fresh sink;
// the test closes it.
func newTerm(t testing.TB, im impl, cols, rows int, opt ...Options) (Terminal, *sink) {
	t.Helper()
	o := Options{Cols: cols, Rows: rows}
	if len(opt) > 0 {
		o = opt[0]
		o.Cols, o.Rows = cols, rows
	}
	s := newSink()
	term := im.new(s, o)
	t.Cleanup(func() { _ = term.Close() })
	return term, s
}

// newVT returns a VT of the given size writing to a fresh sink; the test
// closes it.
func newVT(t testing.TB, cols, rows int, opt ...Options) (*VT, *sink) {
	t.Helper()
	o := Options{Cols: cols, Rows: rows}
	if len(opt) > 0 {
		o = opt[0]
		o.Cols, o.Rows = cols, rows
	}
	s := newSink()
	vt := NewVT(s, o)
	t.Cleanup(func() { _ = vt.Close() })
	return vt, s
}

func write(t testing.TB, term Terminal, s string) {
	t.Helper()
	n, err := term.Write([]byte(s))
	if err != nil || n != len(s) {
		t.Fatalf("Write(%q) = %d, %v; want %d, nil", s, n, err, len(s))
	}
}

// screen returns the view as plain text, one string per row, trailing blanks
// trimmed, read cell by cell through the interface.
func screen(term Terminal) []string {
	cols, rows := term.Size()
	lines := make([]string, rows)
	for y := range rows {
		var b strings.Builder
		for x := range cols {
			b.WriteString(term.Cell(x, y).Content)
		}
		lines[y] = strings.TrimRight(b.String(), " ")
	}
	return lines
}

// checkRender fails unless the render is exactly rows lines of exactly cols
// columns, and its text agrees with the cells: each line, styles stripped, is
// its cells' content in order, where a wide character is one cell of width 2
// followed by a covered cell of width 0 and no content.
func checkRender(t testing.TB, term Terminal) {
	t.Helper()
	cols, rows := term.Size()
	out := term.Render()
	checkGrid(t, out, cols, rows)
	if rows == 0 {
		return
	}
	for y, line := range strings.Split(out, "\n") {
		want := rowText(t, term, y, cols)
		if got := ansi.Strip(line); got != want {
			t.Fatalf("render line %d is %q, styles stripped; its cells hold %q", y, got, want)
		}
	}
}

// rowText returns the content of view row y, cell by cell, failing on a cell
// whose width is not that of its content.
func rowText(t testing.TB, term Terminal, y, cols int) string {
	t.Helper()
	var b strings.Builder
	for x := 0; x < cols; x++ {
		c := term.Cell(x, y)
		if c.Width < 1 || c.Width > 2 || ansi.WcWidth.StringWidth(c.Content) != c.Width {
			t.Fatalf("cell (%d,%d) = %+v: content and width disagree, or a covered cell without its wide character", x, y, c)
		}
		b.WriteString(c.Content)
		if c.Width == 2 {
			x++
			if x >= cols {
				t.Fatalf("cell (%d,%d) = %+v: a wide character in the last column", x-1, y, c)
			}
			if cover := term.Cell(x, y); cover.Width != 0 || cover.Content != "" {
				t.Fatalf("cell (%d,%d) = %+v after the wide %q, want a covered cell (width 0, no content)", x, y, cover, c.Content)
			}
		}
	}
	return b.String()
}

func checkGrid(t testing.TB, out string, cols, rows int) {
	t.Helper()
	if rows == 0 {
		if out != "" {
			t.Fatalf("render of 0 rows = %q, want empty", out)
		}
		return
	}
	lines := strings.Split(out, "\n")
	if len(lines) != rows {
		t.Fatalf("render has %d lines, want %d", len(lines), rows)
	}
	for i, l := range lines {
		if w := ansi.WcWidth.StringWidth(l); w != cols {
			t.Fatalf("render line %d is %d columns, want %d: %q", i, w, cols, l)
		}
	}
}
