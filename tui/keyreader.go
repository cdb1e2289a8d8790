package tui

import (
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// keyReader reads the terminal's input ahead of Bubble Tea. Text typed into
// the focused shell (the common case: printable characters, nothing else in
// the read) goes to the pane's terminal at once, from this goroutine;
// everything else goes on to Bubble Tea, which decodes it and hands it to
// the Model as before. Through Bubble Tea's reader, its loop and the
// pane's two input queues a key took five goroutine hand-offs to reach the
// pty, about 110 µs on an idle two-core machine; from here it takes one
// write(2) (see lab.Pane.WriteNow).
//
// No key may overtake one sent before it: typed text goes straight on only
// when the Model has taken everything forwarded so far. After each forwarded
// read that ends on a complete event, a marker follows it: a mode report
// (DECRPM) for a mode nobody asks about, which Bubble Tea decodes in order
// like any other input; the Model counts the markers it takes. A read that
// ends inside a sequence (a lone Esc, a paste not finished, a sequence cut
// in two) gets no marker until a later read completes it, and until then
// everything is forwarded.
type keyReader struct {
	in io.Reader
	to *directKeys

	// chunks go to Bubble Tea's reader (forward); each is one Read of it,
	// so a key Bubble Tea looks up whole stays whole.
	chunks chan []byte
	done   chan struct{}
	stop   sync.Once

	// Owned by the reading goroutine.
	dec     uv.EventDecoder
	tail    []byte // forwarded since the last marker, from the last event not known complete
	inPaste bool
	marks   uint64 // markers forwarded
}

// directKeys is what the Model tells the key reader, and what it hears back.
type directKeys struct {
	// target is the focused pane's terminal while typed text goes to it
	// unchanged: no dialog, no help screen, no prefix armed, a live view of
	// a running shell. Nil while any key must go through the Model.
	target atomic.Pointer[typeTarget]
	// seen counts the markers the Model has taken.
	seen atomic.Uint64
}

// typeTarget is a pane's terminal as typed text reaches it (term.Core).
type typeTarget struct{ t typer }

type typer interface{ Type(text string) }

// markerMode is the mode the marker reports: no terminal has it and nslab
// never asks about it, so a report of it can only be the marker.
const markerMode = ansi.DECMode(61771)

var marker = []byte(ansi.ReportMode(markerMode, ansi.ModeNotRecognized))

// isMarker reports whether a message is the key reader's marker.
func isMarker(msg tea.Msg) bool {
	r, ok := msg.(tea.ModeReportMsg)
	return ok && r.Mode == markerMode
}

func newKeyReader(in io.Reader, to *directKeys) *keyReader {
	return &keyReader{in: in, to: to, chunks: make(chan []byte, 64), done: make(chan struct{})}
}

// run reads the input until it fails or ends, or close is called.
func (k *keyReader) run() {
	defer close(k.chunks)
	buf := make([]byte, 4096)
	for {
		n, err := k.in.Read(buf)
		if n > 0 && !k.take(buf[:n]) {
			return
		}
		if err != nil {
			return
		}
	}
}

// close stops forwarding: Bubble Tea's reader sees the input end.
func (k *keyReader) close() { k.stop.Do(func() { close(k.done) }) }

// take sends one read on: typed into the pane, or forwarded. It returns
// false once closed.
func (k *keyReader) take(b []byte) bool {
	if len(k.tail) == 0 && k.marks == k.to.seen.Load() && typedText(b) {
		// The order matters: target is stored before seen counts the marker
		// of the read that changed it (see onScreen.Update).
		if t := k.to.target.Load(); t != nil {
			t.t.Type(string(b))
			return true
		}
	}
	if !k.forward(append([]byte(nil), b...)) {
		return false
	}
	k.tail = append(k.tail, b...)
	if !k.settle() {
		return true
	}
	k.marks++
	return k.forward(marker)
}

func (k *keyReader) forward(b []byte) bool {
	select {
	case k.chunks <- b:
		return true
	case <-k.done:
		return false
	}
}

// settle decodes the tail as Bubble Tea's reader does, event by event, and
// reports whether it ends on a complete event outside a paste; then the tail
// is empty. Otherwise it keeps the last event, which more input may still
// complete (Bubble Tea waits for it, up to its Esc timeout): a lone Esc or an
// Esc with one more byte, a sequence not recognised (one cut in two), or a
// bracketed paste not yet ended.
func (k *keyReader) settle() bool {
	for len(k.tail) > 0 {
		n, ev := k.dec.Decode(k.tail)
		if n <= 0 || n > len(k.tail) {
			return false
		}
		switch ev.(type) {
		case uv.PasteStartEvent:
			k.inPaste = true
		case uv.PasteEndEvent:
			k.inPaste = false
		}
		if n < len(k.tail) {
			k.tail = k.tail[n:]
			continue
		}
		_, unknown := ev.(uv.UnknownEvent)
		if k.inPaste || unknown || (k.tail[0] == ansi.ESC && n <= 2) {
			// A copy: the array behind keeps what came before, and a paste
			// would keep it all.
			k.tail = append([]byte(nil), k.tail...)
			return false
		}
		k.tail = k.tail[:0]
		return true
	}
	return true
}

// typedText reports whether a read is only text a shell takes as typed:
// printable characters, none of them a control or part of a sequence. A
// key of the lab is never text.
func typedText(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, w := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError || r < 0xa0 { // not UTF-8, or a C1 control
			return false
		}
		i += w
	}
	return len(b) > 0
}

// forwarded is the input as Bubble Tea reads it: one chunk per Read.
type forwarded struct {
	k    *keyReader
	rest []byte
}

func (f *forwarded) Read(p []byte) (int, error) {
	if len(f.rest) == 0 {
		select {
		case b, ok := <-f.k.chunks:
			if !ok {
				return 0, io.EOF
			}
			f.rest = b
		case <-f.k.done:
			return 0, io.EOF
		}
	}
	n := copy(p, f.rest)
	f.rest = f.rest[n:]
	return n, nil
}

// pollInput is the input terminal opened again, to be read through Go's
// poller: read as given (a descriptor in blocking mode), each key woke a
// thread out of a blocking epoll_wait(2) and read(2). The new open file description is
// non-blocking; the one the shell shares with us stays as it was. close
// ends a read still waiting. Input that is not a terminal is used as given.
func pollInput(in io.Reader, isTerminal bool) (r io.Reader, close func()) {
	f, ok := in.(*os.File)
	if !ok || !isTerminal {
		return in, func() {}
	}
	// open(2) of /proc/self/fd/N opens the terminal device again, not a
	// duplicate of the descriptor; O_NOCTTY, so it cannot become the
	// controlling terminal.
	again, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(int(f.Fd())), os.O_RDONLY|syscall.O_NOCTTY|syscall.O_NONBLOCK, 0)
	if err != nil {
		// No /proc, or the terminal cannot be opened again: read it as
		// Bubble Tea did, through an epoll of its own that close cancels.
		cr, cerr := uv.NewCancelReader(in)
		if cerr != nil {
			return in, func() {}
		}
		return cr, func() { cr.Cancel(); _ = cr.Close() }
	}
	return again, func() { _ = again.Close() }
}
