package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

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

// TestRunQuits drives Run through a pipe: F10 ends it, the screen went to the
// output and to the recorder, and the panes are let go.
func TestRunQuits(t *testing.T) {
	fl := newFakeLab()
	in, keys := io.Pipe()
	var out bytes.Buffer
	rec := &recorder{}
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), fl, Options{Input: in, Output: &out, Record: rec, Now: func() time.Time { return fixedNow }})
	}()
	// Wait until the panes are attached, then press F10.
	deadline := time.Now().Add(hangLimit)
	for {
		fl.panes["host"].mu.Lock()
		attached := fl.panes["host"].sink != nil
		fl.panes["host"].mu.Unlock()
		if attached || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := keys.Write([]byte("\x1b[21~")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(hangLimit):
		t.Fatal("F10 did not end Run")
	}
	keys.Close()
	rec.mu.Lock()
	recorded := rec.buf.String()
	rec.mu.Unlock()
	if recorded == "" || recorded != out.String() {
		t.Errorf("the recorder got %d bytes, the terminal %d; want the same", len(recorded), out.Len())
	}
	for _, p := range fl.panes {
		if p.sink != nil {
			t.Errorf("the %s pane still writes into a closed terminal", p.role)
		}
	}
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
		if err == nil {
			t.Error("Run ended by its context returned no error")
		}
	case <-time.After(hangLimit):
		t.Fatal("Run outlived its context")
	}
}
