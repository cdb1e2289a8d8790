package tui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/nslab/nslab/lab"
)

// BenchmarkView is the cost of drawing one full frame, both panes full of
// text, at several sizes.
func BenchmarkView(b *testing.B) {
	for _, sz := range [][2]int{{100, 30}, {160, 48}, {250, 70}} {
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			m, fl := newTestModel(b, Options{})
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			for i := range 200 {
				fl.panes[lab.Host].output(fmt.Sprintf("\x1b[32mline\x1b[0m %d of some output that fills the pane\r\n", i))
				fl.panes[lab.NS].output(fmt.Sprintf("line %d\r\n", i))
			}
			b.ResetTimer()
			for range b.N {
				_ = m.View()
			}
		})
	}
}
