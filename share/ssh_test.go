package share

import (
	"io"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/nslab/nslab/tui"
)

// blackHole forwards a connection until cut, then drops every byte both ways without
// closing anything: a student whose laptop went to sleep, or whose Wi-Fi dropped.
type blackHole struct {
	ln  net.Listener
	mu  sync.Mutex
	cut bool
}

func newBlackHole(t *testing.T, to string) *blackHole {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackHole{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", to)
			if err != nil {
				c.Close()
				return
			}
			go b.pipe(c, s)
			go b.pipe(s, c)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return b
}

func (b *blackHole) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		b.mu.Lock()
		cut := b.cut
		b.mu.Unlock()
		if n > 0 && !cut {
			dst.Write(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

func (b *blackHole) drop() {
	b.mu.Lock()
	b.cut = true
	b.mu.Unlock()
}

// A connection that goes silent (no keep-alive answered, nothing read) is closed after
// the idle timeout, and its viewer leaves; the wrong code is refused; Close ends the rest.
func TestSSHDeadConnectionClosed(t *testing.T) {
	idleTimeout, keepAliveEvery = 5*time.Second, 250*time.Millisecond
	defer func() { idleTimeout, keepAliveEvery = IdleTimeout, KeepAlive }()
	s := tui.NewShare(5)
	srv, err := ListenSSH("127.0.0.1:0", s, "k7m2qx", filepath.Join(t.TempDir(), "nslab", "key"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	dial := func(addr, code string) (*gossh.Client, error) {
		return gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "student", Auth: []gossh.AuthMethod{gossh.Password(code)},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: time.Minute})
	}
	if c, err := dial(srv.Addr().String(), "wrong"); err == nil {
		c.Close()
		t.Fatal("the wrong code was let in")
	}
	watch := func(c *gossh.Client) {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		out, _ := sess.StdoutPipe()
		go io.Copy(io.Discard, out)
		if err := sess.Shell(); err != nil {
			t.Fatal(err)
		}
	}
	hole := newBlackHole(t, srv.Addr().String())
	dead, err := dial(hole.ln.Addr().String(), "k7m2qx")
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	watch(dead)
	alive, err := dial(srv.Addr().String(), "k7m2qx")
	if err != nil {
		t.Fatal(err)
	}
	defer alive.Close()
	watch(alive)
	waitViewers(t, s, 2, "both viewers to join")

	hole.drop()
	// The live one sends nothing either, but answers the keep-alives (x/crypto answers
	// every request): when the silent one is closed, it is still there.
	waitViewers(t, s, 1, "the silent connection to be closed after the idle timeout")
	if _, _, err := alive.SendRequest("keepalive@openssh.com", true, nil); err != nil {
		t.Fatalf("the live connection was closed, not the silent one: %v", err)
	}
	s.Close()
	waitViewers(t, s, 0, "the last viewer to leave after Close")
}

func waitViewers(t *testing.T, s *tui.Share, n int, what string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for s.Viewers() != n {
		if time.Now().After(deadline) {
			t.Fatalf("waited 2 minutes for %s: %d viewers, want %d", what, s.Viewers(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
