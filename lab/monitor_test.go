package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
	"golang.org/x/sys/unix"
)

// kernelAtLeast reports whether the running kernel is at least major.minor.
func kernelAtLeast(t *testing.T, major, minor int) bool {
	t.Helper()
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		t.Fatal(err)
	}
	parts := strings.SplitN(unix.ByteSliceToString(u.Release[:]), ".", 3)
	a, _ := strconv.Atoi(parts[0])
	b := 0
	if len(parts) > 1 {
		b, _ = strconv.Atoi(strings.TrimFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	}
	return a > major || a == major && b >= minor
}

// mountPath waits for the lab's probe and returns what it found.
func mountPath(t *testing.T, l *Lab) string {
	t.Helper()
	select {
	case <-l.hub.probed:
		return l.MountPath()
	case <-time.After(labtest.Patience):
		t.Fatalf("the mount-event probe did not finish within %s", labtest.Patience)
		return ""
	}
}

// awaitMountEvent waits for a mount event of kind at target in pane r.
func awaitMountEvent(t *testing.T, l *Lab, r Role, kind EventKind, target string) Event {
	t.Helper()
	deadline := time.After(labtest.Patience)
	for {
		select {
		case e := <-l.Events():
			if e.Kind == kind && e.Pane == r && e.Mount != nil && e.Mount.Mountpoint == target {
				return e
			}
		case <-deadline:
			t.Fatalf("no %v event for %s in the %s pane within %s", kind, target, r, labtest.Patience)
		}
	}
}

// A mount made outside any command (a background job, released through a fifo once the
// panels have settled) reaches the panels by its mount event, with only that mount read,
// and so does an unmount; a remount, which sends no mount event, by mountinfo's wake-up and
// a whole read. Also when the events come after mountinfo's wake-up has been given up on
// (late: every batch arrives as a wake-up with no event): listmount finds what came and
// went, and a remount, which leaves the IDs as they are, is read whole. Each change leaves
// the state equal to what the kernel says.
//
// Without mount events where listmount and statmount work (Linux 6.11–6.14; here with
// NSLAB_MOUNT_EVENTS=nofanotify), every change comes as such a wake-up, and the same holds.
func TestMountEventsReadOnlyTheChange(t *testing.T) {
	if os.Getenv(MountEventsEnv) == "off" {
		t.Skipf("%s=off", MountEventsEnv)
	}
	for _, c := range []struct {
		name, env, path string
		late            bool
	}{
		{"events", "", "fanotify", false},
		{"late events", "", "fanotify", true},
		{"no fanotify", "nofanotify", "mountinfo's POLLPRI + listmount", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.env != "" {
				t.Setenv(MountEventsEnv, c.env)
			} else if env := os.Getenv(MountEventsEnv); env != "" {
				t.Skipf("%s=%s", MountEventsEnv, env)
			}
			testReadOnlyTheChange(t, c.path, c.late)
		})
	}
}

