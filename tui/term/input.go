package term

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// InputModes are the modes, set by the application with escape sequences,
// that decide how keys, pastes and the mouse are encoded for it.
type InputModes struct {
	CursorKeysApp  bool // DECCKM (?1): arrows, Home and End send SS3 forms
	KeypadApp      bool // DECKPAM (ESC =, ?66): the keypad sends SS3 forms
	BracketedPaste bool // ?2004: pastes come between ESC[200~ and ESC[201~
	NewLine        bool // LNM (20): Enter sends CR LF
	BackarrowBS    bool // DECBKM (?67): Backspace sends BS, not DEL
	FocusEvents    bool // ?1004: focus changes send ESC[I and ESC[O
	Mouse          MouseTracking
	MouseUTF8      bool // ?1005
	MouseSGR       bool // ?1006
	MouseURXVT     bool // ?1015
}

// MouseTracking is which mouse events the application asked to hear of.
type MouseTracking uint8

// Mouse tracking modes (xterm ctlseqs, "Mouse Tracking").
const (
	MouseOff    MouseTracking = iota
	MouseX10                  // ?9: presses only
	MouseNormal               // ?1000 (and ?1001): presses, releases, wheel
	MouseButton               // ?1002: and motion while a button is down
	MouseAny                  // ?1003: and all motion
)

// SetMode records a mode set (on) or reset by SM/RM (ansi) or DECSET/DECRST.
// Modes that do not affect input are ignored.
func (m *InputModes) SetMode(mode int, dec, on bool) {
	if !dec {
		if mode == 20 {
			m.NewLine = on
		}
		return
	}
	tracking := MouseOff
	switch mode {
	case 9:
		tracking = MouseX10
	case 1000, 1001:
		tracking = MouseNormal
	case 1002:
		tracking = MouseButton
	case 1003:
		tracking = MouseAny
	}
	if tracking != MouseOff {
		// As xterm: the last tracking mode set wins; resetting any of them
		// turns tracking off.
		m.Mouse = MouseOff
		if on {
			m.Mouse = tracking
		}
		return
	}
	switch mode {
	case 1:
		m.CursorKeysApp = on
	case 66:
		m.KeypadApp = on
	case 67:
		m.BackarrowBS = on
	case 1004:
		m.FocusEvents = on
	case 1005:
		m.MouseUTF8 = on
	case 1006:
		m.MouseSGR = on
	case 1015:
		m.MouseURXVT = on
	case 2004:
		m.BracketedPaste = on
	}
}

// The modifiers a legacy (xterm) encoding can carry; lock keys, Super and
// Hyper are not among them.
const encodedMods = tea.ModShift | tea.ModAlt | tea.ModCtrl | tea.ModMeta

// EncodeKey returns the bytes xterm sends for k under modes m, or nil for a
// key it does not send (a lone modifier, a media key). Meta counts as Alt.
func EncodeKey(k tea.Key, m InputModes) []byte {
	mod := k.Mod & encodedMods
	alt := mod&(tea.ModAlt|tea.ModMeta) != 0
	ctrl := mod&tea.ModCtrl != 0
	shift := mod&tea.ModShift != 0

	if b, ok := encodeSpecial(k.Code, shift, alt, ctrl, m); ok {
		return b
	}

	var b []byte
	if alt {
		b = append(b, 0x1b)
	}
	switch k.Code {
	case tea.KeyEnter:
		b = append(b, '\r')
		if m.NewLine {
			b = append(b, '\n')
		}
		return b
	case tea.KeyTab:
		if shift {
			return append(b, "\x1b[Z"...)
		}
		return append(b, '\t')
	case tea.KeyBackspace:
		// DEL is the Backspace of a VT220 and of TERM=xterm; Ctrl swaps it
		// for BS as xterm does, and DECBKM swaps them both.
		if ctrl != m.BackarrowBS {
			return append(b, 0x08)
		}
		return append(b, 0x7f)
	case tea.KeyEscape:
		return append(b, 0x1b)
	}
	if ctrl {
		if c, ok := controlByte(k.Code); ok {
			return append(b, c)
		}
	}
	text := k.Text
	if text == "" || ctrl {
		text = ""
		r := k.Code
		if shift && k.ShiftedCode != 0 {
			r = k.ShiftedCode
		}
		if r == tea.KeySpace || (r != tea.KeyExtended && unicode.IsPrint(r)) {
			text = string(r)
		}
	}
	if text == "" {
		return nil
	}
	return append(b, text...)
}

// controlByte is the C0 control Ctrl makes of a key, as xterm and the VT220
// keyboard make it (Ctrl-2 to Ctrl-8 included).
func controlByte(r rune) (byte, bool) {
	switch {
	case r >= 'a' && r <= 'z':
		return byte(r - 'a' + 1), true
	case r >= 'A' && r <= 'Z':
		return byte(r - 'A' + 1), true
	case r >= '[' && r <= '_':
		return byte(r - '@'), true
	}
	switch r {
	case tea.KeySpace, '@', '2':
		return 0x00, true
	case '3':
		return 0x1b, true
	case '4':
		return 0x1c, true
	case '5':
		return 0x1d, true
	case '6':
		return 0x1e, true
	case '7', '/':
		return 0x1f, true
	case '8', '?':
		return 0x7f, true
	}
	return 0, false
}

