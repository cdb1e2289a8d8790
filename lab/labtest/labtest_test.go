package labtest

import (
	"os"
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
