package term

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/parser"
)

// emulator is the terminal state machine behind Core: it turns pty output
// into a screen, xterm's way. It is not safe for concurrent use and does no
// I/O: query replies go to reply, which only queues them.
//
// Bytes go through github.com/charmbracelet/x/ansi's parser, except that in
// the parser's ground state printable text, CR and LF are handled straight
// away, which is what a flood of output is made of.
type emulator struct {
	cols, rows int
	main, alt  *buffer
	scr        *buffer // main or alt
	sb         *scrollback
	cur        cursor
	top, bot   int // scroll region, inclusive rows

	autowrap, origin, insert, newline, hidden bool
	reverseVideo                              bool // DECSCNM, answered to DECRQM only
	input                                     InputModes
	shape                                     CursorShape
	blink                                     bool
	tabs                                      []bool

	charsets [4]charset
	gl       int // charset invoked into GL (0-3)
	single   int // a pending single shift (2 or 3), or 0

	title  string
	colors Colors // answered to colour queries

	// The last character printed, for REP ("" once anything but a
	// character came after it), and where it is, so that a combining mark
	// that arrives later (even in another Write) joins it.
	last         string
	lastWide     bool
	joinX, joinY int
	joinOK       bool

	parser *ansi.Parser
	reply  func(string)
	// work counts what was done since the caller last reset it, in units of
	// about a nanosecond: a cell written in the fast path is 1, a character
	// through the slow path 6, a line scrolled away a quarter of its width
	// (clearing and saving only what it used), a filled cell 1.
	work  int
	buf   []byte
	runes runeCache
}

// runeCache remembers the string and width of recently printed runes, so
// text in CJK or with accents costs no allocation per character.
type runeCache [512]struct {
	r rune
	s string
	w int
}

// get returns the cell content and the columns of rune r, encoded in enc.
func (c *runeCache) get(r rune, enc []byte) (string, int) {
	e := &c[r%rune(len(c))]
	if e.r != r || e.s == "" {
		e.r, e.s, e.w = r, string(enc), columns(r)
	}
	return e.s, e.w
}

// cursor is the cursor and the pen it writes with.
type cursor struct {
	x, y int
	pen  Style
	// pendingWrap is xterm's deferred wrap: a character was written in the
	// last column, and the next printable one goes to the next line first.
	pendingWrap bool
}

// savedCursor is what DECSC saves.
type savedCursor struct {
	cur      cursor
	origin   bool
	charsets [4]charset
	gl       int
	ok       bool
}

// charset is a character set designated into G0-G3.
type charset uint8

const (
	charsetASCII charset = iota
	charsetDECGraphics
	charsetUK
)

// oscDataMax bounds an OSC or DCS string the parser keeps (a title, a
// hyperlink); the rest of a longer one is dropped.
const oscDataMax = 8 << 10

func newEmulator(cols, rows int, sb *scrollback, reply func(string)) *emulator {
	cols, rows = max(cols, 1), max(rows, 1)
	e := &emulator{cols: cols, rows: rows, sb: sb, reply: reply}
	e.main = newBuffer(cols, rows)
	e.alt = newBuffer(cols, rows)
	e.scr = e.main
	e.parser = ansi.NewParser()
	e.parser.SetDataSize(oscDataMax)
	e.parser.SetHandler(ansi.Handler{
		Print:     e.print,
		Execute:   e.execute,
		HandleCsi: e.csi,
		HandleEsc: e.esc,
		HandleOsc: e.osc,
	})
	e.resetModes()
	return e
}

// resetModes sets what RIS resets, apart from the screens.
func (e *emulator) resetModes() {
	e.cur = cursor{}
	e.top, e.bot = 0, e.rows-1
	e.autowrap, e.origin, e.insert, e.newline, e.hidden, e.reverseVideo = true, false, false, false, false, false
	e.input = InputModes{}
	e.shape, e.blink = CursorBlock, true
	e.charsets, e.gl, e.single = [4]charset{}, 0, 0
	e.main.saved, e.alt.saved = savedCursor{}, savedCursor{}
	e.last, e.lastWide, e.joinOK = "", false, false
	e.tabs = defaultTabs(e.tabs[:0], e.cols)
}

func defaultTabs(tabs []bool, cols int) []bool {
	for x := len(tabs); x < cols; x++ {
		tabs = append(tabs, x > 0 && x%8 == 0)
	}
	return tabs[:cols]
}