// csiKey is a key xterm sends as CSI (or SS3) with a final byte or a number.
type csiKey struct {
	final   byte // 'A'...: CSI final, or SS3 final in application mode
	number  int  // n in CSI n ~ when final is '~'
	appMode bool // SS3 form under DECCKM
	ss3     bool // SS3 form when unmodified, whatever the mode (F1-F4)
}

// csiKeyOf returns how xterm sends a cursor, editing or function key.
func csiKeyOf(code rune) (csiKey, bool) {
	switch code {
	case tea.KeyUp, tea.KeyKpUp:
		return csiKey{final: 'A', appMode: true}, true
	case tea.KeyDown, tea.KeyKpDown:
		return csiKey{final: 'B', appMode: true}, true
	case tea.KeyRight, tea.KeyKpRight:
		return csiKey{final: 'C', appMode: true}, true
	case tea.KeyLeft, tea.KeyKpLeft:
		return csiKey{final: 'D', appMode: true}, true
	case tea.KeyBegin, tea.KeyKpBegin:
		return csiKey{final: 'E', appMode: true}, true
	case tea.KeyHome, tea.KeyKpHome:
		return csiKey{final: 'H', appMode: true}, true
	case tea.KeyEnd, tea.KeyKpEnd:
		return csiKey{final: 'F', appMode: true}, true
	case tea.KeyF1, tea.KeyF2, tea.KeyF3, tea.KeyF4:
		return csiKey{final: byte('P' + code - tea.KeyF1), ss3: true}, true
	}
	// CSI n ~ keys; the keypad's navigation keys (NumLock off) are the same.
	n := 0
	switch code {
	case tea.KeyFind:
		n = 1
	case tea.KeyInsert, tea.KeyKpInsert:
		n = 2
	case tea.KeyDelete, tea.KeyKpDelete:
		n = 3
	case tea.KeySelect:
		n = 4
	case tea.KeyPgUp, tea.KeyKpPgUp:
		n = 5
	case tea.KeyPgDown, tea.KeyKpPgDown:
		n = 6
	case tea.KeyF5:
		n = 15
	case tea.KeyF6, tea.KeyF7, tea.KeyF8, tea.KeyF9, tea.KeyF10:
		n = 17 + int(code-tea.KeyF6)
	case tea.KeyF11, tea.KeyF12:
		n = 23 + int(code-tea.KeyF11)
	default:
		return csiKey{}, false
	}
	return csiKey{final: '~', number: n}, true
}

// keypadKeyOf returns what a keypad character key types, and the SS3 final
// it sends in application keypad mode.
func keypadKeyOf(code rune) (text string, final byte, ok bool) {
	if code >= tea.KeyKp0 && code <= tea.KeyKp9 {
		return string('0' + code - tea.KeyKp0), byte('p' + code - tea.KeyKp0), true
	}
	switch code {
	case tea.KeyKpEnter:
		return "\r", 'M', true
	case tea.KeyKpEqual:
		return "=", 'X', true
	case tea.KeyKpMultiply:
		return "*", 'j', true
	case tea.KeyKpPlus:
		return "+", 'k', true
	case tea.KeyKpComma, tea.KeyKpSep:
		return ",", 'l', true
	case tea.KeyKpMinus:
		return "-", 'm', true
	case tea.KeyKpDecimal:
		return ".", 'n', true
	case tea.KeyKpDivide:
		return "/", 'o', true
	}
	return "", 0, false
}

// encodeSpecial encodes the keys that are not characters: cursor, editing,
// function and keypad keys. Modified keys take xterm's CSI 1;m form.
func encodeSpecial(code rune, shift, alt, ctrl bool, m InputModes) ([]byte, bool) {
	// F13-F63 are what xterm reports for F1-F12 with modifiers held; send
	// them back the same way.
	if code >= tea.KeyF13 && code <= tea.KeyF63 {
		n := int(code - tea.KeyF1)
		code = tea.KeyF1 + rune(n%12)
		implied := [...]struct{ shift, ctrl, alt bool }{
			{}, {shift: true}, {ctrl: true}, {shift: true, ctrl: true}, {alt: true}, {shift: true, alt: true},
		}[n/12]
		shift, ctrl, alt = shift || implied.shift, ctrl || implied.ctrl, alt || implied.alt
	}
	if text, final, ok := keypadKeyOf(code); ok {
		if m.KeypadApp {
			return []byte{0x1b, 'O', final}, true
		}
		b := []byte(text)
		if alt {
			b = append([]byte{0x1b}, b...)
		}
		return b, true
	}
	k, ok := csiKeyOf(code)
	if !ok {
		return nil, false
	}
	param := 1
	if shift {
		param++
	}
	if alt {
		param += 2
	}
	if ctrl {
		param += 4
	}
	switch {
	case k.final == '~' && param > 1:
		return []byte("\x1b[" + strconv.Itoa(k.number) + ";" + strconv.Itoa(param) + "~"), true
	case k.final == '~':
		return []byte("\x1b[" + strconv.Itoa(k.number) + "~"), true
	case param > 1:
		return []byte("\x1b[1;" + strconv.Itoa(param) + string(k.final)), true
	case k.ss3 || (k.appMode && m.CursorKeysApp):
		return []byte{0x1b, 'O', k.final}, true
	default:
		return []byte{0x1b, '[', k.final}, true
	}
}

