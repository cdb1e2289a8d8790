package scenarios

import (
	"context"
	"time"

	"github.com/nslab/nslab/lab"
)

// Lab is what the scenarios need from the live lab: two panes to type into and the
// kernel's view of each. The real lab satisfies it; tests use a fake.
type Lab interface {
	// Reset throws the lab away and starts a fresh one (new namespaces, new workspace,
	// new canary) with the ns pane started as asked; the panes keep their terminals.
	Reset(ctx context.Context, nsStart NSStart) error
	// Run types cmd visibly into the pane as if typed, then waits for the shell's
	// command-end mark (OSC 133;D) or the timeout; it never hangs.
	Run(ctx context.Context, pane lab.Role, cmd string, timeout time.Duration) (Result, error)
	// Inspect reads the pane's foreground process state fresh from the kernel.
	Inspect(pane lab.Role) (lab.Snapshot, error)
	// PathVisible resolves path inside the pane's foreground process root.
	PathVisible(pane lab.Role, path string) (bool, error)
	// RootIsMountpoint says whether the pane's foreground process root is a mount point.
	RootIsMountpoint(pane lab.Role) (bool, error)
	// ProcView lists the PIDs the /proc the pane's foreground process sees lists (what ps
	// there shows), and the PIDs its PID namespace holds, both sorted.
	ProcView(pane lab.Role) (listed, members []int, err error)
	// Workspace gives the placeholders' values ({{canary}}, {{token}}, {{rootfs}}, …),
	// building the rootfs first if needed.
	Workspace(ctx context.Context) (Workspace, error)
}

// NSStart says where the ns pane's shell starts when a scenario begins.
type NSStart string

// Where the ns pane can start.
const (
	// StartUnshared: in a child mount namespace of the lab host, unshared with private
	// propagation (what `unshare --mount` does). The default.
	StartUnshared NSStart = "unshared"
	// StartHost: in the lab host's own mount namespace, beside the host pane, for
	// scenarios that narrate `unshare` themselves.
	StartHost NSStart = "host"
)

// Result is how one typed command ended, as the pane's shell reported it.
type Result struct {
	// Exit is the status from the command-end mark (OSC 133;D); meaningless if TimedOut.
	Exit int
	// Output is what the command printed between its start and end marks, with the
	// terminal's control sequences removed.
	Output string
	// TimedOut is set when no end mark came before the timeout.
	TimedOut bool
	// TypingTimedOut is set (with TimedOut) when typing the command took the whole
	// timeout: it was never run.
	TypingTimedOut bool
	// Duration is the time from typing to the end mark (or to the timeout).
	Duration time.Duration
}

// Workspace holds the values of the placeholders a scenario may use.
type Workspace struct {
	// Dir is {{workspace}}: the lab's scratch directory (e.g. /tmp/nslab).
	Dir string
	// Rootfs is {{rootfs}}: the directory that chroot and pivot_root scenarios enter.
	Rootfs string
	// Canary is {{canary}}: a file outside the rootfs holding Token, for escapes.
	Canary string
	// Token is {{token}}: the random content of Canary.
	Token string
	// NSLab is {{nslab}}: the path of the nslab binary inside the rootfs (e.g. /bin/nslab),
	// which provides the escape helpers no shell builtin can do.
	NSLab string
}