// write feeds p until it ends or e.work reaches budget, and returns how much
// it took (at least one byte of a non-empty p).
func (e *emulator) write(p []byte, budget int) int {
	i := 0
	for i < len(p) && (i == 0 || e.work < budget) {
		if st := e.parser.State(); st != parser.GroundState {
			if b := p[i]; midSequenceControl(st, b) {
				// Executed here, not by the parser: its Execute action
				// overwrites the command byte, so ESC[2\bC would end as EL.
				e.execute(b)
			} else {
				e.parser.Advance(b)
			}
			i++
			continue
		}
		b := p[i]
		switch {
		case b >= 0x20 && b < 0x7f:
			j := i + 1
			for j < len(p) && p[j] >= 0x20 && p[j] < 0x7f {
				j++
			}
			e.printASCII(p[i:j])
			i = j
		case b >= 0xc2 && b <= 0xf4:
			if n := textLen(p[i:]); n > 0 {
				e.printText(p[i : i+n])
				i += n
				continue
			}
			// Invalid or cut UTF-8: the parser's rules decide.
			e.parser.Advance(b)
			i++
		case b == '\n':
			e.joinOK, e.last = false, ""
			e.lineFeed()
			i++
		case b == '\r':
			e.joinOK, e.last = false, ""
			e.carriageReturn()
			i++
		default:
			e.parser.Advance(b)
			i++
		}
	}
	return i
}

// midSequenceControl reports whether b, arriving in parser state st, is a C0
// control that a VT executes in the middle of an escape or control sequence,
// which then goes on (ESC, CAN and SUB instead end it; in strings C0 is data
// or ignored).
func midSequenceControl(st parser.State, b byte) bool {
	if b >= 0x20 || b == 0x1b || b == 0x18 || b == 0x1a {
		return false
	}
	switch st {
	case parser.EscapeState, parser.EscapeIntermediateState,
		parser.CsiEntryState, parser.CsiParamState, parser.CsiIntermediateState:
		return true
	}
	return false
}

// textLen is the length of the run of printable text at the start of p:
// printable ASCII and complete UTF-8 sequences of printable characters.
func textLen(p []byte) int {
	i := 0
	for i < len(p) {
		b := p[i]
		if b >= 0x20 && b < 0x7f {
			i++
			continue
		}
		if b < 0xc2 || b > 0xf4 {
			break
		}
		r, n := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError || r < 0xa0 {
			break
		}
		i += n
	}
	return i
}

// --- printing ---

// print is the parser's Print: a rune outside the fast paths (a C1 code
// point, an invalid sequence's replacement).
func (e *emulator) print(r rune) {
	if r < 0xa0 {
		// A C1 control sent as UTF-8 (U+0080-U+009F): xterm executes
		// none of them that way and shows nothing.
		return
	}
	// Not e.buf: join uses it while the text is being printed.
	var b [utf8.UTFMax]byte
	e.printText(b[:utf8.EncodeRune(b[:], r)])
}

// printText prints text code point by code point, each in the columns
// wcwidth gives it (see width.go); one of width 0 joins the character before.
func (e *emulator) printText(t []byte) {
	for len(t) > 0 {
		if t[0] < 0x80 {
			j := 1
			for j < len(t) && t[j] < 0x80 {
				j++
			}
			e.printASCII(t[:j])
			t = t[j:]
			continue
		}
		r, n := utf8.DecodeRune(t)
		s, w := e.runes.get(r, t[:n])
		if w > 0 {
			e.put(s, w)
		} else if e.joinOK {
			e.join(s)
		}
		// A zero-width character with nothing before it to join shows
		// nowhere, as in xterm and tmux.
		t = t[n:]
	}
}

// join adds a zero-width character (a combining mark, a variation selector,
// a joiner) to the character printed last, even one from another Write. It
// takes no column of its own: the character keeps its width. Past
// maxClusterBytes further ones are dropped.
func (e *emulator) join(s string) {
	l := e.scr.row(e.joinY)
	c := &l.cells[e.joinX]
	if c.content == "" || c.kind == covered || len(c.content)+len(s) > maxClusterBytes {
		return
	}
	c.content += s
	e.last = c.content
	e.work += 6
}