// EncodePaste returns pasted text as typed input: newlines become CR, as the
// Enter key sends, and under bracketed paste the text is wrapped in
// ESC[200~ ... ESC[201~ with every ESC removed from it, so the paste cannot
// end its own bracket and run as keystrokes.
func EncodePaste(text string, m InputModes) []byte {
	text = strings.ReplaceAll(text, "\r\n", "\r")
	text = strings.ReplaceAll(text, "\n", "\r")
	if !m.BracketedPaste {
		return []byte(text)
	}
	text = strings.ReplaceAll(text, "\x1b", "")
	return []byte("\x1b[200~" + text + "\x1b[201~")
}

// EncodeFocus returns the focus report for a pane gaining or losing focus, or
// nil when the application did not ask for focus events.
func EncodeFocus(focused bool, m InputModes) []byte {
	switch {
	case !m.FocusEvents:
		return nil
	case focused:
		return []byte("\x1b[I")
	default:
		return []byte("\x1b[O")
	}
}

// EncodeMouse returns the report of a mouse event at pane-relative X and Y
// under modes m, or nil when the application's tracking mode does not report
// this event or its position cannot be encoded.
func EncodeMouse(msg tea.MouseMsg, m InputModes) []byte {
	ev := msg.Mouse()
	if ev.X < 0 || ev.Y < 0 {
		return nil
	}
	_, release := msg.(tea.MouseReleaseMsg)
	_, motion := msg.(tea.MouseMotionMsg)
	switch m.Mouse {
	case MouseOff:
		return nil
	case MouseX10:
		if release || motion {
			return nil
		}
	case MouseNormal:
		if motion {
			return nil
		}
	case MouseButton:
		if motion && ev.Button == tea.MouseNone {
			return nil
		}
	}

	code, ok := mouseButtonCode(ev.Button)
	if !ok {
		return nil
	}
	if m.Mouse != MouseX10 {
		if ev.Mod&tea.ModShift != 0 {
			code += 4
		}
		if ev.Mod&(tea.ModAlt|tea.ModMeta) != 0 {
			code += 8
		}
		if ev.Mod&tea.ModCtrl != 0 {
			code += 16
		}
	}
	if motion {
		code += 32
	}
	x, y := ev.X+1, ev.Y+1

	switch {
	case m.MouseSGR:
		final := "M"
		if release {
			final = "m"
		}
		return []byte("\x1b[<" + strconv.Itoa(code) + ";" + strconv.Itoa(x) + ";" + strconv.Itoa(y) + final)
	case release:
		// Only SGR says which button went up; the others report button 3.
		code = 3 + code&(4|8|16)
	}
	switch {
	case m.MouseURXVT:
		return []byte("\x1b[" + strconv.Itoa(code+32) + ";" + strconv.Itoa(x) + ";" + strconv.Itoa(y) + "M")
	case m.MouseUTF8:
		const limit = 2047 - 32
		if x > limit || y > limit || code > limit {
			return nil
		}
		b := []byte("\x1b[M")
		for _, v := range [...]int{code, x, y} {
			b = utf8.AppendRune(b, rune(v+32))
		}
		return b
	default:
		// One byte each, offset by 32: nothing past column 223 fits.
		if x > 255-32 || y > 255-32 || code > 255-32 {
			return nil
		}
		return []byte{0x1b, '[', 'M', byte(code + 32), byte(x + 32), byte(y + 32)}
	}
}

// mouseButtonCode is the xterm button number: 0-2 for the buttons, 3 for
// none (motion with no button held), 64-67 the wheel, 128-131 the extra
// buttons.
func mouseButtonCode(b tea.MouseButton) (int, bool) {
	switch {
	case b == tea.MouseNone:
		return 3, true
	case b >= tea.MouseLeft && b <= tea.MouseRight:
		return int(b - tea.MouseLeft), true
	case b >= tea.MouseWheelUp && b <= tea.MouseWheelRight:
		return 64 + int(b-tea.MouseWheelUp), true
	case b >= tea.MouseBackward && b <= tea.MouseButton11:
		return 128 + int(b-tea.MouseBackward), true
	}
	return 0, false
}
