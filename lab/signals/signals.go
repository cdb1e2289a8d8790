// Package signals gives the processes nslab starts the signal dispositions and mask a
// process gets from a login shell, whatever nslab itself inherited.
//
// `nohup` starts a program with SIGHUP ignored, and a background job of a non-interactive
// shell (`cmd &` in a script) starts with SIGINT and SIGQUIT ignored. An ignored signal stays
// ignored across fork and execve(2), and so does the signal mask (signal(7)). A pane shell
// that inherits an ignored SIGINT cannot be interrupted with Ctrl-C; a stand-in nslab that
// inherits an ignored SIGHUP outlives its terminal. Go resets to SIG_DFL in a child only the
// signals the Go program handles itself, and gives every child the mask the program started
// with; Reset arranges both.
package signals

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// reexecEnv marks the one re-execution Reset may do, so that it never loops.
const reexecEnv = "NSLAB_SIGNALS_RESET"

// Reset makes every signal this process ignores handled (and discarded) by Go instead, so
// its children start with the default action, and re-executes the program once with an
// empty signal mask when it started with signals blocked. For the process itself nothing
// changes: a signal it ignored is still, in effect, ignored. Call it first thing in main
// (and in a test binary's TestMain), before any goroutine that matters is running.
func Reset() error {
	ign, blk, err := status()
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no /proc (a chroot): nothing to know, nothing to reset
	}
	if err != nil {
		return err
	}
	if ign != 0 {
		sink := make(chan os.Signal, 1)
		for _, s := range Signals(ign) {
			signal.Notify(sink, s)
		}
		// The channel is never read: a signal arriving when it is full is dropped, which is
		// what ignoring it did.
	}
	if blk == 0 {
		os.Unsetenv(reexecEnv)
		return nil
	}
	if os.Getenv(reexecEnv) != "" {
		return fmt.Errorf("signals still blocked (SigBlk %x) after re-executing with an empty mask", blk)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	// execve(2) keeps the calling thread's mask: clear it on this thread, then replace the
	// program. Go starts every thread of the new image with the mask it starts with.
	runtime.LockOSThread()
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, &unix.Sigset_t{}, nil); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("pthread_sigmask: %w", err)
	}
	os.Setenv(reexecEnv, "1")
	err = syscall.Exec(exe, os.Args, os.Environ())
	runtime.UnlockOSThread()
	return fmt.Errorf("re-execute %s with an empty signal mask: %w", exe, err)
}

// status reads this thread's ignored and blocked signal sets (SigIgn, SigBlk in
// /proc/thread-self/status, proc(5)). Go's own threads block nothing it needs, so a
// non-empty SigBlk on the main thread is what the program inherited.
func status() (ign, blk uint64, err error) {
	f, err := os.Open("/proc/thread-self/status")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	return parseStatus(f)
}

func parseStatus(f *os.File) (ign, blk uint64, err error) {
	sc := bufio.NewScanner(f)
	seen := 0
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "SigIgn" && k != "SigBlk") {
			continue
		}
		n, perr := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		if perr != nil {
			return 0, 0, fmt.Errorf("%s: expected a hexadecimal signal set, found %q", k, v)
		}
		if k == "SigIgn" {
			ign = n
		} else {
			blk = n
		}
		seen++
	}
	if err := sc.Err(); err != nil {
		return 0, 0, err
	}
	if seen != 2 {
		return 0, 0, fmt.Errorf("%s: expected SigIgn and SigBlk lines", f.Name())
	}
	return ign, blk, nil
}

// Signals lists the signals of a proc(5) signal set that a program may catch: bit n-1 is
// signal n; SIGKILL and SIGSTOP cannot be caught, and 32 and 33 belong to the C library's
// threads.
func Signals(set uint64) []os.Signal {
	var out []os.Signal
	for n := 1; n <= 64; n++ {
		if set&(1<<(n-1)) == 0 {
			continue
		}
		switch syscall.Signal(n) {
		case syscall.SIGKILL, syscall.SIGSTOP, 32, 33:
			continue
		}
		out = append(out, syscall.Signal(n))
	}
	return out
}
