package term

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

func TestEncodeKey(t *testing.T) {
	var (
		plain  InputModes
		ckm    = InputModes{CursorKeysApp: true}
		kpam   = InputModes{KeypadApp: true}
		lnm    = InputModes{NewLine: true}
		bkm    = InputModes{BackarrowBS: true}
		shift  = tea.ModShift
		ctrl   = tea.ModCtrl
		alt    = tea.ModAlt
		others = tea.ModCapsLock | tea.ModNumLock | tea.ModSuper | tea.ModHyper
	)
	tests := []struct {
		name  string
		key   tea.Key
		modes InputModes
		want  string
	}{
		{"letter", tea.Key{Code: 'a', Text: "a"}, plain, "a"},
		{"shifted letter", tea.Key{Code: 'a', ShiftedCode: 'A', Mod: shift, Text: "A"}, plain, "A"},
		{"shifted, no text", tea.Key{Code: 'a', ShiftedCode: 'A', Mod: shift}, plain, "A"},
		{"text wins over code", tea.Key{Code: '1', Mod: shift, Text: "!"}, plain, "!"},
		{"unicode", tea.Key{Code: 'é', Text: "é"}, plain, "é"},
		{"cluster", tea.Key{Code: tea.KeyExtended, Text: "👍🏽"}, plain, "👍🏽"},
		{"space", tea.Key{Code: tea.KeySpace, Text: " "}, plain, " "},
		{"caps lock, super ignored", tea.Key{Code: 'a', Mod: others, Text: "A"}, plain, "A"},

		{"ctrl-c", tea.Key{Code: 'c', Mod: ctrl}, plain, "\x03"},
		{"ctrl-shift-c", tea.Key{Code: 'c', Mod: ctrl | shift}, plain, "\x03"},
		{"ctrl-space", tea.Key{Code: tea.KeySpace, Mod: ctrl}, plain, "\x00"},
		{"ctrl-@", tea.Key{Code: '@', Mod: ctrl}, plain, "\x00"},
		{"ctrl-[", tea.Key{Code: '[', Mod: ctrl}, plain, "\x1b"},
		{"ctrl-backslash", tea.Key{Code: '\\', Mod: ctrl}, plain, "\x1c"},
		{"ctrl-]", tea.Key{Code: ']', Mod: ctrl}, plain, "\x1d"},
		{"ctrl-^", tea.Key{Code: '^', Mod: ctrl}, plain, "\x1e"},
		{"ctrl-_", tea.Key{Code: '_', Mod: ctrl}, plain, "\x1f"},
		{"ctrl-/", tea.Key{Code: '/', Mod: ctrl}, plain, "\x1f"},
		{"ctrl-?", tea.Key{Code: '?', Mod: ctrl}, plain, "\x7f"},
		{"ctrl-2", tea.Key{Code: '2', Mod: ctrl}, plain, "\x00"},
		{"ctrl-3", tea.Key{Code: '3', Mod: ctrl}, plain, "\x1b"},
		{"ctrl-8", tea.Key{Code: '8', Mod: ctrl}, plain, "\x7f"},
		{"ctrl-1 has no control", tea.Key{Code: '1', Mod: ctrl}, plain, "1"},
		{"ctrl-4", tea.Key{Code: '4', Mod: ctrl}, plain, "\x1c"},
		{"ctrl-5", tea.Key{Code: '5', Mod: ctrl}, plain, "\x1d"},
		{"ctrl-6", tea.Key{Code: '6', Mod: ctrl}, plain, "\x1e"},
		{"ctrl-7", tea.Key{Code: '7', Mod: ctrl}, plain, "\x1f"},
		{"ctrl-a", tea.Key{Code: 'a', Mod: ctrl}, plain, "\x01"},
		{"ctrl-z", tea.Key{Code: 'z', Mod: ctrl}, plain, "\x1a"},
		{"ctrl-A", tea.Key{Code: 'A', Mod: ctrl}, plain, "\x01"},
		{"ctrl-Z", tea.Key{Code: 'Z', Mod: ctrl}, plain, "\x1a"},
		{"ctrl-`", tea.Key{Code: '`', Mod: ctrl}, plain, "`"},
		{"ctrl-{", tea.Key{Code: '{', Mod: ctrl}, plain, "{"},

		{"alt-a", tea.Key{Code: 'a', Mod: alt}, plain, "\x1ba"},
		{"alt-shift-a", tea.Key{Code: 'a', ShiftedCode: 'A', Mod: alt | shift}, plain, "\x1bA"},
		{"alt-ctrl-c", tea.Key{Code: 'c', Mod: alt | ctrl}, plain, "\x1b\x03"},
		{"meta is alt", tea.Key{Code: 'x', Mod: tea.ModMeta}, plain, "\x1bx"},
		{"alt-space", tea.Key{Code: tea.KeySpace, Mod: alt}, plain, "\x1b "},

		{"enter", tea.Key{Code: tea.KeyEnter}, plain, "\r"},
		{"enter LNM", tea.Key{Code: tea.KeyEnter}, lnm, "\r\n"},
		{"alt-enter", tea.Key{Code: tea.KeyEnter, Mod: alt}, plain, "\x1b\r"},
		{"shift-enter", tea.Key{Code: tea.KeyEnter, Mod: shift}, plain, "\r"},
		{"tab", tea.Key{Code: tea.KeyTab}, plain, "\t"},
		{"shift-tab", tea.Key{Code: tea.KeyTab, Mod: shift}, plain, "\x1b[Z"},
		{"backspace", tea.Key{Code: tea.KeyBackspace}, plain, "\x7f"},
		{"ctrl-backspace", tea.Key{Code: tea.KeyBackspace, Mod: ctrl}, plain, "\x08"},
		{"alt-backspace", tea.Key{Code: tea.KeyBackspace, Mod: alt}, plain, "\x1b\x7f"},
		{"backspace DECBKM", tea.Key{Code: tea.KeyBackspace}, bkm, "\x08"},
		{"escape", tea.Key{Code: tea.KeyEscape}, plain, "\x1b"},
		{"alt-escape", tea.Key{Code: tea.KeyEscape, Mod: alt}, plain, "\x1b\x1b"},

		{"up", tea.Key{Code: tea.KeyUp}, plain, "\x1b[A"},
		{"up DECCKM", tea.Key{Code: tea.KeyUp}, ckm, "\x1bOA"},
		{"left DECCKM", tea.Key{Code: tea.KeyLeft}, ckm, "\x1bOD"},
		{"shift-up", tea.Key{Code: tea.KeyUp, Mod: shift}, plain, "\x1b[1;2A"},
		{"alt-right", tea.Key{Code: tea.KeyRight, Mod: alt}, plain, "\x1b[1;3C"},
		{"ctrl-left", tea.Key{Code: tea.KeyLeft, Mod: ctrl}, plain, "\x1b[1;5D"},
		{"ctrl-up DECCKM stays CSI", tea.Key{Code: tea.KeyUp, Mod: ctrl}, ckm, "\x1b[1;5A"},
		{"ctrl-alt-shift-down", tea.Key{Code: tea.KeyDown, Mod: ctrl | alt | shift}, plain, "\x1b[1;8B"},
		{"home", tea.Key{Code: tea.KeyHome}, plain, "\x1b[H"},
		{"home DECCKM", tea.Key{Code: tea.KeyHome}, ckm, "\x1bOH"},
		{"end", tea.Key{Code: tea.KeyEnd}, plain, "\x1b[F"},
		{"end DECCKM", tea.Key{Code: tea.KeyEnd}, ckm, "\x1bOF"},
		{"shift-home", tea.Key{Code: tea.KeyHome, Mod: shift}, plain, "\x1b[1;2H"},
		{"insert", tea.Key{Code: tea.KeyInsert}, plain, "\x1b[2~"},
		{"delete", tea.Key{Code: tea.KeyDelete}, plain, "\x1b[3~"},
		{"ctrl-delete", tea.Key{Code: tea.KeyDelete, Mod: ctrl}, plain, "\x1b[3;5~"},
		{"page up", tea.Key{Code: tea.KeyPgUp}, plain, "\x1b[5~"},
		{"shift-page up", tea.Key{Code: tea.KeyPgUp, Mod: shift}, plain, "\x1b[5;2~"},
		{"page down", tea.Key{Code: tea.KeyPgDown}, plain, "\x1b[6~"},

		{"F1", tea.Key{Code: tea.KeyF1}, plain, "\x1bOP"},
		{"F1 DECCKM", tea.Key{Code: tea.KeyF1}, ckm, "\x1bOP"},
		{"F4", tea.Key{Code: tea.KeyF4}, plain, "\x1bOS"},
		{"shift-F1", tea.Key{Code: tea.KeyF1, Mod: shift}, plain, "\x1b[1;2P"},
		{"F5", tea.Key{Code: tea.KeyF5}, plain, "\x1b[15~"},
		{"F6", tea.Key{Code: tea.KeyF6}, plain, "\x1b[17~"},
		{"F10", tea.Key{Code: tea.KeyF10}, plain, "\x1b[21~"},
		{"F11", tea.Key{Code: tea.KeyF11}, plain, "\x1b[23~"},
		{"F12", tea.Key{Code: tea.KeyF12}, plain, "\x1b[24~"},
		{"ctrl-F5", tea.Key{Code: tea.KeyF5, Mod: ctrl}, plain, "\x1b[15;5~"},
		{"F13 is shift-F1", tea.Key{Code: tea.KeyF13}, plain, "\x1b[1;2P"},
		{"F29 is ctrl-F5", tea.Key{Code: tea.KeyF29}, plain, "\x1b[15;5~"},
		{"F61 is alt-shift-F1", tea.Key{Code: tea.KeyF61}, plain, "\x1b[1;4P"},

		{"keypad 5", tea.Key{Code: tea.KeyKp5}, plain, "5"},
		{"keypad 5 DECKPAM", tea.Key{Code: tea.KeyKp5}, kpam, "\x1bOu"},
		{"keypad enter", tea.Key{Code: tea.KeyKpEnter}, plain, "\r"},
		{"keypad enter DECKPAM", tea.Key{Code: tea.KeyKpEnter}, kpam, "\x1bOM"},
		{"keypad minus DECKPAM", tea.Key{Code: tea.KeyKpMinus}, kpam, "\x1bOm"},
		{"keypad up", tea.Key{Code: tea.KeyKpUp}, plain, "\x1b[A"},
		{"keypad up DECCKM", tea.Key{Code: tea.KeyKpUp}, ckm, "\x1bOA"},
		{"keypad 0", tea.Key{Code: tea.KeyKp0}, plain, "0"},
		{"keypad 0 DECKPAM", tea.Key{Code: tea.KeyKp0}, kpam, "\x1bOp"},
		{"keypad 9 DECKPAM", tea.Key{Code: tea.KeyKp9}, kpam, "\x1bOy"},
		{"alt-keypad 7", tea.Key{Code: tea.KeyKp7, Mod: alt}, plain, "\x1b7"},
		{"keypad equal", tea.Key{Code: tea.KeyKpEqual}, plain, "="},
		{"keypad equal DECKPAM", tea.Key{Code: tea.KeyKpEqual}, kpam, "\x1bOX"},
		{"keypad multiply", tea.Key{Code: tea.KeyKpMultiply}, plain, "*"},
		{"keypad multiply DECKPAM", tea.Key{Code: tea.KeyKpMultiply}, kpam, "\x1bOj"},
		{"keypad plus", tea.Key{Code: tea.KeyKpPlus}, plain, "+"},
		{"keypad plus DECKPAM", tea.Key{Code: tea.KeyKpPlus}, kpam, "\x1bOk"},
		{"keypad comma", tea.Key{Code: tea.KeyKpComma}, plain, ","},
		{"keypad separator DECKPAM", tea.Key{Code: tea.KeyKpSep}, kpam, "\x1bOl"},
		{"keypad minus", tea.Key{Code: tea.KeyKpMinus}, plain, "-"},
		{"keypad decimal", tea.Key{Code: tea.KeyKpDecimal}, plain, "."},
		{"keypad decimal DECKPAM", tea.Key{Code: tea.KeyKpDecimal}, kpam, "\x1bOn"},
		{"keypad divide", tea.Key{Code: tea.KeyKpDivide}, plain, "/"},
		{"keypad divide DECKPAM", tea.Key{Code: tea.KeyKpDivide}, kpam, "\x1bOo"},
		{"keypad begin", tea.Key{Code: tea.KeyKpBegin}, plain, "\x1b[E"},
		{"begin DECCKM", tea.Key{Code: tea.KeyBegin}, ckm, "\x1bOE"},
		{"down", tea.Key{Code: tea.KeyDown}, plain, "\x1b[B"},
		{"right DECCKM", tea.Key{Code: tea.KeyRight}, ckm, "\x1bOC"},
		{"find", tea.Key{Code: tea.KeyFind}, plain, "\x1b[1~"},
		{"select", tea.Key{Code: tea.KeySelect}, plain, "\x1b[4~"},
		{"keypad insert", tea.Key{Code: tea.KeyKpInsert}, plain, "\x1b[2~"},
		{"keypad page down", tea.Key{Code: tea.KeyKpPgDown}, plain, "\x1b[6~"},
		{"F2", tea.Key{Code: tea.KeyF2}, plain, "\x1bOQ"},
		{"F3", tea.Key{Code: tea.KeyF3}, plain, "\x1bOR"},
		{"F7", tea.Key{Code: tea.KeyF7}, plain, "\x1b[18~"},
		{"F9", tea.Key{Code: tea.KeyF9}, plain, "\x1b[20~"},
		{"alt-F3", tea.Key{Code: tea.KeyF3, Mod: alt}, plain, "\x1b[1;3R"},
		{"alt-F12", tea.Key{Code: tea.KeyF12, Mod: alt}, plain, "\x1b[24;3~"},
		{"F24 is shift-F12", tea.Key{Code: tea.KeyF24}, plain, "\x1b[24;2~"},
		{"F37 is ctrl-shift-F1", tea.Key{Code: tea.KeyF37}, plain, "\x1b[1;6P"},
		{"F49 is alt-F1", tea.Key{Code: tea.KeyF49}, plain, "\x1b[1;3P"},
		{"F63 is alt-shift-F3", tea.Key{Code: tea.KeyF63}, plain, "\x1b[1;4R"},

		{"lone modifier", tea.Key{Code: tea.KeyLeftShift, Mod: shift}, plain, ""},
		{"media key", tea.Key{Code: tea.KeyMediaPlay}, plain, ""},
		{"caps lock key", tea.Key{Code: tea.KeyCapsLock}, plain, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(EncodeKey(tc.key, tc.modes)); got != tc.want {
				t.Errorf("EncodeKey(%+v) = %q, want %q", tc.key, got, tc.want)
			}
		})
	}
}