func testReadOnlyTheChange(t *testing.T, want string, late bool) {
	l := startLab(t, Options{})
	path := mountPath(t, l)
	t.Logf("mount path: %s", path)
	if !kernelAtLeast(t, 6, 15) {
		t.Skipf("no mount events before Linux 6.15 (the lab says: %s)", path)
	}
	if !strings.HasPrefix(path, want) {
		t.Fatalf("on Linux ≥ 6.15 with %s=%q the lab follows mounts with: %s", MountEventsEnv, os.Getenv(MountEventsEnv), path)
	}
	run(t, l, Host, "mkfifo /tmp/go1 /tmp/go2 /tmp/go3 /tmp/go4 && mkdir -p /tmp/bg /tmp/burst/1 /tmp/burst/2 /tmp/burst/3 /tmp/burst/4 /tmp/burst/5 /tmp/burst/6 /tmp/burst/7 /tmp/burst/8")
	run(t, l, Host, "(read x </tmp/go1; mount -t tmpfs bg /tmp/bg; read x </tmp/go2; "+remountRO("/tmp/bg")+"; read x </tmp/go3; umount /tmp/bg; "+
		"read x </tmp/go4; for i in 1 2 3 4 5 6 7 8; do mount -t tmpfs b$i /tmp/burst/$i; done) >/dev/null 2>&1 &")
	settled(t, l)
	drain(l)
	l.hub.lateEvents.Store(late)

	whole, partial := l.hub.wholeReads.Load(), l.hub.partialReads.Load()
	release(t, l, "/tmp/go1")
	awaitMountEvent(t, l, Host, MountAdded, "/tmp/bg")
	readAlone(t, l, "a mount", whole, partial)
	checkWithKernel(t, l)

	whole = l.hub.wholeReads.Load()
	release(t, l, "/tmp/go2")
	if e := awaitMountEvent(t, l, Host, MountChanged, "/tmp/bg"); !strings.HasPrefix(e.Mount.Options, "ro") {
		t.Errorf("after the remount: options %q", e.Mount.Options)
	}
	if l.hub.wholeReads.Load() == whole {
		t.Error("a remount was shown without a whole read")
	}
	checkWithKernel(t, l)

	whole, partial = l.hub.wholeReads.Load(), l.hub.partialReads.Load()
	release(t, l, "/tmp/go3")
	awaitMountEvent(t, l, Host, MountRemoved, "/tmp/bg")
	readAlone(t, l, "an unmount", whole, partial)
	checkWithKernel(t, l)
	if late {
		return // every wake-up comes as one with no event: a burst is read whole at times
	}

	// Mounts in a burst: a wake-up whose mount an earlier listing already found is
	// seen, not taken for a remount.
	whole, partial = l.hub.wholeReads.Load(), l.hub.partialReads.Load()
	release(t, l, "/tmp/go4")
	for i := 1; i <= 8; i++ {
		awaitMountEvent(t, l, Host, MountAdded, fmt.Sprintf("/tmp/burst/%d", i))
	}
	readAlone(t, l, "a burst of mounts", whole, partial)
	checkWithKernel(t, l)
}

// release writes to a fifo in the lab's /tmp, which a background job reads. The fifo is
// reached through the pane shell's root (the shell itself: the process followed may be a
// job that has ended since).
func release(t *testing.T, l *Lab, fifo string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join("/proc", strconv.Itoa(l.Pane(Host).ShellPID()), "root", fifo), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("go\n"); err != nil {
		t.Fatal(err)
	}
}

// readAlone says what was read since the counts whole and partial: some single mounts and
// no whole table.
func readAlone(t *testing.T, l *Lab, what string, whole, partial uint64) {
	t.Helper()
	if w, p := l.hub.wholeReads.Load(), l.hub.partialReads.Load(); w != whole || p == partial {
		t.Errorf("%s read %d whole tables and %d single mounts; want none and some", what, w-whole, p-partial)
	}
}

// checkWithKernel holds both panes' published tables to findmnt.
func checkWithKernel(t *testing.T, l *Lab) {
	t.Helper()
	st := l.State()
	for _, s := range []Snapshot{st.Host, st.NS} {
		if bad, _ := compareWithKernel(t, s); len(bad) > 0 {
			t.Fatalf("%s pane differs from the kernel:\n%s", s.Pane, strings.Join(bad, "\n"))
		}
	}
}

// With mount events turned off the lab says so and follows mounts with mountinfo.
func TestMountEventsTurnedOff(t *testing.T) {
	t.Setenv(MountEventsEnv, "off")
	l := startLab(t, Options{})
	if path := mountPath(t, l); !strings.HasPrefix(path, "mountinfo + POLLPRI") || !strings.Contains(path, MountEventsEnv) {
		t.Fatalf("with %s=off the lab follows mounts with: %s", MountEventsEnv, path)
	}
	run(t, l, Host, "mkdir -p /tmp/off && mount -t tmpfs off /tmp/off")
	settled(t, l)
	checkWithKernel(t, l)
	if l.hub.partialReads.Load() != 0 {
		t.Errorf("%d single-mount reads with mount events off", l.hub.partialReads.Load())
	}
}

