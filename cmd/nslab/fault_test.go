package main

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nslab/nslab/lab/labtest"
)

// The fault suite: nslab under abuse, through a real terminal. Each leaves the machine as
// found. Figures (Ctrl-C time, CPU) are logged, not asserted: speed belongs to bench/run.sh.

// labOf finds the lab init started by the nslab process pid and returns the processes of
// its PID namespace (by pid and start time).
func labOf(t *testing.T, nslab int) []labtest.Proc {
	t.Helper()
	kids, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", nslab))
	for _, k := range kids {
		b, _ := os.ReadFile(k)
		for _, f := range strings.Fields(string(b)) {
			pid, _ := strconv.Atoi(f)
			cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			if strings.Contains(string(cmd), "__nslab-lab-init") {
				return labtest.PIDNamespaceOf(pid)
			}
		}
	}
	t.Fatalf("no lab init under nslab %d", nslab)
	return nil
}

// runIn types a command into the focused pane and waits for its marker line.
func (r *tmuxRun) runIn(cmd, marker string) string {
	r.t.Helper()
	r.text(cmd)
	r.keys("Enter")
	return r.waitScreen(fmt.Sprintf("%q after %q", marker, cmd), func(s string) bool {
		return strings.Contains(strings.ReplaceAll(s, cmd, ""), marker)
	})
}

func startLabInTmux(t *testing.T, cols, rows int) *tmuxRun {
	t.Helper()
	r := startTmux(t, cols, rows, nslabBin)
	r.waitScreen("both prompts", func(s string) bool {
		return strings.Contains(s, "[host] ~ #") && strings.Contains(s, "[ns] ~ #")
	})
	return r
}

// The terminal closing (tmux kill-session) ends nslab, and with it every lab process —
// also jobs that ignore SIGHUP — and every lab mount.
func TestFaultTerminalClosed(t *testing.T) {
	requireTmux(t)
	rounds := 3
	if testing.Short() {
		rounds = 1
	}
	for i := 0; i < rounds; i++ {
		r := startLabInTmux(t, 160, 48)
		marker := fmt.Sprintf("held-%d-%d", os.Getpid(), i)
		r.runIn("(trap '' HUP; exec sleep 1000) & mkdir -p /tmp/h && mount -t tmpfs "+marker+" /tmp/h && echo HELD-HOST", "HELD-HOST")
		r.keys("M-Right")
		r.runIn("nohup sleep 1001 >/dev/null 2>&1 & mount -t tmpfs "+marker+"-ns /mnt && echo HELD-NS", "HELD-NS")
		procs := labOf(t, r.panePID())
		if len(procs) < 5 {
			t.Fatalf("lab processes before the end: %v", procs)
		}
		r.tmux("kill-session", "-t", "e2e")
		labtest.WaitGone(t, procs, func() bool { return labtest.AnyMountinfoHas(marker) }, 2*time.Second)
	}
}

// A flood of output in one pane: the other pane still answers, Ctrl-C brings the prompt
// back, memory stays bounded.
func TestFaultFlood(t *testing.T) {
	requireTmux(t)
	if testing.Short() {
		t.Skip("the flood takes a while")
	}
	r := startLabInTmux(t, 160, 48)
	nslab := r.panePID()
	for _, flood := range []string{"yes", "head -c 50000000 /dev/urandom"} {
		r.keys("M-Left")
		r.text(flood)
		r.keys("Enter")
		time.Sleep(2 * time.Second)
		r.keys("M-Right")
		n := rand.Intn(1e6)
		r.runIn(fmt.Sprintf("echo alive-%d", n), fmt.Sprintf("alive-%d", n))
		r.keys("M-Left")
		t0 := time.Now()
		r.keys("C-c")
		// Random bytes hold terminal queries (ESC[6n, ESC[c…) whose answers arrive as
		// input: let them come, then clear the line as a user would with a second Ctrl-C.
		time.Sleep(300 * time.Millisecond)
		r.keys("C-c")
		// They may also have switched the emulator's modes and character sets: reset it
		// (RIS) as a user would with `reset`, then see the prompt answer.
		r.text(fmt.Sprintf("printf '\\033c'; echo back-%d", n))
		r.keys("Enter")
		r.waitScreen("the prompt back after "+flood, func(s string) bool {
			return strings.Contains(column(s, false), fmt.Sprintf("back-%d", n)) && strings.HasSuffix(lastPaneLine(column(s, false)), "[host] ~ #")
		})
		t.Logf("%s: Ctrl-C to a working prompt took %v (bench/run.sh times Ctrl-C alone)", flood, time.Since(t0))
	}
	rss := rssMB(nslab)
	t.Logf("nslab RSS after the floods: %d MB", rss)
	if rss > maxFloodRSS {
		t.Fatalf("nslab holds %d MB after the floods; memory must stay bounded (≤ %d MB)", rss, maxFloodRSS)
	}
	r.quitAndCheck(nil)
}

