package term

import (
	"image/color"

	"github.com/charmbracelet/x/ansi"
)

// Cell is one column of the view, in a comparable form: two implementations
// of Terminal agree on a screen exactly when their cells are ==.
type Cell struct {
	// Content is the grapheme cluster shown; " " for a blank, "" for the
	// columns a wide character covers after its first.
	Content string
	// Width is the number of columns Content takes: 1, 2 for a wide
	// character, 0 for the covered columns after it.
	Width int
	Style Style
}

// Blank returns an unstyled empty cell.
func Blank() Cell { return Cell{Content: " ", Width: 1} }

// Style is a cell's SGR state, comparable with ==.
type Style struct {
	Fg, Bg, UnderlineColor Color
	Underline              Underline
	Attrs                  Attr
}

// Attr is a set of SGR text attributes.
type Attr uint16

// Text attributes.
const (
	Bold Attr = 1 << iota
	Faint
	Italic
	Blink
	RapidBlink
	Reverse
	Conceal
	Strikethrough
	// Overline is SGR 53 (55 ends it): vttest draws with it, and tmux
	// keeps it. Render writes it; the lab's screen draws it past its cell
	// library, which has no room for it (tui/overline.go).
	Overline
)

// Underline is the underline kind of SGR 4 and 4:n.
type Underline uint8

// Underline kinds, numbered as in SGR 4:n.
const (
	NoUnderline Underline = iota
	SingleUnderline
	DoubleUnderline
	CurlyUnderline
	DottedUnderline
	DashedUnderline
)

// Color is a cell colour: the terminal default (zero), an entry of the
// 256-colour palette, or 24-bit RGB.
type Color uint32

const (
	colorIndexed Color = 1 << 24
	colorRGB     Color = 2 << 24
	colorKind    Color = 0xff << 24
)

// DefaultColor is the terminal's default foreground or background.
const DefaultColor Color = 0

// Indexed returns palette colour i (0-7 normal, 8-15 bright, 16-255 extended).
func Indexed(i uint8) Color { return colorIndexed | Color(i) }

// RGB returns a 24-bit colour.
func RGB(r, g, b uint8) Color {
	return colorRGB | Color(r)<<16 | Color(g)<<8 | Color(b)
}

// Index returns the palette index of an indexed colour.
func (c Color) Index() (uint8, bool) {
	return uint8(c), c&colorKind == colorIndexed
}

// RGB returns the components of a 24-bit colour.
func (c Color) RGB() (r, g, b uint8, ok bool) {
	return uint8(c >> 16), uint8(c >> 8), uint8(c), c&colorKind == colorRGB
}

// colorOf converts the colours x/ansi produces; anything else goes through
// RGBA so no colour is lost, only its kind.
func colorOf(c color.Color) Color {
	switch c := c.(type) {
	case nil:
		return DefaultColor
	case ansi.BasicColor:
		return Indexed(uint8(c))
	case ansi.IndexedColor:
		return Indexed(uint8(c))
	case ansi.TrueColor:
		return RGB(uint8(c>>16), uint8(c>>8), uint8(c))
	case ansi.RGBColor:
		return RGB(c.R, c.G, c.B)
	case color.RGBA:
		return RGB(c.R, c.G, c.B)
	default:
		r, g, b, _ := c.RGBA()
		return RGB(uint8(r>>8), uint8(g>>8), uint8(b>>8))
	}
}
