package main

import (
	"encoding/hex"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// A full-screen program in a pane gets the keys the lab uses at a prompt: htop's own F10
// ends htop, not the lab; the lab's keys work after Ctrl-g; F10 asks while htop runs, and
// while less runs after seq in seq | less; the wheel scrolls less (arrow keys on the
// alternate screen).
func TestE2EKeysReachFullScreenPrograms(t *testing.T) {
	requireTmux(t)
	if _, err := exec.LookPath("htop"); err != nil {
		t.Skip("htop is not installed (scripts/deps.sh installs it)")
	}
	before := mountTable(t)
	r := startTmux(t, 160, 48, nslabBin)
	r.waitScreen("both prompts", func(s string) bool {
		return strings.Contains(s, "[host] ~ #") && strings.Contains(s, "[ns] ~ #")
	})
	title := func(s string) string { return strings.SplitN(s, "\n", 2)[0] }

	r.text("htop")
	r.keys("Enter")
	r.waitScreen("htop, and the help bar saying the lab's keys come after ctrl+g", func(s string) bool {
		return strings.Contains(s, "F9Kill") && strings.Contains(lastLine(s), "ctrl+g then:")
	})

	// Ctrl-g, then F2: the lab moves the focus to the ns pane; htop saw neither key.
	r.keys("C-g", "F2")
	r.waitScreen("the focus on the ns pane", func(s string) bool {
		return strings.Contains(title(s), "● ns") && strings.Contains(s, "F9Kill")
	})

	// F10 there is the lab's, and htop runs in the host pane: the lab asks, naming it.
	r.keys("F10")
	r.waitFor("Still running: htop (host pane). Quit and end the lab?")
	r.keys("n")
	r.waitScreen("the question gone, the lab still there", func(s string) bool {
		return !strings.Contains(s, "Still running") && strings.Contains(s, "F9Kill")
	})
	if r.paneDead() {
		t.Fatalf("n ended nslab:\n%s", r.screen())
	}

	// Back in the host pane, F10 is htop's: htop ends, the lab stays.
	r.keys("M-Left")
	r.waitScreen("the focus on the host pane", func(s string) bool { return strings.Contains(title(s), "● host") })
	r.keys("F10")
	s := r.waitScreen("the host prompt after htop", func(s string) bool {
		return !strings.Contains(s, "F9Kill") && strings.HasSuffix(lastPaneLine(column(s, false)), "[host] ~ #")
	})
	if r.paneDead() || strings.Contains(s, "Still running") {
		t.Fatalf("F10 in htop reached the lab:\n%s", s)
	}

	// The wheel over less: three lines a notch, down and back up.
	r.text("seq 1 200 | less")
	r.keys("Enter")
	top := func(s string) string {
		rows := strings.Split(column(s, false), "\n")
		return strings.Trim(rows[1], " ┃│")
	}
	r.waitScreen("less at the first line", func(s string) bool { return top(s) == "1" && strings.Contains(s, "\n┃2 ") })
	wheel := func(button int) {
		// An SGR mouse report, as a terminal sends it, at column 10, row 5: in the host pane.
		r.tmux(append([]string{"send-keys", "-t", "e2e", "-H"}, hexBytes(fmt.Sprintf("\x1b[<%d;10;5M", button))...)...)
	}
	wheel(65) // down
	r.waitScreen("less scrolled down three lines", func(s string) bool { return top(s) == "4" })
	wheel(65)
	r.waitScreen("less scrolled down three more", func(s string) bool { return top(s) == "7" })
	wheel(64) // up
	r.waitScreen("less scrolled back up three lines", func(s string) bool { return top(s) == "4" && strings.Contains(s, "\n┃5 ") })
	// seq has ended, less runs on in the pipeline's group: the lab asks before quitting.
	r.keys("C-g", "F10")
	r.waitFor("Still running: less (host pane). Quit and end the lab?")
	r.keys("n")
	r.waitScreen("the question gone", func(s string) bool { return !strings.Contains(s, "Still running") })
	r.text("q")
	r.waitScreen("the host prompt after less", func(s string) bool {
		return strings.HasSuffix(lastPaneLine(column(s, false)), "[host] ~ #")
	})

	// Both shells idle: F10 quits at once, and the lab is gone.
	r.quitAndCheck(before)
}

// lastLine is the screen's last non-empty line (nslab's help bar).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n "), "\n")
	return lines[len(lines)-1]
}

// hexBytes spells s as tmux send-keys -H takes it: one hex byte per argument.
func hexBytes(s string) []string {
	var parts []string
	for _, b := range []byte(s) {
		parts = append(parts, hex.EncodeToString([]byte{b}))
	}
	return parts
}
