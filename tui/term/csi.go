package term

import (
	"strconv"

	"github.com/charmbracelet/x/ansi"
)

// maxParam bounds CSI parameters: no count beyond it means more on a screen this
// package allows, and digits past int overflow into any value. (x/vt v0.1.0 even
// looped once per count: ESC[1000000000X alone took seconds.)
const maxParam = 65535

// param returns parameter i, or def when it is missing or zero (the VT
// convention for counts), clamped to maxParam so no count means more work
// than a screen can show.
func param(params ansi.Params, i, def int) int {
	n, _, ok := params.Param(i, def)
	if !ok || n == 0 {
		n = def
	}
	return min(max(n, 0), maxParam)
}

// rawParam returns parameter i as given (0 when missing), clamped.
func rawParam(params ansi.Params, i int) int {
	n, _, _ := params.Param(i, 0)
	return min(max(n, 0), maxParam)
}

// Commands with a prefix or an intermediate byte.
const (
	cmdDA2     = '>'<<8 | 'c'
	cmdDECSET  = '?'<<8 | 'h'
	cmdDECRST  = '?'<<8 | 'l'
	cmdDECDSR  = '?'<<8 | 'n'
	cmdDECSED  = '?'<<8 | 'J'
	cmdDECSEL  = '?'<<8 | 'K'
	cmdDECST8C = '?'<<8 | 'W'
	cmdDECRQM  = '$'<<16 | 'p'
	cmdDECRQMp = '?'<<8 | '$'<<16 | 'p'
	cmdDECSTR  = '!'<<16 | 'p'
	cmdDECSCUS = ' '<<16 | 'q'
)

// csi is the parser's HandleCsi.
func (e *emulator) csi(cmd ansi.Cmd, params ansi.Params) {
	// REP repeats only a character printed just before it.
	last := e.last
	e.last = ""
	if cmd == 'm' {
		e.sgr(params)
		return
	}
	e.joinOK = false
	c := &e.cur
	switch int(cmd) {
	case '@': // ICH
		c.pendingWrap = false
		e.scr.row(c.y).insertBlanks(c.x, param(params, 0, 1), e.blank())
		e.work += e.cols
	case 'A': // CUU
		e.moveVertical(-param(params, 0, 1))
	case 'B', 'e': // CUD, VPR
		e.moveVertical(param(params, 0, 1))
	case 'C', 'a': // CUF, HPR
		e.moveTo(c.x+param(params, 0, 1), c.y)
	case 'D': // CUB
		e.moveTo(c.x-param(params, 0, 1), c.y)
	case 'E': // CNL
		e.moveVertical(param(params, 0, 1))
		c.x = 0
	case 'F': // CPL
		e.moveVertical(-param(params, 0, 1))
		c.x = 0
	case 'G', '`': // CHA, HPA
		e.moveTo(param(params, 0, 1)-1, c.y)
	case 'H', 'f': // CUP, HVP
		e.moveToOrigin(param(params, 1, 1), param(params, 0, 1))
	case 'I': // CHT
		e.tab(min(param(params, 0, 1), e.cols))
	case 'J', cmdDECSED:
		e.eraseDisplay(rawParam(params, 0))
	case 'K', cmdDECSEL:
		e.eraseLine(rawParam(params, 0))
	case 'L': // IL
		e.insertLines(param(params, 0, 1))
	case 'M': // DL
		e.deleteLines(param(params, 0, 1))
	case 'P': // DCH
		c.pendingWrap = false
		e.scr.row(c.y).deleteCells(c.x, param(params, 0, 1), e.blank())
		e.work += e.cols
	case 'S': // SU
		e.scrollUp(param(params, 0, 1))
	case 'T': // SD; with more parameters it is xterm's mouse highlighting
		if len(params) <= 1 {
			e.scrollDown(param(params, 0, 1))
		}
	case 'X': // ECH
		c.pendingWrap = false
		e.scr.row(c.y).fill(c.x, c.x+param(params, 0, 1), e.blank())
		e.work += e.cols
	case 'Z': // CBT
		e.backTab(min(param(params, 0, 1), e.cols))
	case 'b': // REP
		e.repeat(last, param(params, 0, 1))
	case 'c': // DA1
		if rawParam(params, 0) == 0 {
			// VT220 with ANSI colour.
			e.reply("\x1b[?62;22c")
		}
	case cmdDA2:
		if rawParam(params, 0) == 0 {
			e.reply("\x1b[>1;10;0c")
		}
	case 'd': // VPA
		row := param(params, 0, 1)
		if e.origin {
			e.moveTo(c.x, min(e.top+row-1, e.bot))
		} else {
			e.moveTo(c.x, row-1)
		}
	case 'g': // TBC
		switch rawParam(params, 0) {
		case 0:
			e.tabs[c.x] = false
		case 3:
			clear(e.tabs)
		}
	case 'h', 'l', cmdDECSET, cmdDECRST:
		on := cmd.Final() == 'h'
		dec := cmd.Prefix() == '?'
		for i := range params {
			e.setMode(rawParam(params, i), dec, on)
		}
	case 'n', cmdDECDSR: // DSR
		e.statusReport(rawParam(params, 0), cmd.Prefix() == '?')
	case 'r': // DECSTBM
		top := param(params, 0, 1)
		bot := min(param(params, 1, e.rows), e.rows)
		if top < bot {
			e.top, e.bot = top-1, bot-1
			e.moveToOrigin(1, 1)
		}
	case 's': // SCOSC
		e.saveCursor()
	case 'u': // SCORC
		e.restoreCursor()
	case 't': // xterm window operations: only the size report
		if rawParam(params, 0) == 18 {
			e.reply("\x1b[8;" + strconv.Itoa(e.rows) + ";" + strconv.Itoa(e.cols) + "t")
		}
	case cmdDECRQM, cmdDECRQMp:
		dec := cmd.Prefix() == '?'
		mode := rawParam(params, 0)
		prefix := "\x1b["
		if dec {
			prefix = "\x1b[?"
		}
		e.reply(prefix + strconv.Itoa(mode) + ";" + strconv.Itoa(e.modeState(mode, dec)) + "$y")
	case cmdDECSTR:
		e.softReset()
	case cmdDECSCUS:
		e.setCursorStyle(rawParam(params, 0))
	case cmdDECST8C:
		if rawParam(params, 0) == 5 {
			clear(e.tabs)
			e.tabs = defaultTabs(e.tabs[:0], e.cols)
		}
	}
}

