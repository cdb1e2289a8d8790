package labtest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The child's mount must not be seen by the parent's namespace.
func TestInNewNamespaceIsolates(t *testing.T) {
	dir := os.Getenv("NSLAB_LABTEST_DIR")
	if !InChild(t) {
		RequireRoot(t)
		dir = t.TempDir()
	}
	if !InNewNamespaceWith(t, Options{Env: []string{"NSLAB_LABTEST_DIR=" + dir}}) {
		b, err := os.ReadFile("/proc/self/mountinfo")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), dir) {
			t.Fatalf("the child's mount on %s leaked into the parent's namespace", dir)
		}
		return
	}
	if err := unix.Mount("labtest", dir, "tmpfs", 0, ""); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", dir, err)
	}
	b, _ := os.ReadFile("/proc/self/mountinfo")
	if !strings.Contains(string(b), dir) {
		t.Fatalf("the child does not see its own mount on %s", dir)
	}
}

func TestRunPattern(t *testing.T) {
	for in, want := range map[string]string{
		"TestA":        "^TestA$",
		"TestA/sub_1":  "^TestA$/^sub_1$",
		"TestA/x.y(z)": `^TestA$/^x\.y\(z\)$`,
	} {
		if got := runPattern(in); got != want {
			t.Errorf("runPattern(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestChildVerdict(t *testing.T) {
	subSkipped := "=== RUN   TestA\n=== RUN   TestA/sub\n    x_test.go:9: no busybox\n--- PASS: TestA (0.01s)\n    --- SKIP: TestA/sub (0.00s)\nPASS\n"
	for _, c := range []struct {
		name, out, test, want string
	}{
		{"a skipped subtest under a passing parent", subSkipped, "TestA/sub", "SKIP"},
		{"the parent of that subtest", subSkipped, "TestA", "PASS"},
		{"nothing ran", "testing: warning: no tests to run\nPASS\n", "TestA", ""},
		{"a longer name is another test", "--- PASS: TestAB (0.00s)\n", "TestA", ""},
		{"a failure", "--- FAIL: TestA (0.00s)\nFAIL\n", "TestA", "FAIL"},
		{"regexp characters in the name", "    --- PASS: TestA/x.y(z) (0.00s)\n", "TestA/x.y(z)", "PASS"},
		{"a dot is not any character", "    --- PASS: TestA/xzy(z) (0.00s)\n", "TestA/x.y(z)", ""},
	} {
		if got := ChildVerdict([]byte(c.out), c.test); got != c.want {
			t.Errorf("%s: ChildVerdict(%q) = %q, want %q", c.name, c.test, got, c.want)
		}
	}
}

// A child that skips makes the parent skip, not pass: run this package's test binary on a
// test that skips in its child and read the verdict it prints for it.
func TestSkipInChildIsASkip(t *testing.T) {
	if os.Getenv("NSLAB_LABTEST_SKIP_PROBE") == "" {
		RequireRoot(t)
		cmd := exec.Command(os.Args[0], "-test.run", "^TestSkipInChildIsASkip$/^inner$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "NSLAB_LABTEST_SKIP_PROBE=1")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if err := WaitExit(cmd, Patience); err != nil {
			t.Fatalf("%v\n%s", err, out.Bytes())
		}
		if v := ChildVerdict(out.Bytes(), "TestSkipInChildIsASkip/inner"); v != "SKIP" {
			t.Fatalf("a test whose child skipped reports %q, want SKIP:\n%s", v, out.Bytes())
		}
		return
	}
	t.Run("inner", func(t *testing.T) {
		if !InNewNamespace(t) {
			return
		}
		t.Skip("skipped inside the child")
	})
}
