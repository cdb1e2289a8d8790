// Package cast records a terminal session as an asciicast v2 file (the format of
// `asciinema rec`, playable with `asciinema play`): a JSON header line, then one JSON
// array per event — [seconds, "o", text] for output, [seconds, "m", label] for a marker,
// [seconds, "r", "COLSxROWS"] for a resize.
//
// Every event is written to the underlying writer as it happens, unbuffered, so a crash
// loses nothing already shown.
package cast

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
	"unicode/utf8"
)

// Header is the first line of an asciicast v2 file.
type Header struct {
	Version   int               `json:"version"`
	Width     int               `json:"width"`
	Height    int               `json:"height"`
	Timestamp int64             `json:"timestamp,omitempty"`
	Title     string            `json:"title,omitempty"`
	Env       map[string]string `json:"env,omitempty"`
}

// Writer writes a recording. Its methods are safe for concurrent use.
type Writer struct {
	mu      sync.Mutex
	w       io.Writer
	start   time.Time
	now     func() time.Time
	pending []byte // an incomplete UTF-8 sequence held back until the rest arrives
	err     error
}

// Options describe the recording.
type Options struct {
	Cols, Rows int
	Title      string
	// Env is recorded in the header (asciinema records TERM and SHELL).
	Env map[string]string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// New writes the header and returns the recorder.
func New(w io.Writer, o Options) (*Writer, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Cols <= 0 || o.Rows <= 0 {
		return nil, fmt.Errorf("asciicast: bad size %dx%d", o.Cols, o.Rows)
	}
	c := &Writer{w: w, now: o.Now}
	c.start = c.now()
	h := Header{Version: 2, Width: o.Cols, Height: o.Rows, Timestamp: c.start.Unix(), Title: o.Title, Env: o.Env}
	b, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return nil, fmt.Errorf("asciicast header: %w", err)
	}
	return c, nil
}

// Write records terminal output. A UTF-8 sequence split across writes is held back and
// recorded whole with the next write; bytes that are not UTF-8 become U+FFFD (JSON text
// must be UTF-8). It reports len(p) unless writing the file failed.
func (c *Writer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	data := append(c.pending, p...)
	cut := completePrefix(data)
	c.pending = append([]byte(nil), data[cut:]...)
	if cut > 0 {
		c.event("o", string(data[:cut]))
	}
	if c.err != nil {
		return 0, c.err
	}
	return len(p), nil
}

// Mark records a marker (asciinema shows markers as chapter points).
func (c *Writer) Mark(label string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.event("m", label)
	return c.err
}

// Resize records a change of the terminal's size.
func (c *Writer) Resize(cols, rows int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.event("r", fmt.Sprintf("%dx%d", cols, rows))
	return c.err
}

// Close records what is still held back. It does not close the underlying writer.
func (c *Writer) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) > 0 {
		c.event("o", string(c.pending))
		c.pending = nil
	}
	return c.err
}

func (c *Writer) event(kind, data string) {
	if c.err != nil {
		return
	}
	t := c.now().Sub(c.start).Seconds()
	b, err := json.Marshal([]any{json.Number(fmt.Sprintf("%.6f", t)), kind, data})
	if err != nil {
		c.err = err
		return
	}
	if _, err := c.w.Write(append(b, '\n')); err != nil {
		c.err = fmt.Errorf("asciicast: %w", err)
	}
}

// completePrefix is the length of b without a trailing incomplete UTF-8 sequence (at most
// three bytes that could still become one rune).
func completePrefix(b []byte) int {
	for back := 1; back <= 3 && back <= len(b); back++ {
		i := len(b) - back
		c := b[i]
		if c < 0x80 {
			return len(b) // ASCII: nothing pending
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			return len(b)
		}
	}
	return len(b)
}

// Event is one parsed event of a recording.
type Event struct {
	Time float64
	Kind string
	Data string
}

// Parse reads a recording: its header and events, checking the format as it goes.
func Parse(r io.Reader) (Header, []Event, error) {
	dec := json.NewDecoder(r)
	var h Header
	if err := dec.Decode(&h); err != nil {
		return h, nil, fmt.Errorf("asciicast header: %w", err)
	}
	if h.Version != 2 || h.Width <= 0 || h.Height <= 0 {
		return h, nil, fmt.Errorf("asciicast header: want version 2 and a size, found %+v", h)
	}
	var evs []Event
	last := 0.0
	for dec.More() {
		var raw []json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return h, evs, fmt.Errorf("asciicast event %d: %w", len(evs)+1, err)
		}
		var e Event
		if len(raw) != 3 || json.Unmarshal(raw[0], &e.Time) != nil || json.Unmarshal(raw[1], &e.Kind) != nil ||
			json.Unmarshal(raw[2], &e.Data) != nil {
			return h, evs, fmt.Errorf("asciicast event %d: want [time, kind, data]", len(evs)+1)
		}
		if e.Time < last {
			return h, evs, fmt.Errorf("asciicast event %d: time goes back (%.6f after %.6f)", len(evs)+1, e.Time, last)
		}
		last = e.Time
		evs = append(evs, e)
	}
	return h, evs, nil
}
