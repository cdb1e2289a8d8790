package cast

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/tui/term"
)

// fakeClock advances by 10 ms a reading.
func fakeClock() func() time.Time {
	t := time.Unix(1700000000, 0)
	return func() time.Time { t = t.Add(10 * time.Millisecond); return t }
}

func TestRecordAndParse(t *testing.T) {
	var buf bytes.Buffer
	c, err := New(&buf, Options{Cols: 20, Rows: 4, Title: "nslab", Env: map[string]string{"TERM": "xterm-256color"}, Now: fakeClock()})
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("hello "))
	c.Write([]byte("\xea\xb0"))       // the first two bytes of 가
	c.Write([]byte("\x80 world\r\n")) // its last byte
	c.Mark("tmpfs 1/7")
	c.Resize(30, 5)
	c.Write([]byte("\xff"))
	c.Close()
	h, evs, err := Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if h.Version != 2 || h.Width != 20 || h.Height != 4 || h.Title != "nslab" || h.Env["TERM"] != "xterm-256color" || h.Timestamp != 1700000000 {
		t.Fatalf("header %+v", h)
	}
	want := []Event{
		{0.01, "o", "hello "},
		{0.02, "o", "가 world\r\n"}, // held back until whole; the clock is read per event
		{0.03, "m", "tmpfs 1/7"},
		{0.04, "r", "30x5"},
		{0.05, "o", "\ufffd"},
	}
	if len(evs) != len(want) {
		t.Fatalf("events %+v", evs)
	}
	for i := range want {
		if evs[i] != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, evs[i], want[i])
		}
	}
}

// Replaying the output events reproduces the screen that was recorded.
func TestReplayReproducesTheScreen(t *testing.T) {
	stream := "\x1b[2J\x1b[H\x1b[1;31mred\x1b[0m line\r\n\x1b[?1049halt\x1b[?1049l\x1b[3;5Hthere 한글"
	live := term.New(io.Discard, term.Options{Cols: 24, Rows: 6})
	defer live.Close()
	var buf bytes.Buffer
	c, _ := New(&buf, Options{Cols: 24, Rows: 6, Now: fakeClock()})
	// Split the stream at every few bytes, as reads from a pty would.
	for i := 0; i < len(stream); i += 5 {
		chunk := []byte(stream[i:min(i+5, len(stream))])
		live.Write(chunk)
		c.Write(chunk)
	}
	c.Close()
	h, evs, err := Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	replay := term.New(io.Discard, term.Options{Cols: h.Width, Rows: h.Height})
	defer replay.Close()
	for _, e := range evs {
		if e.Kind == "o" {
			replay.Write([]byte(e.Data))
		}
	}
	if got, want := replay.Render(), live.Render(); got != want {
		t.Fatalf("replayed screen:\n%s\nrecorded screen:\n%s", got, want)
	}
	if !strings.Contains(replay.Render(), "there 한글") {
		t.Fatalf("screen lacks the text:\n%s", replay.Render())
	}
}

func TestParseRejectsBadFiles(t *testing.T) {
	for name, in := range map[string]string{
		"no header":      "",
		"version 1":      `{"version":1,"width":80,"height":24}` + "\n",
		"no size":        `{"version":2}` + "\n",
		"short event":    `{"version":2,"width":80,"height":24}` + "\n[0.1,\"o\"]\n",
		"time goes back": `{"version":2,"width":80,"height":24}` + "\n[0.2,\"o\",\"a\"]\n[0.1,\"o\",\"b\"]\n",
		"not json":       `{"version":2,"width":80,"height":24}` + "\nhello\n",
	} {
		if _, _, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

func TestWriteErrorsAreReported(t *testing.T) {
	if _, err := New(&failAfter{0}, Options{Cols: 80, Rows: 24}); err == nil {
		t.Error("header written to a failing writer")
	}
	if _, err := New(io.Discard, Options{}); err == nil {
		t.Error("a recording without a size")
	}
	c, _ := New(&failAfter{1}, Options{Cols: 80, Rows: 24})
	if _, err := c.Write([]byte("x")); err == nil {
		t.Error("output written to a failing writer")
	}
	if err := c.Mark("m"); err == nil {
		t.Error("marker after a failure")
	}
}

func FuzzWriter(f *testing.F) {
	f.Add([]byte("plain"), uint8(3))
	f.Add([]byte("\xea\xb0\x80\xff\xfe한"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		var buf bytes.Buffer
		c, _ := New(&buf, Options{Cols: 80, Rows: 24, Now: fakeClock()})
		n := int(step)%7 + 1
		for i := 0; i < len(data); i += n {
			c.Write(data[i:min(i+n, len(data))])
		}
		c.Close()
		_, evs, err := Parse(&buf)
		if err != nil {
			t.Fatalf("own recording does not parse: %v", err)
		}
		var got strings.Builder
		for _, e := range evs {
			got.WriteString(e.Data)
		}
		// Valid UTF-8 survives whole, however it was split.
		if want := strings.ToValidUTF8(string(data), "\ufffd"); got.String() != want && isValid(data) {
			t.Fatalf("recorded %q, want %q", got.String(), want)
		}
	})
}

func isValid(b []byte) bool { return strings.ToValidUTF8(string(b), "") == string(b) }
