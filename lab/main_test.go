package lab

import (
	"os"
	"testing"
)

// TestMain lets the test binary serve as the lab's init, as nslab itself does.
func TestMain(m *testing.M) {
	if IsInit(os.Args) {
		os.Exit(InitMain())
	}
	os.Exit(m.Run())
}
