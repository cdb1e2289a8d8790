package term

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestMain gives the processes the tests start the signal state a pane's
// shell gets (see defaultSignalsForChildren), records the sessions under
// -record, and runs the tests.
func TestMain(m *testing.M) {
	flag.Parse()
	if err := defaultSignalsForChildren(); err != nil {
		fmt.Fprintln(os.Stderr, "term tests: signals for child processes:", err)
		os.Exit(2)
	}
	if *record {
		if err := recordSessions(); err != nil {
			fmt.Fprintln(os.Stderr, "term tests: -record:", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

// unmaskedEnv marks a test binary that re-executed itself with an empty
// signal mask, so that it does not try again.
const unmaskedEnv = "NSLAB_TERM_TEST_UNMASKED"

// defaultSignalsForChildren makes the processes the tests start get default
// signal dispositions and an empty signal mask, whatever this binary
// inherited. A background job of a non-interactive shell starts with SIGINT
// and SIGQUIT ignored, one under nohup with SIGHUP ignored, and a parent may
// leave signals blocked. Go hands some of that on: exec keeps SIG_IGN, and
// the runtime resets to SIG_DFL in a child only the signals it has a handler
// for (it installs none for an inherited SIG_IGN of SIGHUP or SIGINT, nor
// for SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU); and a child starts with the mask
// of the thread that forked it, which is the binary's startup mask. A shell
// started that way ignores Ctrl-C.
//
// So: for each ignored signal, Notify a buffered channel nobody reads. Go
// installs its handler (children get SIG_DFL) and drops the signal as before
// (sigaction(2), execve(2): handlers reset, SIG_IGN survives). If the startup
// mask blocks anything, nothing in Go can change it for the threads to come,
// so the binary re-executes itself from a thread whose mask is empty: execve
// keeps the caller's mask (sigprocmask(2)), the new image starts unmasked, and
// the handlers just installed are reset to SIG_DFL. What is left (a signal Go
// cannot handle, a mask execve did not clear) TestChildSignals reports.
func defaultSignalsForChildren() error {
	ign, err := procSigset("/proc/self/status", "SigIgn")
	if err != nil {
		return err
	}
	for sig := 1; sig <= 64; sig++ {
		if ign&(1<<(sig-1)) != 0 {
			signal.Notify(make(chan os.Signal, 1), syscall.Signal(sig))
		}
	}
	// /proc/self/status shows the main thread's mask: the startup mask
	// less the signals Go will not run with blocked.
	blk, err := procSigset("/proc/self/status", "SigBlk")
	if err != nil || blk == 0 || os.Getenv(unmaskedEnv) != "" {
		return err
	}
	runtime.LockOSThread() // the mask set here must be the one execve sees
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, &unix.Sigset_t{}, nil); err != nil {
		return fmt.Errorf("unblock %s: %w", sigsetString(blk), err)
	}
	err = syscall.Exec("/proc/self/exe", os.Args, append(os.Environ(), unmaskedEnv+"=1"))
	return &os.PathError{Op: "re-execute with an empty signal mask", Path: "/proc/self/exe", Err: err}
}

// procSigset reads a signal set (SigIgn, SigBlk, ...) from a proc(5) status
// file: bit n-1 stands for signal n.
func procSigset(status, field string) (uint64, error) {
	b, err := os.ReadFile(status)
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			set, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil {
				return 0, fmt.Errorf("%s in %s: %w", field, status, err)
			}
			return set, nil
		}
	}
	return 0, fmt.Errorf("no %s in %s", field, status)
}

// sigsetString names the signals in set.
func sigsetString(set uint64) string {
	var names []string
	for sig := 1; sig <= 64; sig++ {
		if set&(1<<(sig-1)) != 0 {
			names = append(names, fmt.Sprintf("%d (%v)", sig, syscall.Signal(sig)))
		}
	}
	return strings.Join(names, ", ")
}

// TestChildSignals checks what a process started by a test inherits: no
// signal ignored or blocked, as a shell in a terminal expects (else Ctrl-C
// would not stop `sleep 100` in TestLiveShell). cat changes neither; it
// waits on its input while its status is read.
func TestChildSignals(t *testing.T) {
	cat, err := exec.LookPath("cat")
	if err != nil {
		t.Skipf("no cat: %v", err)
	}
	cmd := exec.Command(cat)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil { // returns once cat is exec'd
		t.Fatal(err)
	}
	defer func() {
		_ = in.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("cat: %v", err)
		}
	}()
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	for _, field := range []string{"SigIgn", "SigBlk"} {
		set, err := procSigset(status, field)
		if err != nil {
			t.Fatal(err)
		}
		if set != 0 {
			t.Errorf("%s of a child = %#x: %s", field, set, sigsetString(set))
		}
	}
}

func TestProcSigset(t *testing.T) {
	status := t.TempDir() + "/status"
	if err := os.WriteFile(status, []byte("Name:\tx\nSigBlk:\t0000000000010002\nSigIgn:\tzz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if set, err := procSigset(status, "SigBlk"); err != nil || set != 1<<1|1<<16 {
		t.Errorf("SigBlk = %#x, %v; want SIGINT and SIGCHLD (0x10002)", set, err)
	}
	if got, want := sigsetString(1<<1|1<<16), "2 (interrupt), 17 (child exited)"; got != want {
		t.Errorf("sigsetString = %q, want %q", got, want)
	}
	if _, err := procSigset(status, "SigIgn"); err == nil {
		t.Error("SigIgn zz parsed")
	}
	if _, err := procSigset(status, "SigCgt"); err == nil {
		t.Error("missing SigCgt found")
	}
	if _, err := procSigset(t.TempDir()+"/none", "SigBlk"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