// statusReport answers DSR 5 (status) and 6 (cursor position), and the DEC
// form of 6.
func (e *emulator) statusReport(n int, dec bool) {
	c := &e.cur
	row := c.y + 1
	if e.origin {
		row -= e.top
	}
	switch {
	case n == 5 && !dec:
		e.reply("\x1b[0n")
	case n == 6 && !dec:
		e.reply("\x1b[" + strconv.Itoa(row) + ";" + strconv.Itoa(c.x+1) + "R")
	case n == 6:
		e.reply("\x1b[?" + strconv.Itoa(row) + ";" + strconv.Itoa(c.x+1) + ";1R")
	}
}

// setCursorStyle is DECSCUSR: 0 and 1 blinking block, 2 steady block, 3 and
// 4 underline, 5 and 6 bar.
func (e *emulator) setCursorStyle(n int) {
	if n > 6 {
		return
	}
	e.blink = n <= 1 || n%2 == 1
	switch {
	case n <= 2:
		e.shape = CursorBlock
	case n <= 4:
		e.shape = CursorUnderline
	default:
		e.shape = CursorBar
	}
}

// sgr is SGR: colours (16, 256, truecolor, in ';' and ':' forms) and
// attributes.
func (e *emulator) sgr(params ansi.Params) {
	s := &e.cur.pen
	if len(params) == 0 {
		*s = Style{}
		return
	}
	for i := 0; i < len(params); {
		// A parameter and its ':' sub-parameters.
		end := i + 1
		for end < len(params) && params[end-1].HasMore() {
			end++
		}
		sub := params[i+1 : end]
		p := params[i].Param(0)
		next := end
		switch {
		case p == 0:
			*s = Style{}
		case p == 1:
			s.Attrs |= Bold
		case p == 2:
			s.Attrs |= Faint
		case p == 3:
			s.Attrs |= Italic
		case p == 4:
			s.Underline = SingleUnderline
			if len(sub) > 0 {
				s.Underline = Underline(min(sub[0].Param(0), int(DashedUnderline)))
			}
		case p == 5:
			s.Attrs |= Blink
		case p == 6:
			s.Attrs |= RapidBlink
		case p == 7:
			s.Attrs |= Reverse
		case p == 8:
			s.Attrs |= Conceal
		case p == 9:
			s.Attrs |= Strikethrough
		case p == 21:
			s.Underline = DoubleUnderline
		case p == 22:
			s.Attrs &^= Bold | Faint
		case p == 23:
			s.Attrs &^= Italic
		case p == 24:
			s.Underline = NoUnderline
		case p == 25:
			s.Attrs &^= Blink | RapidBlink
		case p == 27:
			s.Attrs &^= Reverse
		case p == 28:
			s.Attrs &^= Conceal
		case p == 29:
			s.Attrs &^= Strikethrough
		case p == 53:
			s.Attrs |= Overline
		case p == 55:
			s.Attrs &^= Overline
		case p >= 30 && p <= 37:
			s.Fg = Indexed(uint8(p - 30))
		case p == 39:
			s.Fg = DefaultColor
		case p >= 40 && p <= 47:
			s.Bg = Indexed(uint8(p - 40))
		case p == 49:
			s.Bg = DefaultColor
		case p == 59:
			s.UnderlineColor = DefaultColor
		case p >= 90 && p <= 97:
			s.Fg = Indexed(uint8(p - 90 + 8))
		case p >= 100 && p <= 107:
			s.Bg = Indexed(uint8(p - 100 + 8))
		case p == 38 || p == 48 || p == 58:
			var c Color
			var ok bool
			if len(sub) > 0 {
				c, ok = colonColor(sub)
			} else {
				c, ok, next = semicolonColor(params, i+1)
			}
			if ok {
				switch p {
				case 38:
					s.Fg = c
				case 48:
					s.Bg = c
				default:
					s.UnderlineColor = c
				}
			}
		}
		i = next
	}
}

