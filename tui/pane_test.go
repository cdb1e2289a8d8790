package tui

import (
	"io"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/scenarios"
	"github.com/nslab/nslab/tui/term"
)

// TestPaneTitle: a pane's title says which process its panels follow and,
// when that process is chrooted, where; what does not fit gives way in a
// fixed order, the mount namespace last.
func TestPaneTitle(t *testing.T) {
	s := sampleState().NS
	chrooted := s
	chrooted.PID, chrooted.Comm, chrooted.Chrooted, chrooted.Root = 4300, "sh", true, "/tmp/nslab/rootfs"
	noShell := lab.Snapshot{Pane: lab.NS}
	for _, tc := range []struct {
		name    string
		snap    lab.Snapshot
		focused bool
		room    int
		lang    scenarios.Lang
		want    string
	}{
		{"wide", s, false, 80, scenarios.EN, "ns · follows bash(4250) mnt:[4026532377]"},
		{"focused", s, true, 80, scenarios.EN, "● ns · follows bash(4250) mnt:[4026532377]"},
		{"korean", s, false, 80, scenarios.KO, "ns · 추적 중 bash(4250) mnt:[4026532377]"},
		{"no room for follows", s, false, 36, scenarios.EN, "ns · bash(4250) mnt:[4026532377]"},
		{"no room for the dots", s, false, 31, scenarios.EN, "ns bash(4250) mnt:[4026532377]"},
		{"no room for the process", s, false, 25, scenarios.EN, "ns mnt:[4026532377]"},
		{"chrooted", chrooted, false, 80, scenarios.EN, "ns · follows sh(4300) mnt:[4026532377] · chroot /tmp/nslab/rootfs"},
		{"chrooted, no room for the path", chrooted, false, 50, scenarios.EN, "ns · sh(4300) mnt:[4026532377] chroot"},
		{"no shell", noShell, false, 80, scenarios.EN, "ns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wd := wordsFor(tc.lang)
			p := &paneView{role: lab.NS}
			got := ansi.Strip(p.title(NewStyles(Dark, false), &wd, tc.focused, tc.snap, tc.room))
			if got != tc.want {
				t.Errorf("title %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPaneViewFollowsChanges draws a pane again and again while what its
// borders show changes (kept between frames, drawn again only then): each
// frame is what a pane drawn afresh shows.
func TestPaneViewFollowsChanges(t *testing.T) {
	st, wd := NewStyles(Dark, false), wordsFor(scenarios.EN)
	snap := sampleState().NS
	chrooted := snap
	chrooted.PID, chrooted.Comm, chrooted.Chrooted, chrooted.Root = 4300, "sh", true, "/tmp/nslab/rootfs"
	kept := newPaneView(lab.NS, nil, term.New(io.Discard, term.Options{Cols: 40, Rows: 6, Scrollback: 100}))
	defer kept.term.Close()
	box := rect{X: 3, Y: 1, W: 42, H: 8}
	kept.SetSize(box)
	steps := []struct {
		name            string
		do              func()
		focused, zoomed bool
		snap            lab.Snapshot
	}{
		{"first", func() {}, false, false, snap},
		{"output", func() { kept.term.Write([]byte("hello\r\n")) }, false, false, snap},
		{"focused", func() {}, true, false, snap},
		{"zoomed", func() {}, true, true, snap},
		{"chrooted", func() {}, true, true, chrooted},
		{"scrolled up", func() {
			kept.term.Write([]byte(strings.Repeat("line\r\n", 20)))
			kept.term.ScrollBy(3)
		}, true, true, chrooted},
		{"back", func() { kept.term.ScrollToLive() }, false, false, snap},
		{"exited", func() { kept.exited(1) }, false, false, snap},
		{"moved", func() { kept.box.X = 0 }, false, false, snap},
	}
	for _, s := range steps {
		s.do()
		got := kept.View(st, &wd, s.focused, s.zoomed, s.snap)
		fresh := *kept
		fresh.drawn = paneDrawn{}
		want := fresh.View(st, &wd, s.focused, s.zoomed, s.snap)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%s: the pane drawn again shows\n%s\nwant, drawn afresh:\n%s", s.name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestTypingKeepsTheChrome: a key typed into the focused pane leaves the
// chrome (panels, help bar) as drawn, to be drawn again only when something
// else changes; a key of the lab's own, or one after Ctrl-g, draws it again.
func TestTypingKeepsTheChrome(t *testing.T) {
	m, _ := newTestModel(t, Options{})
	m.View()
	gen := m.chromeGen
	m.Update(typeKey('x'))
	if m.chromeGen != gen {
		t.Errorf("typing x into the pane moved the chrome from generation %d to %d", gen, m.chromeGen)
	}
	m.Update(press(tea.KeyF2, 0))
	if m.chromeGen == gen {
		t.Error("F2 (focus to a panel) left the chrome as it was")
	}
}
