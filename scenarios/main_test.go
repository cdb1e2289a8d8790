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
// lab), and as the escape applets ({{nslab}}: the lab and the kernel test copy this binary
// into the rootfs, as the lab copies nslab itself).
func TestMain(m *testing.M) {
	// What the tests start (labs, stand-ins, shells) gets default signals, also when the
	// suite runs under nohup or as a background job.
	if err := signals.Reset(); err != nil {
		fmt.Fprintln(os.Stderr, "reset signals:", err)
		os.Exit(2)
	}
	if lab.IsInit(os.Args) {
		os.Exit(lab.InitMain())
	}
	if len(os.Args) > 1 && os.Args[1] == "escape" {
		if err := rootfs.RunEscape(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "nslab escape:", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}
