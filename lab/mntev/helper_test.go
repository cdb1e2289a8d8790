package mntev

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nslab/nslab/lab/labtest"
	"golang.org/x/sys/unix"
)

// The test helper is this test binary re-run with helperTestEnv set: a process in a mount
// namespace of its own that obeys mount commands on stdin, so that tests read and watch a
// namespace from outside, the way the lab reads its panes.
const helperTestEnv = "NSLAB_MNTEV_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperTestEnv) == "1" {
		if err := serve(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "mntev test helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serve obeys one command per line, fields separated by the ASCII unit separator (paths
// may hold spaces and tabs),
// answering "ok" or "error …", until EOF.
func serve(in io.Reader, out io.Writer) error {
	lines := bufio.NewScanner(in)
	for lines.Scan() {
		if err := do(strings.Split(lines.Text(), sep)); err != nil {
			fmt.Fprintf(out, "error %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		fmt.Fprintln(out, "ok")
	}
	return lines.Err()
}

// do runs one command: in the test process itself, or in the helper.
//
//	mount SOURCE TARGET FSTYPE FLAGS DATA   mount(2), FLAGS a number
//	bind SOURCE TARGET                      mount --bind
//	rbind SOURCE TARGET                     mount --rbind
//	move SOURCE TARGET                      mount --move
//	remount TARGET FLAGS                    mount -o remount,bind with FLAGS added
//	make shared|slave|private|unbindable TARGET
//	umount TARGET / lazy TARGET             umount, umount -l
//	mkdir PATH                              mkdir -p
//	chroot DIR                              chroot(2) and chdir("/")
//	pivot NEWROOT PUTOLD                    pivot_root(2) and chdir("/")
//	binds N DIR                             N bind mounts under DIR
func do(c []string) error {
	arg := func(i int) string {
		if i < len(c) {
			return c[i]
		}
		return ""
	}
	flags := func(s string) uintptr {
		n, _ := strconv.ParseUint(s, 0, 64)
		return uintptr(n)
	}
	var err error
	switch c[0] {
	case "mount":
		err = unix.Mount(arg(1), arg(2), arg(3), flags(arg(4)), arg(5))
	case "bind":
		err = unix.Mount(arg(1), arg(2), "", unix.MS_BIND, "")
	case "rbind":
		err = unix.Mount(arg(1), arg(2), "", unix.MS_BIND|unix.MS_REC, "")
	case "move":
		err = unix.Mount(arg(1), arg(2), "", unix.MS_MOVE, "")
	case "remount":
		err = unix.Mount("", arg(1), "", unix.MS_REMOUNT|unix.MS_BIND|flags(arg(2)), "")
	case "make":
		f := map[string]uintptr{"shared": unix.MS_SHARED, "slave": unix.MS_SLAVE, "private": unix.MS_PRIVATE, "unbindable": unix.MS_UNBINDABLE}[arg(1)]
		err = unix.Mount("", arg(2), "", f, "")
	case "umount":
		err = unix.Unmount(arg(1), 0)
	case "lazy":
		err = unix.Unmount(arg(1), unix.MNT_DETACH)
	case "mkdir":
		err = os.MkdirAll(arg(1), 0o755)
	case "chroot":
		if err = unix.Chroot(arg(1)); err == nil {
			err = unix.Chdir("/")
		}
	case "binds":
		// binds N DIR: N bind mounts of DIR/src onto DIR/0 … DIR/N-1, the cheapest mounts.
		n, _ := strconv.Atoi(arg(1))
		src := arg(2) + "/src"
		if err = os.MkdirAll(src, 0o755); err != nil {
			break
		}
		for i := 0; i < n && err == nil; i++ {
			d := arg(2) + "/" + strconv.Itoa(i)
			if err = os.Mkdir(d, 0o755); err == nil {
				err = unix.Mount(src, d, "", unix.MS_BIND, "")
			}
		}
	case "pivot":
		if err = unix.PivotRoot(arg(1), arg(2)); err == nil {
			err = unix.Chdir("/")
		}
	default:
		err = fmt.Errorf("unknown command %q", c[0])
	}
	if err != nil {
		return fmt.Errorf("%s: %w", strings.Join(c, " "), err)
	}
	return nil
}

// run runs commands in this process (the test's own throwaway namespace).
func run(t *testing.T, cmds ...[]string) {
	t.Helper()
	for _, c := range cmds {
		if err := do(c); err != nil {
			t.Fatal(err)
		}
	}
}

// helper is a running helper process.
type helper struct {
	cmd   *exec.Cmd
	pid   int
	stdin io.WriteCloser
	out   *bufio.Scanner
}

// startHelper starts a helper in a new mount namespace: private (like unshare(1)), or,
// with keepPropagation, a copy whose shared mounts stay peers of this namespace's
// (clone(2) CLONE_NEWNS, like unshare --propagation unchanged). It is killed if the test
// process dies and stopped at cleanup.
func startHelper(t testing.TB, keepPropagation bool) *helper {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperTestEnv+"=1")
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if keepPropagation {
		cmd.SysProcAttr.Cloneflags = unix.CLONE_NEWNS
	} else {
		cmd.SysProcAttr.Unshareflags = unix.CLONE_NEWNS
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the helper: %v", err)
	}
	h := &helper{cmd: cmd, pid: cmd.Process.Pid, stdin: stdin, out: bufio.NewScanner(stdout)}
	t.Cleanup(h.stop)
	return h
}

// do runs commands in the helper.
func (h *helper) do(t testing.TB, cmds ...[]string) {
	t.Helper()
	for _, c := range cmds {
		if _, err := io.WriteString(h.stdin, strings.Join(c, sep)+"\n"); err != nil {
			t.Fatalf("helper %q: %v", c, err)
		}
		if !h.out.Scan() {
			t.Fatalf("helper %q: no answer: %v", c, h.out.Err())
		}
		if h.out.Text() != "ok" {
			t.Fatalf("helper %q: %s", c, h.out.Text())
		}
	}
}

// stop ends the helper and waits for it (its namespace goes with it). Idempotent.
func (h *helper) stop() {
	if h.stdin == nil {
		return
	}
	h.stdin.Close()
	h.stdin = nil
	if err := labtest.WaitExit(h.cmd, labtest.Patience); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
	}
}

func cmd(fields ...string) []string { return fields }

// sep separates a command's fields on the helper's input.
const sep = "\x1f"

// scratch is a directory for a test to mount on; at cleanup everything mounted on or
// under it is detached first, so that it can be removed.
func scratch(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Cleanup(func() {
		for unix.Unmount(dir, unix.MNT_DETACH) == nil {
		}
	})
	return dir
}
