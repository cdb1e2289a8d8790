package scenarios

import (
	"fmt"
	"os"
	"testing"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/rootfs"
	"github.com/nslab/nslab/lab/signals"
)

// TestMain lets the test binary stand in for nslab: as the lab's init (re-executed by the
// lab), and as the escape, bind-ro, clone-tree and fsmount applets ({{nslab}}: the lab and the kernel test copy
// this binary into the rootfs, as the lab copies nslab itself).
func TestMain(m *testing.M) {
	// The escape applets run inside a chroot that may have no /proc, where signals.Reset
	// cannot read this thread's signal state; they keep what the pane's shell gave them
	// (the lab's init has reset it). Returns only on failure.
	if len(os.Args) > 1 && os.Args[1] == "escape" {
		fmt.Fprintln(os.Stderr, "nslab escape:", rootfs.RunEscape(os.Args[2:]))
		os.Exit(1)
	}
	if len(os.Args) > 1 && os.Args[1] == "bind-ro" {
		if err := rootfs.RunBindRO(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "nslab bind-ro:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if len(os.Args) > 1 && os.Args[1] == "clone-tree" {
		if err := rootfs.RunCloneTree(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "nslab clone-tree:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if len(os.Args) > 1 && os.Args[1] == "fsmount" {
		if err := rootfs.RunFSMount(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "nslab fsmount:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	// What the tests start (labs, stand-ins, shells) gets default signals, also when the
	// suite runs under nohup or as a background job.
	if err := signals.Reset(); err != nil {
		fmt.Fprintln(os.Stderr, "reset signals:", err)
		os.Exit(2)
	}
	if lab.IsInit(os.Args) {
		os.Exit(lab.InitMain())
	}
	os.Exit(m.Run())
}
