// Command ansi2svg turns a terminal capture with colours (`tmux capture-pane -e -p`) into an
// SVG picture, through nslab's own terminal emulator, for the README.
//
//	tmux capture-pane -e -p -t SESSION | go run ./scripts/ansi2svg -cols 120 -rows 36 > docs/lab.svg
package main

import (
	"bufio"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"strings"

	"github.com/nslab/nslab/tui/term"
)

func main() {
	cols := flag.Int("cols", 120, "columns of the capture")
	rows := flag.Int("rows", 36, "rows of the capture")
	title := flag.String("title", "nslab", "the picture's title (for screen readers)")
	flag.Parse()
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ansi2svg:", err)
		os.Exit(1)
	}
	t := term.New(io.Discard, term.Options{Cols: *cols, Rows: *rows})
	defer t.Close()
	// A capture separates lines with bare newlines; the emulator wants CR LF.
	t.Write([]byte(strings.ReplaceAll(strings.TrimRight(string(in), "\n"), "\n", "\r\n")))
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	writeSVG(w, t, *cols, *rows, *title)
}

const (
	cellW, cellH = 8.4, 17.0
	pad          = 12.0
	bgDefault    = "#1b1d23"
	fgDefault    = "#d7dae0"
)

func writeSVG(w io.Writer, t term.Terminal, cols, rows int, title string) {
	width, height := float64(cols)*cellW+2*pad, float64(rows)*cellH+2*pad
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" role="img">`+"\n", width, height, width, height)
	fmt.Fprintf(w, "<title>%s</title>\n", html.EscapeString(title))
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" rx="8" fill="%s"/>`+"\n", bgDefault)
	fmt.Fprintln(w, `<g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14" xml:space="preserve">`)
	for y := 0; y < rows; y++ {
		for x := 0; x < cols; {
			c := t.Cell(x, y)
			// A run of cells with one style becomes one <text>.
			run, st, n := strings.Builder{}, c.Style, 0
			for x+n < cols {
				d := t.Cell(x+n, y)
				if d.Style != st {
					break
				}
				run.WriteString(d.Content)
				n++
			}
			fg, bg := colour(st.Fg, fgDefault), colour(st.Bg, "")
			if st.Attrs&term.Reverse != 0 {
				fg, bg = colour(st.Bg, bgDefault), colour(st.Fg, fgDefault)
			}
			px, py := pad+float64(x)*cellW, pad+float64(y)*cellH
			if bg != "" {
				fmt.Fprintf(w, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", px, py, float64(n)*cellW, cellH, bg)
			}
			if text := strings.TrimRight(run.String(), " "); text != "" {
				weight := ""
				if st.Attrs&term.Bold != 0 {
					weight = ` font-weight="bold"`
				}
				fmt.Fprintf(w, `<text x="%.1f" y="%.1f" fill="%s"%s textLength="%.1f">%s</text>`+"\n",
					px, py+cellH*0.78, fg, weight, float64(len([]rune(text)))*cellW, html.EscapeString(text))
			}
			x += n
		}
	}
	fmt.Fprintln(w, "</g>\n</svg>")
}

// colour is a cell colour as the picture draws it, def for the default.
func colour(c term.Color, def string) string {
	if h := term.PictureColors.Hex(c); h != "" {
		return h
	}
	return def
}
