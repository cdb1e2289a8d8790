package tui

import (
	"context"
	"io"
	"time"

	"github.com/nslab/nslab/lab"
)

// Lab is what the screen needs from a running lab. FromLab adapts *lab.Lab;
// tests use a fake, so golden frames need no root.
type Lab interface {
	// Pane returns the pane of a role (lab.Host or lab.NS).
	Pane(r lab.Role) Pane
	// Events delivers what the lab sees change. The UI reads it steadily.
	Events() <-chan lab.Event
	// State is the latest kernel state of both panes. It must be cheap: the
	// lab's monitors have already read the kernel.
	State() lab.State
	// EndMarks counts the commands ended in either pane; a snapshot whose
	// Ends is behind it is older than the last command's end.
	EndMarks() uint64
}

// Pane is one pane's shell as the screen uses it. *lab.Pane satisfies it.
type Pane interface {
	// Write sends input to the shell without blocking the caller.
	Write(b []byte) (int, error)
	// SetSink sets where the shell's raw output goes, one chunk at a time.
	SetSink(w io.Writer)
	// Resize sets the pty's window size.
	Resize(cols, rows int) error
	// Restart starts a new shell in this role once the old one has ended.
	Restart(ctx context.Context) error
	// Alive reports whether the shell runs, and how the last one ended.
	Alive() (alive bool, lastStatus int)
	// SetTypeDelay sets the pause between characters of a typed command.
	SetTypeDelay(d time.Duration)
	// ShellPID is the pane's own shell (0 when none runs); ForegroundGroup
	// is the pty's foreground process group, the shell's while it waits at
	// its prompt. ForegroundGroup reads the kernel: call it from a tea.Cmd.
	ShellPID() int
	ForegroundGroup() int
}

// FromLab adapts a running *lab.Lab to the screen's Lab interface.
func FromLab(l *lab.Lab) Lab { return labAdapter{l} }

type labAdapter struct{ l *lab.Lab }

func (a labAdapter) Pane(r lab.Role) Pane {
	if p := a.l.Pane(r); p != nil {
		return p
	}
	return nil
}
func (a labAdapter) Events() <-chan lab.Event { return a.l.Events() }
func (a labAdapter) State() lab.State         { return a.l.State() }
func (a labAdapter) EndMarks() uint64         { return a.l.EndMarks() }
