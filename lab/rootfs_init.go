package lab

import (
	"context"
	"fmt"

	"github.com/nslab/nslab/lab/rootfs"
)

// buildRootfs runs in the lab's init, inside the lab's mount namespace, where the workspace
// is; a second call on a finished rootfs is quick. A user's rootfs (an overlay already
// mounted at dir) is only equipped for the lessons.
func buildRootfs(dir string, user bool) (string, error) {
	build := rootfs.Build
	if user {
		build = rootfs.Equip
	}
	info, err := build(dir, rootfs.Options{})
	if err != nil {
		return "", err
	}
	summary := info.String()
	for _, m := range info.Missing {
		if m.Name == "nslab" {
			summary += "; nslab: " + m.Reason
		}
	}
	return summary, nil
}

// EnsureRootfs builds the lab's rootfs in the workspace if it is not there yet and returns
// its path (as the lab's shells see it) and a one-line summary.
func (l *Lab) EnsureRootfs(ctx context.Context) (path, summary string, err error) {
	l.mu.Lock()
	done, detail := l.rootfs != "", l.rootfsDetail
	l.mu.Unlock()
	if done {
		return RootfsDir, detail, nil
	}
	// InHost marks "the user's own rootfs" on this request.
	reply, in, err := l.request(ctx, ctlMsg{Op: opRootfs, Rootfs: RootfsDir, InHost: l.opts.Rootfs != ""}, nil)
	if err != nil {
		return "", "", fmt.Errorf("build the lab rootfs: %w", err)
	}
	l.mu.Lock()
	if l.init == in {
		l.rootfs, l.rootfsDetail = RootfsDir, reply.Detail
	}
	l.mu.Unlock()
	return RootfsDir, reply.Detail, nil
}