// mapChar maps an ASCII character through the charset in use (ESC ( 0
// line drawing) and returns it as a string.
func (e *emulator) mapChar(b byte) string {
	set := e.charsets[e.gl]
	if e.single != 0 {
		set = e.charsets[e.single]
		e.single = 0
	}
	switch set {
	case charsetDECGraphics:
		if g := decGraphic(b); g != "" {
			return g
		}
	case charsetUK:
		if b == '#' {
			return "£"
		}
	}
	if b < 0x20 || b >= 0x7f {
		return replacement
	}
	return asciiString(b)
}

// decGraphic maps a character of the DEC Special Graphics set (line
// drawing), or returns "" for one it leaves alone.
func decGraphic(b byte) string {
	switch b {
	case '_':
		return " "
	case '`':
		return "◆"
	case 'a':
		return "▒"
	case 'b':
		return "␉"
	case 'c':
		return "␌"
	case 'd':
		return "␍"
	case 'e':
		return "␊"
	case 'f':
		return "°"
	case 'g':
		return "±"
	case 'h':
		return "␤"
	case 'i':
		return "␋"
	case 'j':
		return "┘"
	case 'k':
		return "┐"
	case 'l':
		return "┌"
	case 'm':
		return "└"
	case 'n':
		return "┼"
	case 'o':
		return "⎺"
	case 'p':
		return "⎻"
	case 'q':
		return "─"
	case 'r':
		return "⎼"
	case 's':
		return "⎽"
	case 't':
		return "├"
	case 'u':
		return "┤"
	case 'v':
		return "┴"
	case 'w':
		return "┬"
	case 'x':
		return "│"
	case 'y':
		return "≤"
	case 'z':
		return "≥"
	case '{':
		return "π"
	case '|':
		return "≠"
	case '}':
		return "£"
	case '~':
		return "·"
	}
	return ""
}

// printASCII prints a run of printable ASCII: the hot path of any flood.
func (e *emulator) printASCII(run []byte) {
	if e.charsets[e.gl] != charsetASCII || e.single != 0 {
		for _, b := range run {
			e.put(e.mapChar(b), 1)
		}
		return
	}
	pen := e.cur.pen
	c := &e.cur
	for len(run) > 0 {
		if c.pendingWrap {
			e.wrap()
		}
		l := e.scr.row(c.y)
		x := c.x
		n := min(len(run), e.cols-x)
		if e.insert {
			l.insertBlanks(x, n, cell{})
		}
		l.splitAt(x)
		l.splitAt(x + n)
		cells := l.cells[x : x+n]
		for i, b := range run[:n] {
			cells[i] = cell{content: asciiString(b), style: pen}
		}
		l.used = max(l.used, x+n)
		e.work += n
		run = run[n:]
		e.joinX, e.joinY = x+n-1, c.y
		if len(run) > 0 && !e.autowrap {
			// Without autowrap the rest overwrite the last column, and
			// only the last of them stays.
			e.joinX = e.cols - 1
			l.splitAt(e.joinX)
			l.cells[e.joinX] = cell{content: asciiString(run[len(run)-1]), style: pen}
			run = run[len(run):]
		}
		e.advance(x, n)
	}
	e.last, e.lastWide = e.scr.row(e.joinY).cells[e.joinX].content, false
	e.joinOK = true
}

// put prints one character of width w (1 or 2) at the cursor.
func (e *emulator) put(s string, w int) {
	c := &e.cur
	if c.pendingWrap {
		e.wrap()
	}
	if w == 2 && c.x == e.cols-1 {
		if e.cols < 2 {
			return
		}
		if e.autowrap {
			// xterm wraps a wide character that does not fit, leaving the
			// last column as it was.
			e.wrap()
		} else {
			c.x = e.cols - 2
		}
	}
	l := e.scr.row(c.y)
	x := c.x
	if e.insert {
		l.insertBlanks(x, w, cell{})
	}
	l.splitAt(x)
	l.splitAt(x + w)
	if w == 2 {
		l.cells[x] = cell{content: s, style: c.pen, kind: wide}
		l.cells[x+1] = cell{style: c.pen, kind: covered}
	} else {
		l.cells[x] = cell{content: s, style: c.pen}
	}
	l.used = max(l.used, x+w)
	e.work += 6 * w
	e.last, e.lastWide = s, w == 2
	e.joinX, e.joinY, e.joinOK = x, c.y, true
	e.advance(x, w)
}

// advance moves the cursor past a character of width w written at x: to
// the next column, or, at the right edge, onto the last column with the
// wrap deferred.
func (e *emulator) advance(x, w int) {
	c := &e.cur
	if x+w < e.cols {
		c.x, c.pendingWrap = x+w, false
		return
	}
	c.x, c.pendingWrap = e.cols-1, e.autowrap
}

