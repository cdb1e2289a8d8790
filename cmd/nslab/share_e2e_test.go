package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
)

// Spectators end to end: the teacher's nslab in one tmux session, students' real OpenSSH
// clients in others, answering the class code through SSH_ASKPASS.

var joinLine = regexp.MustCompile(`ssh -p (\d+) 127\.0\.0\.1 · (?:http://127\.0\.0\.1:(\d+)/ · )?code ([a-z0-9]+)`)

func requireSSH(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh is not installed (scripts/deps.sh installs openssh-client)")
	}
}

// startSharingLab starts nslab with args and --share on a free port of 127.0.0.1, and reads
// the port and the class code off the teacher's help bar.
func startSharingLab(t *testing.T, args string) (r *tmuxRun, port, code string) {
	t.Helper()
	requireTmux(t)
	requireSSH(t)
	cfg := t.TempDir()
	r = startTmux(t, 160, 48, fmt.Sprintf("env XDG_CONFIG_HOME=%s %s %s --share 127.0.0.1:0", cfg, nslabBin, args))
	s := r.waitScreen("the ssh command and the class code", func(s string) bool { return joinLine.MatchString(s) })
	m := joinLine.FindStringSubmatch(s)
	if _, err := os.Stat(filepath.Join(cfg, "nslab", "ssh_host_ed25519")); err != nil {
		t.Errorf("no host key in the config directory: %v", err)
	}
	return r, m[1], m[3]
}

