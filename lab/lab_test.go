package lab

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
)

func startLab(t *testing.T, opts Options) *Lab {
	t.Helper()
	labtest.RequireRoot(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	l, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("start lab: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func run(t *testing.T, l *Lab, r Role, cmd string) Result {
	t.Helper()
	res, err := l.Pane(r).Run(context.Background(), cmd, 10*time.Second)
	if err != nil {
		t.Fatalf("%s: run %q: %v (output %q)", r, cmd, err, res.Output)
	}
	if res.TimedOut {
		t.Fatalf("%s: %q timed out; output %q", r, cmd, res.Output)
	}
	return res
}

func TestPanesInDifferentMountNamespaces(t *testing.T) {
	l := startLab(t, Options{})
	h := run(t, l, Host, "readlink /proc/$$/ns/mnt")
	n := run(t, l, NS, "readlink /proc/$$/ns/mnt")
	t.Logf("host %q ns %q", h.Output, n.Output)
	if !strings.HasPrefix(h.Output, "mnt:[") || !strings.HasPrefix(n.Output, "mnt:[") {
		t.Fatalf("unexpected output: host %q ns %q", h.Output, n.Output)
	}
	if h.Output == n.Output {
		t.Fatalf("both panes report %s", h.Output)
	}
}

func TestSmokeState(t *testing.T) {
	l := startLab(t, Options{})
	run(t, l, Host, "mkdir -p /tmp/mount_test && mount -t tmpfs tmpfs /tmp/mount_test")
	time.Sleep(200 * time.Millisecond)
	st := l.State()
	t.Logf("host pid %d comm %s root %s mounts %d ns %v", st.Host.PID, st.Host.Comm, st.Host.Root, len(st.Host.Mounts), st.Host.NS)
	t.Logf("ns pid %d comm %s root %s mounts %d ns %v", st.NS.PID, st.NS.Comm, st.NS.Root, len(st.NS.Mounts), st.NS.NS)
	for _, r := range st.Diff {
		if r.Class != 0 {
			t.Logf("diff %v %s", r.Class, r.Key.Mountpoint)
		}
	}
	for {
		select {
		case e := <-l.Events():
			t.Logf("event %+v", e)
			continue
		default:
		}
		break
	}
}