// wrap carries out a deferred wrap: the next line's first column, scrolling
// at the bottom of the region. LNM plays no part.
func (e *emulator) wrap() {
	e.scr.row(e.cur.y).wrapped = true
	e.cur.x = 0
	e.index()
}

// repeat is REP: s, the character printed just before, n more times. Any
// control, escape or control sequence in between (a cursor movement, SGR,
// another REP) leaves nothing to repeat, as in tmux (and xterm after a
// cursor movement: vttest 11.7).
func (e *emulator) repeat(s string, n int) {
	if s == "" {
		return
	}
	w := 1
	if e.lastWide {
		w = 2
	}
	for range min(n, e.cols) {
		e.put(s, w)
	}
	e.last = ""
}

// --- controls and movement ---

// execute is the parser's Execute: C0 and C1 controls.
func (e *emulator) execute(b byte) {
	e.joinOK, e.last = false, ""
	switch b {
	case '\a':
	case '\b':
		e.cur.pendingWrap = false
		if e.cur.x > 0 {
			e.cur.x--
		}
	case '\t':
		e.tab(1)
	case '\n', '\v', '\f':
		e.lineFeed()
	case '\r':
		e.carriageReturn()
	case 0x0e: // SO: G1 into GL
		e.gl = 1
	case 0x0f: // SI: G0 into GL
		e.gl = 0
	case 0x84: // IND
		e.index()
	case 0x85: // NEL
		e.carriageReturn()
		e.index()
	case 0x88: // HTS
		e.tabs[e.cur.x] = true
	case 0x8d: // RI
		e.reverseIndex()
	case 0x8e: // SS2
		e.single = 2
	case 0x8f: // SS3
		e.single = 3
	}
}

func (e *emulator) carriageReturn() {
	e.cur.x, e.cur.pendingWrap = 0, false
}

// lineFeed is LF, VT and FF: an index, and a carriage return too under LNM.
func (e *emulator) lineFeed() {
	e.index()
	if e.newline {
		e.cur.x = 0
	}
}

// index moves the cursor down a line, scrolling the region up when it is on
// the region's bottom line. Below the region it stops at the screen's edge.
func (e *emulator) index() {
	c := &e.cur
	c.pendingWrap = false
	switch {
	case c.y == e.bot:
		e.scrollUp(1)
	case c.y < e.rows-1:
		c.y++
	}
}

// reverseIndex moves the cursor up a line, scrolling the region down at its
// top line.
func (e *emulator) reverseIndex() {
	c := &e.cur
	c.pendingWrap = false
	switch {
	case c.y == e.top:
		e.scrollDown(1)
	case c.y > 0:
		c.y--
	}
}

// scrollUp scrolls the region up n lines. On the main screen, with the
// region's top at the top of the screen, the lines go to the scrollback
// (as in xterm); the alternate screen has none.
func (e *emulator) scrollUp(n int) {
	n = min(n, e.bot-e.top+1)
	var sb *scrollback
	if e.scr == e.main && e.top == 0 {
		sb = e.sb
	}
	for range n {
		e.scr.scrollUp(e.top, e.bot, sb)
		e.work += e.cols/4 + e.bot - e.top
	}
}

func (e *emulator) scrollDown(n int) {
	n = min(n, e.bot-e.top+1)
	for range n {
		e.scr.scrollDown(e.top, e.bot)
		e.work += e.cols/4 + e.bot - e.top
	}
}

// tab moves to the n-th next tab stop, or the last column. As in xterm it
// leaves a deferred wrap armed (TabToNextStop only assigns the column).
func (e *emulator) tab(n int) {
	c := &e.cur
	for ; n > 0 && c.x < e.cols-1; n-- {
		c.x++
		for c.x < e.cols-1 && !e.tabs[c.x] {
			c.x++
		}
	}
}

// backTab moves to the n-th previous tab stop, or the first column,
// leaving a deferred wrap armed as tab does.
func (e *emulator) backTab(n int) {
	c := &e.cur
	for ; n > 0 && c.x > 0; n-- {
		c.x--
		for c.x > 0 && !e.tabs[c.x] {
			c.x--
		}
	}
}

