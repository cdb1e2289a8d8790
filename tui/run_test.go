package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/scenarios"
)

func TestRunRefusesBadOptions(t *testing.T) {
	fl := newFakeLab()
	if err := Run(context.Background(), nil, Options{}); err == nil {
		t.Error("Run without a lab did not fail")
	}
	err := Run(context.Background(), fl, Options{Walkthrough: []scenarios.Scenario{sampleScenario(t)}})
	if err == nil || !strings.Contains(err.Error(), "ScenarioLab") {
		t.Errorf("a walkthrough without a scenario lab: %v", err)
	}
}

// lockedBuffer is an output written by the screen's goroutine and read by the
// test while Run runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRunQuits drives Run through a pipe: F10 ends it, the screen went to the
// output and to the recorder, and the panes are let go.
func TestRunQuits(t *testing.T) {
	fl := newFakeLab()
	in, keys := io.Pipe()
	defer keys.Close()
	out := &lockedBuffer{}
	rec := &recorder{}
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), fl, Options{Input: in, Output: out, Record: rec, Now: func() time.Time { return fixedNow }})
	}()
	// Wait until the panes are attached and a frame of the lab is on the
	// terminal (the host pane's title names its mount namespace), then
	// press F10.
	const drawnMark = "mnt:[4026532301]"
	deadline := time.Now().Add(hangLimit)
	for {
		fl.panes[lab.Host].mu.Lock()
		attached := fl.panes[lab.Host].sink != nil
		fl.panes[lab.Host].mu.Unlock()
		shown := out.String()
		if attached && strings.Contains(shown, drawnMark) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for Run to attach the host pane (attached: %v) and draw %q; the terminal got %d bytes: %q",
				hangLimit, attached, drawnMark, len(shown), tail(shown, 400))
		}
		select {
		case err := <-done:
			t.Fatalf("Run ended before it drew the lab: %v; the terminal got %q", err, tail(out.String(), 400))
		case <-time.After(time.Millisecond):
		}
	}
	// The pipe's write waits for the program to read it; a program that
	// stopped reading must fail the test, not hang it.
	wrote := make(chan error, 1)
	go func() {
		_, err := keys.Write([]byte("\x1b[21~"))
		wrote <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(hangLimit):
		t.Fatalf("waited %v for F10 to end Run; it still runs. The terminal's last %d bytes: %q", hangLimit, 400, tail(out.String(), 400))
	}
	if err := receive(t, wrote, "the write of F10 to return"); err != nil {
		t.Fatalf("typing F10: %v", err)
	}
	rec.mu.Lock()
	recorded := rec.buf.String()
	rec.mu.Unlock()
	if shown := out.String(); recorded == "" || recorded != shown {
		t.Errorf("the recorder got %d bytes, the terminal %d; want the same", len(recorded), len(shown))
	}
	for _, p := range fl.panes {
		p.mu.Lock()
		attached := p.sink != nil
		p.mu.Unlock()
		if attached {
			t.Errorf("the %s pane still writes into a closed terminal", p.role)
		}
	}
}

// tail is the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestRunEndsWithContext: a cancelled context ends Run.
func TestRunEndsWithContext(t *testing.T) {
	fl := newFakeLab()
	in, keys := io.Pipe()
	defer keys.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, fl, Options{Input: in, Output: io.Discard}) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run ended by its context returned %v, want context.Canceled", err)
		}
	case <-time.After(hangLimit):
		t.Fatalf("waited %v for Run to end after its context was cancelled; it still runs", hangLimit)
	}
}
