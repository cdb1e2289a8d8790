package term

import (
	"errors"
	"io"

	tea "charm.land/bubbletea/v2"
)

// Terminal is one pane's terminal emulator. Pty output goes in through Write;
// the screen comes out through Render, Cell and Cursor; the user's keys, pastes
// and mouse go out, encoded for the running application, to the writer given
// at construction (the pty master).
//
// Every method is safe to call from any goroutine. The input methods (SendKey,
// Paste, SendMouse, Focus) only queue bytes, so the UI may call them from
// Update: a goroutine of the Terminal does the writing.
type Terminal interface {
	// Write feeds pty output. It never blocks on a terminal query: replies are
	// queued for the pty like keys. After Close it returns ErrClosed.
	Write(p []byte) (int, error)

	// Resize sets the visible size. Sizes are clamped to 0..MaxCols and
	// 0..MaxRows; no size panics. It does not resize the pty: that is the
	// caller's, so the application hears SIGWINCH.
	Resize(cols, rows int)
	// Size returns the size after clamping.
	Size() (cols, rows int)

	// Render returns the view (the live screen, or scrollback when scrolled
	// up) as exactly rows lines of exactly cols cells, joined by "\n", each
	// line styled with SGR and ending in the default style.
	Render() string
	// Cell returns the cell Render shows at column x, row y of the view, or
	// a blank cell outside it.
	Cell(x, y int) Cell
	// Cursor returns the cursor in view coordinates.
	Cursor() Cursor
	// State returns the rest of what the UI shows: alt screen, title,
	// scrollback position, the input modes the application asked for.
	State() State

	// ScrollBy moves the view n lines up into the scrollback (negative: back
	// down), clamped. In the alternate screen there is no scrollback.
	ScrollBy(lines int)
	// ScrollPages moves the view by whole screens, as ScrollBy(pages*rows).
	ScrollPages(pages int)
	// ScrollToLive returns the view to the live screen.
	ScrollToLive()

	// SendKey queues the key as the running application expects it (cursor
	// and keypad modes, Alt as ESC prefix) and returns the view to live.
	SendKey(k tea.KeyPressMsg)
	// Paste queues pasted text, bracketed when the application asked for it.
	Paste(text string)
	// SendMouse queues a mouse event whose X and Y are relative to the pane,
	// if the application enabled mouse reporting; it reports whether it did.
	SendMouse(m tea.MouseMsg) bool
	// Focus tells the application the pane gained or lost focus, if it asked
	// to hear about it.
	Focus(focused bool)

	// TakeDirty reports whether the view changed since the last call and
	// clears the flag. The UI polls it from one ticker to coalesce redraws.
	TakeDirty() bool

	// Close stops the Terminal's goroutines. It does not close the writer.
	Close() error
}

// Limits and defaults.
const (
	// MaxCols and MaxRows bound Resize: a pane larger than any screen would
	// only cost memory.
	MaxCols = 1024
	MaxRows = 512
	// DefaultScrollback is the scrollback size, in lines, when Options leaves
	// it zero.
	DefaultScrollback = 5000
	// ChunkSize is the most pty output fed to the emulator under one lock:
	// it bounds how long a render waits behind a flood of output.
	ChunkSize = 4096
	// maxQueued bounds input waiting for the pty, queued or inside a write
	// the pty has not taken yet; beyond it input is dropped rather than
	// letting a stuck application grow memory without end.
	maxQueued = 4 << 20
)

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("term: terminal closed")

// Options configure a new Terminal.
type Options struct {
	// Cols and Rows are the initial size, clamped as by Resize.
	Cols, Rows int
	// Scrollback is the number of lines kept above the screen; zero or less
	// means DefaultScrollback.
	Scrollback int
	// ScrollbackBytes bounds the memory of those lines (Core only); zero or
	// less means DefaultScrollbackBytes.
	ScrollbackBytes int
	// Colors are the pane's colours, for the answers to colour queries
	// (Core only).
	Colors Colors
}

func (o Options) scrollback() int {
	if o.Scrollback <= 0 {
		return DefaultScrollback
	}
	return o.Scrollback
}

func (o Options) scrollbackBytes() int {
	if o.ScrollbackBytes <= 0 {
		return DefaultScrollbackBytes
	}
	return o.ScrollbackBytes
}

// New returns the default Terminal implementation, Core, writing input to w.
func New(w io.Writer, opt Options) Terminal {
	return NewCore(w, opt)
}

// CursorShape is the shape an application asked for with DECSCUSR.
type CursorShape uint8

// Cursor shapes.
const (
	CursorBlock CursorShape = iota
	CursorUnderline
	CursorBar
)

// Cursor is the cursor as the view shows it.
type Cursor struct {
	// X and Y are the column and row in the view.
	X, Y int
	// Visible is false when the application hid the cursor (DECTCEM) or the
	// view is scrolled so far up that the cursor's row is below it.
	Visible bool
	Shape   CursorShape
	Blink   bool
}

// State is what the UI shows besides the cells.
type State struct {
	// AltScreen is true while the application uses the alternate screen
	// (vi, less, top).
	AltScreen bool
	// Title is the last window title set with OSC 0 or OSC 2.
	Title string
	// ScrollOffset is how many lines the view is scrolled up; 0 is live.
	ScrollOffset int
	// ScrollbackLen is the number of lines held; ScrollbackMax the bound.
	ScrollbackLen, ScrollbackMax int
	// Modes are the input modes the application set.
	Modes InputModes
	// Resets counts the times the emulator failed and was replaced.
	Resets int
}

// clampSize bounds a requested size to what a Terminal accepts.
func clampSize(cols, rows int) (int, int) {
	return min(max(cols, 0), MaxCols), min(max(rows, 0), MaxRows)
}

// clampOffset bounds a scroll offset to the lines there are.
func clampOffset(offset, held int) int {
	return min(max(offset, 0), held)
}
