package share

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/nslab/nslab/tui"
)

// Timing of a spectator's connection.
const (
	// KeepAlive is how often the server asks a client whether it is there;
	// its answer keeps a quiet connection open.
	KeepAlive = 15 * time.Second
	// IdleTimeout closes a connection that neither sent nor took anything
	// for this long: a client that stopped answering the keep-alives.
	IdleTimeout = 4 * KeepAlive
	// wrongCodeDelay slows guessing the class code.
	wrongCodeDelay = 500 * time.Millisecond
)

// The timing the server uses (tests shorten it).
var idleTimeout, keepAliveEvery = IdleTimeout, KeepAlive

// DefaultMaxViewers is the viewer limit: a class, with room.
const DefaultMaxViewers = 60

// codeAlphabet leaves out letters and digits read one for another (0 o 1 l i).
const codeAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// NewCode returns a class code: six characters, random, easy to read aloud
// and type.
func NewCode() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("share: class code: %w", err)
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b), nil
}

// HostKeyPath is where the SSH host key is kept, made once and used by every
// later share, so students' ssh recognises the teacher's machine:
// os.UserConfigDir()/nslab/ssh_host_ed25519.
func HostKeyPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("share: where to keep the SSH host key: %w", err)
	}
	return filepath.Join(dir, "nslab", "ssh_host_ed25519"), nil
}

// SSHServer is a listening spectators' SSH server.
type SSHServer struct {
	srv  *ssh.Server
	ln   net.Listener
	done chan struct{}
	wg   sync.WaitGroup
}

// ListenSSH listens on addr and serves s to anyone who gives code as the SSH
// password (any user name). The host key is read from keyPath, generated
// there first if missing. Close stops it.
func ListenSSH(addr string, s *tui.Share, code, keyPath string) (*SSHServer, error) {
	if err := os.MkdirAll(filepath.Dir(keyPath), 0o700); err != nil {
		return nil, fmt.Errorf("share: host key directory: %w", err)
	}
	srv, err := wish.NewServer(
		wish.WithHostKeyPath(keyPath),
		wish.WithPasswordAuth(func(_ ssh.Context, password string) bool {
			if subtle.ConstantTimeCompare([]byte(password), []byte(code)) == 1 {
				return true
			}
			time.Sleep(wrongCodeDelay)
			return false
		}),
		wish.WithIdleTimeout(idleTimeout),
		wish.WithMiddleware(viewerMiddleware(s)),
	)
	if err != nil {
		return nil, fmt.Errorf("share: ssh server: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("share: --share %s: %w", addr, err)
	}
	x := &SSHServer{srv: srv, ln: ln, done: make(chan struct{})}
	x.wg.Add(1)
	go func() {
		defer x.wg.Done()
		_ = srv.Serve(ln) // ends with ErrServerClosed on Close
	}()
	return x, nil
}

// Addr is the address the server listens on.
func (x *SSHServer) Addr() net.Addr { return x.ln.Addr() }

// Close stops listening and closes every connection.
func (x *SSHServer) Close() error {
	err := x.srv.Close()
	x.wg.Wait()
	if errors.Is(err, ssh.ErrServerClosed) {
		err = nil
	}
	return err
}

// viewerMiddleware runs a Viewer for each session with a terminal, keeps
// the connection checked, and says why when it cannot.
func viewerMiddleware(s *tui.Share) wish.Middleware {
	return func(next ssh.Handler) ssh.Handler {
		return func(sess ssh.Session) {
			pty, windows, ok := sess.Pty()
			if !ok {
				fmt.Fprintln(sess.Stderr(), "nslab: a terminal is needed to watch: connect with ssh -t")
				_ = sess.Exit(1)
				return
			}
			v, err := s.Join(pty.Window.Width, pty.Window.Height)
			if err != nil {
				msg := "nslab: the lab has ended"
				if errors.Is(err, tui.ErrFull) {
					msg = "nslab: the class is full (" + strconv.Itoa(s.Max()) + " watching); try again when someone leaves"
				}
				fmt.Fprintln(sess.Stderr(), msg)
				_ = sess.Exit(1)
				return
			}
			defer v.Leave()
			ctx, cancel := context.WithCancel(sess.Context())
			defer cancel()
			go keepAlive(ctx, sess)
			t := tui.ViewerTerminal{In: sess, Out: sess, Env: append(sess.Environ(), "TERM="+pty.Term),
				Cols: pty.Window.Width, Rows: pty.Window.Height}
			if !sess.EmulatedPty() && pty.Slave != nil {
				t.In, t.Out = pty.Slave, pty.Slave
			}
			sizes := make(chan [2]int, 1)
			t.Resize = sizes
			go func() {
				for {
					select {
					case <-ctx.Done():
						return
					case w := <-windows:
						select {
						case sizes <- [2]int{w.Width, w.Height}:
						case <-ctx.Done():
							return
						}
					}
				}
			}()
			_ = tui.RunViewer(ctx, v, t)
			_ = sess.Exit(0)
			next(sess)
		}
	}
}

// keepAlive asks the client every KeepAlive whether it is there
// (keepalive@openssh.com, which OpenSSH answers); a client that stops
// answering goes quiet and IdleTimeout closes its connection.
func keepAlive(ctx context.Context, sess ssh.Session) {
	conn, ok := sess.Context().Value(ssh.ContextKeyConn).(gossh.Conn)
	if !ok {
		return
	}
	t := time.NewTicker(keepAliveEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			go func() { _, _, _ = conn.SendRequest("keepalive@openssh.com", true, nil) }()
		}
	}
}
