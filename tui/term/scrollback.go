package term

import "encoding/binary"

// A scrollback line is stored as a compact byte string, cell by cell up to
// its last non-blank cell:
//
//	0x00-0x7f             an ASCII character, one column (a blank is ' ')
//	markStyle + 15 bytes  the style of the cells that follow (Fg, Bg,
//	                      UnderlineColor, Attrs little-endian, Underline)
//	markCluster, w, n, n bytes
//	                      a character of w columns (1 or 2) whose cluster is
//	                      n bytes; a wide one's second column is implied
//
// A line that wrapped into the next (see line.wrapped) starts with
// markWrapped. A line starts in the default style. At 200 columns a line of plain text
// costs its length in bytes, against 200 cells of 40 bytes on the screen.
const (
	markWrapped = 0xfd
	markStyle   = 0xfe
	markCluster = 0xff
	styleBytes  = 15
)

// maxClusterBytes bounds one cell's grapheme cluster (a base and its
// combining marks), so an encoded line always fits a block.
const maxClusterBytes = 32

// scrollbackBlock is the unit of scrollback storage: lines are appended to
// the newest block and dropped a whole block at a time from the oldest.
const scrollbackBlock = 64 << 10

// DefaultScrollbackBytes bounds the bytes of scrollback a Terminal keeps
// when Options leaves ScrollbackBytes zero.
const DefaultScrollbackBytes = 4 << 20

// lineRef locates one stored line.
type lineRef struct {
	block uint32 // index in blocks
	off   uint32
	n     uint32
}

// scrollback is a ring of compact lines bounded by a line count and by
// bytes. Pushing a line never allocates once the storage has grown to its
// bound: blocks are filled round-robin, and starting the next one first
// drops the (oldest) lines still in it.
type scrollback struct {
	maxLines  int
	maxBlocks int

	blocks [][]byte // grown up to maxBlocks, then reused in order
	cur    int      // the block being filled

	lines []lineRef // a ring of capacity maxLines, grown as needed
	head  int       // index of the oldest line
	count int

	pushed uint64 // lines ever pushed, so a scrolled view can follow its lines
	enc    []byte // scratch for encoding one line
}

func newScrollback(maxLines, maxBytes int) *scrollback {
	return &scrollback{
		maxLines:  max(maxLines, 1),
		maxBlocks: max(maxBytes/scrollbackBlock, 2),
	}
}

// len is the number of lines held.
func (s *scrollback) len() int { return s.count }

// reset drops every line but keeps the storage.
func (s *scrollback) reset() {
	s.head, s.count = 0, 0
}

// push stores a screen line as the newest scrollback line.
func (s *scrollback) push(l *line) {
	s.pushCells(l.cells[:l.used], l.wrapped)
}

// pushCells stores cells, and whether they go on in the next line, as the
// newest scrollback line.
func (s *scrollback) pushCells(cells []cell, wrapped bool) {
	s.enc = s.enc[:0]
	if wrapped {
		// Every column counts: a blank at the end of a wrapped line is
		// text (the space between two words).
		s.enc = append(s.enc, markWrapped)
		s.enc = appendCells(s.enc, cells)
	} else {
		s.enc = encodeLine(s.enc, cells)
	}
	s.store(s.enc)
	s.pushed++
}

func (s *scrollback) store(enc []byte) {
	if s.count == s.maxLines {
		s.dropOldest()
	}
	blk := s.blockFor(len(enc))
	ref := lineRef{block: uint32(s.cur), off: uint32(len(*blk)), n: uint32(len(enc))}
	*blk = append(*blk, enc...)
	if s.count == len(s.lines) {
		s.growLines()
	}
	s.lines[(s.head+s.count)%len(s.lines)] = ref
	s.count++
}

// blockFor returns the block the next n bytes go to, moving on to the next
// block when the current one is full.
func (s *scrollback) blockFor(n int) *[]byte {
	if len(s.blocks) == 0 {
		s.blocks = append(s.blocks, make([]byte, 0, scrollbackBlock))
		s.cur = 0
		return &s.blocks[0]
	}
	if len(s.blocks[s.cur])+n <= scrollbackBlock {
		return &s.blocks[s.cur]
	}
	next := s.cur + 1
	switch {
	case next < len(s.blocks):
	case len(s.blocks) < s.maxBlocks:
		s.blocks = append(s.blocks, make([]byte, 0, scrollbackBlock))
	default:
		next = 0
	}
	// Blocks are filled in order, so the next one holds the oldest lines.
	for s.count > 0 && s.lines[s.head].block == uint32(next) {
		s.dropOldest()
	}
	s.cur = next
	s.blocks[next] = s.blocks[next][:0]
	return &s.blocks[next]
}

