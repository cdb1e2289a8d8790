package signals

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const (
	modeEnv  = "NSLAB_SIGNALS_TEST_MODE"
	usr1Mask = 1 << (10 - 1) // SIGUSR1 is 10 on Linux
	hupInt   = 1<<(1-1) | 1<<(2-1)
)

// TestMain plays the two processes of the test: "spoil" starts the test binary again the
// way nohup inside a script would (SIGHUP and SIGINT ignored, and SIGUSR1 blocked on top);
// "child" is that binary, which resets (or, with "child-noreset", does not) and then shows
// what a program it starts inherits.
func TestMain(m *testing.M) {
	switch os.Getenv(modeEnv) {
	case "spoil", "spoil-noreset":
		runtime.LockOSThread()
		signal.Ignore(syscall.SIGHUP, syscall.SIGINT)
		var set unix.Sigset_t
		set.Val[0] = usr1Mask
		if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, nil); err != nil {
			fmt.Println("ERROR", err)
			os.Exit(1)
		}
		next := strings.Replace(os.Getenv(modeEnv), "spoil", "child", 1)
		env := withMode(next)
		err := syscall.Exec(os.Args[0], []string{os.Args[0], "-test.run", "^$"}, env)
		fmt.Println("ERROR", err)
		os.Exit(1)
	case "child", "child-noreset":
		if os.Getenv(modeEnv) == "child" {
			if err := Reset(); err != nil {
				fmt.Println("ERROR", err)
				os.Exit(1)
			}
		}
		out, err := exec.Command("cat", "/proc/self/status").Output()
		if err != nil {
			fmt.Println("ERROR", err)
			os.Exit(1)
		}
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "SigIgn:") || strings.HasPrefix(l, "SigBlk:") {
				fmt.Println(l)
			}
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// withMode is this environment with the mode replaced (getenv takes the first of two).
func withMode(mode string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, modeEnv+"=") {
			env = append(env, kv)
		}
	}
	return append(env, modeEnv+"="+mode)
}

// inherited runs the spoiling chain and returns the SigIgn and SigBlk of the grandchild.
func inherited(t *testing.T, mode string) (ign, blk uint64) {
	t.Helper()
	// A chain that loops (a mode not replaced) must fail, not hang.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run", "^$")
	cmd.Env = withMode(mode)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "ERROR") {
		t.Fatalf("%s: %v\n%s", mode, err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		var v uint64
		if _, err := fmt.Sscanf(l, "SigIgn: %x", &v); err == nil {
			ign = v
		}
		if _, err := fmt.Sscanf(l, "SigBlk: %x", &v); err == nil {
			blk = v
		}
	}
	if !strings.Contains(string(out), "SigIgn:") || !strings.Contains(string(out), "SigBlk:") {
		t.Fatalf("%s: no SigIgn/SigBlk in the output:\n%s", mode, out)
	}
	return ign, blk
}

func TestWithoutResetChildrenInheritIgnoredAndBlocked(t *testing.T) {
	ign, blk := inherited(t, "spoil-noreset")
	if ign&hupInt != hupInt || blk&usr1Mask == 0 {
		t.Fatalf("the spoiled start did not reach the grandchild (SigIgn %x, SigBlk %x): the test of Reset would prove nothing", ign, blk)
	}
}

func TestResetGivesChildrenDefaults(t *testing.T) {
	ign, blk := inherited(t, "spoil")
	if ign != 0 || blk != 0 {
		t.Fatalf("a program started after Reset has SigIgn %x and SigBlk %x, want 0 and 0", ign, blk)
	}
}

func TestSignals(t *testing.T) {
	got := Signals(1<<(1-1) | 1<<(9-1) | 1<<(19-1) | 1<<(15-1) | 1<<(32-1) | 1<<(33-1) | 1<<(64-1))
	want := []os.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.Signal(64)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Signals = %v, want %v", got, want)
	}
}

func TestParseStatus(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, text string
		ign, blk   uint64
		err        bool
	}{
		{"both", "Name:\tx\nSigBlk:\t0000000000000200\nSigIgn:\t0000000000000003\n", 3, 0x200, false},
		{"missing", "SigIgn:\t0\n", 0, 0, true},
		{"not hex", "SigIgn:\tzz\nSigBlk:\t0\n", 0, 0, true},
	} {
		p := dir + "/" + c.name
		if err := os.WriteFile(p, []byte(c.text), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		ign, blk, err := parseStatus(f)
		f.Close()
		if (err != nil) != c.err || ign != c.ign || blk != c.blk {
			t.Errorf("%s: got %x %x %v, want %x %x error=%v", c.name, ign, blk, err, c.ign, c.blk, c.err)
		}
	}
}
