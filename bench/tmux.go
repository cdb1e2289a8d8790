package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// server is a private tmux server for the benchmark: socket is its socket's path, in a
// directory of the benchmark's own (tmux leaves the file behind when the server ends).
type server struct{ socket string }

func (s server) run(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-S", s.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("tmux %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

func (s server) kill() {
	exec.Command("tmux", "-S", s.socket, "kill-server").Run()
	os.Remove(s.socket)
}

// control is a tmux control-mode client (tmux(1) CONTROL MODE): commands in, replies and
// %output notifications out, with no fork per command, so the screen can be read the
// moment a pane's output arrives.
type control struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	replies chan reply
	outputs chan time.Time // one per %output of the watched pane
	pane    string

	mu   sync.Mutex
	done bool
}

type reply struct {
	lines []string
	err   bool
}

// attach starts a control client on session, forwarding %output of pane.
func (s server) attach(session, pane string) (*control, error) {
	cmd := exec.Command("tmux", "-S", s.socket, "-C", "attach-session", "-t", session)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &control{cmd: cmd, in: in, replies: make(chan reply, 16), outputs: make(chan time.Time, 1<<16), pane: pane}
	go c.read(out)
	// The attach itself is answered first; later replies then pair with their commands.
	select {
	case <-c.replies:
	case <-time.After(5 * time.Second):
		c.close()
		return nil, fmt.Errorf("tmux control client on %s: no answer to attach", session)
	}
	return c, nil
}

func (c *control) read(r io.Reader) {
	br := bufio.NewReaderSize(r, 1<<20)
	var cur *reply
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			close(c.replies)
			return
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "%begin "):
			cur = &reply{}
		case strings.HasPrefix(line, "%end ") || strings.HasPrefix(line, "%error "):
			if cur != nil {
				cur.err = strings.HasPrefix(line, "%error ")
				c.replies <- *cur
				cur = nil
			}
		case strings.HasPrefix(line, "%output "):
			if strings.HasPrefix(line, "%output "+c.pane+" ") {
				select {
				case c.outputs <- time.Now():
				default: // a flood: the benchmark only needs to know output happened
				}
			}
		case cur != nil:
			cur.lines = append(cur.lines, line)
		}
	}
}

// do runs one tmux command and returns its output lines.
func (c *control) do(command string) ([]string, error) {
	if _, err := io.WriteString(c.in, command+"\n"); err != nil {
		return nil, err
	}
	select {
	case r, ok := <-c.replies:
		if !ok {
			return nil, errors.New("tmux control client ended")
		}
		if r.err {
			return r.lines, fmt.Errorf("tmux %s: %s", command, strings.Join(r.lines, " "))
		}
		return r.lines, nil
	case <-time.After(10 * time.Second):
		return nil, fmt.Errorf("tmux %s: no reply", command)
	}
}

// screen is the visible text of the pane.
func (c *control) screen() string {
	lines, _ := c.do("capture-pane -p -t " + c.pane)
	return strings.Join(lines, "\n")
}

// drain forgets the outputs seen so far.
func (c *control) drain() {
	for {
		select {
		case <-c.outputs:
		default:
			return
		}
	}
}

// waitOutput waits for the pane's next output and returns when it arrived.
func (c *control) waitOutput(timeout time.Duration) (time.Time, bool) {
	select {
	case t := <-c.outputs:
		return t, true
	case <-time.After(timeout):
		return time.Time{}, false
	}
}

// waitScreen reads the screen after the pane's outputs (and every 20 ms) until ok holds;
// it returns when the last output before that screen arrived (outputs before since do
// not count).
func (c *control) waitScreen(since time.Time, timeout time.Duration, ok func(string) bool) (time.Time, string, error) {
	deadline := time.Now().Add(timeout)
	for {
		at := time.Time{}
		for more := true; more; {
			select {
			case t := <-c.outputs:
				if !t.Before(since) {
					at = t
				}
			default:
				more = false
			}
		}
		if at.IsZero() {
			if t, got := c.waitOutput(20 * time.Millisecond); got && !t.Before(since) {
				at = t
			}
		}
		s := c.screen()
		if ok(s) {
			if at.IsZero() {
				at = time.Now()
			}
			return at, s, nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, s, fmt.Errorf("screen never showed what was awaited after %s", timeout)
		}
	}
}

func (c *control) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return
	}
	c.done = true
	c.in.Close()
	c.cmd.Process.Kill()
	c.cmd.Wait()
}

// paneInfo reads one format of a session's pane.
func (s server) paneInfo(session, format string) string {
	out, _ := s.run("display-message", "-t", session, "-p", format)
	return strings.TrimSpace(out)
}

func (s server) panePID(session string) int {
	n, _ := strconv.Atoi(s.paneInfo(session, "#{pane_pid}"))
	return n
}