// A storm of mounts and unmounts in the background, with commands ending in the other
// pane meanwhile (each asks for a whole re-read while the table changes): once the storm
// is over, which a last mount's event says, the state equals the kernel's without another
// command, and the mounts were followed by their events.
func TestMountStormFollowedExactly(t *testing.T) {
	for _, c := range []struct {
		name    string
		noAlign bool
	}{{"mountinfo lined up", false}, {"statmount", true}} {
		t.Run(c.name, func(t *testing.T) { testMountStorm(t, c.noAlign) })
	}
}

// testMountStorm is TestMountStormFollowedExactly with whole reads from mountinfo lined
// up with listmount when they can be, or (noAlign) always from statmount, as in a storm
// where they never line up.
func testMountStorm(t *testing.T, noAlign bool) {
	if os.Getenv(MountEventsEnv) == "off" {
		t.Skipf("%s=off", MountEventsEnv)
	}
	l := startLab(t, Options{})
	l.hub.noAlign.Store(noAlign)
	if path := mountPath(t, l); !strings.HasPrefix(path, "fanotify") {
		t.Skipf("no mount events here: %s", path)
	}
	run(t, l, Host, "mkfifo /tmp/go && mkdir -p /tmp/st /tmp/last")
	run(t, l, Host, "(read x </tmp/go; for i in $(seq 300); do mount -t tmpfs s$i /tmp/st; umount /tmp/st; done; "+
		"mount -t tmpfs last /tmp/last) >/dev/null 2>&1 &")
	settled(t, l)
	drain(l)
	partial := l.hub.partialReads.Load()
	release(t, l, "/tmp/go")
	for range 5 {
		run(t, l, NS, "true")
	}
	awaitMountEvent(t, l, Host, MountAdded, "/tmp/last")
	checkWithKernel(t, l)
	if l.hub.partialReads.Load() == partial {
		t.Error("no mount of the storm was read alone")
	}
	if noAlign && l.hub.statmountReads.Load() == 0 {
		t.Error("no whole read with statmount")
	}
	t.Logf("storm: %d single-mount reads, %d whole reads (%d of them with statmount)",
		l.hub.partialReads.Load()-partial, l.hub.wholeReads.Load(), l.hub.statmountReads.Load())
}

// A reader woken by a mount event finds that mount in State. Each mount here is made by a
// command that ends right after it, so the process the panels follow is often gone by the
// time its state is read: the event must wait for a state that can be published.
func TestMountEventsFollowTheirState(t *testing.T) {
	l := startLab(t, Options{})
	mountPath(t, l)
	settled(t, l)
	drain(l)
	const n = 100
	seen := make(chan error, 1)
	go func() {
		missing, found := 0, 0
		deadline := time.After(labtest.Patience)
		for found < n {
			select {
			case e := <-l.Events():
				if e.Kind != MountAdded || e.Pane != Host || e.Mount == nil || !strings.HasPrefix(e.Mount.Mountpoint, "/tmp/ev") {
					continue
				}
				found++
				if mountAtPoint(l.State().Host.Mounts, e.Mount.Mountpoint) == nil {
					missing++
				}
			case <-deadline:
				seen <- fmt.Errorf("saw %d of %d mount events within %s", found, n, labtest.Patience)
				return
			}
		}
		if missing > 0 {
			seen <- fmt.Errorf("%d of %d mount events came before the state that has their mount", missing, n)
			return
		}
		seen <- nil
	}()
	run(t, l, Host, fmt.Sprintf("for i in $(seq 1 %d); do mkdir -p /tmp/ev$i && mount -t tmpfs ev$i /tmp/ev$i; done", n))
	if err := <-seen; err != nil {
		t.Fatal(err)
	}
}