func (s *scrollback) dropOldest() {
	s.head = (s.head + 1) % len(s.lines)
	s.count--
	if s.count == 0 {
		s.head = 0
	}
}

func (s *scrollback) growLines() {
	n := min(max(2*len(s.lines), 256), s.maxLines)
	grown := make([]lineRef, n)
	for i := range s.count {
		grown[i] = s.lines[(s.head+i)%len(s.lines)]
	}
	s.lines, s.head = grown, 0
}

// line decodes stored line i (0 is the oldest) into dst, padding or cutting
// it to len(dst) columns.
func (s *scrollback) line(i int, dst []cell) {
	decodeLine(dst, s.encoded(i))
}

// wrapped reports whether stored line i goes on in the next.
func (s *scrollback) wrapped(i int) bool {
	b := s.encoded(i)
	return len(b) > 0 && b[0] == markWrapped
}

func (s *scrollback) encoded(i int) []byte {
	ref := s.lines[(s.head+i)%len(s.lines)]
	return s.blocks[ref.block][ref.off : ref.off+ref.n]
}

// encodeLine appends the compact form of cells, stopping after the last one
// that is not a default blank.
func encodeLine(b []byte, cells []cell) []byte {
	end := len(cells)
	for end > 0 && cells[end-1] == (cell{}) {
		end--
	}
	return appendCells(b, cells[:end])
}

// appendCells appends the compact form of every one of cells.
func appendCells(b []byte, cells []cell) []byte {
	var cur Style
	for i := range cells {
		c := &cells[i]
		if c.kind == covered {
			continue
		}
		if c.style != cur {
			cur = c.style
			b = append(b, markStyle)
			b = binary.LittleEndian.AppendUint32(b, uint32(cur.Fg))
			b = binary.LittleEndian.AppendUint32(b, uint32(cur.Bg))
			b = binary.LittleEndian.AppendUint32(b, uint32(cur.UnderlineColor))
			b = binary.LittleEndian.AppendUint16(b, uint16(cur.Attrs))
			b = append(b, byte(cur.Underline))
		}
		switch {
		case c.content == "":
			b = append(b, ' ')
		case c.kind == narrow && len(c.content) == 1 && c.content[0] < 0x80:
			b = append(b, c.content[0])
		default:
			w := byte(1)
			if c.kind == wide {
				w = 2
			}
			content := c.content[:min(len(c.content), maxClusterBytes)]
			b = append(b, markCluster, w, byte(len(content)))
			b = append(b, content...)
		}
	}
	return b
}

// decodeLine fills dst from an encoded line; columns past its end are blank.
// A truncated or damaged encoding ends the line early rather than failing.
// It returns the columns the line filled.
func decodeLine(dst []cell, b []byte) int {
	if len(b) > 0 && b[0] == markWrapped {
		b = b[1:]
	}
	var cur Style
	x := 0
	for len(b) > 0 && x < len(dst) {
		switch b[0] {
		case markStyle:
			if len(b) < 1+styleBytes {
				b = nil
				continue
			}
			cur = Style{
				Fg:             Color(binary.LittleEndian.Uint32(b[1:])),
				Bg:             Color(binary.LittleEndian.Uint32(b[5:])),
				UnderlineColor: Color(binary.LittleEndian.Uint32(b[9:])),
				Attrs:          Attr(binary.LittleEndian.Uint16(b[13:])),
				Underline:      Underline(b[15]),
			}
			b = b[1+styleBytes:]
		case markCluster:
			if len(b) < 3 || len(b) < 3+int(b[2]) {
				b = nil
				continue
			}
			w, n := b[1], int(b[2])
			content := string(b[3 : 3+n])
			b = b[3+n:]
			if w == 2 {
				if x+1 >= len(dst) {
					// Cut by a narrower screen: a blank, as on resize.
					dst[x] = cell{style: cur}
					x++
					continue
				}
				dst[x] = cell{content: content, style: cur, kind: wide}
				dst[x+1] = cell{style: cur, kind: covered}
				x += 2
				continue
			}
			dst[x] = cell{content: content, style: cur}
			x++
		default:
			c := cell{style: cur}
			if ch := b[0]; ch > ' ' && ch < 0x7f {
				c.content = asciiString(ch)
			}
			dst[x] = c
			b = b[1:]
			x++
		}
	}
	clear(dst[x:])
	return x
}

// printableASCII holds every printable ASCII character in order, so a cell's
// content can be a substring of it instead of an allocation.
const printableASCII = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

// asciiString returns the one-character string for printable ASCII b.
func asciiString(b byte) string { return printableASCII[b-0x20 : b-0x20+1] }
