package tui

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/nslab/nslab/lab"
	"golang.org/x/sys/unix"
)

// typedInto records what the key reader typed itself.
type typedInto struct{ got []string }

func (t *typedInto) Type(text string) { t.got = append(t.got, text) }

// TestKeyReaderRoutes: a read of typed text goes to the pane at once only
// while the Model has taken every marker, nothing waits in a sequence, and
// the Model named a target; everything else is forwarded, with a marker
// after each read that ends on a complete event outside a paste.
func TestKeyReaderRoutes(t *testing.T) {
	const M = "<marker>"
	type read struct {
		in      string
		catchUp bool   // the Model takes every marker before this read
		typed   string // what the pane gets straight from the reader
		fwd     string // what Bubble Tea gets, markers as M
	}
	cases := []struct {
		name     string
		noTarget bool
		reads    []read
	}{
		{"text goes straight", false, []read{
			{in: "x", typed: "x"}, {in: "ls -l", typed: "ls -l"}, {in: "한글", typed: "한글"}}},
		{"no target: forwarded with a marker", true, []read{
			{in: "x", fwd: "x" + M}, {in: "y", catchUp: true, fwd: "y" + M}}},
		{"a key waits for the marker after it", false, []read{
			{in: "\x1b[D", fwd: "\x1b[D" + M},
			{in: "b", fwd: "b" + M},
			{in: "c", catchUp: true, typed: "c"}}},
		{"controls and lab keys are no text", false, []read{
			{in: "\r", fwd: "\r" + M}, {in: "\x7f", catchUp: true, fwd: "\x7f" + M},
			{in: "\x1b[21~", catchUp: true, fwd: "\x1b[21~" + M},
			{in: "a\tb", catchUp: true, fwd: "a\tb" + M},
			{in: "\xc2\x85", catchUp: true, fwd: "\xc2\x85" + M}, // C1 NEL
			{in: "\xff", catchUp: true, fwd: "\xff"},             // not UTF-8: Bubble Tea waits on it as on a sequence
			{in: "z", catchUp: true, fwd: "z" + M}}},
		{"a lone Esc holds everything until an event ends cleanly", false, []read{
			{in: "\x1b", fwd: "\x1b"},
			{in: "x", catchUp: true, fwd: "x"}, // Esc x: Alt+x, which Bubble Tea still waits on
			{in: "y", catchUp: true, fwd: "y" + M},
			{in: "z", catchUp: true, typed: "z"}}},
		{"a sequence cut in two", false, []read{
			{in: "\x1b[1;5", fwd: "\x1b[1;5"},
			{in: "A", catchUp: true, fwd: "A" + M},
			{in: "z", catchUp: true, typed: "z"}}},
		{"a paste ends before text goes straight", false, []read{
			{in: "\x1b[200~echo ", fwd: "\x1b[200~echo "},
			{in: "hi", catchUp: true, fwd: "hi"},
			{in: "\x1b[201~", catchUp: true, fwd: "\x1b[201~" + M},
			{in: "z", catchUp: true, typed: "z"}}},
		{"a paste's end cut in two", false, []read{
			{in: "\x1b[200~a\x1b[20", fwd: "\x1b[200~a\x1b[20"},
			{in: "1~", catchUp: true, fwd: "1~" + M},
			{in: "z", catchUp: true, typed: "z"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d directKeys
			into := &typedInto{}
			if !c.noTarget {
				d.target.Store(&typeTarget{t: into})
			}
			k := newKeyReader(nil, &d)
			for i, r := range c.reads {
				if r.catchUp {
					d.seen.Store(k.marks)
				}
				into.got = nil
				if !k.take([]byte(r.in)) {
					t.Fatalf("read %d (%q): the reader stopped", i, r.in)
				}
				var fwd strings.Builder
				for len(k.chunks) > 0 {
					b := <-k.chunks
					if string(b) == string(marker) {
						fwd.WriteString(M)
					} else {
						fwd.Write(b)
					}
				}
				if got := strings.Join(into.got, ""); got != r.typed || fwd.String() != r.fwd {
					t.Errorf("read %d (%q): typed %q and forwarded %q; want typed %q and forwarded %q",
						i, r.in, got, fwd.String(), r.typed, r.fwd)
				}
			}
		})
	}
}

// TestTypedTextStaysInOrder runs the lab on a fake terminal and types keys
// one read each, text and arrows mixed: what the pane receives is in the
// order typed, although the text goes straight and the arrows through the
// Model. Without the marker rule the text overtakes the arrow before it.
func TestTypedTextStaysInOrder(t *testing.T) {
	fl := newFakeLab()
	in, keys := io.Pipe()
	defer keys.Close()
	out := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, fl, Options{Input: in, Output: out, Now: func() time.Time { return fixedNow }})
	}()
	waitFor(t, "the lab's first frame", func() bool { return strings.Contains(out.String(), "mnt:[4026532301]") })

	var typed []string
	want := ""
	for i := range 30 {
		for _, k := range []string{"a", "\x1b[D", "b", "\x1b[C", "c"} {
			typed = append(typed, k)
			want += k
		}
		if i%2 == 0 {
			typed = append(typed, "\x7f")
			want += "\x7f"
		}
	}
	for _, k := range typed {
		if _, err := keys.Write([]byte(k)); err != nil {
			t.Fatalf("typing %q: %v", k, err)
		}
	}
	p := fl.panes[lab.Host]
	got := func() string {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.input.String()
	}
	waitFor(t, "every key in the host pane", func() bool { return len(got()) >= len(want) })
	if got() != want {
		t.Fatalf("the pane got\n%q\nwant\n%q", got(), want)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(hangLimit):
		t.Fatalf("Run did not end with its context")
	}
}

