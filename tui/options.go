package tui

import (
	"io"
	"time"

	"github.com/nslab/nslab/scenarios"
)

// Options configure the screen.
type Options struct {
	// Lang is the language of every word on screen, the lab's own and the
	// walkthrough's (default English).
	Lang scenarios.Lang
	// Theme is the colour scheme (default Dark).
	Theme Theme
	// NoColor leaves every colour out, symbols and bold carry everything.
	// cmd/nslab sets it when the NO_COLOR environment variable is set and not
	// empty (https://no-color.org).
	NoColor bool

	// Rootless says the lab runs in a user namespace of nslab's (nslab without
	// sudo): the namespace panel says that its user row is not the machine's.
	Rootless bool

	// Walkthrough, when not empty, runs these scenarios in order with the
	// narration bar (`nslab walkthrough`); empty is the free-form lab.
	Walkthrough []scenarios.Scenario
	// ScenarioLab is what the walkthrough's steps run on: an adapter over the
	// same lab whose Reset restarts the lab's namespaces while the panes keep
	// their terminals. Required with Walkthrough.
	ScenarioLab scenarios.Lab
	// TypeDelay is the pause between the characters of a walkthrough command,
	// so a class sees it typed (default DefaultTypeDelay; negative: none).
	TypeDelay time.Duration

	// Scrollback is the lines each pane keeps above its screen (0: the
	// emulator's default, term.DefaultScrollback).
	Scrollback int

	// Record, when set, receives every byte written to the terminal, exactly
	// as the screen shows it (the seam for --record FILE.cast), from the
	// screen's drawing goroutine: it should not block, and its errors are
	// ignored. If it also implements StepMarker, each walkthrough step is
	// marked as it starts to run; if it implements Resizer, each change of
	// the screen's size is recorded before the first frame at that size.
	Record io.Writer

	// Share, when set, publishes the screen to spectators (--share): the
	// help bar shows how to join and how many watch.
	Share *Share

	// Input and Output are the terminal (default os.Stdin and os.Stdout).
	Input  io.Reader
	Output io.Writer

	// Now is the clock for the event log and highlights (default time.Now);
	// tests fix it.
	Now func() time.Time
}

// DefaultTypeDelay is the walkthrough's pause between typed characters.
const DefaultTypeDelay = 20 * time.Millisecond

// StepMarker is implemented by a recorder that marks walkthrough steps (an
// asciicast "m" event, for instance), with a label such as "tmpfs 2/7" (the
// scenario id, the step and the step count). Mark is called from a command,
// never from Update, and may run while Write runs on another goroutine.
type StepMarker interface {
	Mark(label string) error
}
