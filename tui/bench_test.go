package tui

import (
	"fmt"
	"io"
	"slices"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
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

// BenchmarkMountPanel is the cost of one mount change to the mount panel
// with 10,000 and 100,000 mounts on each side: the state changes by one mount
// (a new copy of the host's table, as the lab hands out) and the panel draws
// it; as a list, as a tree, and with the ns pane chrooted.
func BenchmarkMountPanel(b *testing.B) {
	for _, c := range []struct {
		n            int
		tree, chroot bool
	}{{10000, false, false}, {10000, true, false}, {10000, false, true}, {100000, false, false}} {
		b.Run(fmt.Sprintf("mounts=%d/tree=%v/chroot=%v", c.n, c.tree, c.chroot), func(b *testing.B) {
			host, ns := sampleTables()
			for i := range c.n {
				host = append(host, mount(1000+i, 105, fmt.Sprintf("/tmp/st/%d", i), "tmpfs", "st", private))
				ns = append(ns, mount(200000+i, 205, fmt.Sprintf("/tmp/st/%d", i), "tmpfs", "st", private))
			}
			more := append(slices.Clone(host), mount(999999, 105, "/tmp/st/5000x", "tmpfs", "probe", private))
			s := sampleState()
			s.Host.Mounts, s.NS.Mounts = host, ns
			if c.chroot {
				s.NS.Chrooted, s.NS.Root = true, "/tmp/st/5"
			}
			diffs := [2][]mnt.DiffRow{mnt.Diff(host, ns), mnt.Diff(more, ns)}
			tables := [2][]mnt.Mount{host, more}
			hl := newHighlights()
			st := NewStyles(Dark, false)
			d := englishData(s, &hl)
			p := diffPanel{tree: c.tree}
			p.SetSize(90, 20)
			_ = p.lines(st, d, 90, 20) // the first draw formats every row
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				// Another state each time, as after each change: no memo.
				d.state.Diff = diffs[i%2]
				d.state.Host.Mounts = tables[i%2]
				d.state.Seq++
				_ = p.lines(st, d, 90, 20)
				_ = p.status(st, d)
			}
		})
	}
}

// BenchmarkMountEvent is the UI's whole cost of one mount at 10,000 and 100,000
// mounts: the event and the new state through Update (event log, highlights,
// panels), then the frame. As in the lab, the host table grows in place (a
// mount event appends to it) and a Differ diffs it; the Differ's own cost is
// BenchmarkDifferAppend's, left out here.
func BenchmarkMountEvent(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("mounts=%d", n), func(b *testing.B) {
			m, _ := newTestModel(b, Options{})
			m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
			base, ns := sampleTables()
			for i := range n {
				base = append(base, mount(1000+i, 105, fmt.Sprintf("/tmp/st/%d", i), "tmpfs", "st", private))
				ns = append(ns, mount(200000+i, 205, fmt.Sprintf("/tmp/st/%d", i), "tmpfs", "st", private))
			}
			const room = 1024
			var host []mnt.Mount
			var d mnt.Differ
			seq := uint64(1)
			next := 0
			state := func() lab.State {
				s := sampleState()
				s.Host.Mounts, s.NS.Mounts = host, ns
				s.Diff = d.Diff(host, ns)
				seq++
				s.Seq = seq
				return s
			}
			fill := func() {
				host = append(make([]mnt.Mount, 0, len(base)+room), base...)
				d = mnt.Differ{}
				m.Update(stateMsg{state: state()})
				_ = m.View()
			}
			fill()
			b.ResetTimer()
			for range b.N {
				if len(host) == cap(host) {
					b.StopTimer()
					fill()
					b.StartTimer()
				}
				next++
				probe := mount(900000+next, 105, fmt.Sprintf("/tmp/st/%d/probe", next*7919%n), "tmpfs", "probe", private)
				host = append(host, probe)
				b.StopTimer()
				s := state()
				b.StartTimer()
				m.Update(labEventsMsg{events: []lab.Event{{Time: fixedNow, Pane: lab.Host, Kind: lab.MountAdded, Mount: &probe}}, state: s})
				_ = m.View()
			}
		})
	}
}

// keystrokeModel is a 200×50 screen with both panes full of lines and the
// host pane's prompt last, as before a key is typed.
func keystrokeModel(b *testing.B) (*Model, *fakeLab) {
	m, fl := newTestModel(b, Options{})
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	for i := range 30 {
		fl.panes[lab.Host].output(fmt.Sprintf("\x1b[32mline\x1b[0m %d of some output that fills the pane\r\n", i))
		fl.panes[lab.NS].output(fmt.Sprintf("line %d\r\n", i))
	}
	fl.panes[lab.Host].output("[host] ~ # ")
	return m, fl
}

// BenchmarkViewKeystroke is the cost of the frame's lines (what Run hands to
// the screen) after a keystroke's echo at 200×50: one cell of one pane
// changed (an x typed, then erased), the rest of the screen as drawn before;
// and of the lines when nothing changed.
func BenchmarkViewKeystroke(b *testing.B) {
	m, fl := keystrokeModel(b)
	_ = m.frameLines(nil)
	b.Run("echo", func(b *testing.B) {
		for i := range b.N {
			if i%2 == 0 {
				fl.panes[lab.Host].output("x")
			} else {
				fl.panes[lab.Host].output("\b \b")
			}
			_ = m.frameLines(nil)
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		for range b.N {
			_ = m.frameLines(nil)
		}
	})
}

// BenchmarkScreenKeystroke is what the screen's drawing goroutine does with
// the frame after a keystroke's echo at 200×50: find the changed line, parse
// it and write the changed cell.
func BenchmarkScreenKeystroke(b *testing.B) {
	m, fl := keystrokeModel(b)
	var frames [2]frame
	for i, echo := range []string{"x", "\b \b"} {
		fl.panes[lab.Host].output(echo)
		frames[i] = m.screenFrame() // as Run hands it over
	}
	s := newScreen(io.Discard, screenOptions{Profile: colorprofile.TrueColor, Cols: 200, Rows: 50})
	if err := s.drawFrame(frames[1], false, false); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if err := s.drawFrame(frames[i%2], false, false); err != nil {
			b.Fatal(err)
		}
	}
}