// sshArgs is a student's ssh command line: the class code comes from an askpass script.
func sshArgs(t *testing.T, port, code string, extra ...string) (env []string, args []string) {
	t.Helper()
	askpass := filepath.Join(t.TempDir(), "askpass")
	if err := os.WriteFile(askpass, []byte("#!/bin/sh\necho '"+code+"'\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	env = []string{"SSH_ASKPASS=" + askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY="}
	args = append([]string{"-p", port, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "LogLevel=ERROR", "-o", "NumberOfPasswordPrompts=1", "-o", "PubkeyAuthentication=no"}, extra...)
	return env, append(args, "student@127.0.0.1")
}

// viewer runs a student's ssh in a tmux session of its own on r's server.
type viewer struct {
	r    *tmuxRun
	name string
}

func joinViewer(t *testing.T, r *tmuxRun, name, port, code string, cols, rows int) *viewer {
	t.Helper()
	env, args := sshArgs(t, port, code)
	cmd := "env " + strings.Join(env, " ") + " ssh " + strings.Join(args, " ")
	r.tmux("new-session", "-d", "-s", name, "-x", fmt.Sprint(cols), "-y", fmt.Sprint(rows), cmd)
	r.tmux("set-option", "-t", name, "remain-on-exit", "on")
	return &viewer{r: r, name: name}
}

func (v *viewer) screen() string { return v.r.tmux("capture-pane", "-t", v.name, "-p") }
func (v *viewer) keys(k ...string) {
	v.r.tmux(append([]string{"send-keys", "-t", v.name}, k...)...)
}
func (v *viewer) dead() bool {
	return strings.TrimSpace(v.r.tmux("display-message", "-t", v.name, "-p", "#{pane_dead}")) == "1"
}

func (v *viewer) waitScreen(what string, ok func(string) bool) string {
	v.r.t.Helper()
	deadline := time.Now().Add(labtest.Patience)
	for {
		s := v.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			v.r.t.Fatalf("waited %v for the viewer %s to show %s; its last screen:\n%s", labtest.Patience, v.name, what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (v *viewer) waitDead(why string) {
	v.r.t.Helper()
	deadline := time.Now().Add(labtest.Patience)
	for !v.dead() {
		if time.Now().After(deadline) {
			v.r.t.Fatalf("waited %v for the viewer %s's ssh to end (%s); its last screen:\n%s", labtest.Patience, v.name, why, v.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// requireClosed fails unless nothing listens on 127.0.0.1:port any more.
func requireClosed(t *testing.T, port string) {
	t.Helper()
	if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
		c.Close()
		t.Fatalf("something still listens on 127.0.0.1:%s after nslab ended", port)
	}
}

// A class joins with the code and watches, at its own size, the lesson advance when the
// teacher presses F5; what a student types reaches nothing; a wrong code is refused; the
// limit turns the next away with a clear message; F10 ends every viewer and the listener.
func TestE2EShareSSH(t *testing.T) {
	before := mountTable(t)
	r, port, code := startSharingLab(t, "walkthrough tmpfs --share-max 2")

	// A wrong code: refused, and the teacher's count does not move.
	env, args := sshArgs(t, port, code+"x", "-tt")
	cmd := exec.Command("timeout", append([]string{"-s", "KILL", "120", "ssh"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Permission denied") {
		t.Fatalf("ssh with a wrong code: %v, %q; want Permission denied", err, out)
	}

	a := joinViewer(t, r, "viewer-a", port, code, 100, 30)
	s := a.waitScreen("the lesson, read-only", func(s string) bool {
		return strings.Contains(s, "step 1/") && strings.Contains(s, "watching, read-only") && strings.Contains(s, "[ns] ~ #")
	})
	for i, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if n := len([]rune(l)); n > 100 {
			t.Errorf("viewer line %d is %d cells at 100×30: %q", i, n, l)
		}
	}
	if strings.Contains(s, code) {
		t.Errorf("a viewer's screen shows the class code:\n%s", s)
	}
	r.waitFor("1/2 watching")

	// What a student types, and the lab's own keys, reach nothing.
	a.keys("-l", "echo VIEWER-TYPED")
	a.keys("Enter", "F5", "M-p", "M-n", "F2") // Ctrl-C, q and F10 leave
	// Viewer b fills the class; a third is turned away.
	b := joinViewer(t, r, "viewer-b", port, code, 80, 24)
	b.waitScreen("the lesson", func(s string) bool { return strings.Contains(s, "watching, read-only") })
	r.waitFor("2/2 watching")
	env, args = sshArgs(t, port, code, "-tt")
	cmd = exec.Command("timeout", append([]string{"-s", "KILL", "120", "ssh"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "the class is full (2 watching)") {
		t.Fatalf("a third viewer with --share-max 2: %v, %q; want the class is full", err, out)
	}

	// The teacher runs the step: both viewers see its checks pass.
	r.keys("F5")
	r.waitScreen("step 1 checked", func(s string) bool { return strings.Contains(s, "✓ passed") })
	for _, v := range []*viewer{a, b} {
		v.waitScreen("step 1 passed", func(s string) bool { return strings.Contains(s, "✓ passed") })
	}
	r.keys("F5")
	r.waitFor("step 2/")
	a.waitScreen("step 2", func(s string) bool { return strings.Contains(s, "step 2/") })
	if s := r.screen(); strings.Contains(s, "VIEWER-TYPED") {
		t.Fatalf("a viewer's typing reached the teacher's lab:\n%s", s)
	}
	if s := a.screen(); strings.Contains(s, "VIEWER-TYPED") {
		t.Fatalf("a viewer's typing shows in the lab it watches:\n%s", s)
	}

	// One leaves with q: the count goes down.
	b.keys("q")
	b.waitDead("it pressed q")
	r.waitFor("1/2 watching")

	r.quitAndCheck(before)
	a.waitDead("the teacher quit")
	requireClosed(t, port)
}

// The fault suite's kills with viewers attached: the teacher's terminal closing, and
// SIGKILL, SIGTERM and SIGHUP of nslab, each end the viewers' sessions, the listener and
// every lab process.
func TestFaultShareKilled(t *testing.T) {
	signals := map[string]syscall.Signal{"SIGKILL": syscall.SIGKILL, "SIGTERM": syscall.SIGTERM, "SIGHUP": syscall.SIGHUP}
	for _, how := range []string{"terminal closed", "SIGKILL", "SIGTERM", "SIGHUP"} {
		t.Run(strings.ReplaceAll(how, " ", "-"), func(t *testing.T) {
			r, port, code := startSharingLab(t, "--share-web 127.0.0.1:0")
			web := joinLine.FindStringSubmatch(r.screen())[2]
			if web == "" {
				t.Fatalf("no page address on the help bar:\n%s", r.screen())
			}
			r.waitScreen("both prompts", func(s string) bool {
				return strings.Contains(s, "[host] ~ #") && strings.Contains(s, "[ns] ~ #")
			})
			v := joinViewer(t, r, "viewer", port, code, 100, 30)
			v.waitScreen("the lab", func(s string) bool { return strings.Contains(s, "watching, read-only") })
			r.waitFor("1/60 watching")
			nslab := r.panePID()
			procs := labOf(t, nslab)
			if sig, ok := signals[how]; ok {
				if err := syscall.Kill(nslab, sig); err != nil {
					t.Fatal(err)
				}
			} else {
				r.tmux("kill-session", "-t", "e2e")
			}
			v.waitDead("nslab was killed: " + how)
			took := labtest.WaitGone(t, procs, nil, labtest.Patience)
			t.Logf("%s: the lab was gone %v after", how, took.Round(time.Millisecond))
			requireClosed(t, port)
			requireClosed(t, web)
		})
	}
}

func TestShareFlags(t *testing.T) {
	getenv := func(string) string { return "" }
	for _, tc := range []struct{ args, err string }{
		{"--share :2222", ""},
		{"walkthrough tmpfs --share 127.0.0.1:0 --share-max 3", ""},
		{"run tmpfs --share :2222", "--share goes with the lab or walkthrough"},
		{"--share 2222", `--share "2222": give an address and port`},
		{"--share :http", `--share ":http": give an address and port`},
		{"--share :2222 --share-max 0", "--share-max 0: at least one viewer"},
	} {
		_, err := parseArgs(strings.Fields(tc.args), getenv)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.args, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: %v, want %q", tc.args, err, tc.err)
		}
	}
}
