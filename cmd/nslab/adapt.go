package main

import (
	"context"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/rootfs"
	"github.com/nslab/nslab/scenarios"
)

// scenarioLab lets the scenario engine drive a live lab.
type scenarioLab struct{ l *lab.Lab }

var _ scenarios.Lab = scenarioLab{}

func (s scenarioLab) Reset(ctx context.Context, start scenarios.NSStart) error {
	ns := lab.NSUnshared
	if start == scenarios.StartHost {
		ns = lab.NSInHost
	}
	return s.l.Reset(ctx, ns)
}

func (s scenarioLab) Run(ctx context.Context, pane lab.Role, cmd string, timeout time.Duration) (scenarios.Result, error) {
	r, err := s.l.Pane(pane).Run(ctx, cmd, timeout)
	return scenarios.Result{Exit: r.Exit, Output: r.Output, TimedOut: r.TimedOut, Duration: r.Duration}, err
}

func (s scenarioLab) Inspect(pane lab.Role) (lab.Snapshot, error) { return s.l.Inspect(pane) }

func (s scenarioLab) PathVisible(pane lab.Role, path string) (bool, error) {
	return s.l.PathVisible(pane, path)
}

func (s scenarioLab) RootIsMountpoint(pane lab.Role) (bool, error) {
	return s.l.RootIsMountpoint(pane)
}

func (s scenarioLab) Workspace(ctx context.Context) (scenarios.Workspace, error) {
	dir, _, err := s.l.EnsureRootfs(ctx)
	if err != nil {
		return scenarios.Workspace{}, err
	}
	return scenarios.Workspace{
		Dir:    lab.WorkspaceDir,
		Rootfs: dir,
		Canary: lab.CanaryPath,
		Token:  s.l.Token(),
		NSLab:  rootfs.NslabPath,
	}, nil
}
