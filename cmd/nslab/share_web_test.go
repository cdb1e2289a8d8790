package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
)

// The web page in a real browser: Debian's chromium, headless, driven through the
// DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages ending in NUL on
// file descriptors 3 and 4), reads the lab's text off the page as it changes.

// browser is a headless chromium and its DevTools pipe.
type browser struct {
	t    *testing.T
	cmd  *exec.Cmd
	to   io.WriteCloser
	from *bufio.Reader
	mu   sync.Mutex
	id   int
}

func startBrowser(t *testing.T) *browser {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (scripts/deps.sh installs it)")
	}
	// Chromium reads commands on fd 3 and answers on fd 4.
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	profile := t.TempDir()
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+profile, "--window-size=1280,900", "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{cmdR, outW}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Its singleton socket goes to a directory of its own in $TMPDIR
	// (org.chromium.Chromium.*), which it never removes: in the profile's,
	// it goes with the profile.
	cmd.Env = append(os.Environ(), "TMPDIR="+profile)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	cmdR.Close()
	outW.Close()
	b := &browser{t: t, cmd: cmd, to: cmdW, from: bufio.NewReader(outR)}
	t.Cleanup(func() {
		// Chromium's helpers (zygotes, renderers, the GPU and network processes) outlive
		// its main process for a moment and write into the profile: every process
		// started with this profile ends before the profile is removed (t.TempDir's
		// cleanup, which runs after this one).
		cmdW.Close()
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		outR.Close()
		deadline := time.Now().Add(labtest.Patience)
		for {
			left := processesWith("--user-data-dir=" + profile)
			if len(left) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("chromium processes %v still run %v after it was killed", left, labtest.Patience)
				return
			}
			for _, pid := range left {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	return b
}

// processesWith lists the processes whose command line has arg.
func processesWith(arg string) []int {
	var pids []int
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/cmdline")
		if err != nil {
			continue
		}
		for _, a := range strings.Split(string(b), "\x00") {
			if a == arg {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

// call sends one DevTools command (to a page's session when session is set) and returns
// its result, skipping the events that come before it.
func (b *browser) call(session, method string, params any) json.RawMessage {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.id++
	msg := map[string]any{"id": b.id, "method": method, "params": params}
	if session != "" {
		msg["sessionId"] = session
	}
	data, _ := json.Marshal(msg)
	if _, err := b.to.Write(append(data, 0)); err != nil {
		b.t.Fatalf("DevTools %s: %v", method, err)
	}
	for {
		line, err := b.from.ReadBytes(0)
		if err != nil {
			b.t.Fatalf("DevTools %s: no answer: %v", method, err)
		}
		var ans struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(line[:len(line)-1], &ans); err != nil {
			b.t.Fatalf("DevTools %s: %v in %q", method, err, line)
		}
		if ans.ID != b.id {
			continue // an event
		}
		if ans.Error != nil {
			b.t.Fatalf("DevTools %s: %s", method, ans.Error.Message)
		}
		return ans.Result
	}
}

// open opens url in a new tab and returns the tab's session.
func (b *browser) open(url string) string {
	b.t.Helper()
	var target struct {
		TargetID string `json:"targetId"`
	}
	json.Unmarshal(b.call("", "Target.createTarget", map[string]any{"url": url}), &target)
	var att struct {
		SessionID string `json:"sessionId"`
	}
	json.Unmarshal(b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}), &att)
	return att.SessionID
}

// text evaluates a JavaScript expression that gives a string, in the page.
func (b *browser) text(session, expr string) string {
	b.t.Helper()
	var res struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
	}
	json.Unmarshal(b.call(session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}), &res)
	return res.Result.Value
}

// waitPage waits until the page's text satisfies ok, and returns that text.
func (b *browser) waitPage(session, what string, ok func(string) bool) string {
	b.t.Helper()
	deadline := time.Now().Add(labtest.Patience)
	for {
		s := b.text(session, "document.body.innerText")
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waited %v for the page to show %s; its last text:\n%s", labtest.Patience, what, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var webLine = regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/ · code ([a-z0-9]+)`)

// A browser joins the page with the class code and sees the lab, live: the lesson
// advances on the page when the teacher presses F5. A wrong code gets the page's
// sentence, not the lab. F10 closes the page's listener.
func TestE2EShareWeb(t *testing.T) {
	requireTmux(t)
	before := mountTable(t)
	r := startTmux(t, 160, 48, fmt.Sprintf("env XDG_CONFIG_HOME=%s %s walkthrough tmpfs --share-web 127.0.0.1:0", t.TempDir(), nslabBin))
	m := webLine.FindStringSubmatch(r.waitScreen("the page's address and the class code", func(s string) bool { return webLine.MatchString(s) }))
	port, code := m[1], m[2]
	b := startBrowser(t)

	wrong := b.open(fmt.Sprintf("http://127.0.0.1:%s/?code=%sx", port, code))
	b.waitPage(wrong, "the wrong code's sentence", func(s string) bool { return strings.Contains(s, "That is not the class code.") })

	page := b.open(fmt.Sprintf("http://127.0.0.1:%s/?code=%s", port, code))
	s := b.waitPage(page, "the lab", func(s string) bool {
		return strings.Contains(s, "step 1/") && strings.Contains(s, "[host] ~ #") && strings.Contains(s, "watching, read-only")
	})
	if strings.Contains(s, code) {
		t.Errorf("the page shows the class code:\n%s", s)
	}
	r.waitFor("1/60 watching")
	r.keys("F5")
	r.waitScreen("step 1 checked", func(s string) bool { return strings.Contains(s, "✓ passed") })
	b.waitPage(page, "step 1 passed", func(s string) bool { return strings.Contains(s, "✓ passed") })

	r.quitAndCheck(before)
	requireClosed(t, port)
	if resp, err := http.Get("http://127.0.0.1:" + port + "/"); err == nil {
		resp.Body.Close()
		t.Fatal("the page still answers after nslab ended")
	}
}
