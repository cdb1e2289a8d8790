package lab

import (
	"strconv"
	"strings"
	"testing"
)

// A snapshot gives the followed process's PID inside its own PID namespace: the pane's
// shell as the lab sees it, and 1 for the first process of a new PID namespace.
func TestSnapshotHasThePIDInsideItsNamespace(t *testing.T) {
	l := startLab(t, Options{})
	res := run(t, l, NS, "echo $$")
	s, err := l.Inspect(NS)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := strconv.Atoi(strings.TrimSpace(res.Output)); s.NSPID != want || want <= 1 {
		t.Fatalf("the pane's shell: NSPID %d, the shell says $$ = %q", s.NSPID, res.Output)
	}
	run(t, l, NS, "unshare --pid --fork /bin/sh")
	if s, err = l.Inspect(NS); err != nil || s.NSPID != 1 {
		t.Fatalf("the first shell of a new PID namespace: NSPID %d (pid %d %s), %v; want 1", s.NSPID, s.PID, s.Comm, err)
	}
}