// waitFor polls cond until it holds, failing after hangLimit with what was
// awaited.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hangLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", hangLimit, what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestRunReadsATerminalAgain runs the lab on a pty: typed text reaches the
// pane through the terminal opened again, the descriptor Run was given
// keeps its flags (the shell shares them), and once Run returns nothing of
// it reads the terminal any more: the next key is there for whoever comes
// after.
func TestRunReadsATerminalAgain(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Skipf("no pty to run on: %v", err)
	}
	defer master.Close()
	defer slave.Close()
	if err := pty.Setsize(slave, &pty.Winsize{Cols: 120, Rows: 40}); err != nil {
		t.Fatal(err)
	}
	flags := func() int {
		fl, err := unix.FcntlInt(slave.Fd(), unix.F_GETFL, 0)
		if err != nil {
			t.Fatal(err)
		}
		return fl
	}
	before := flags()
	opened := func() int { // descriptors of this process on the terminal
		ents, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skipf("no /proc/self/fd: %v", err)
		}
		n := 0
		for _, e := range ents {
			if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && target == slave.Name() {
				n++
			}
		}
		return n
	}
	openedBefore := opened()
	out := &lockedBuffer{}
	go func() { _, _ = io.Copy(out, master) }()
	fl := newFakeLab()
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), fl, Options{Input: slave, Output: slave, Now: func() time.Time { return fixedNow }})
	}()
	waitFor(t, "the lab's first frame", func() bool { return strings.Contains(out.String(), "mnt:[4026532301]") })
	p := fl.panes[lab.Host]
	for _, k := range []string{"l", "s", " ", "-", "l"} {
		if _, err := master.Write([]byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, `"ls -l" in the host pane`, func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.input.String() == "ls -l"
	})
	if _, err := master.Write([]byte("\x1b[21~")); err != nil { // F10: the panes are idle, it quits
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(hangLimit):
		t.Fatalf("F10 did not end Run")
	}
	if got := flags(); got != before {
		t.Errorf("the terminal's descriptor has flags %#x after Run, %#x before", got, before)
	}
	if n := opened(); n != openedBefore {
		t.Errorf("%d descriptors on the terminal after Run, %d before: Run left one open", n, openedBefore)
	}
	// The terminal is back in canonical mode: a line is read whole.
	if _, err := master.Write([]byte("z\r")); err != nil {
		t.Fatal(err)
	}
	read := make(chan string, 1)
	go func() {
		buf := make([]byte, 16)
		n, _ := slave.Read(buf)
		read <- string(buf[:n])
	}()
	select {
	case got := <-read:
		if got != "z\n" {
			t.Fatalf("the line typed after Run read as %q, want \"z\\n\"", got)
		}
	case <-time.After(hangLimit):
		master.Close() // ends the read
		t.Fatalf("waited %v for the line typed after Run: something of Run still reads the terminal", hangLimit)
	}
}
