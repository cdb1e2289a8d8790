package mntev

import (
	"strconv"
	"strings"
	"testing"

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
	release := unix.ByteSliceToString(u.Release[:])
	parts := strings.SplitN(release, ".", 3)
	if len(parts) < 2 {
		t.Fatalf("kernel release %q", release)
	}
	a, _ := strconv.Atoi(parts[0])
	b, _ := strconv.Atoi(strings.TrimFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	return a > major || a == major && b >= minor
}

// The probe finds both facilities on a kernel that has them (≥ 6.15), and says why not
// otherwise.
func TestProbe(t *testing.T) {
	labtest.RequireRoot(t)
	r := Probe("")
	t.Logf("%s", r)
	if kernelAtLeast(t, 6, 15) && !r.Events() {
		t.Fatalf("on a kernel ≥ 6.15 the probe found no events: %s", r)
	}
	if !r.Events() && (r.Statmount == nil && r.Fanotify == nil) {
		t.Fatalf("no events and no reason: %+v", r)
	}
	if r.Events() != strings.HasPrefix(r.String(), "fanotify") {
		t.Errorf("String %q disagrees with Events %v", r, r.Events())
	}
}

// A helper that cannot run gives a report with the reason, not a hang.
func TestProbeWithoutHelper(t *testing.T) {
	labtest.RequireRoot(t)
	r := Probe("/bin/true")
	if r.Events() || r.Fanotify == nil || !strings.Contains(r.String(), "mountinfo + POLLPRI") {
		t.Fatalf("probe with /bin/true as its helper: %s", r)
	}
	t.Logf("%s", r)
}
