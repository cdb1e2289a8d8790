package term

import (
	"fmt"
	"image/color"
	"strconv"
)

// Colors are the colours a pane shows, for the answers to OSC 10
// (foreground), 11 (background), 12 (cursor) and 4 (palette): vim and others
// ask for the background to choose their own colours for a light or a dark
// one, so a wrong answer gives unreadable text.
type Colors struct {
	// Foreground and Background are the colours of text with no colour set;
	// nil means white on black.
	Foreground, Background color.Color
	// Palette holds entries 0-15 of the 256-colour palette; a nil entry is
	// xterm's default. Entries 16-255 are xterm's cube and grey ramp.
	Palette [16]color.Color
}

// xtermBasic is xterm's default for palette entries 0-15.
var xtermBasic = [16][3]uint8{
	{0x00, 0x00, 0x00}, {0xcd, 0x00, 0x00}, {0x00, 0xcd, 0x00}, {0xcd, 0xcd, 0x00},
	{0x00, 0x00, 0xee}, {0xcd, 0x00, 0xcd}, {0x00, 0xcd, 0xcd}, {0xe5, 0xe5, 0xe5},
	{0x7f, 0x7f, 0x7f}, {0xff, 0x00, 0x00}, {0x00, 0xff, 0x00}, {0xff, 0xff, 0x00},
	{0x5c, 0x5c, 0xff}, {0xff, 0x00, 0xff}, {0x00, 0xff, 0xff}, {0xff, 0xff, 0xff},
}

// PictureColors are the colours nslab's pictures of a pane are drawn with, a dark
// terminal's: the README's screenshots (scripts/ansi2svg) and the read-only web page.
var PictureColors = Colors{
	Foreground: hexColor(0xd7dae0), Background: hexColor(0x1b1d23),
	Palette: [16]color.Color{
		hexColor(0x1b1d23), hexColor(0xe06c75), hexColor(0x98c379), hexColor(0xe5c07b),
		hexColor(0x61afef), hexColor(0xc678dd), hexColor(0x56b6c2), hexColor(0xd7dae0),
		hexColor(0x5c6370), hexColor(0xff7a85), hexColor(0xb5e890), hexColor(0xffd68a),
		hexColor(0x7cc4ff), hexColor(0xde92f5), hexColor(0x6fd2dd), hexColor(0xffffff),
	},
}

func hexColor(v uint32) color.Color {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// Hex is a cell colour as these colours show it, "#rrggbb": the sixteen, xterm's
// 6×6×6 cube and grey ramp, or the colour itself; "" for the default colour, which
// depends on whether it is a cell's foreground or background.
func (c *Colors) Hex(col Color) string {
	if col == DefaultColor {
		return ""
	}
	r, g, b, ok := col.RGB()
	if !ok {
		i, _ := col.Index()
		r, g, b = c.paletteRGB(int(i))
	}
	return fmt.Sprintf("#%02x%02x%02x", r, g, b)
}

// paletteRGB returns palette entry i as the pane shows it.
func (c *Colors) paletteRGB(i int) (r, g, b uint8) {
	switch {
	case i < 16:
		if p := c.Palette[i]; p != nil {
			return rgbOf(p)
		}
		v := xtermBasic[i]
		return v[0], v[1], v[2]
	case i < 232:
		// The 6×6×6 cube: levels 0, 95, 135, …, 255.
		level := func(n int) uint8 {
			if n == 0 {
				return 0
			}
			return uint8(55 + 40*n)
		}
		i -= 16
		return level(i / 36), level(i / 6 % 6), level(i % 6)
	default:
		v := uint8(8 + 10*(i-232))
		return v, v, v
	}
}

func (c *Colors) fg() (r, g, b uint8) {
	if c.Foreground == nil {
		return 0xff, 0xff, 0xff
	}
	return rgbOf(c.Foreground)
}

func (c *Colors) bg() (r, g, b uint8) {
	if c.Background == nil {
		return 0, 0, 0
	}
	return rgbOf(c.Background)
}

func rgbOf(c color.Color) (r, g, b uint8) {
	cr, cg, cb, _ := c.RGBA()
	return uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8)
}

// xparseColor is a colour as xterm reports it: rgb:rrrr/gggg/bbbb, each
// 8-bit component repeated to 16 bits.
func xparseColor(r, g, b uint8) string {
	const hex = "0123456789abcdef"
	out := []byte("rgb:")
	for i, v := range [3]uint8{r, g, b} {
		if i > 0 {
			out = append(out, '/')
		}
		h := [2]byte{hex[v>>4], hex[v&15]}
		out = append(out, h[0], h[1], h[0], h[1])
	}
	return string(out)
}

// colorReply answers OSC 10, 11 and 12 ("?" as their argument), and OSC 4's
// index;? pairs; anything that sets a colour is not answered (and not
// applied: the pane's colours are the outer terminal's).
func (e *emulator) colorReply(cmd int, arg []byte) {
	c := &e.colors
	switch cmd {
	case 10, 11, 12:
		if string(arg) != "?" {
			return
		}
		r, g, b := c.fg()
		if cmd == 11 {
			r, g, b = c.bg()
		}
		e.reply("\x1b]" + strconv.Itoa(cmd) + ";" + xparseColor(r, g, b) + "\a")
	case 4:
		// index;spec pairs; each "?" spec is answered in its own reply, as
		// xterm does.
		for len(arg) > 0 {
			i := indexByte(arg, ';')
			if i < 0 {
				return
			}
			idx, spec := arg[:i], arg[i+1:]
			if j := indexByte(spec, ';'); j >= 0 {
				spec, arg = spec[:j], spec[j+1:]
			} else {
				arg = nil
			}
			n, err := strconv.Atoi(string(idx))
			if err != nil || n < 0 || n > 255 || string(spec) != "?" {
				continue
			}
			r, g, b := c.paletteRGB(n)
			e.reply("\x1b]4;" + strconv.Itoa(n) + ";" + xparseColor(r, g, b) + "\a")
		}
	}
}
