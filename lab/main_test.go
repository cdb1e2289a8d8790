package lab

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/lab/signals"
)

// TestMain lets the test binary serve as the lab's init, as nslab itself does, and as a
// stand-in nslab for the tests that kill it.
func TestMain(m *testing.M) {
	// What the tests start (labs, stand-ins, shells) gets default signals, also when the
	// suite runs under nohup or as a background job.
	if err := signals.Reset(); err != nil {
		fmt.Fprintln(os.Stderr, "reset signals:", err)
		os.Exit(2)
	}
	if IsInit(os.Args) {
		os.Exit(InitMain())
	}
	if IsProbe(os.Args) {
		os.Exit(ProbeMain())
	}
	if os.Getenv(surrogateEnv) == "1" {
		os.Exit(surrogateMain())
	}
	os.Exit(m.Run())
}

const surrogateEnv = "NSLAB_TEST_SURROGATE"

// heldSource names the tmpfs a stand-in's pane holds, unique to that stand-in, so tests of
// other packages running at the same time cannot be mistaken for a leak.
func heldSource(surrogatePID int, r Role) string {
	return fmt.Sprintf("held_%s_%d", r, surrogatePID)
}

// surrogateMain starts a lab, leaves a SIGHUP-proof background job in each pane, reports
// the lab's PID namespace and waits to be killed.
func surrogateMain() int {
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Patience)
	defer cancel()
	l, err := Start(ctx, Options{})
	if err != nil {
		fmt.Println("ERROR", err)
		return 1
	}
	for _, r := range Roles {
		p := l.Pane(r)
		for _, cmd := range []string{"(trap '' HUP; exec sleep 1000) &", "nohup sleep 1001 >/dev/null 2>&1 &",
			"mkdir -p /tmp/held && mount -t tmpfs " + heldSource(os.Getpid(), r) + " /tmp/held"} {
			if res, err := p.Run(ctx, cmd, labtest.Patience); err != nil || res.Exit != 0 {
				fmt.Println("ERROR", r, cmd, err, res.Exit)
				return 1
			}
		}
	}
	// The canary's token tells this lab's workspace from any other (device numbers of
	// freed tmpfs are handed out again at once).
	fmt.Printf("READY %d %s\n", l.InitPID(), l.Token())
	select {}
}
