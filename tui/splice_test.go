package tui

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/nslab/nslab/lab/mnt"
)

// A view built from the last one by splicing in what one mount or unmount
// changed (spliced) is the view built from scratch: the same items, pointing
// at the same rows, the same counts and widths, and the same lines on screen.
// The host table changes as the lab's does: grown in place by a mount, copied
// by an unmount or a remount; the changes take the widest row away, stack
// mounts on one point, add and remove pseudo filesystems and read-only mounts.
func TestSplicedViewIsTheWholeView(t *testing.T) {
	gone := 0
	for seed := int64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { gone += testSpliced(t, seed) })
	}
	if gone == 0 {
		t.Errorf("no change took the options column away")
	}
}

// testSpliced runs one seed's changes and says how many took the options
// column away.
func testSpliced(t *testing.T, seed int64) int {
	rng := rand.New(rand.NewSource(seed))
	// Tables with no read-only mount and no options that differ: the view's
	// options column comes and goes with the read-only mounts the test makes.
	base := []mnt.Mount{mount(100, 99, "/", "ext4", "/dev/vda1", private), mount(105, 100, "/tmp", "tmpfs", "tmp", private)}
	ns := []mnt.Mount{mount(200, 199, "/", "ext4", "/dev/vda1", private), mount(205, 200, "/tmp", "tmpfs", "tmp", private)}
	for i := range 300 {
		base = append(base, mount(1000+i, 105, fmt.Sprintf("/tmp/st/%d", i), "tmpfs", "st", private))
		ns = append(ns, mount(5000+i, 205, fmt.Sprintf("/tmp/st/%d", i), "tmpfs", "st", private))
	}
	host := append(make([]mnt.Mount, 0, len(base)+4096), base...)
	var d mnt.Differ
	var spliced diffPanel
	spliced.SetSize(150, 30)
	spliced.showPseudo = seed%2 == 0
	next := 10000
	points := []string{"/tmp/st/7", "/tmp/st/1/x", "/tmp/zz", "/tmp/a-rather-long-mount-point-that-is-the-widest/of/them/all", "/proc/sys/fs/binfmt_misc"}
	pd := englishData(sampleState(), nil)
	lastOpts, optsGone := false, 0
	width := 150
	for step := range 400 {
		// Unmounts go most often to the rows that decide the view's widths
		// and flags: the widest one, a read-only one.
		var target []int
		for i := range host[len(base):] {
			if host[len(base)+i].Mountpoint == points[3] || host[len(base)+i].Options != "rw,relatime" {
				target = append(target, len(base)+i)
			}
		}
		switch op := rng.Intn(20); {
		case op < 10 || len(host) <= len(base): // mount: the table grows in place
			point := points[rng.Intn(len(points))]
			if point == points[3] && slices.ContainsFunc(host, func(m mnt.Mount) bool { return m.Mountpoint == point }) {
				point = points[0] // the widest stays alone, so that its unmount narrows the view
			}
			m := mount(next, 105, point, []string{"tmpfs", "proc", "tmpfs"}[rng.Intn(3)], "probe", private)
			if rng.Intn(20) == 0 {
				m.Options = "ro"
			}
			next++
			host = append(host, m)
		case op < 16 && len(target) > 0: // unmount the widest or a read-only one
			i := target[rng.Intn(len(target))]
			host = slices.Delete(slices.Clone(host), i, i+1)
		case op < 19: // unmount: a new table
			i := rng.Intn(len(host)-1) + 1
			host = slices.Delete(slices.Clone(host), i, i+1)
		default: // remount read-only: a new table
			i := rng.Intn(len(host)-1) + 1
			host = slices.Clone(host)
			host[i].Options = "ro"
		}
		s := sampleState()
		s.Host.Mounts, s.NS.Mounts = host, ns
		s.Diff = d.Diff(host, ns)
		hl0 := newHighlights()
		hl := &hl0
		pd.state, pd.hl = s, hl
		got := spliced.view(pd)
		var whole diffPanel
		whole.SetSize(150, 30)
		whole.showPseudo = spliced.showPseudo
		want := whole.view(pd)
		if lastOpts && !want.optsMatter {
			optsGone++
		}
		lastOpts = want.optsMatter
		if err := sameView(got, want); err != "" {
			t.Fatalf("step %d: the spliced view differs from the whole one: %s", step, err)
		}
		for _, focused := range []bool{false, true} {
			pd.focused = focused
			g, w := spliced.lines(NewStyles(Dark, false), pd, width, 30), whole.lines(NewStyles(Dark, false), pd, width, 30)
			if !slices.Equal(g, w) {
				t.Fatalf("step %d: the spliced view draws\n%q\nthe whole one\n%q", step, g, w)
			}
		}
		if step%50 == 0 { // the widths of the columns also change from one view to the next
			width = 50 + rng.Intn(100)
		}
	}
	if spliced.memo.spliced < 200 {
		t.Errorf("only %d of 400 views were spliced", spliced.memo.spliced)
	}
	return optsGone
}

func sameView(a, b *mountView) string {
	if len(a.items) != len(b.items) {
		return fmt.Sprintf("%d items, want %d", len(a.items), len(b.items))
	}
	for k := range a.items {
		x, y := a.items[k], b.items[k]
		if x.row != y.row || x.at != y.at || x.cls != y.cls || x.pointW != y.pointW || x.samePrev != y.samePrev || x.info.cells != y.info.cells || x.info.widths != y.info.widths {
			return fmt.Sprintf("item %d: %+v (%q), want %+v (%q)", k, x, x.info.cells, y, y.info.cells)
		}
	}
	if a.hidden != b.hidden || a.longest != b.longest || a.heads != b.heads || a.optsMatter != b.optsMatter {
		return fmt.Sprintf("hidden %d, longest %v, heads %v, opts %v; want %d, %v, %v, %v", a.hidden, a.longest, a.heads, a.optsMatter, b.hidden, b.longest, b.heads, b.optsMatter)
	}
	return ""
}
