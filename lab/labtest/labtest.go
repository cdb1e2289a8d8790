// Package labtest runs root tests in throwaway namespaces, so a test that mounts leaves the
// machine exactly as it found it.
//
// A Go test binary is multi-threaded, so it cannot move itself into a new mount namespace
// (unshare(2) affects one thread; setns(2) refuses). Instead the test re-runs itself: the
// parent starts the same test binary, filtered to the same test, as a child created in new
// namespaces; the child sees the marker variable and runs the test body. The child is killed
// if the parent dies (Pdeathsig), and its namespaces, with every mount in them, vanish with it.
//
//	func TestSomething(t *testing.T) {
//		if !labtest.InNewNamespace(t) {
//			return // the parent: the body ran in the child
//		}
//		// here: a private, throwaway mount namespace; mount freely
//	}
package labtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// childEnv marks the re-run child and names the test it is for.
const childEnv = "NSLAB_LABTEST_CHILD"

// Options choose how the throwaway namespace starts.
type Options struct {
	// SharedRoot makes / recursively shared in the new namespace, the way systemd leaves
	// a host, so a test can prove nothing propagates back to a shared parent.
	SharedRoot bool
	// NewPID also creates a PID namespace (the child test is its init).
	NewPID bool
	// Env is added to the child's environment.
	Env []string
}

// RequireRoot skips the test, saying why, when it cannot do what it needs: not root.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: mount and namespace tests run as root (sudo go test ./...)")
	}
}

// InChild reports whether this process is the re-run child for the running test.
func InChild(t testing.TB) bool {
	return os.Getenv(childEnv) == t.Name()
}

// InNewNamespace runs the calling test again in a child process inside a new private mount
// namespace and returns false in the parent once the child has finished (failing the parent
// if the child failed). In the child it returns true and the test body runs there.
func InNewNamespace(t *testing.T) bool {
	return InNewNamespaceWith(t, Options{})
}

// InNewNamespaceWith is InNewNamespace with options.
func InNewNamespaceWith(t *testing.T, opts Options) bool {
	t.Helper()
	if InChild(t) {
		if opts.SharedRoot {
			// mount(2) MS_SHARED|MS_REC on /: only inside the throwaway namespace.
			if err := unix.Mount("", "/", "", unix.MS_SHARED|unix.MS_REC, ""); err != nil {
				t.Fatalf("make / rshared in the test namespace: %v", err)
			}
		}
		return true
	}
	RequireRoot(t)
	out, err := runChild(t, opts)
	if err != nil {
		t.Fatalf("test child in a new namespace failed: %v\n%s", err, out)
	}
	if testing.Verbose() {
		t.Logf("child output:\n%s", out)
	}
	switch ChildVerdict(out, t.Name()) {
	case "PASS":
	case "SKIP":
		t.Skipf("child skipped:\n%s", out)
	default:
		// A pattern that matched nothing, or a body that never ran, prints PASS for the
		// binary but no line for this test: that is not a pass.
		t.Fatalf("the child did not run %s (no --- PASS or --- SKIP line for it):\n%s", t.Name(), out)
	}
	return false
}

// ChildVerdict finds the verdict line that `go test -v` printed for exactly the test
// name in out ("PASS", "FAIL", "SKIP", or "" when there is none). A parent test prints
// PASS when a subtest skipped, so only the line naming this test counts.
func ChildVerdict(out []byte, name string) string {
	re := regexp.MustCompile(`(?m)^\s*--- (PASS|FAIL|SKIP): ` + regexp.QuoteMeta(name) + ` \(`)
	m := re.FindSubmatch(out)
	if m == nil {
		return ""
	}
	return string(m[1])
}

func runChild(t *testing.T, opts Options) ([]byte, error) {
	args := []string{"-test.run", runPattern(t.Name()), "-test.v", "-test.count=1"}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), childEnv+"="+t.Name()), opts.Env...)
	flags := uintptr(unix.CLONE_NEWNS)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// Unshareflags (not Cloneflags) with CLONE_NEWNS also makes / recursively private
		// in the child, like unshare(1), so nothing propagates back to this namespace.
		Unshareflags: flags,
		Pdeathsig:    syscall.SIGKILL,
	}
	if opts.NewPID {
		cmd.SysProcAttr.Cloneflags = unix.CLONE_NEWPID
	}
	// Pdeathsig follows the parent thread: keep this one alive until the child is done.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	err := WaitExit(cmd, Patience)
	return out.Bytes(), err
}

// Patience bounds every wait in the tests: long enough that only a hang reaches it on a
// busy two-core machine, short enough that a hang fails with a message instead of at the
// suite's timeout. Waits end on progress; this is the deadline, not a guess of the time.
const Patience = 3 * time.Minute

// WaitExit waits for a started command, killing it after limit: a child that hangs is an
// error that says so, not a test that never ends.
func WaitExit(cmd *exec.Cmd, limit time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("%s did not end within %v and was killed", cmd.Path, limit)
	}
}

// runPattern anchors each level of a (sub)test name for -test.run.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// Rootless reports whether the tests run as root of a user namespace other than the
// machine's first one (test.sh without sudo runs them so): user_namespaces(7), the initial
// namespace's uid_map is "0 0 4294967295". There the lab is rootless and inherited mounts
// are locked.
func Rootless() bool {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	return strings.Join(strings.Fields(string(b)), " ") != "0 0 4294967295"
}

// RequireMachineRoot skips a test whose claim holds only for the machine's root, saying
// why, when the tests run rootless.
func RequireMachineRoot(t testing.TB, why string) {
	t.Helper()
	RequireRoot(t)
	if Rootless() {
		t.Skip("needs the machine's root: " + why)
	}
}
