// Package term is the terminal emulator behind each nslab pane.
//
// A pane is a real shell on a pty. The pty reader writes the shell's output
// into a Terminal; the UI asks the Terminal for the screen (Render: exactly
// rows lines of exactly cols cells, styled with SGR, ready to place with
// lipgloss), the cursor and the State (alternate screen, title, scrollback
// position, input modes); and hands it the user's keys, pastes and mouse,
// which it encodes the way the running application asked for (application
// cursor keys, keypad mode, bracketed paste, mouse tracking) and writes to the
// pty master it was given. vi, less, top, Ctrl-C, colours and the alternate
// screen work as in xterm with TERM=xterm-256color.
//
// Terminal is our interface; VT implements it on
// github.com/charmbracelet/x/vt. Everything that does not depend on the
// emulator lives outside VT so a second implementation can reuse it: the key,
// paste and mouse encoders (EncodeKey, EncodePaste, EncodeMouse, InputModes),
// the input queue and its writer goroutine, and the renderer, which works
// from Cell values. Cell is comparable, so two implementations can be tested
// against each other cell by cell.
//
// # The drain rule
//
// A terminal answers queries: ESC[c (device attributes), ESC[6n (cursor
// position), DECRQM and others. x/vt writes each answer into an unbuffered
// pipe from inside Write, so unless something is reading that pipe, the first
// query blocks Write, the pty reader, and the pane, for ever. VT drains the
// pipe in a goroutine from construction to Close and forwards the answers to
// the pty, because the application asked and waits for them. The drain never
// takes the emulator's lock.
//
// Answers and typed input then go through one queue to a writer goroutine:
// nothing that feeds output ever waits for the pty to accept input, since an
// application that is busy writing is not reading, and each would wait for
// the other.
//
// # The chunk rule
//
// Write feeds the emulator at most ChunkSize (4 KiB) at a time, and at most
// LinesPerLock line feeds, taking the lock once per chunk, so a render never
// waits behind more than one chunk of a flood of output (x/vt copies the
// whole screen for every scrolled line: 4 KiB of newlines at 200×50 would
// hold the lock for a quarter of a second, 64 lines hold it for about 4 ms). Write marks the Terminal dirty; the UI clears the flag
// with TakeDirty from a single ticker and redraws then, never once per write.
//
// # Guards
//
// Resize clamps any size (0×0, negative, huge) into 0..MaxCols × 0..MaxRows.
// CSI parameters are clamped before x/vt sees them (ECH, tab moves and REP
// loop once per count in x/vt v0.1.0). A panic inside x/vt replaces the
// emulator with a fresh one whose first line says so, and State().Resets
// counts it.
package term
