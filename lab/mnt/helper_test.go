package mnt

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The helper is this test binary re-run with helperEnv set: a process in its own mount
// namespace that mounts what a test or benchmark needs and obeys commands on stdin, so
// that tests watch and read a table from outside, the way the lab reads a pane.
const (
	helperEnv   = "NSLAB_MNT_HELPER"       // mode: "mounts" (in a new namespace) or "idle"
	helperDir   = "NSLAB_MNT_HELPER_DIR"   // where the helper mounts its tmpfs
	helperTotal = "NSLAB_MNT_HELPER_TOTAL" // grow the table to this many mounts
)

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		m.Run()
	case "idle":
		_, _ = io.Copy(io.Discard, os.Stdin)
	default:
		if err := runHelper(os.Getenv(helperDir), os.Getenv(helperTotal), os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "mount helper:", err)
			os.Exit(1)
		}
	}
}

// runHelper mounts a tmpfs on dir, grows the table to total mounts with bind mounts of
// directories onto themselves, prints "ready N", then obeys one command per line:
//
//	mount    mount a tmpfs on dir/extra; reply "ok T" with T the CLOCK_MONOTONIC
//	         nanoseconds just before mount(2)
//	umount   unmount dir/extra; reply "ok T" likewise
//	reshare  make dir private, then shared again: a new peer group; reply "ok 0"
//
// It exits at EOF; its namespace, with every mount in it, goes with it.
func runHelper(dir, totalText string, in io.Reader, out io.Writer) error {
	total, _ := strconv.Atoi(totalText)
	if dir == "" {
		return fmt.Errorf("%s is not set", helperDir)
	}
	if err := unix.Mount("nslab-helper", dir, "tmpfs", 0, ""); err != nil {
		return fmt.Errorf("mount tmpfs on %s: %w", dir, err)
	}
	have, err := countMounts()
	if err != nil {
		return err
	}
	for i := 0; have < total; i++ {
		d := filepath.Join(dir, "b"+strconv.Itoa(i))
		if err := unix.Mkdir(d, 0o755); err != nil {
			return fmt.Errorf("mkdir %s: %w", d, err)
		}
		if err := unix.Mount(d, d, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind %s: %w", d, err)
		}
		have++
	}
	extra := filepath.Join(dir, "extra")
	if err := unix.Mkdir(extra, 0o755); err != nil {
		return fmt.Errorf("mkdir %s: %w", extra, err)
	}
	fmt.Fprintf(out, "ready %d\n", have)
	lines := bufio.NewScanner(in)
	for lines.Scan() {
		t0 := monotonicNow()
		var err error
		switch lines.Text() {
		case "mount":
			err = unix.Mount("nslab-extra", extra, "tmpfs", 0, "")
		case "umount":
			err = unix.Unmount(extra, 0)
		case "reshare":
			t0 = 0
			if err = unix.Mount("", dir, "", unix.MS_PRIVATE, ""); err == nil {
				err = unix.Mount("", dir, "", unix.MS_SHARED, "")
			}
		default:
			err = fmt.Errorf("unknown command %q", lines.Text())
		}
		if err != nil {
			fmt.Fprintf(out, "error %s: %v\n", lines.Text(), err)
			continue
		}
		fmt.Fprintf(out, "ok %d\n", t0)
	}
	return lines.Err()
}

func countMounts() (int, error) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return 0, err
	}
	return strings.Count(string(b), "\n"), nil
}

// monotonicNow is CLOCK_MONOTONIC in nanoseconds: one clock for all processes, so the
// helper's "before mount" and the watcher's "signal seen" can be subtracted.
func monotonicNow() int64 {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// helper is a running helper process.
type helper struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
	pid   int
	dir   string
	// mounts is the table size the helper reported when ready.
	mounts int
}

// helperOptions choose the helper's namespace.
type helperOptions struct {
	// total grows the helper's table to this many mounts.
	total int
	// keepPropagation creates the namespace with clone(2) CLONE_NEWNS, keeping the
	// parent's propagation (copies of shared mounts are peers), like
	// unshare --propagation unchanged. Otherwise unshare(2) then / made rprivate, like
	// unshare(1).
	keepPropagation bool
	// idle starts a helper that mounts nothing, in no new namespace, and waits for EOF.
	idle bool
}

// startHelper starts a helper and waits until it is ready. It is killed if this test
// process dies (Pdeathsig) and stopped at cleanup.
func startHelper(tb testing.TB, opts helperOptions) *helper {
	tb.Helper()
	dir := tb.TempDir()
	mode := "mounts"
	if opts.idle {
		mode = "idle"
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDir+"="+dir, helperTotal+"="+strconv.Itoa(opts.total))
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	switch {
	case opts.idle:
	case opts.keepPropagation:
		cmd.SysProcAttr.Cloneflags = unix.CLONE_NEWNS
	default:
		cmd.SysProcAttr.Unshareflags = unix.CLONE_NEWNS
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start mount helper: %v", err)
	}
	h := &helper{cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout), pid: cmd.Process.Pid, dir: dir}
	tb.Cleanup(h.stop)
	if opts.idle {
		return h
	}
	if !h.out.Scan() {
		tb.Fatalf("mount helper did not start: %v", h.out.Err())
	}
	if _, err := fmt.Sscanf(h.out.Text(), "ready %d", &h.mounts); err != nil {
		tb.Fatalf("mount helper said %q: %v", h.out.Text(), err)
	}
	return h
}

// do sends one command and returns the helper's CLOCK_MONOTONIC time stamp.
func (h *helper) do(tb testing.TB, command string) int64 {
	tb.Helper()
	if _, err := io.WriteString(h.stdin, command+"\n"); err != nil {
		tb.Fatalf("helper %s: %v", command, err)
	}
	if !h.out.Scan() {
		tb.Fatalf("helper %s: no reply: %v", command, h.out.Err())
	}
	var t0 int64
	if _, err := fmt.Sscanf(h.out.Text(), "ok %d", &t0); err != nil {
		tb.Fatalf("helper %s: %s", command, h.out.Text())
	}
	return t0
}

// stop ends the helper: EOF on its stdin, then wait. Idempotent.
func (h *helper) stop() {
	if h.stdin == nil {
		return
	}
	h.stdin.Close()
	h.stdin = nil
	_ = h.cmd.Wait()
}