// TestEncodeKeyRoundTrip decodes what a real xterm sends with the decoder
// Bubble Tea uses, and checks that encoding the key gives the same bytes back:
// what the user typed reaches the application unchanged.
func TestEncodeKeyRoundTrip(t *testing.T) {
	tests := []struct {
		input string
		modes InputModes
	}{
		{"a", InputModes{}}, {"Z", InputModes{}}, {"~", InputModes{}}, {" ", InputModes{}},
		{"é", InputModes{}}, {"世", InputModes{}},
		{"\x01", InputModes{}}, {"\x03", InputModes{}}, {"\x08", InputModes{}}, {"\x1a", InputModes{}},
		{"\x00", InputModes{}}, {"\x1c", InputModes{}}, {"\x1d", InputModes{}}, {"\x1e", InputModes{}},
		{"\x1f", InputModes{}}, {"\t", InputModes{}}, {"\r", InputModes{}}, {"\x7f", InputModes{}},
		{"\x1b", InputModes{}}, {"\x1ba", InputModes{}}, {"\x1bA", InputModes{}},
		{"\x1b\x01", InputModes{}}, {"\x1b\x7f", InputModes{}}, {"\x1b[Z", InputModes{}},
		{"\x1b[A", InputModes{}}, {"\x1b[B", InputModes{}}, {"\x1b[C", InputModes{}}, {"\x1b[D", InputModes{}},
		{"\x1bOA", InputModes{CursorKeysApp: true}}, {"\x1bOD", InputModes{CursorKeysApp: true}},
		{"\x1b[H", InputModes{}}, {"\x1b[F", InputModes{}}, {"\x1bOH", InputModes{CursorKeysApp: true}},
		{"\x1b[1;5D", InputModes{}}, {"\x1b[1;2A", InputModes{}}, {"\x1b[1;3C", InputModes{}},
		{"\x1b[1;5A", InputModes{CursorKeysApp: true}},
		{"\x1b[2~", InputModes{}}, {"\x1b[3~", InputModes{}}, {"\x1b[5~", InputModes{}}, {"\x1b[6~", InputModes{}},
		{"\x1b[3;5~", InputModes{}}, {"\x1b[5;2~", InputModes{}},
		{"\x1bOP", InputModes{}}, {"\x1bOS", InputModes{}}, {"\x1b[15~", InputModes{}}, {"\x1b[24~", InputModes{}},
		{"\x1b[1;2P", InputModes{}}, {"\x1b[15;5~", InputModes{}},
	}
	for _, tc := range tests {
		var d uv.EventDecoder
		n, ev := d.Decode([]byte(tc.input))
		k, ok := ev.(uv.KeyPressEvent)
		if !ok || n != len(tc.input) {
			t.Errorf("decoder read %q as %d bytes, %T %v", tc.input, n, ev, ev)
			continue
		}
		key := tea.Key(k)
		if got := string(EncodeKey(key, tc.modes)); got != tc.input {
			t.Errorf("%q decodes to %+v, which encodes as %q", tc.input, key, got)
		}
	}
}

