package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

func TestSpotlight(t *testing.T) {
	before := sampleState()
	after, _ := changedState()
	h := newHighlights()
	until := fixedNow.Add(SpotlightFor)
	if !h.spotlight(before, after, fixedNow, until) {
		t.Fatal("spotlight found nothing to show")
	}
	want := map[string]string{
		"/tmp/new_in_host": symAdded,    // appeared
		"/tmp":             symDeleted,  // left both tables
		"/tmp/ns_only":     symModified, // remounted read-only
	}
	got := map[string]string{}
	for k, m := range h.mounts {
		if !m.spot || !m.until.Equal(until) {
			t.Errorf("%s: mark %+v is not a spotlight until %v", k.Mountpoint, m, until)
		}
		got[k.Mountpoint] = m.sign
	}
	for p, sign := range want {
		if got[p] != sign {
			t.Errorf("%s: sign %q, want %q", p, got[p], sign)
		}
	}
	if len(got) != len(want) {
		t.Errorf("spotlit %v, want exactly %v", got, want)
	}
	if len(h.ghosts) != 1 {
		t.Errorf("%d ghosts, want the one mount that left", len(h.ghosts))
	}
	if m, ok := h.nsMark(lab.NSMnt); !ok || !m.spot {
		t.Error("the ns pane's new mount namespace is not spotlit")
	}
	if _, ok := h.nsMark(lab.NSPID); ok {
		t.Error("an unchanged namespace is spotlit")
	}
	// Nothing changed: nothing to show.
	if h := newHighlights(); h.spotlight(before, before, fixedNow, until) {
		t.Error("spotlight found changes between equal states")
	}
}

func TestHighlightExpiry(t *testing.T) {
	s, evs := changedState()
	h := newHighlights()
	h.mountEvent(evs[0], mark{until: fixedNow.Add(time.Second)}, fixedNow, s.Diff)
	h.mountEvent(evs[2], mark{until: fixedNow.Add(3 * time.Second)}, fixedNow, s.Diff)
	h.nsEvent(evs[4], mark{until: fixedNow.Add(2 * time.Second)})
	if len(h.ghosts) != 1 {
		t.Fatalf("%d ghosts, want 1 for the mount that left both tables", len(h.ghosts))
	}
	for _, tc := range []struct {
		at    time.Duration
		next  time.Duration // 0: none left
		marks int
	}{
		{0, time.Second, 3},
		{time.Second, 2 * time.Second, 2},
		{2500 * time.Millisecond, 3 * time.Second, 1},
		{3 * time.Second, 0, 0},
	} {
		next := h.expire(fixedNow.Add(tc.at))
		if n := len(h.mounts) + len(h.ns); n != tc.marks {
			t.Errorf("at %v: %d marks, want %d", tc.at, n, tc.marks)
		}
		if (tc.next == 0) != next.IsZero() || (tc.next != 0 && !next.Equal(fixedNow.Add(tc.next))) {
			t.Errorf("at %v: next end %v, want +%v", tc.at, next, tc.next)
		}
	}
	if len(h.ghosts) != 0 || !h.empty() {
		t.Error("marks or ghosts outlived their highlight")
	}
}

// TestGhostOnlyWhenGoneFromBoth: a mount that left one table is still a row
// (now on one side); only one that left both stays as a ghost.
func TestGhostOnlyWhenGoneFromBoth(t *testing.T) {
	host, ns := sampleTables()
	before := mnt.Diff(host, ns)
	gone := host[6] // /tmp/mount_test, host only
	after := mnt.Diff(append(host[:6:6], host[7:]...), ns)
	h := newHighlights()
	h.mountEvent(lab.Event{Kind: lab.MountRemoved, Mount: &gone}, mark{until: fixedNow.Add(time.Second)}, fixedNow, after)
	if len(h.ghosts) != 1 {
		t.Fatalf("a mount gone from its only table left %d ghosts, want 1", len(h.ghosts))
	}
	shared := ns[0] // "/" is in both tables
	h2 := newHighlights()
	h2.mountEvent(lab.Event{Kind: lab.MountRemoved, Mount: &shared}, mark{until: fixedNow.Add(time.Second)}, fixedNow, before)
	if len(h2.ghosts) != 0 {
		t.Fatal("a mount still in the other table became a ghost")
	}
}

// TestSpotlightChroot: a pane that entered a chroot is spotlit, and the
// panels say where it is chrooted.
func TestSpotlightChroot(t *testing.T) {
	before := sampleState()
	after := sampleState()
	after.NS.Chrooted, after.NS.Root = true, "/tmp/nslab/rootfs"
	h := newHighlights()
	if !h.spotlight(before, after, fixedNow, fixedNow.Add(SpotlightFor)) {
		t.Fatal("entering a chroot was not spotlit")
	}
	if _, ok := h.roots[lab.NS]; !ok || len(h.roots) != 1 {
		t.Fatalf("roots marked %v, want the ns pane only", h.roots)
	}
	st := NewStyles(Dark, true)
	d := englishData(after, &h)
	var p nsPanel
	text := ansi.Strip(strings.Join(p.lines(st, d, 60, 11), "\n"))
	if !strings.Contains(text, symSpotlight+"ns   pid 4250 bash · chrooted at /tmp/nslab/rootfs") {
		t.Errorf("the namespace panel does not spotlight the chroot:\n%s", text)
	}
	if sum := ansi.Strip(nsSummary(st, d)); !strings.Contains(sum, symSpotlight+"ns chrooted") {
		t.Errorf("the compact summary does not say so: %q", sum)
	}
}