// colonColor reads the sub-parameters of 38:5:n or 38:2:[cs]:r:g:b.
func colonColor(sub ansi.Params) (Color, bool) {
	switch sub[0].Param(0) {
	case 5:
		if len(sub) >= 2 {
			return indexedColor(sub[1])
		}
	case 2:
		rgb := sub[1:]
		if len(rgb) >= 4 {
			rgb = rgb[1:] // a colour space id comes first
		}
		if len(rgb) >= 3 {
			return rgbColor(rgb[0], rgb[1], rgb[2])
		}
	}
	return 0, false
}

// semicolonColor reads 38;5;n or 38;2;r;g;b starting at params[i], and
// returns where the next parameter starts. An incomplete one ends the SGR.
func semicolonColor(params ansi.Params, i int) (Color, bool, int) {
	if i >= len(params) {
		return 0, false, i
	}
	switch params[i].Param(0) {
	case 5:
		if i+1 < len(params) {
			c, ok := indexedColor(params[i+1])
			return c, ok, i + 2
		}
	case 2:
		if i+3 < len(params) {
			c, ok := rgbColor(params[i+1], params[i+2], params[i+3])
			return c, ok, i + 4
		}
	}
	return 0, false, len(params)
}

// indexedColor and rgbColor take values in range only: xterm ignores a
// colour it cannot show rather than wrapping or clamping it.
func indexedColor(p ansi.Param) (Color, bool) {
	i := p.Param(0)
	if i < 0 || i > 255 {
		return 0, false
	}
	return Indexed(uint8(i)), true
}

func rgbColor(r, g, b ansi.Param) (Color, bool) {
	var c [3]uint8
	for i, p := range [3]ansi.Param{r, g, b} {
		v := p.Param(0)
		if v < 0 || v > 255 {
			return 0, false
		}
		c[i] = uint8(v)
	}
	return RGB(c[0], c[1], c[2]), true
}
