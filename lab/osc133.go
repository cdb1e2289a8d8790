package lab

import "strconv"

// MarkKind is an OSC 133 shell-integration mark ("semantic prompt" sequences).
type MarkKind byte

// The marks the lab's shells emit.
const (
	MarkPromptStart  MarkKind = 'A' // the prompt is about to be drawn
	MarkCommandStart MarkKind = 'B' // the prompt ended; the user types the command here
	MarkCommandRun   MarkKind = 'C' // the command line was accepted and runs (bash only)
	MarkCommandEnd   MarkKind = 'D' // the command finished; Exit holds its status
)

// Mark is one parsed OSC 133 sequence and where it ended in the stream.
type Mark struct {
	Kind MarkKind
	// Exit is the status carried by a D mark (-1 when absent or not a number).
	Exit int
	// End is the offset in the chunk just after the sequence's terminator.
	End int
}

// markScanner finds OSC 133 marks in a byte stream that arrives in arbitrary chunks.
// It only looks; the bytes still go to the terminal emulator, which ignores the marks.
type markScanner struct {
	state int
	buf   []byte // the OSC payload so far (bounded)
	long  bool   // the payload outgrew maxOSC: whatever it is, it is not a mark
}

const (
	scanGround = iota
	scanEsc    // saw ESC
	scanOSC    // inside ESC ] ... collecting payload
	scanOSCEsc // inside OSC, saw ESC (maybe ST = ESC \)
)

// maxOSC bounds the payload kept; an OSC 133 payload is a few bytes, longer ones are
// other OSCs (titles, hyperlinks) that the scanner only needs to skip.
const maxOSC = 64

// Scan returns the marks that end within p, in order.
func (s *markScanner) Scan(p []byte) []Mark {
	var marks []Mark
	for i, c := range p {
		switch s.state {
		case scanGround:
			if c == 0x1b {
				s.state = scanEsc
			} else if c == 0x9d { // C1 OSC
				s.state, s.buf, s.long = scanOSC, s.buf[:0], false
			}
		case scanEsc:
			switch c {
			case ']':
				s.state, s.buf, s.long = scanOSC, s.buf[:0], false
			case 0x1b:
				// stay: a new escape
			default:
				s.state = scanGround
			}
		case scanOSC:
			switch c {
			case 0x07, 0x9c: // BEL or C1 ST ends it
				if m, ok := parseMark(s.buf); ok && !s.long {
					m.End = i + 1
					marks = append(marks, m)
				}
				s.state = scanGround
			case 0x1b:
				s.state = scanOSCEsc
			case 0x18, 0x1a: // CAN, SUB abort the sequence
				s.state = scanGround
			default:
				if len(s.buf) < maxOSC {
					s.buf = append(s.buf, c)
				} else { // longer ones are not marks; keep skipping
					s.long = true
				}
			}
		case scanOSCEsc:
			if c == '\\' {
				if m, ok := parseMark(s.buf); ok && !s.long {
					m.End = i + 1
					marks = append(marks, m)
				}
				s.state = scanGround
			} else if c == ']' {
				// ESC ] inside an OSC: an unterminated OSC followed by a new one
				s.state, s.buf, s.long = scanOSC, s.buf[:0], false
			} else {
				s.state = scanGround
			}
		}
	}
	return marks
}

// parseMark reads "133;X" or "133;D;N" (extra ;key=value parameters are ignored).
func parseMark(payload []byte) (Mark, bool) {
	if len(payload) < 5 || string(payload[:4]) != "133;" {
		return Mark{}, false
	}
	k := MarkKind(payload[4])
	switch k {
	case MarkPromptStart, MarkCommandStart, MarkCommandRun, MarkCommandEnd:
	default:
		return Mark{}, false
	}
	if len(payload) > 5 && payload[5] != ';' {
		return Mark{}, false
	}
	m := Mark{Kind: k, Exit: -1}
	if k == MarkCommandEnd && len(payload) > 6 {
		field := payload[6:]
		for j, c := range field {
			if c == ';' {
				field = field[:j]
				break
			}
		}
		if n, err := strconv.Atoi(string(field)); err == nil {
			m.Exit = n
		}
	}
	return m, true
}
