package main

import (
	"strings"
	"testing"
)

// A lesson starts on a clean pane screen headed by a rule naming it: the previous
// lesson's output is gone from the screen (into the scrollback), so what the panes show
// and their titles' mnt:[…] belong to the same, fresh lab.
func TestE2ELessonStartsOnACleanScreen(t *testing.T) {
	requireTmux(t)
	r := startTmux(t, 160, 48, nslabBin+" walkthrough ns-identity mount-copy")
	// Through the first lesson, one F5 at a time: each press waits for the bar's
	// title and status to change, so no press lands on the second lesson.
	for i := 0; ; i++ {
		if i > 40 {
			t.Fatalf("the second lesson did not start after 40 presses of F5:\n%s", r.screen())
		}
		s := r.waitScreen("a step ready or passed, or the second lesson", func(s string) bool {
			return strings.Contains(s, "lesson 2/2") || strings.Contains(s, "f5 run") ||
				strings.Contains(s, "f5 next") || strings.Contains(s, "f5 check and go on") || strings.Contains(s, "✗ failed")
		})
		if strings.Contains(s, "✗ failed") {
			t.Fatalf("a step of the first lesson failed:\n%s", s)
		}
		if strings.Contains(s, "lesson 2/2") {
			break
		}
		bar := strings.SplitN(s, "\n", 2)[0]
		r.keys("F5")
		r.waitScreen("the bar to move on from "+strings.TrimSpace(bar), func(s string) bool { return strings.SplitN(s, "\n", 2)[0] != bar })
	}
	s := r.waitScreen("the second lesson's first step, ready, with both prompts", func(s string) bool {
		return strings.Contains(s, "step 1/") && strings.Contains(s, "f5 run") &&
			strings.Contains(s, "[host] ~ #") && strings.Contains(s, "[ns] ~ #")
	})
	for _, right := range []bool{false, true} {
		var rows []string
		in := false
		for _, line := range strings.Split(column(s, right), "\n") {
			switch {
			case strings.ContainsAny(line, "┏╭") && strings.Contains(line, "mnt:["):
				in = true
			case in && strings.ContainsAny(line, "┗╰"):
				in = false
			case in:
				if l := strings.Trim(line, " ┃│"); l != "" {
					rows = append(rows, l)
				}
			}
		}
		// The rule (one line, or two where the title wraps), then the prompt.
		if n := len(rows); n < 2 || n > 3 || !strings.HasPrefix(rows[0], "── lesson 2/2 · mount-copy · ") ||
			!strings.HasSuffix(rows[n-1], "~ #") {
			t.Errorf("pane (right %v) shows %q, want the second lesson's rule and a prompt alone:\n%s", right, rows, s)
		}
	}
	// The first lesson is in the host pane's scrollback.
	r.keys("S-PPage")
	r.waitFor("── lesson 1/2 · ns-identity")
	r.quitAndCheck(nil)
}
