package tui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/scenarios"
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
