package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/scenarios"
	"github.com/nslab/nslab/tui/cast"
	"github.com/nslab/nslab/tui/term"
)

// End-to-end runs of the real binary in a real terminal (tmux), with real shells, typing
// as a user would and reading the screen. Each uses its own tmux server.

type tmuxRun struct {
	t      *testing.T
	socket string
}

func requireTmux(t *testing.T) {
	t.Helper()
	labtest.RequireRoot(t)
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (scripts/deps.sh installs it)")
	}
}

// startTmux runs command in a new tmux server of the given size.
func startTmux(t *testing.T, cols, rows int, command string) *tmuxRun {
	t.Helper()
	requireTmux(t)
	// The server's socket lives in a directory of the test's own: tmux leaves its socket
	// file behind when the server ends, in /tmp/tmux-UID for a -L name.
	dir, err := os.MkdirTemp("", "nslab-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	r := &tmuxRun{t: t, socket: filepath.Join(dir, "tmux.sock")}
	t.Cleanup(func() {
		exec.Command("tmux", "-S", r.socket, "kill-server").Run()
		os.RemoveAll(dir)
	})
	r.tmux("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows), command)
	r.tmux("set-option", "-t", "e2e", "remain-on-exit", "on")
	return r
}

func (r *tmuxRun) tmux(args ...string) string {
	r.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", r.socket}, args...)...).CombinedOutput()
	if err != nil {
		r.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys sends tmux key names (Enter, F10, M-Right…) or literal text with -l.
func (r *tmuxRun) keys(keys ...string) {
	r.tmux(append([]string{"send-keys", "-t", "e2e"}, keys...)...)
}
func (r *tmuxRun) text(s string)  { r.tmux("send-keys", "-t", "e2e", "-l", s) }
func (r *tmuxRun) screen() string { return r.tmux("capture-pane", "-t", "e2e", "-p") }

func (r *tmuxRun) panePID() int {
	out := strings.TrimSpace(r.tmux("display-message", "-t", "e2e", "-p", "#{pane_pid}"))
	pid, err := strconv.Atoi(out)
	if err != nil || pid <= 0 {
		r.t.Fatalf("tmux gave no pane pid: %q", out)
	}
	return pid
}

func (r *tmuxRun) paneDead() bool {
	return strings.TrimSpace(r.tmux("display-message", "-t", "e2e", "-p", "#{pane_dead}")) == "1"
}

// waitScreen waits until ok holds for the screen and returns that screen. It ends on what
// it waits for; labtest.Patience is only there so that a hang fails, showing the last screen.
func (r *tmuxRun) waitScreen(what string, ok func(string) bool) string {
	r.t.Helper()
	return r.waitScreenFor(what, labtest.Patience, ok)
}

// waitScreenFor is waitScreen with another bound, for waits on long commands.
func (r *tmuxRun) waitScreenFor(what string, limit time.Duration, ok func(string) bool) string {
	r.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		s := r.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("waited %v for the screen to show %s; the last screen:\n%s", limit, what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// mountTable reads this process's mount table, to compare before and after a run.
func mountTable(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatalf("read the mount table: %v", err)
	}
	return b
}

func (r *tmuxRun) waitFor(substr string) string {
	r.t.Helper()
	return r.waitScreen(fmt.Sprintf("%q", substr), func(s string) bool { return strings.Contains(s, substr) })
}

// leftPane and rightPane cut the screen's pane rows at the middle column.
func column(screen string, right bool) string {
	var b strings.Builder
	for _, line := range strings.Split(screen, "\n") {
		rs := []rune(line)
		half := len(rs) / 2
		if right {
			b.WriteString(string(rs[min(half, len(rs)):]))
		} else {
			b.WriteString(string(rs[:min(half, len(rs))]))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// quitAndCheck presses F10 and checks nslab ends and leaves no process of its lab and, when
// before is given, the machine's mount table as it was.
func (r *tmuxRun) quitAndCheck(before []byte) {
	r.t.Helper()
	procs := labOf(r.t, r.panePID())
	r.keys("F10")
	deadline := time.Now().Add(labtest.Patience)
	answered := false
	for !r.paneDead() {
		if time.Now().After(deadline) {
			r.t.Fatalf("F10 did not end nslab within %v; the last screen:\n%s", labtest.Patience, r.screen())
		}
		// F10 asks while a pane runs more than its idle shell (a job the panels still
		// follow just after a command ended): yes, once.
		if !answered && strings.Contains(r.screen(), "Quit and end the lab?") {
			r.keys("y")
			answered = true
		}
		time.Sleep(50 * time.Millisecond)
	}
	took := labtest.WaitGone(r.t, procs, nil, labtest.Patience)
	r.t.Logf("the lab was gone %v after nslab ended", took.Round(time.Millisecond))
	if before != nil {
		if after := mountTable(r.t); string(after) != string(before) {
			r.t.Fatalf("the machine's mount table changed:\n%s", after)
		}
	}
}

var mntTitle = regexp.MustCompile(`mnt:\[(\d+)\]`)

func TestE2EFreeFormLab(t *testing.T) {
	requireTmux(t)
	before := mountTable(t)
	r := startTmux(t, 160, 48, nslabBin)
	s := r.waitScreen("both prompts and namespaces", func(s string) bool {
		return strings.Contains(s, "[host] ~ #") && strings.Contains(s, "[ns] ~ #") &&
			len(mntTitle.FindAllString(strings.SplitN(s, "\n", 2)[0], -1)) == 2
	})

	// The two panes report different mount namespaces in their titles.
	ids := mntTitle.FindAllStringSubmatch(strings.SplitN(s, "\n", 2)[0], -1)
	if len(ids) != 2 || ids[0][1] == ids[1][1] {
		t.Fatalf("pane titles should show two different mount namespaces: %q", strings.SplitN(s, "\n", 2)[0])
	}

	// A tmpfs mounted in the host pane shows in the mount panel as host-only…
	r.text("mkdir -p /tmp/mount_test && mount -t tmpfs tmpfs /tmp/mount_test && echo MOUNTED")
	r.keys("Enter")
	r.waitScreen("the tmpfs in the mount panel", func(s string) bool {
		return strings.Contains(s, "MOUNTED") && regexp.MustCompile(`◀ /tmp/mount_test`).MatchString(s)
	})
	// …is not in the ns pane…
	r.keys("M-Right")
	r.text("findmnt /tmp/mount_test; echo rc=$?")
	r.keys("Enter")
	s = r.waitScreen("findmnt's status", func(s string) bool { return regexp.MustCompile(`rc=\d`).MatchString(s) })
	if !strings.Contains(column(s, true), "rc=1") {
		t.Fatalf("the ns pane sees the host pane's tmpfs:\n%s", s)
	}
	// …and never in the real host's mount table.
	if now := mountTable(t); strings.Contains(string(now), "mount_test") {
		t.Fatal("the lab's tmpfs reached the real host")
	}

	// vi opens and quits cleanly in a pane, and the screen comes back.
	r.keys("M-Left")
	r.text("vi /tmp/e2e.txt")
	r.keys("Enter")
	viLines := regexp.MustCompile(`(?m)^┃~ +┃`)
	r.waitScreen("vi", func(s string) bool { return len(viLines.FindAllString(s, -1)) > 5 })
	r.text("ihello from vi")
	r.keys("Escape")
	r.text(":wq")
	r.keys("Enter")
	r.waitScreen("the shell after vi", func(s string) bool {
		return strings.Contains(s, "MOUNTED") && len(viLines.FindAllString(s, -1)) == 0
	})
	r.text("cat /tmp/e2e.txt")
	r.keys("Enter")
	r.waitFor("hello from vi")

	// A shell that exits says so; Enter starts a new one in the same role.
	r.keys("M-Right")
	nsShell := regexp.MustCompile(`ns · (?:follows )?bash\((\d+)\)`)
	old := nsShell.FindStringSubmatch(r.screen())
	if old == nil {
		t.Fatalf("no ns pane title:\n%s", r.screen())
	}
	r.text("exit 3")
	r.keys("Enter")
	// The pane's own footer, not the event log: Enter restarts once the pane knows.
	r.waitFor("exited (3)")
	r.keys("Enter")
	r.waitScreen("a new ns shell", func(s string) bool {
		now := nsShell.FindStringSubmatch(s)
		return now != nil && now[1] != old[1] && strings.HasSuffix(lastPaneLine(column(s, true)), "[ns] ~ #")
	})

	r.quitAndCheck(before)
}

func TestE2ETooSmallAndResize(t *testing.T) {
	requireTmux(t)
	before := mountTable(t)
	r := startTmux(t, 60, 15, nslabBin)
	s := r.waitFor("too small")
	if strings.Count(strings.TrimSpace(s), "\n") != 0 {
		t.Errorf("the too-small message is more than one line:\n%s", s)
	}
	r.tmux("resize-window", "-t", "e2e", "-x", "120", "-y", "40")
	r.waitFor("[host] ~ #")
	r.quitAndCheck(before)
}

// The walkthrough runs a lesson with F5, records it, and the recording holds one marker
// per step and replays to the last screen.
func TestE2EWalkthroughRecorded(t *testing.T) {
	requireTmux(t)
	before := mountTable(t)
	castFile := filepath.Join(t.TempDir(), "lesson.cast")
	r := startTmux(t, 160, 48, nslabBin+" walkthrough ns-identity --record "+castFile)
	steps := len(lessonSteps(t, "ns-identity"))
	for step := 1; step <= steps; step++ {
		at := fmt.Sprintf("step %d/%d", step, steps)
		r.waitScreen(at+" ready", func(s string) bool {
			return strings.Contains(s, at) && strings.Contains(s, "f5")
		})
		r.keys("F5") // run the step
		r.waitScreen(at+" checked", func(s string) bool {
			return strings.Contains(s, "✓ passed") && strings.Contains(s, at)
		})
		if step < steps {
			r.keys("F5") // next step
		}
	}
	last := r.screen()
	r.quitAndCheck(before)

	f, err := os.Open(castFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, evs, err := cast.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	if h.Width != 160 || h.Height != 48 {
		t.Errorf("header %+v", h)
	}
	var marks []string
	var lastAlt string
	screen := term.New(nopWriter{}, term.Options{Cols: h.Width, Rows: h.Height})
	defer screen.Close()
	for _, e := range evs {
		switch e.Kind {
		case "m":
			marks = append(marks, e.Data)
		case "o":
			// Stop before the program leaves the alternate screen on quit: what is
			// on it then is the last frame drawn.
			if i := strings.Index(e.Data, "\x1b[?1049l"); i >= 0 && lastAlt == "" {
				screen.Write([]byte(e.Data[:i]))
				lastAlt = plain(screen)
			}
			if lastAlt == "" {
				screen.Write([]byte(e.Data))
			}
		case "r":
			var c, rr int
			fmt.Sscanf(e.Data, "%dx%d", &c, &rr)
			screen.Resize(c, rr)
		default:
			t.Errorf("unknown event kind %q", e.Kind)
		}
	}
	if len(marks) != steps {
		t.Errorf("markers %q, want one per step of ns-identity (%d)", marks, steps)
	}
	// The replay ends on the screen tmux showed before F10: the last frame drawn on the
	// alternate screen (leaving it on quit brings back the blank main screen).
	replayed := lastAlt
	for _, line := range strings.Split(last, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.Contains(replayed, l) {
			t.Errorf("the replayed recording lacks the line %q", l)
			os.WriteFile("/tmp/e2e-replayed.txt", []byte(replayed), 0o644)
			os.WriteFile("/tmp/e2e-last.txt", []byte(last), 0o644)
			break
		}
	}
}

// lastPaneLine is the last line with text inside a pane's box (its first rows up to the
// bottom border), borders and padding trimmed.
func lastPaneLine(col string) string {
	last := ""
	for _, line := range strings.Split(col, "\n")[1:] {
		if strings.ContainsAny(line, "┗╰") {
			break
		}
		if t := strings.Trim(line, " ┃│"); t != "" {
			last = t
		}
	}
	return last
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

// plain is the text of an emulated screen.
func plain(t term.Terminal) string {
	cols, rows := t.Size()
	var b strings.Builder
	for y := 0; y < rows; y++ {
		for x := 0; x < cols; x++ {
			if c := t.Cell(x, y); c.Width > 0 {
				b.WriteString(c.Content)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Alt+p goes back a step for real: the lab is reset and the earlier steps replayed, so the
// panels show the kernel as it was, and the step runs again.
func TestE2EWalkthroughRewind(t *testing.T) {
	requireTmux(t)
	r := startTmux(t, 160, 48, nslabBin+" walkthrough tmpfs")
	advance := func(step int) {
		r.waitScreen(fmt.Sprintf("step %d ready", step), func(s string) bool {
			return strings.Contains(s, fmt.Sprintf("step %d/7", step)) && strings.Contains(s, "f5 run")
		})
		r.keys("F5")
		r.waitScreen(fmt.Sprintf("step %d passed", step), func(s string) bool {
			return strings.Contains(s, fmt.Sprintf("step %d/7", step)) && strings.Contains(s, "✓ passed")
		})
	}
	for step := 1; step <= 6; step++ {
		advance(step)
		r.keys("F5")
	}
	nsOnly := regexp.MustCompile(`▶ /tmp/ns_only`)
	hostOnly := regexp.MustCompile(`◀ /tmp/mount_test`)
	r.waitScreen("step 7 with the ns-only mount in the panel", func(s string) bool {
		return strings.Contains(s, "step 7/7") && nsOnly.MatchString(s) && hostOnly.MatchString(s)
	})
	r.keys("M-p")
	r.waitScreen("step 6 again, before its mount", func(s string) bool {
		return strings.Contains(s, "step 6/7") && strings.Contains(s, "f5 run") && !nsOnly.MatchString(s) && hostOnly.MatchString(s)
	})
	advance(6)
	r.waitScreen("the ns-only mount back", func(s string) bool { return nsOnly.MatchString(s) })
	r.quitAndCheck(nil)
}

// lessonSteps is a built-in lesson's steps, so tests follow the lesson as it is written.
func lessonSteps(t *testing.T, id string) []scenarios.Step {
	t.Helper()
	all, err := scenarios.Load()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Select(all, id)
	if err != nil || len(sc) != 1 {
		t.Fatalf("lesson %s: %v", id, err)
	}
	return sc[0].Steps
}

// SGR 53, overline, reaches the terminal around nslab as it reaches it from a program in a
// plain tmux pane: the outer tmux holds the same overlined text in both (its capture
// writes its own sequence for overline, whatever it is).
func TestE2EOverlineAsTmux(t *testing.T) {
	requireTmux(t)
	overlined := regexp.MustCompile(`\x1b\[[0-9:;]*m(OVER\S*)`)
	printf := `printf 'plain \033[53mOVER\033[31mRED\033[0m end\n'`
	ref := startTmux(t, 80, 24, printf+"; sleep 600")
	ref.waitFor("end")
	want := ref.tmux("capture-pane", "-e", "-p", "-t", "e2e")
	r := startLabInTmux(t, 160, 48)
	r.runIn(printf+"; echo DO\"\"NE", "DONE")
	got := r.tmux("capture-pane", "-e", "-p", "-t", "e2e")
	seq := func(s string) string {
		i := strings.LastIndex(s, "OVER") // the output, after the typed command
		if i < 0 {
			return ""
		}
		return s[strings.LastIndex(s[:i], "plain"):i] // what comes between: the style of OVER
	}
	if w, g := seq(want), seq(got); w == "" || g != w || !overlined.MatchString(g+"OVER") {
		t.Errorf("the style before OVER: nslab %q, a plain tmux pane %q", g, w)
	}
}
