package scenarios

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/labtest"
)

// TestBuiltinScenariosOnLab runs every built-in scenario headless on the real lab: its
// init, shells on ptys with OSC 133 marks, and its rootfs. This is the path `nslab run
// --all` takes.
func TestBuiltinScenariosOnLab(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	scs := loadForThisLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	l := startLab(t, ctx)
	var out bytes.Buffer
	ok, err := RunHeadless(ctx, patient{Live(l)}, scs, &out, TranscriptOptions{Lang: EN})
	t.Logf("transcript:\n%s", out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("a scenario failed on the lab; see the transcript")
	}
}

// With --rootfs, every lesson passes too: the user's rootfs (here a busybox tree made by
// hand, as a learner would) is an overlay mount, where the lab's own is a plain directory,
// and the lessons must be right about both.
func TestBuiltinScenariosWithAUserRootfs(t *testing.T) {
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("no busybox on this host: cannot make a user rootfs by hand (install busybox-static)")
	}
	if !labtest.InNewNamespace(t) {
		return
	}
	dir := t.TempDir()
	for _, d := range []string{"bin", "proc", "dev", "tmp", "etc", "sys", "root"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(bb)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bin/busybox"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	list, err := exec.Command(bb, "--list").Output()
	if err != nil {
		t.Fatalf("busybox --list: %v", err)
	}
	for _, applet := range strings.Fields(string(list)) {
		if applet != "busybox" {
			if err := os.Symlink("busybox", filepath.Join(dir, "bin", applet)); err != nil {
				t.Fatal(err)
			}
		}
	}
	scs := loadForThisLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	l, err := lab.Start(ctx, lab.Options{Rootfs: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("close the lab: %v", err)
		}
	})
	var out bytes.Buffer
	ok, err := RunHeadless(ctx, patient{Live(l)}, scs, &out, TranscriptOptions{Lang: KO})
	t.Logf("transcript:\n%s", out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("a scenario failed with a user rootfs; see the transcript")
	}
}

// After a rewind, the kernel state equals that of a fresh run stopped at the same step.
func TestRewindMatchesAFreshRun(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	scs := loadForThisLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	live := patient{Live(startLab(t, ctx))}
	for _, id := range []string{"tmpfs", "umount", "chroot", "propagation"} {
		sc, err := Select(scs, id)
		if err != nil {
			t.Fatal(err)
		}
		at := len(sc[0].Steps) / 2
		r, err := Start(ctx, live, sc[0])
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < at; i++ {
			runStep(t, r, ctx, i)
		}
		fresh := kernelView(t, live)
		for i := at; i < len(sc[0].Steps); i++ { // move on, changing things
			runStep(t, r, ctx, i)
		}
		// Otherwise a rewind that does nothing would pass.
		if moved := kernelView(t, live); moved == fresh {
			t.Fatalf("%s: steps %d to %d changed nothing the view shows; the rewind would not be tested:\n%s",
				id, at+1, len(sc[0].Steps), moved)
		}
		if err := r.Rewind(ctx, at); err != nil {
			t.Fatalf("%s: rewind to step %d: %v", id, at+1, err)
		}
		if got := kernelView(t, live); got != fresh {
			t.Errorf("%s: after rewinding to step %d:\n%s\na fresh run there:\n%s", id, at+1, got, fresh)
		}
		runStep(t, r, ctx, at)
	}
}

// runStep runs step i and fails the test unless it ran and every check passed.
func runStep(t *testing.T, r *Runner, ctx context.Context, i int) StepResult {
	t.Helper()
	res := r.Run(ctx, i)
	if res.Err != nil || !res.Passed() || (res.Command != "" && !res.Ran) {
		var lines []string
		for _, c := range res.Checks {
			lines = append(lines, c.Line(EN))
		}
		t.Fatalf("%s step %d (%s): err %v, problem %q\n%s", r.Scenario().ID, i+1, res.Command, res.Err,
			res.Problem(EN), strings.Join(lines, "\n"))
	}
	return res
}

// startLab starts the real lab for the test and closes it when the test ends; a failed
// close fails the test.
func startLab(t *testing.T, ctx context.Context) *lab.Lab {
	t.Helper()
	l, err := lab.Start(ctx, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("close the lab: %v", err)
		}
	})
	return l
}

// kernelView is what the panels show of both panes, minus what differs between any two
// runs (mount IDs, inode numbers, peer group numbers, pids).
func kernelView(t *testing.T, l Lab) string {
	t.Helper()
	var b strings.Builder
	snaps := map[lab.Role]lab.Snapshot{}
	for _, r := range lab.Roles {
		s, err := l.Inspect(r)
		if err != nil {
			t.Fatal(err)
		}
		snaps[r] = s
		fmt.Fprintf(&b, "%s: comm %s chrooted %v root %s\n", r, s.Comm, s.Chrooted, s.Root)
		var rows []string
		for _, m := range s.Mounts {
			rows = append(rows, fmt.Sprintf("  %s %s %s %s %s", m.Mountpoint, m.FSType, m.Source, m.Root, m.Propagation.Type))
		}
		sort.Strings(rows)
		b.WriteString(strings.Join(rows, "\n") + "\n")
	}
	for _, t := range lab.NSTypes {
		fmt.Fprintf(&b, "%s same: %v\n", t, snaps[lab.Host].NS[t] == snaps[lab.NS].NS[t])
	}
	return b.String()
}
