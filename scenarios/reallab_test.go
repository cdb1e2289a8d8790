package scenarios

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/lab/rootfs"
)

// TestBuiltinScenariosOnLab runs every built-in scenario headless on the real lab: its
// init, shells on ptys with OSC 133 marks, and its rootfs. This is the path `nslab run
// --all` takes; labAdapter is the few lines of glue cmd/nslab needs.
func TestBuiltinScenariosOnLab(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	scs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	l, err := lab.Start(ctx, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var out bytes.Buffer
	ok, err := RunHeadless(ctx, labAdapter{l}, scs, &out, TranscriptOptions{Lang: EN})
	t.Logf("transcript:\n%s", out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("a scenario failed on the lab; see the transcript")
	}
}

// labAdapter gives *lab.Lab the shape of Lab.
type labAdapter struct{ l *lab.Lab }

func (a labAdapter) Reset(ctx context.Context, nsStart NSStart) error {
	start := lab.NSUnshared
	if nsStart == StartHost {
		start = lab.NSInHost
	}
	return a.l.Reset(ctx, start)
}

func (a labAdapter) Run(ctx context.Context, pane lab.Role, cmd string, timeout time.Duration) (Result, error) {
	r, err := a.l.Pane(pane).Run(ctx, cmd, timeout)
	return Result{Exit: r.Exit, Output: r.Output, TimedOut: r.TimedOut, Duration: r.Duration}, err
}

func (a labAdapter) Inspect(pane lab.Role) (lab.Snapshot, error) { return a.l.Inspect(pane) }

func (a labAdapter) PathVisible(pane lab.Role, path string) (bool, error) {
	return a.l.PathVisible(pane, path)
}

func (a labAdapter) RootIsMountpoint(pane lab.Role) (bool, error) { return a.l.RootIsMountpoint(pane) }

func (a labAdapter) Workspace(ctx context.Context) (Workspace, error) {
	dir, _, err := a.l.EnsureRootfs(ctx)
	if err != nil {
		return Workspace{}, err
	}
	return Workspace{Dir: rootfs.WorkspaceDir, Rootfs: dir, Canary: rootfs.CanaryPath, Token: a.l.Token(),
		NSLab: rootfs.NslabPath}, nil
}
