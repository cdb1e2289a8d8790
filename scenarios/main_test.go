package scenarios

import (
	"fmt"
	"os"
	"testing"

	"github.com/nslab/nslab/lab/rootfs"
)

// TestMain lets the test binary stand in for nslab's escape applets: the kernel test copies
// it into the rootfs as {{nslab}}, as the lab copies nslab itself.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "escape" {
		if err := rootfs.RunEscape(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "nslab escape:", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}