// moveTo puts the cursor at column x, row y of the screen, clamped.
func (e *emulator) moveTo(x, y int) {
	e.cur.x = min(max(x, 0), e.cols-1)
	e.cur.y = min(max(y, 0), e.rows-1)
	e.cur.pendingWrap = false
}

// moveToOrigin is CUP: row and column from 1, relative to the scroll region
// and confined to it under origin mode.
func (e *emulator) moveToOrigin(col, row int) {
	if e.origin {
		e.moveTo(col-1, min(e.top+row-1, e.bot))
		return
	}
	e.moveTo(col-1, row-1)
}

// moveVertical moves n rows (negative: up), stopping at the region's edge
// when the cursor starts inside it, else at the screen's.
func (e *emulator) moveVertical(n int) {
	y := e.cur.y
	lo, hi := 0, e.rows-1
	if y >= e.top && y <= e.bot {
		lo, hi = e.top, e.bot
	}
	e.moveTo(e.cur.x, min(max(y+n, lo), hi))
}

// --- erasing, inserting, deleting ---

func (e *emulator) blank() cell { return blankWith(e.cur.pen) }

// eraseRows blanks rows [from, to) whole.
func (e *emulator) eraseRows(from, to int) {
	b := e.blank()
	for y := from; y < to; y++ {
		l := e.scr.row(y)
		e.work += l.used/8 + 4
		if b == (cell{}) {
			l.clear()
		} else {
			l.fill(0, e.cols, b)
			e.work += e.cols
		}
	}
}

// eraseDisplay is ED (and DECSED: nothing here is protected).
func (e *emulator) eraseDisplay(mode int) {
	c := &e.cur
	switch mode {
	case 0:
		e.scr.row(c.y).fill(c.x, e.cols, e.blank())
		e.eraseRows(c.y+1, e.rows)
	case 1:
		e.eraseRows(0, c.y)
		e.scr.row(c.y).fill(0, c.x+1, e.blank())
	case 2:
		e.eraseRows(0, e.rows)
	case 3:
		e.sb.reset()
		return
	default:
		return
	}
	c.pendingWrap = false
}

// eraseLine is EL (and DECSEL).
func (e *emulator) eraseLine(mode int) {
	c := &e.cur
	l := e.scr.row(c.y)
	switch mode {
	case 0:
		l.fill(c.x, e.cols, e.blank())
	case 1:
		l.fill(0, c.x+1, e.blank())
	case 2:
		l.fill(0, e.cols, e.blank())
	default:
		return
	}
	e.work += e.cols
	c.pendingWrap = false
}

// insertLines is IL: n blank lines at the cursor row, inside the region,
// and the cursor to the left margin. Outside the region it is ignored and
// the cursor stays, as in xterm (and the VT510 manual).
func (e *emulator) insertLines(n int) {
	c := &e.cur
	if c.y < e.top || c.y > e.bot {
		return
	}
	c.x = 0
	c.pendingWrap = false
	n = min(n, e.bot-c.y+1)
	top := e.top
	e.top = c.y
	e.scrollDown(n)
	e.top = top
	if b := e.blank(); b != (cell{}) {
		for y := c.y; y < c.y+n; y++ {
			e.scr.row(y).fill(0, e.cols, b)
			e.work += e.cols
		}
	}
}

// deleteLines is DL: n lines go at the cursor row, blank ones come in at
// the region's bottom. At the screen's top row of the main screen they go
// to the scrollback, as in xterm. Outside the region it is ignored, as IL.
func (e *emulator) deleteLines(n int) {
	c := &e.cur
	if c.y < e.top || c.y > e.bot {
		return
	}
	c.x = 0
	c.pendingWrap = false
	n = min(n, e.bot-c.y+1)
	top := e.top
	e.top = c.y
	e.scrollUp(n)
	e.top = top
	if b := e.blank(); b != (cell{}) {
		for y := e.bot - n + 1; y <= e.bot; y++ {
			e.scr.row(y).fill(0, e.cols, b)
			e.work += e.cols
		}
	}
}

// --- modes ---