// maxFloodRSS bounds nslab's memory after a flood: scrollback is bounded, so memory is.
const maxFloodRSS = 400

func rssMB(pid int) int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return kb / 1024
		}
	}
	return 0
}

// 500 random sizes while output flows: no panic, and the final frame is whole.
func TestFaultResizeStorm(t *testing.T) {
	requireTmux(t)
	r := startLabInTmux(t, 160, 48)
	r.text("yes 'output flows'")
	r.keys("Enter")
	// The storm starts once the output flows (keys typed while the screen is too small to
	// draw are not the point here).
	r.waitScreen("the flood", func(s string) bool { return strings.Count(s, "output flows") > 5 })
	rng := rand.New(rand.NewSource(1))
	n := 500
	if testing.Short() {
		n = 60
	}
	for i := 0; i < n; i++ {
		r.tmux("resize-window", "-t", "e2e", "-x", strconv.Itoa(1+rng.Intn(260)), "-y", strconv.Itoa(1+rng.Intn(75)))
	}
	r.tmux("resize-window", "-t", "e2e", "-x", "120", "-y", "40")
	// tmux tells nslab the last size a little late: wait for a frame drawn at it.
	r.waitScreen("a frame at 120×40", func(s string) bool {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		return len(lines) == 40 && utf8.RuneCountInString(lines[0]) == 120
	})
	r.keys("C-c")
	if r.paneDead() {
		t.Fatalf("nslab died in the resize storm:\n%s", r.screen())
	}
	s := r.waitScreen("the prompt at 120×40", func(s string) bool {
		return strings.HasSuffix(lastPaneLine(column(s, false)), "[host] ~ #")
	})
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) != 40 {
		t.Fatalf("the frame has %d rows at 120×40:\n%s", len(lines), s)
	}
	for i, line := range lines[:len(lines)-1] { // the last row is the help bar
		if w := utf8.RuneCountInString(line); w > 120 {
			t.Errorf("row %d is %d columns wide at 120×40: %q", i, w, line)
		}
		if first, _ := utf8.DecodeRuneInString(line); !strings.ContainsRune("┏┃┗╭│╰", first) {
			t.Errorf("row %d does not start with a box border (garbage left by the storm?): %q", i, line)
		}
	}
	r.quitAndCheck(nil)
}

var mountCount = regexp.MustCompile(`(\d+) rows? · \d+ pseudo hidden|(\d+) · \d+ pseudo hidden`)

// 1,000 bind mounts, then mount/umount at about 50 Hz for 10 s: the panel keeps up, the CPU
// stays bounded, the other pane answers keys.
func TestFaultMountStorm(t *testing.T) {
	requireTmux(t)
	if testing.Short() {
		t.Skip("the storm takes a while")
	}
	r := startLabInTmux(t, 200, 50)
	nslab := r.panePID()
	r.runIn("for i in $(seq 1000); do mkdir -p /tmp/st/$i && mount --bind /tmp/st/$i /tmp/st/$i || break; done; echo STORM-READY", "STORM-READY")
	r.waitScreen("a thousand mounts in the panel", func(s string) bool {
		m := mountCount.FindStringSubmatch(s)
		if m == nil {
			return false
		}
		n, _ := strconv.Atoi(m[1] + m[2])
		return n >= 1000
	})
	cpu0, t0 := cpuNanos(nslab), time.Now()
	r.text("for i in $(seq 500); do mount -t tmpfs storm /tmp/s 2>/dev/null || mkdir -p /tmp/s; umount /tmp/s 2>/dev/null; sleep 0.02; done; echo STORM-DONE")
	r.keys("Enter")
	time.Sleep(3 * time.Second)
	r.keys("M-Right")
	r.runIn("echo pong", "pong")
	r.keys("M-Left")
	r.waitScreen("the storm's end", func(s string) bool {
		return strings.Contains(strings.ReplaceAll(s, "echo STORM-DONE", ""), "STORM-DONE")
	})
	share := float64(cpuNanos(nslab)-cpu0) / float64(time.Since(t0))
	t.Logf("nslab used %.0f %% of a core during the storm (%v)", share*100, time.Since(t0).Round(time.Millisecond))
	if share > 0.9 {
		t.Errorf("nslab used %.0f %% of a core during a 50 Hz mount storm", share*100)
	}
	// The panel caught up: no row for the storm's mount point (a diff row starts with its
	// class marker; the event log keeps the history with + and −).
	stormRow := regexp.MustCompile(`[=◀▶≠] /tmp/s\s`)
	r.waitScreen("the panel without the storm's mount", func(s string) bool { return !stormRow.MatchString(s) })
	r.quitAndCheck(nil)
}

func cpuNanos(pid int) int64 {
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var total int64
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if fs := strings.Fields(string(b)); len(fs) > 0 {
			n, _ := strconv.ParseInt(fs[0], 10, 64)
			total += n
		}
	}
	return total
}
