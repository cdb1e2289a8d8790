package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// ctlMsg is one message on the control socket between nslab and the lab's init.
// The socket is SOCK_SEQPACKET, so one read is one message; a pty slave travels beside a
// spawn request as SCM_RIGHTS (unix(7)).
type ctlMsg struct {
	Op string `json:"op"`
	// ID names a spawn request and, later, the shell it started.
	ID     int      `json:"id,omitempty"`
	Role   Role     `json:"role,omitempty"`
	Argv   []string `json:"argv,omitempty"`
	Env    []string `json:"env,omitempty"`
	Dir    string   `json:"dir,omitempty"`
	InHost bool     `json:"in_host,omitempty"`
	// PID is the shell's pid inside the lab's PID namespace.
	PID    int    `json:"pid,omitempty"`
	Status int    `json:"status,omitempty"`
	Err    string `json:"err,omitempty"`
	Token  string `json:"token,omitempty"`
	// Rootfs carries the rootfs path of a "rootfs" request and reply; Detail a summary.
	Rootfs string `json:"rootfs,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// Control operations.
const (
	opHello   = "hello"   // init → nslab: the lab is set up (Token) or failed (Err)
	opSpawn   = "spawn"   // nslab → init: start a shell on the attached pty slave
	opSpawned = "spawned" // init → nslab: started (PID) or failed (Err)
	opExit    = "exit"    // init → nslab: shell ID ended with Status
	opRootfs  = "rootfs"  // nslab → init and back: build the rootfs (Rootfs), reply Detail or Err
)

// ctlConn wraps the seqpacket socket.
type ctlConn struct{ c *net.UnixConn }

// newCtlConn takes ownership of f (closing it) and returns a connection on a duplicate
// that is close-on-exec, so no shell ever inherits the control socket.
func newCtlConn(f *os.File) (*ctlConn, error) {
	fc, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	uc, ok := fc.(*net.UnixConn)
	if !ok {
		fc.Close()
		return nil, fmt.Errorf("control socket: not a unix socket (%T)", fc)
	}
	return &ctlConn{c: uc}, nil
}

// maxCtlMsg bounds one control message; the receiver reads no more. Start refuses an
// environment that would not fit (checkEnv).
const maxCtlMsg = 64 << 10

// errCtlMsg marks a message that arrived damaged: the control channel cannot be trusted after it.
var errCtlMsg = errors.New("control message")

func (c *ctlConn) send(m ctlMsg, fd *os.File) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if len(b) > maxCtlMsg {
		return fmt.Errorf("%s message of %d bytes exceeds the control channel's %d KiB", m.Op, len(b), maxCtlMsg>>10)
	}
	var oob []byte
	if fd != nil {
		oob = unix.UnixRights(int(fd.Fd()))
	}
	_, _, err = c.c.WriteMsgUnix(b, oob, nil)
	return err
}

// recv reads one message and the file descriptor sent with it, if any; the fd is made
// close-on-exec at once.
func (c *ctlConn) recv() (ctlMsg, *os.File, error) {
	buf := make([]byte, maxCtlMsg)
	oob := make([]byte, unix.CmsgSpace(4*4))
	n, oobn, flags, _, err := c.c.ReadMsgUnix(buf, oob)
	if err != nil {
		return ctlMsg{}, nil, err
	}
	if n == 0 {
		return ctlMsg{}, nil, net.ErrClosed
	}
	var f *os.File
	if oobn > 0 {
		cmsgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err == nil {
			for _, cm := range cmsgs {
				fds, err := unix.ParseUnixRights(&cm)
				if err != nil {
					continue
				}
				for _, fd := range fds {
					unix.CloseOnExec(fd)
					if f == nil {
						f = os.NewFile(uintptr(fd), "pty-slave")
					} else {
						unix.Close(fd)
					}
				}
			}
		}
	}
	var m ctlMsg
	if flags&unix.MSG_TRUNC != 0 {
		err = fmt.Errorf("%w: longer than %d KiB", errCtlMsg, maxCtlMsg>>10)
	} else if err = json.Unmarshal(buf[:n], &m); err != nil {
		err = fmt.Errorf("%w: %w", errCtlMsg, err)
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		return ctlMsg{}, nil, err
	}
	return m, f, nil
}

func (c *ctlConn) close() error { return c.c.Close() }
