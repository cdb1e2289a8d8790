package tui

import (
	"math/rand/v2"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/scenarios"
)

// run feeds msg to the model and then every message its commands produce,
// except commands that wait on channels (tests never start those).
func run(m *Model, msg tea.Msg) {
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		msg, queue = queue[0], queue[1:]
		_, cmd := m.Update(msg)
		queue = append(queue, expand(cmd)...)
	}
}

func expand(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, expand(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// TestResizeStorm: random sizes, tiny, huge and zero among them, in every
// mode; no panic, every frame exactly the terminal's size, and the ptys end at
// the last layout's size.
func TestResizeStorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := [][2]int{{0, 0}, {1, 1}, {-5, -5}, {80, 24}, {79, 23}, {5000, 3000}, {2, 300}, {300, 2}}
	for range 200 {
		sizes = append(sizes, [2]int{rng.IntN(280), rng.IntN(90)})
	}
	for _, mode := range []string{"free", "walkthrough", "zoomed", "help"} {
		t.Run(mode, func(t *testing.T) {
			m, fl := newTestModel(t, Options{})
			switch mode {
			case "walkthrough":
				sl := &fakeScenarioLab{lab: fl}
				m.walk = newWalkthrough(m.ctx, []scenarios.Scenario{sampleScenario(t)}, sl, "", nil, 0)
				run(m, m.walk.start()())
			case "zoomed":
				run(m, press('z', tea.ModAlt))
			case "help":
				run(m, press(tea.KeyF1, 0))
			}
			var late []tea.Cmd
			for _, sz := range sizes {
				w, h := sz[0], sz[1]
				// The pty resizes finish later, after more sizes came in.
				_, cmd := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
				late = append(late, cmd)
				f := m.View().Content
				if w <= 0 || h <= 0 {
					if f != "" {
						t.Fatalf("%d×%d: frame %q, want nothing", w, h, f)
					}
					continue
				}
				if w > 1000 || h > 1000 {
					continue // checking a frame this large cell by cell takes long; drawing it did not panic
				}
				requireSize(t, f, w, h)
			}
			// Settle: the last size comes, then the late resizes finish in
			// any order; the last size is the one that sticks.
			m.Update(tea.WindowSizeMsg{Width: 137, Height: 41})
			rng.Shuffle(len(late), func(i, j int) { late[i], late[j] = late[j], late[i] })
			for _, cmd := range late {
				for _, msg := range expand(cmd) {
					run(m, msg)
				}
			}
			for i, r := range lab.Roles {
				rect := m.lay.Parts[target(i)]
				if rect.empty() {
					continue
				}
				in := rect.inner()
				if c, rows := fl.panes[r].size(); c != in.W || rows != in.H {
					t.Errorf("%s pty is %d×%d, want %d×%d", r, c, rows, in.W, in.H)
				}
				if c, rows := m.panes[i].term.Size(); c != in.W || rows != in.H {
					t.Errorf("%s terminal is %d×%d, want %d×%d", r, c, rows, in.W, in.H)
				}
			}
		})
	}
}

// TestResizeStormProgram sends a storm of sizes through a running program.
func TestResizeStormProgram(t *testing.T) {
	h := startHarness(t, 100, 30, Options{})
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		h.tm.Send(tea.WindowSizeMsg{Width: rng.IntN(260), Height: rng.IntN(80)})
	}
	h.send(tea.WindowSizeMsg{Width: 91, Height: 27})
	requireSize(t, h.frame(), 91, 27)
}
