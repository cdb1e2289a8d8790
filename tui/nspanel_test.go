package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/nslab/nslab/lab"
)

// TestNamespacesAtEverySize: at the smallest screen of each layout, and with
// the namespaces tab chosen where the panels are tabs, every namespace type
// shows with both its numbers, and the compact summary on the strip's border
// is whole (no "…").
func TestNamespacesAtEverySize(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {119, 35}, {120, 36}, {160, 48}, {200, 45}, {250, 70}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m, fl := newTestModel(t, Options{})
			s := fl.State()
			s.NS.NS[lab.NSPIDForChildren] = 4026532600 // after unshare --pid without --fork
			m.Update(stateMsg{state: s})
			run(m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			if m.lay.Mode == modeCompact {
				// The summary is on the border while another tab shows.
				border := strings.Split(ansi.Strip(m.View().Content), "\n")[m.lay.Strip.Y+m.lay.Strip.H-1]
				if strings.Contains(border, "…") || !strings.Contains(border, "pid↓≠") || strings.Contains(border, "time↓") {
					t.Errorf("the summary should be whole, with pid↓ (which differs from pid) and without time↓ (which does not): %q", border)
				}
				m.tab = targetNSPanel
				m.chromeGen++
			}
			frame := ansi.Strip(m.View().Content)
			for _, ty := range lab.NSTypes {
				h, n := s.Host.NS[ty], s.NS.NS[ty]
				sym := symEqual
				if h != n {
					sym = symUnequal
				}
				want := fmt.Sprintf("%-6s %d %s %d", nsLabel(ty), h, sym, n)
				if !strings.Contains(frame, want) {
					t.Errorf("no %q on screen:\n%s", want, frame)
				}
			}
			if !strings.Contains(frame, symForChildren+" for children") {
				t.Errorf("nothing says what ↓ means:\n%s", frame)
			}
		})
	}
}

func TestNSOrder(t *testing.T) {
	var got []string
	for _, ty := range nsOrder() {
		got = append(got, nsLabel(ty))
	}
	want := "mnt pid pid↓ uts ipc net user cgroup time time↓"
	if strings.Join(got, " ") != want {
		t.Errorf("panel order %q, want %q", strings.Join(got, " "), want)
	}
	if len(got) != len(lab.NSTypes) {
		t.Errorf("%d types in the panel, the lab has %d", len(got), len(lab.NSTypes))
	}
}

// Rootless, the namespace panel says the user row is nslab's own namespace, in the
// language asked for; as root it says nothing of the kind.
func TestNamespacesSayRootless(t *testing.T) {
	for _, tt := range []struct {
		opts Options
		want string
	}{
		{Options{Rootless: true}, "user: nslab's own, rootless"},
		{Options{Rootless: true, Lang: "ko"}, "user: sudo 없이 nslab이 만든 네임스페이스"},
		{Options{}, ""},
	} {
		m, fl := newTestModel(t, tt.opts)
		m.Update(stateMsg{state: fl.State()})
		run(m, tea.WindowSizeMsg{Width: 200, Height: 45})
		frame := ansi.Strip(m.View().Content)
		if tt.want == "" {
			if strings.Contains(frame, "rootless") {
				t.Errorf("as root the panel speaks of rootless:\n%s", frame)
			}
			continue
		}
		if !strings.Contains(frame, tt.want) {
			t.Errorf("%s: no %q on screen:\n%s", tt.opts.Lang, tt.want, frame)
		}
	}
}