func (e *emulator) setMode(mode int, dec, on bool) {
	e.input.SetMode(mode, dec, on)
	if !dec {
		switch mode {
		case 4:
			e.insert = on
		case 20:
			e.newline = on
		}
		return
	}
	switch mode {
	case 3:
		// DECCOLM: the width stays (the pane's is the pty's), but as on a
		// VT100, and in tmux, the screen is erased, the cursor homed and
		// the margins reset (vttest's 132-column pages count on it).
		e.top, e.bot = 0, e.rows-1
		e.eraseRows(0, e.rows)
		e.moveTo(0, 0)
	case 5:
		e.reverseVideo = on
	case 6:
		e.origin = on
		e.moveToOrigin(1, 1)
	case 7:
		e.autowrap = on
		if !on {
			e.cur.pendingWrap = false
		}
	case 12:
		e.blink = on
	case 25:
		e.hidden = !on
	case 47:
		e.switchScreen(on, false)
	case 1047:
		if !on && e.scr == e.alt {
			e.alt.clearAll()
		}
		e.switchScreen(on, false)
	case 1048:
		if on {
			e.saveCursor()
		} else {
			e.restoreCursor()
		}
	case 1049:
		if on {
			e.main.saved = e.saved()
			e.switchScreen(true, true)
		} else if e.scr == e.alt {
			e.switchScreen(false, false)
			e.restoreCursor()
		}
	}
}

// switchScreen makes the alternate screen (alt) or the main screen the one
// shown. The cursor stays where it is, as in xterm.
func (e *emulator) switchScreen(alt, clearAlt bool) {
	if alt {
		e.scr = e.alt
		if clearAlt {
			e.alt.clearAll()
		}
	} else {
		e.scr = e.main
	}
	e.work += e.rows
}

func (e *emulator) onAlt() bool { return e.scr == e.alt }

// modeState answers DECRQM: 1 set, 2 reset, 0 not recognized.
func (e *emulator) modeState(mode int, dec bool) int {
	state := func(on bool) int {
		if on {
			return 1
		}
		return 2
	}
	m := e.input
	if !dec {
		switch mode {
		case 4:
			return state(e.insert)
		case 20:
			return state(e.newline)
		}
		return 0
	}
	switch mode {
	case 1:
		return state(m.CursorKeysApp)
	case 5:
		return state(e.reverseVideo)
	case 6:
		return state(e.origin)
	case 7:
		return state(e.autowrap)
	case 9:
		return state(m.Mouse == MouseX10)
	case 12:
		return state(e.blink)
	case 25:
		return state(!e.hidden)
	case 47, 1047, 1049:
		return state(e.onAlt())
	case 66:
		return state(m.KeypadApp)
	case 67:
		return state(m.BackarrowBS)
	case 1000:
		return state(m.Mouse == MouseNormal)
	case 1002:
		return state(m.Mouse == MouseButton)
	case 1003:
		return state(m.Mouse == MouseAny)
	case 1004:
		return state(m.FocusEvents)
	case 1005:
		return state(m.MouseUTF8)
	case 1006:
		return state(m.MouseSGR)
	case 1015:
		return state(m.MouseURXVT)
	case 2004:
		return state(m.BracketedPaste)
	}
	return 0
}

// saved returns the cursor state DECSC saves.
func (e *emulator) saved() savedCursor {
	return savedCursor{cur: e.cur, origin: e.origin, charsets: e.charsets, gl: e.gl, ok: true}
}

// saveCursor is DECSC: into the current screen's slot.
func (e *emulator) saveCursor() { e.scr.saved = e.saved() }

// restoreCursor is DECRC. With nothing saved it homes the cursor and resets
// the pen, as xterm does.
func (e *emulator) restoreCursor() {
	s := e.scr.saved
	if !s.ok {
		e.cur = cursor{}
		e.origin = false
		e.charsets, e.gl = [4]charset{}, 0
		return
	}
	e.cur = s.cur
	e.origin, e.charsets, e.gl = s.origin, s.charsets, s.gl
	e.cur.x = min(e.cur.x, e.cols-1)
	e.cur.y = min(e.cur.y, e.rows-1)
	if e.cur.x < e.cols-1 {
		e.cur.pendingWrap = false
	}
}

// softReset is DECSTR.
func (e *emulator) softReset() {
	e.hidden, e.insert, e.origin, e.autowrap = false, false, false, true
	e.input.CursorKeysApp, e.input.KeypadApp = false, false
	e.top, e.bot = 0, e.rows-1
	e.charsets, e.gl, e.single = [4]charset{}, 0, 0
	e.cur.pen = Style{}
	e.scr.saved = savedCursor{}
}

// fullReset is RIS: everything but the scrollback and the title.
func (e *emulator) fullReset() {
	e.scr = e.main
	e.main.clearAll()
	e.alt.clearAll()
	e.resetModes()
	e.work += 2 * e.rows
}