func TestEncodePaste(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		bracketed bool
		want      string
	}{
		{"plain", "ls -l", false, "ls -l"},
		{"newlines become CR", "a\nb\r\nc\rd", false, "a\rb\rc\rd"},
		{"bracketed", "a\nb", true, "\x1b[200~a\rb\x1b[201~"},
		{"cannot end its bracket", "x\x1b[201~rm -rf ~\n", true, "\x1b[200~x[201~rm -rf ~\r\x1b[201~"},
		{"empty bracketed", "", true, "\x1b[200~\x1b[201~"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := string(EncodePaste(tc.text, InputModes{BracketedPaste: tc.bracketed}))
			if got != tc.want {
				t.Errorf("EncodePaste(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestEncodeMouse(t *testing.T) {
	var (
		normal  = InputModes{Mouse: MouseNormal}
		sgr     = InputModes{Mouse: MouseNormal, MouseSGR: true}
		button  = InputModes{Mouse: MouseButton, MouseSGR: true}
		anyMove = InputModes{Mouse: MouseAny, MouseSGR: true}
		x10     = InputModes{Mouse: MouseX10}
		urxvt   = InputModes{Mouse: MouseNormal, MouseURXVT: true}
		utf8    = InputModes{Mouse: MouseNormal, MouseUTF8: true}
	)
	left := tea.Mouse{X: 2, Y: 4, Button: tea.MouseLeft}
	tests := []struct {
		name  string
		msg   tea.MouseMsg
		modes InputModes
		want  string
	}{
		{"off", tea.MouseClickMsg(left), InputModes{}, ""},
		{"x10 encoding", tea.MouseClickMsg(left), normal, "\x1b[M\x20\x23\x25"},
		{"x10 release is button 3", tea.MouseReleaseMsg(left), normal, "\x1b[M\x23\x23\x25"},
		{"sgr press", tea.MouseClickMsg(left), sgr, "\x1b[<0;3;5M"},
		{"sgr release", tea.MouseReleaseMsg(left), sgr, "\x1b[<0;3;5m"},
		{"sgr right", tea.MouseClickMsg{X: 0, Y: 0, Button: tea.MouseRight}, sgr, "\x1b[<2;1;1M"},
		{"sgr wheel up", tea.MouseWheelMsg{X: 0, Y: 0, Button: tea.MouseWheelUp}, sgr, "\x1b[<64;1;1M"},
		{"sgr wheel down", tea.MouseWheelMsg{X: 0, Y: 0, Button: tea.MouseWheelDown}, sgr, "\x1b[<65;1;1M"},
		{"sgr ctrl shift", tea.MouseClickMsg{Button: tea.MouseLeft, Mod: tea.ModCtrl | tea.ModShift}, sgr, "\x1b[<20;1;1M"},
		{"sgr alt", tea.MouseClickMsg{Button: tea.MouseMiddle, Mod: tea.ModAlt}, sgr, "\x1b[<9;1;1M"},
		{"normal ignores motion", tea.MouseMotionMsg(left), sgr, ""},
		{"button mode drag", tea.MouseMotionMsg(left), button, "\x1b[<32;3;5M"},
		{"button mode ignores hover", tea.MouseMotionMsg{X: 1, Y: 1}, button, ""},
		{"any mode hover", tea.MouseMotionMsg{X: 1, Y: 1}, anyMove, "\x1b[<35;2;2M"},
		{"x10 mode press", tea.MouseClickMsg{Button: tea.MouseLeft, Mod: tea.ModCtrl}, x10, "\x1b[M\x20\x21\x21"},
		{"x10 mode no release", tea.MouseReleaseMsg(left), x10, ""},
		{"x10 encoding past 223", tea.MouseClickMsg{X: 300, Y: 1, Button: tea.MouseLeft}, normal, ""},
		{"sgr past 223", tea.MouseClickMsg{X: 300, Y: 1, Button: tea.MouseLeft}, sgr, "\x1b[<0;301;2M"},
		{"urxvt", tea.MouseClickMsg(left), urxvt, "\x1b[32;3;5M"},
		{"utf8 far", tea.MouseClickMsg{X: 300, Y: 0, Button: tea.MouseLeft}, utf8, "\x1b[M\x20\u014d\x21"},
		{"negative", tea.MouseClickMsg{X: -1, Y: 0, Button: tea.MouseLeft}, sgr, ""},
		{"negative row", tea.MouseClickMsg{X: 0, Y: -1, Button: tea.MouseLeft}, sgr, ""},
		{"x10 encoding at 223", tea.MouseClickMsg{X: 222, Y: 222, Button: tea.MouseLeft}, normal, "\x1b[M\x20\xff\xff"},
		{"x10 encoding row past 223", tea.MouseClickMsg{X: 0, Y: 223, Button: tea.MouseLeft}, normal, ""},
		{"sgr middle", tea.MouseClickMsg{Button: tea.MouseMiddle}, sgr, "\x1b[<1;1;1M"},
		{"sgr wheel left", tea.MouseWheelMsg{Button: tea.MouseWheelLeft}, sgr, "\x1b[<66;1;1M"},
		{"sgr wheel right", tea.MouseWheelMsg{Button: tea.MouseWheelRight}, sgr, "\x1b[<67;1;1M"},
		{"sgr backward", tea.MouseClickMsg{Button: tea.MouseBackward}, sgr, "\x1b[<128;1;1M"},
		{"sgr forward", tea.MouseClickMsg{Button: tea.MouseForward}, sgr, "\x1b[<129;1;1M"},
		{"sgr button 11", tea.MouseClickMsg{Button: tea.MouseButton11}, sgr, "\x1b[<131;1;1M"},
		{"sgr meta is alt", tea.MouseClickMsg{Button: tea.MouseLeft, Mod: tea.ModMeta}, sgr, "\x1b[<8;1;1M"},
		{"x10 mode drops modifiers", tea.MouseClickMsg{Button: tea.MouseRight, Mod: tea.ModShift | tea.ModAlt}, x10, "\x1b[M\x22\x21\x21"},
		{"x10 encoding release keeps modifiers", tea.MouseReleaseMsg{Button: tea.MouseRight, Mod: tea.ModCtrl}, normal, "\x1b[M\x33\x21\x21"},
		{"urxvt release", tea.MouseReleaseMsg(left), urxvt, "\x1b[35;3;5M"},
		{"utf8 release", tea.MouseReleaseMsg(left), utf8, "\x1b[M\x23\x23\x25"},
		{"utf8 at its limit", tea.MouseClickMsg{X: 2014, Y: 0, Button: tea.MouseLeft}, utf8, "\x1b[M\x20\u07ff\x21"},
		{"utf8 past its limit", tea.MouseClickMsg{X: 2015, Y: 0, Button: tea.MouseLeft}, utf8, ""},
		{"utf8 row past its limit", tea.MouseClickMsg{X: 0, Y: 2015, Button: tea.MouseLeft}, utf8, ""},
		{"any mode drag", tea.MouseMotionMsg{X: 1, Y: 1, Button: tea.MouseLeft}, anyMove, "\x1b[<32;2;2M"},
		{"no button code", tea.MouseClickMsg{Button: tea.MouseButton(200)}, sgr, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(EncodeMouse(tc.msg, tc.modes)); got != tc.want {
				t.Errorf("EncodeMouse(%v) = %q, want %q", tc.msg, got, tc.want)
			}
		})
	}
}

func TestSetMode(t *testing.T) {
	tests := []struct {
		name string
		ops  []struct {
			mode    int
			dec, on bool
		}
		want InputModes
	}{
		{"cursor keys", ops(1, true, true), InputModes{CursorKeysApp: true}},
		{"cursor keys off", ops(1, true, true, 1, true, false), InputModes{}},
		{"ansi 1 is not DECCKM", ops(1, false, true), InputModes{}},
		{"LNM", ops(20, false, true), InputModes{NewLine: true}},
		{"mouse last wins", ops(1000, true, true, 1002, true, true, 1006, true, true), InputModes{Mouse: MouseButton, MouseSGR: true}},
		{"mouse any reset turns off", ops(1003, true, true, 1000, true, false), InputModes{}},
		{"bracketed, focus, keypad, bkm", ops(2004, true, true, 1004, true, true, 66, true, true, 67, true, true),
			InputModes{BracketedPaste: true, FocusEvents: true, KeypadApp: true, BackarrowBS: true}},
		{"unknown ignored", ops(12345, true, true, 25, true, false), InputModes{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m InputModes
			for _, op := range tc.ops {
				m.SetMode(op.mode, op.dec, op.on)
			}
			if m != tc.want {
				t.Errorf("modes = %+v, want %+v", m, tc.want)
			}
		})
	}
}

// ops builds SetMode calls from (mode, dec, on) triples.
func ops(args ...any) []struct {
	mode    int
	dec, on bool
} {
	var out []struct {
		mode    int
		dec, on bool
	}
	for i := 0; i+2 < len(args); i += 3 {
		out = append(out, struct {
			mode    int
			dec, on bool
		}{args[i].(int), args[i+1].(bool), args[i+2].(bool)})
	}
	return out
}
