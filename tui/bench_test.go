package tui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
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

// BenchmarkMountPanel is the cost of building and drawing the mount panel's
// view of 10,000 mounts on each side (a bind storm), as a list and as a
// tree, once per change of the state.
func BenchmarkMountPanel(b *testing.B) {
	host, ns := sampleTables()
	for i := range 10000 {
		host = append(host, mount(1000+i, 105, fmt.Sprintf("/tmp/st/%d", i), "tmpfs", "st", private))
		ns = append(ns, mount(20000+i, 205, fmt.Sprintf("/tmp/st/%d", i), "tmpfs", "st", private))
	}
	s := sampleState()
	s.Host.Mounts, s.NS.Mounts = host, ns
	s.NS.Chrooted, s.NS.Root = true, "/tmp/st/5"
	diff := mnt.Diff(host, ns)
	for _, tree := range []bool{false, true} {
		b.Run(fmt.Sprintf("tree=%v", tree), func(b *testing.B) {
			hl := newHighlights()
			st := NewStyles(Dark, false)
			for range b.N {
				s.Diff = append([]mnt.DiffRow(nil), diff...) // a new state: no memo
				p := diffPanel{tree: tree}
				p.SetSize(90, 20)
				_ = p.lines(st, englishData(s, &hl), 90, 20)
			}
		})
	}
}