// resize changes the screen size. A new width reflows the main screen and
// the scrollback (reflow.go). Otherwise, when the screen gets shorter, rows
// above the cursor go (on the main screen, into the scrollback) so the
// cursor's row stays in view. The alternate screen keeps its rows from the
// left, as its program draws it again.
func (e *emulator) resize(cols, rows int) {
	cols, rows = max(cols, 1), max(rows, 1)
	if cols == e.cols && rows == e.rows {
		return
	}
	onAlt := e.onAlt()
	shift := max(e.cur.y-rows+1, 0)
	altShift := 0
	if onAlt {
		altShift = shift
	}
	alt := e.alt.resized(cols, rows, altShift)
	var main *buffer
	switch {
	case cols != e.cols && onAlt:
		// The cursor to come back to is the one 1049 saved; without one,
		// the main screen keeps its bottom row in place.
		if saved := e.main.saved; saved.ok {
			var c cursor
			main, c = e.reflowMain(cols, rows, saved.cur)
			main.saved.cur = c
		} else {
			main, _ = e.reflowMain(cols, rows, cursor{y: e.main.rows - 1})
		}
	case cols != e.cols:
		main, e.cur = e.reflowMain(cols, rows, e.cur)
	case onAlt:
		main = e.main.resized(cols, rows, 0)
	default:
		for y := range shift {
			e.sb.push(e.main.row(y))
		}
		main = e.main.resized(cols, rows, shift)
		e.cur.y -= shift
		e.cur.pendingWrap = false
	}
	if onAlt {
		e.cur.y -= shift
		e.cur.pendingWrap = false
	}
	e.main, e.alt = main, alt
	e.scr = main
	if onAlt {
		e.scr = alt
	}
	e.cols, e.rows = cols, rows
	e.cur.x = min(e.cur.x, cols-1)
	e.cur.y = min(max(e.cur.y, 0), rows-1)
	e.top, e.bot = 0, rows-1
	e.tabs = defaultTabs(e.tabs, cols)
	e.joinOK = false
}

// --- escape sequences ---

// esc is the parser's HandleEsc.
func (e *emulator) esc(cmd ansi.Cmd) {
	e.joinOK, e.last = false, ""
	switch int(cmd) {
	case '7':
		e.saveCursor()
	case '8':
		e.restoreCursor()
	case 'D':
		e.index()
	case 'E':
		e.carriageReturn()
		e.index()
	case 'H':
		e.tabs[e.cur.x] = true
	case 'M':
		e.reverseIndex()
	case 'N':
		e.single = 2
	case 'O':
		e.single = 3
	case 'c':
		e.fullReset()
	case 'n':
		e.gl = 2
	case 'o':
		e.gl = 3
	case '=':
		e.input.KeypadApp = true
	case '>':
		e.input.KeypadApp = false
	case ansi.Command(0, '#', '8'):
		e.alignmentTest()
	default:
		if g := cmd.Intermediate(); g >= '(' && g <= '+' {
			set := charsetASCII
			switch cmd.Final() {
			case '0':
				set = charsetDECGraphics
			case 'A':
				set = charsetUK
			}
			e.charsets[g-'('] = set
		}
	}
}

// alignmentTest is DECALN: the screen filled with E, margins reset.
func (e *emulator) alignmentTest() {
	e.top, e.bot = 0, e.rows-1
	fill := cell{content: "E"}
	for y := range e.rows {
		e.scr.row(y).fill(0, e.cols, fill)
	}
	e.work += e.rows * e.cols
	e.moveTo(0, 0)
}

// osc is the parser's HandleOsc: the window title; colour queries (OSC 4,
// 10, 11, 12).
func (e *emulator) osc(cmd int, data []byte) {
	e.last = ""
	arg := data
	if i := indexByte(data, ';'); i >= 0 {
		arg = data[i+1:]
	} else {
		arg = nil
	}
	switch cmd {
	case 0, 2:
		if arg != nil {
			e.title = sanitizeTitle(arg)
		}
	case 4, 10, 11, 12:
		e.colorReply(cmd, arg)
	}
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// sanitizeTitle drops control characters: the UI shows the title inside its
// own frame, where one would act on the real terminal.
func sanitizeTitle(b []byte) string {
	out := make([]rune, 0, len(b))
	for _, r := range string(b) {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) || r == utf8.RuneError {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}
