package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
)

// The spectator rows (--share): the teacher's keystroke → screen and pane throughput with
// 0, 10 and 50 real OpenSSH clients watching, nslab's memory per viewer, and how far
// behind the teacher's screen each viewer's is. Each viewer is an ssh process on a pty
// of its own (100×30) whose output the benchmark reads, as a student's terminal would.

var shareJoin = regexp.MustCompile(`ssh -p (\d+) 127\.0\.0\.1 · code ([a-z0-9]+)`)

// sshViewer is one student's ssh on a pty; seen records when each lag marker first
// arrived in its output.
type sshViewer struct {
	cmd  *exec.Cmd
	pty  *os.File
	mu   sync.Mutex
	tail []byte
	seen map[string]time.Time
	n    int64 // bytes received
	done chan struct{}
}

var lagMark = regexp.MustCompile(`LAG-\d{4}`)

func (v *sshViewer) read() {
	defer close(v.done)
	buf := make([]byte, 32<<10)
	for {
		n, err := v.pty.Read(buf)
		if n > 0 {
			now := time.Now()
			v.mu.Lock()
			v.n += int64(n)
			// The tail of the last read too: a marker may come in two reads.
			v.tail = append(v.tail, buf[:n]...)
			for _, m := range lagMark.FindAll(v.tail, -1) {
				if _, ok := v.seen[string(m)]; !ok {
					v.seen[string(m)] = now
				}
			}
			if bytes.Contains(v.tail, []byte("watching")) {
				if _, ok := v.seen["watching"]; !ok {
					v.seen["watching"] = now
				}
			}
			if len(v.tail) > 64 {
				v.tail = append(v.tail[:0], v.tail[len(v.tail)-64:]...)
			}
			v.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

func (v *sshViewer) when(mark string) (time.Time, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	t, ok := v.seen[mark]
	return t, ok
}

func (v *sshViewer) stop() {
	_ = v.cmd.Process.Kill()
	_ = v.cmd.Wait()
	v.pty.Close()
	<-v.done
}

// startViewers starts n ssh clients on port with code and waits for each one's first frame.
func (b *bench) startViewers(n int, port, code string) ([]*sshViewer, error) {
	askpass := filepath.Join(b.work, "askpass")
	if err := os.WriteFile(askpass, []byte("#!/bin/sh\necho '"+code+"'\n"), 0o700); err != nil {
		return nil, err
	}
	var vs []*sshViewer
	for range n {
		cmd := exec.Command("ssh", "-p", port, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
			"-o", "LogLevel=ERROR", "-o", "PubkeyAuthentication=no", "student@127.0.0.1")
		cmd.Env = append(os.Environ(), "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=", "TERM=xterm-256color")
		f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
		if err != nil {
			stopViewers(vs)
			return nil, fmt.Errorf("start ssh: %w", err)
		}
		v := &sshViewer{cmd: cmd, pty: f, seen: map[string]time.Time{}, done: make(chan struct{})}
		go v.read()
		vs = append(vs, v)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for _, v := range vs {
		for {
			if _, ok := v.when("watching"); ok {
				break
			}
			if time.Now().After(deadline) {
				stopViewers(vs)
				return nil, fmt.Errorf("a viewer drew no frame in 2 minutes")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return vs, nil
}

func stopViewers(vs []*sshViewer) {
	for _, v := range vs {
		v.stop()
	}
}

// shareRows measures the teacher with 0, 10 and 50 viewers.
func (b *bench) shareRows() error {
	counts := []int{0, 10, 50}
	if b.quick {
		counts = []int{0, 10}
	}
	res := map[int]shareResult{}
	for _, n := range counts {
		r, err := b.shareRound(n)
		if err != nil {
			return fmt.Errorf("with %d viewers: %w", n, err)
		}
		res[n] = r
	}
	base := res[0]
	for _, n := range counts {
		r := res[n]
		what := fmt.Sprintf("%d ssh viewers", n)
		if n == 0 {
			what = "--share, no viewer"
		}
		within := func(d, ref time.Duration) bool { return float64(d) <= 1.1*float64(ref) }
		b.table.add(what+": keystroke → screen, median", ms(r.keys50), "no viewer: "+ms(base.keys50), "≤ +10 %", n == 0 || within(r.keys50, base.keys50))
		b.table.add(what+": keystroke → screen, p90", ms(r.keys90), "no viewer: "+ms(base.keys90), "", true)
		b.table.add(what+": seq 1 200000", ms(r.seq), "no viewer: "+ms(base.seq), "≤ +10 %", n == 0 || within(r.seq, base.seq))
		b.table.add(what+": CPU over the seq", "nslab "+ms(r.cpu), "ssh clients: "+ms(r.sshCPU), "", true)
		if n > 0 {
			per := (r.rss - base.rss) / n
			b.table.add(what+": memory per viewer", kb(per), fmt.Sprintf("nslab RSS %s, no viewer %s", kb(r.rss), kb(base.rss)), "", true)
			lag := ms(r.lag50)
			if r.lag50 == 0 {
				lag = "0 ms" // the viewer had it before the 2 ms poll of the teacher's screen
			}
			b.table.add(what+": viewer behind teacher, median", lag, fmt.Sprintf("worst %s over %d marks × %d viewers", ms(r.lagMax), r.lagN, n), "≤ 1 frame (17 ms)", r.lag50 <= 17*time.Millisecond)
		}
	}
	return nil
}

type shareResult struct {
	keys50, keys90, seq time.Duration
	// cpu is nslab's CPU time over the seq, sshCPU the viewers' clients'.
	cpu, sshCPU   time.Duration
	rss           int
	lag50, lagMax time.Duration
	lagN          int
}

// shareRound starts nslab with --share, n viewers, and measures.
func (b *bench) shareRound(n int) (shareResult, error) {
	var r shareResult
	b.srv.run("kill-session", "-t", "share")
	cfg := filepath.Join(b.work, "config")
	env := "XDG_CONFIG_HOME=" + cfg
	if b.perfDir != "" {
		// With -perf, a Go CPU profile of nslab for each round.
		env += " NSLAB_CPUPROFILE=" + filepath.Join(b.perfDir, fmt.Sprintf("share-%d-viewers.pprof", n))
	}
	command := fmt.Sprintf("env %s %s --share 127.0.0.1:0 --share-max 60", env, b.nslab)
	if _, err := b.srv.run("new-session", "-d", "-s", "share", "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows), command,
		";", "set-option", "-t", "share", "window-size", "manual"); err != nil {
		return r, err
	}
	defer b.srv.run("kill-session", "-t", "share")
	p := session{b.srv, "share"}
	_, s, err := p.waitScreen(time.Minute, func(s string) bool {
		return shareJoin.MatchString(s) && strings.Contains(s, "[host] ~ #") && strings.Contains(s, "[ns] ~ #")
	})
	if err != nil {
		return r, err
	}
	m := shareJoin.FindStringSubmatch(s)
	vs, err := b.startViewers(n, m[1], m[2])
	if err != nil {
		return r, err
	}
	defer stopViewers(vs)
	if _, _, err := p.waitScreen(time.Minute, func(s string) bool { return strings.Contains(s, fmt.Sprintf("%d/60 watching", n)) }); err != nil {
		return r, err
	}
	time.Sleep(5 * time.Second) // the start-up highlights fade: the teacher's UI is idle
	pid := b.srv.panePID("share")
	defer func() {
		// nslab ends (and writes its profile) before the next round or the end.
		b.srv.run("kill-session", "-t", "share")
		for i := 0; i < 1000 && syscall.Kill(pid, 0) == nil; i++ {
			time.Sleep(10 * time.Millisecond)
		}
	}()

	c, err := b.srv.attach("share", b.srv.paneInfo("share", "#{pane_id}"))
	if err != nil {
		return r, err
	}
	k := 40
	if b.quick {
		k = 10
	}
	ks, err := keystrokes(c, k)
	c.close()
	if err != nil {
		return r, fmt.Errorf("keystrokes: %w; the teacher's screen:\n%s", err, p.screen())
	}
	r.keys50, r.keys90 = pct(ks, 50), pct(ks, 90)
	r.rss = rssKB(pid)

	// Lag: a line printed in the teacher's host pane, from the teacher's screen to each
	// viewer's. The typed command holds $((…)), so only its output reads LAG-NNNN.
	marks := 20
	if b.quick {
		marks = 5
	}
	var lags []time.Duration
	for i := range marks {
		mark := fmt.Sprintf("LAG-%d", 1000+i)
		p.text(fmt.Sprintf("echo LAG-$((1000+%d))", i))
		p.keys("Enter")
		shown, _, err := p.waitScreen(time.Minute, func(s string) bool { return strings.Contains(s, mark) })
		if err != nil {
			return r, err
		}
		deadline := time.Now().Add(time.Minute)
		for _, v := range vs {
			for {
				if t, ok := v.when(mark); ok {
					lags = append(lags, max(t.Sub(shown), 0))
					break
				}
				if time.Now().After(deadline) {
					return r, fmt.Errorf("a viewer never showed %s", mark)
				}
				time.Sleep(time.Millisecond)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(lags) > 0 {
		r.lag50, r.lagMax, r.lagN = pct(lags, 50), pct(lags, 100), marks
	}

	// Throughput: the teacher's pane drains seq while every viewer watches it scroll.
	// The CPU of nslab and of the ssh clients (which a class runs on its own machines)
	// over it says where the time went.
	cpu0, ssh0 := cpuNanos(pid), viewersCPU(vs)
	if r.seq, err = timeInPane(p, "seq 1 200000", 10*time.Minute); err != nil {
		return r, err
	}
	r.cpu, r.sshCPU = time.Duration(cpuNanos(pid)-cpu0), time.Duration(viewersCPU(vs)-ssh0)
	return r, nil
}

// viewersCPU is the CPU time of the viewers' ssh clients so far, in nanoseconds.
func viewersCPU(vs []*sshViewer) int64 {
	var n int64
	for _, v := range vs {
		n += cpuNanos(v.cmd.Process.Pid)
	}
	return n
}
