package term

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

// TestMain records the sessions under -record, then runs the tests.
func TestMain(m *testing.M) {
	flag.Parse()
	if *record {
		if err := recordSessions(); err != nil {
			fmt.Fprintln(os.Stderr, "term tests: -record:", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}
