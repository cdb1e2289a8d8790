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
// Terminal is our interface, with two implementations. Core, the default
// (New), is an emulator of our own on github.com/charmbracelet/x/ansi's
// parser, built for floods of output: the screen is a ring of lines, so a
// line feed at the bottom rotates the ring and clears one line, and the line
// that leaves goes to a scrollback of compact byte-encoded lines bounded by
// lines and by bytes (the alternate screen has none). VT is the older one on
// github.com/charmbracelet/x/vt v0.1.0, which copies the whole screen for
// each scrolled line; it now lives in the tests only (vt_reference_test.go),
// as the reference the differential test compares Core with, cell by cell (diff_test.go lists where x/vt departs from
// xterm, which Core follows). Everything that does not depend on the emulator
// is shared: the key, paste and mouse encoders (EncodeKey, EncodePaste,
// EncodeMouse, InputModes), the input queue and its writer goroutine, and the
// renderer, which works from Cell values. Cell is comparable, so the two can
// be tested against each other.
//
// Characters take the columns the C library's wcwidth(3) gives them, code
// point by code point, as tmux measures by default and as bash and vim
// assume (width.go): 👍🏽 is 2+2 columns, ✔️ 1+0. A character of width 0
// joins the cell before it; the view leaves out U+FE0F and a trailing
// joiner, which a terminal that joins grapheme clusters would widen by.
//
// A new width reflows the main screen and the scrollback as tmux does
// (reflow.go): rows an automatic wrap cut join again, the cursor keeps its
// character and its row. Core has no left and right margins
// (DECLRMM, DECSLRM), no DECSCA protection and no sixel or other images.
//
// # Replies and the input queue
//
// A terminal answers queries: ESC[c (device attributes), ESC[6n (cursor
// position), DECRQM and others. The application asked and waits, so the
// answers go to the pty; and they go through the same queue as typed input,
// to a writer goroutine: nothing that feeds output ever waits for the pty to
// accept input, since an application that is busy writing is not reading, and
// each would wait for the other. (x/vt writes its answers into an unbuffered
// pipe from inside Write, so VT drains that pipe in a goroutine from
// construction to Close, without taking the emulator's lock.)
//
// # The chunk rule
//
// Write feeds the emulator in steps, taking the lock once per step, so a
// render never waits long behind a flood of output. Core's step is at most
// ChunkSize (4 KiB) and at most workPerLock cells of work (a tenth of a
// millisecond: 4 KiB of ESC[2J would otherwise clear the screen a thousand
// times under one lock). VT's is at most ChunkSize and LinesPerLock line
// feeds, since x/vt copies the screen per scrolled line. Write marks the
// Terminal dirty; the UI clears the flag with TakeDirty from a single ticker
// and redraws then, never once per write.
//
// # Guards
//
// Resize clamps any size (0×0, negative, huge) into 0..MaxCols × 0..MaxRows.
// Counts in escape sequences are clamped (to the screen, at most 65535), so
// ESC[1000000000X costs what ESC[200X does. A panic inside the emulator
// replaces it with a fresh one whose first line says so, and State().Resets
// counts it.
package term
