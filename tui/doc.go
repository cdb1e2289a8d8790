// Package tui is nslab's screen: two real shells side by side, the panels that
// show what the kernel says about them, and the walkthrough's narration bar.
//
// The root Model routes messages by a small focus state and builds the help bar
// from the KeyMap of whatever has focus. Each part is a small component with
// SetSize and its help keys; one Styles value and one KeyMap value are passed
// down, never kept in package variables.
//
// # Data flow
//
// The lab (the kernel side) is reached through the Lab interface, so golden
// tests run a fake one without root. Each pane's pty output goes straight from
// the lab's reader goroutine into that pane's term.Terminal (Pane.SetSink) and
// taps a waker (in Run, the first output after a quiet spell is sent to the
// program from that goroutine itself); the user's keys go back through the Terminal's
// queue-only input methods. Lab events come in through one command that waits
// on Lab.Events, drains whatever else is queued into one message and is issued
// again after it.
//
// # Idle means no work
//
// Redraws are coalesced by one ticker. Pty output marks a Terminal dirty; the
// first write after a quiet spell wakes the Model, which draws at once and
// ticks at frame rate only while some Terminal keeps turning dirty, or, at the
// pace of their expiry, while highlighted rows are fading. With nothing
// changing the Model schedules no tick, no timer and no message: its
// goroutines are blocked on channels.
//
// # Drawing
//
// Bubble Tea runs without its renderer, whose frame ticker compares the
// screen at a fixed rate even when nothing changes. After each message Bubble
// Tea asks for the view; the frame goes to a screen of ours (screen.go) only
// if it differs from the last one, and the screen's one goroutine writes the
// cells that changed (ultraviolet's terminal renderer), the newest frame only
// when several came while it wrote. A frame is its lines: a line that did not
// change is the same string as in the frame before (from the terminal's rows
// through the pane's box to the screen's rows), so after a keystroke's echo
// only one line is styled, joined and parsed again, and a key typed into a
// shell, which changes nothing until its echo, asks for no frame at all. So a pane's echo is on the terminal as
// soon as the Model has drawn it, and an idle lab writes nothing. Run owns
// what the renderer did: raw mode, the alternate screen, mouse and paste
// modes, the keyboard protocol, the cursor, SIGWINCH, and giving all of it
// back on return or a panic. (Bubble Tea still keeps a flush ticker without
// its renderer; it has nothing to flush and runs at its slowest, once a
// second.)
//
// Update and View do no I/O. Everything that may block (resizing a pty,
// restarting a shell, running a walkthrough step) runs in a tea.Cmd and
// reports back with a message.
package tui
