package lab

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
	"golang.org/x/sys/unix"
)

// A lab whose init is killed from outside says it ended, and Reset brings a fresh one
// in which the panes work again.
func TestLabEndedWhenItsInitIsKilled(t *testing.T) {
	l := startLab(t, Options{})
	if l.Ended() {
		t.Fatal("a lab that just started says it ended")
	}
	old := l.InitPID()
	if err := unix.Kill(old, unix.SIGKILL); err != nil {
		t.Fatalf("kill the lab init %d: %v", old, err)
	}
	deadline := time.Now().Add(labtest.Patience)
	for !l.Ended() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for the lab to say it ended after its init %d was killed", labtest.Patience, old)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, r := range Roles {
		if alive, _ := l.Pane(r).Alive(); alive {
			t.Errorf("%s pane's shell is alive in an ended lab", r)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Patience)
	defer cancel()
	if err := l.Reset(ctx, NSUnshared); err != nil {
		t.Fatalf("reset an ended lab: %v", err)
	}
	if l.Ended() || l.InitPID() == old {
		t.Fatalf("after Reset: ended %v, init %d (was %d)", l.Ended(), l.InitPID(), old)
	}
	for _, r := range Roles {
		if got := run(t, l, r, "echo fresh"); got.Output != "fresh\n" {
			t.Errorf("%s pane after Reset: %q", r, got.Output)
		}
	}
}

// Typing stops at the step's timeout: a long command typed at a class's pace does not go
// on for minutes, the half-typed line is dropped, and the pane takes the next command.
func TestTypingStopsAtTheTimeout(t *testing.T) {
	l := startLab(t, Options{})
	p := l.Pane(Host)
	p.SetTypeDelay(20 * time.Millisecond)
	long := "echo " + strings.Repeat("x", 2000) // 40 s at 20 ms a character
	res, err := p.Run(context.Background(), long, 500*time.Millisecond)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if !res.TimedOut || !res.TypingTimedOut {
		t.Fatalf("a 2,000-character command at 20 ms each with a 500 ms timeout: %+v", res)
	}
	t.Logf("typing a 40 s command stopped after %v of its 500 ms timeout", res.Duration.Round(time.Millisecond))
	p.SetTypeDelay(0)
	if got := run(t, l, Host, "echo back"); got.Output != "back\n" {
		t.Fatalf("after typing stopped: %q (the half-typed line should be gone)", got.Output)
	}
}
