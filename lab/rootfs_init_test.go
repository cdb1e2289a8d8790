package lab

import (
	"strings"
	"testing"

	"github.com/nslab/nslab/lab/rootfs"
)

// The free-form lab, which no lesson asks for a rootfs, has one where the lessons say: the
// init builds it once both shells run. The host pane waits for the build's stamp, so the
// wait ends on the build, not on a clock.
func TestFreeFormLabHasTheRootfs(t *testing.T) {
	l := startLab(t, Options{})
	res := run(t, l, Host, "while [ ! -e "+RootfsDir+rootfs.StampPath+" ]; do sleep 0.1; done; ls "+RootfsDir+" && "+RootfsDir+"/bin/sh -c 'echo rootfs-shell-ok'")
	if res.Exit != 0 || !strings.Contains(res.Output, "NSLAB-ROOTFS") || !strings.Contains(res.Output, "rootfs-shell-ok") {
		t.Fatalf("free-form lab, %s: %+v", RootfsDir, res)
	}
	// The ns pane, in a namespace of its own, sees the same directory.
	if ok, err := l.PathVisible(NS, RootfsDir+rootfs.ShellPath); err != nil || !ok {
		t.Fatalf("ns pane: %s%s visible %v, %v", RootfsDir, rootfs.ShellPath, ok, err)
	}
}
