package scenarios

import (
	"context"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/rootfs"
)

// Live gives a running lab the shape the engine drives: the real panes, the real kernel.
func Live(l *lab.Lab) Lab { return liveLab{l} }

// liveLab lets the scenario engine drive a live lab.
type liveLab struct{ l *lab.Lab }

func (s liveLab) Reset(ctx context.Context, start NSStart) error {
	ns := lab.NSUnshared
	if start == StartHost {
		ns = lab.NSInHost
	}
	return s.l.Reset(ctx, ns)
}

func (s liveLab) Run(ctx context.Context, pane lab.Role, cmd string, timeout time.Duration) (Result, error) {
	r, err := s.l.Pane(pane).Run(ctx, cmd, timeout)
	return Result{Exit: r.Exit, Output: r.Output, TimedOut: r.TimedOut, TypingTimedOut: r.TypingTimedOut, Duration: r.Duration}, err
}

func (s liveLab) Inspect(pane lab.Role) (lab.Snapshot, error) { return s.l.Inspect(pane) }

func (s liveLab) PathVisible(pane lab.Role, path string) (bool, error) {
	return s.l.PathVisible(pane, path)
}

func (s liveLab) RootIsMountpoint(pane lab.Role) (bool, error) {
	return s.l.RootIsMountpoint(pane)
}

func (s liveLab) ProcView(pane lab.Role) (listed, members []int, err error) {
	return s.l.ProcView(pane)
}

func (s liveLab) Workspace(ctx context.Context) (Workspace, error) {
	dir, _, err := s.l.EnsureRootfs(ctx)
	if err != nil {
		return Workspace{}, err
	}
	return Workspace{
		Dir:    lab.WorkspaceDir,
		Rootfs: dir,
		Canary: lab.CanaryPath,
		Token:  s.l.Token(),
		NSLab:  rootfs.NslabPath,
	}, nil
}
