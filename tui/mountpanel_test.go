package tui

import (
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

// panelState is a state whose tables are host and ns.
func panelState(host, ns []mnt.Mount) lab.State {
	s := sampleState()
	s.Host.Mounts, s.NS.Mounts = host, ns
	s.Diff = mnt.Diff(host, ns)
	return s
}

// drawMounts draws the mount panel at w×h and returns its plain lines.
func drawMounts(t *testing.T, p *diffPanel, s lab.State, w, h int) []string {
	t.Helper()
	hl := newHighlights()
	d := englishData(s, &hl)
	p.SetSize(w, h)
	var out []string
	for i, l := range p.lines(NewStyles(Dark, true), d, w, h) {
		plain := ansi.Strip(l)
		if cellWidth(plain) > w {
			t.Fatalf("line %d is %d cells, wider than the panel's %d: %q", i, cellWidth(plain), w, plain)
		}
		out = append(out, strings.TrimRight(plain, " "))
	}
	return out
}

// requireDistinct fails if two rows of the panel read the same.
func requireDistinct(t *testing.T, lines []string) {
	t.Helper()
	seen := map[string]int{}
	for i, l := range lines[1:] { // the header is not a row
		if j, ok := seen[l]; ok {
			t.Fatalf("rows %d and %d look the same: %q\n%s", j+1, i+1, l, strings.Join(lines, "\n"))
		}
		seen[l] = i
	}
}

// TestMountRowsNeverAlike: two tmpfs mounts stacked on /tmp/mount_test, and
// two long mount points that end alike, are told apart by their mount IDs
// where the rest of their rows would read the same, at every width.
func TestMountRowsNeverAlike(t *testing.T) {
	host, ns := sampleTables()
	host = append(host,
		mount(130, 120, "/tmp/mount_test", "tmpfs", "tmpfs", private), // on top of 120
		mount(131, 105, "/tmp/a/very/long/way/down/to/the/data", "tmpfs", "data", private),
		mount(132, 105, "/tmp/b/very/long/way/down/to/the/data", "tmpfs", "data", private))
	s := panelState(host, ns)
	var p diffPanel
	for w := 52; w <= 160; w++ {
		lines := drawMounts(t, &p, s, w, 20)
		requireDistinct(t, lines)
		if w == 160 {
			text := strings.Join(lines, "\n")
			for _, want := range []string{"/tmp/mount_test #120 ", "/tmp/mount_test #130 "} {
				if !strings.Contains(text, want) {
					t.Errorf("the stacked mounts are not named by ID (%q):\n%s", want, text)
				}
			}
			if strings.Contains(text, "#131") {
				t.Errorf("rows that differ in full got IDs:\n%s", text)
			}
		}
	}
}

// TestMountColumns: the source is whole where there is room, with the
// directory a bind mount shows in brackets as findmnt writes it, and the
// per-mount options (ro of a read-only bind).
func TestMountColumns(t *testing.T) {
	host, ns := sampleTables()
	long := mount(140, 100, "/boot", "ext4", "/dev/mapper/vg0-boot--partition--with--a--long--name", private)
	escape := mount(141, 105, "/tmp/nslab/rootfs/escape", "tmpfs", "tmpfs", private)
	escape.Root = "/nslab/rootfs"
	escape.Options = "ro,relatime"
	host = append(host, long, escape)
	s := panelState(host, ns)
	var p diffPanel
	text := strings.Join(drawMounts(t, &p, s, 198, 20), "\n")
	for _, want := range []string{long.Source + " ", "tmpfs[/nslab/rootfs] ", "ro,relatime ", "ns slave of 3", "relation"} {
		if !strings.Contains(text, want) {
			t.Errorf("at 198 columns the panel lacks %q:\n%s", want, text)
		}
	}
	// Narrow, the read-only bind still says ro, and the options of the
	// copies that differ say how.
	narrow := strings.Join(drawMounts(t, &p, s, 78, 20), "\n")
	for _, want := range []string{"ro,re…", "rw|ro…"} {
		if !strings.Contains(narrow, want) {
			t.Errorf("at 78 columns the panel lacks %q:\n%s", want, narrow)
		}
	}
}

// TestColumnsFit: at every width the columns and the lead fill the panel
// exactly, the mount point is always there, and no column is narrower than
// its least width.
func TestColumnsFit(t *testing.T) {
	longest := [numCols]int{colPoint: 40, colFSType: 8, colSource: 30, colOpts: 30, colHost: 17, colNS: 17, colRel: 22}
	for w := 20; w <= 300; w++ {
		for _, matter := range []bool{false, true} {
			c := columnsFor(w, leadWidth, longest, [numCols]int{colOpts: 6, colSource: 16}, matter)
			used := c.lead
			for i, cw := range c.w {
				if cw == 0 {
					continue
				}
				used += cw + 1
				if cw < min(colMin[i], longest[i]) && i != colPoint {
					t.Fatalf("width %d: column %d is %d wide, less than its least", w, i, cw)
				}
			}
			if c.w[colPoint] == 0 {
				t.Fatalf("width %d: no mount point", w)
			}
			if used != w && used > w && c.w[colPoint] > colMin[colPoint] {
				t.Fatalf("width %d: the columns take %d", w, used)
			}
			if used < w {
				t.Fatalf("width %d: the columns leave %d cells", w, w-used)
			}
		}
	}
}

// treeCell is the prefix and mount point at the start of a row's text.
var treeCell = regexp.MustCompile(`^(.*?\S)\s{2,}`)

// TestMountTree: t in the focused mount panel draws findmnt's tree: each
// mount under the one it is mounted on, stacked mounts under the mount they
// cover, a mount whose parent is hidden under its nearest shown ancestor;
// t again gives the list back.
func TestMountTree(t *testing.T) {
	host, ns := sampleTables()
	host = append(host,
		mount(130, 120, "/tmp/mount_test", "tmpfs", "tmpfs", private), // covers 120
		mount(131, 103, "/dev/shm", "tmpfs", "shm", private),          // under /dev, a pseudo fs
		mount(132, 131, "/dev/shm/deep", "tmpfs", "deep", private))    // under /dev/shm
	ns = append(ns, mount(230, 220, "/tmp/ns_only/inner", "tmpfs", "in", private)) // under an ns-only mount
	s := panelState(host, ns)
	var p diffPanel
	p.tree = true
	got := drawMounts(t, &p, s, 120, 30)
	var points []string
	for _, l := range got[1:] {
		// The lead (4 cells), then the prefix and mount point up to the
		// first column gap.
		rest := string([]rune(l)[4:])
		points = append(points, treeCell.FindStringSubmatch(rest + "  ")[1])
	}
	want := []string{
		"/",
		"├─/dev/shm",
		"│ └─/dev/shm/deep",
		"├─/run",
		"└─/tmp",
		"  ├─/tmp/mount_test",
		"  │ └─/tmp/mount_test",
		"  ├─/tmp/ns_only",
		"  │ └─/tmp/ns_only/inner",
		"  └─/tmp/shared_demo",
	}
	if strings.Join(points, "\n") != strings.Join(want, "\n") {
		t.Errorf("tree:\n%s\nwant:\n%s\nframe:\n%s", strings.Join(points, "\n"), strings.Join(want, "\n"), strings.Join(got, "\n"))
	}

	// The key: t turns the focused panel into the tree and back, and is
	// named in the help bar by what it will do.
	m, _ := newTestModel(t, Options{})
	run(m, press(tea.KeyF2, 0))
	run(m, press(tea.KeyF2, 0))
	run(m, press(tea.KeyF2, 0))
	if m.focus != targetDiff {
		t.Fatalf("focus on %d, want the mount panel", m.focus)
	}
	run(m, typeKey('t'))
	if !m.diff.tree || !strings.Contains(ansi.Strip(m.helpBar()), "t list") {
		t.Errorf("t did not turn the panel into the tree (help: %q)", ansi.Strip(m.helpBar()))
	}
	run(m, typeKey('t'))
	if m.diff.tree || !strings.Contains(ansi.Strip(m.helpBar()), "t tree") {
		t.Errorf("t did not give the list back (help: %q)", ansi.Strip(m.helpBar()))
	}
}

// TestTreeOrderLoop: a parent loop, which a table read while it changed
// might hold, draws each row once.
func TestTreeOrderLoop(t *testing.T) {
	a := mount(1, 2, "/a", "tmpfs", "a", private)
	b := mount(2, 1, "/b", "tmpfs", "b", private)
	rows := mnt.Diff([]mnt.Mount{a, b}, nil)
	all := []diffItem{{row: &rows[0]}, {row: &rows[1]}}
	order, prefix := treeOrder(all, []int{0, 1})
	if len(order) != 2 || len(prefix) != 2 || order[0] == order[1] {
		t.Fatalf("order %v, prefixes %q: want each of the two rows once", order, prefix)
	}
}

// TestReach: what each chrooted pane reaches, as the lab says
// (Snapshot.Reachable, Snapshot.RootMount): the mount its root lies on is
// marked ⌂, the mounts of its table it cannot reach ○, and a mount the pane
// does not have is neither; a mark of either pane shows.
func TestReach(t *testing.T) {
	s := sampleState()
	inside := mount(240, 205, "/tmp/nslab/rootfs/proc", "proc", "proc", private)
	s.NS.Mounts = append(append([]mnt.Mount(nil), s.NS.Mounts...), inside)
	s.Diff = mnt.Diff(s.Host.Mounts, s.NS.Mounts)
	var items []diffItem
	for i := range s.Diff {
		items = append(items, diffItem{row: &s.Diff[i]})
	}
	marksOf := func(marks []reachMark) map[string]string {
		out := map[string]string{}
		for i, it := range items {
			out[it.row.Point()] += reachSymbol(marks[i])
		}
		return out
	}
	if marks, counts := reachOf(s, items); marks != nil || counts != nil {
		t.Fatalf("no pane is chrooted, yet marks %v, counts %v", marks, counts)
	}

	s.NS.Chrooted, s.NS.Root = true, "/tmp/nslab/rootfs"
	marks, counts := reachOf(s, items)
	got := marksOf(marks)
	for point, want := range map[string]string{
		"/": symOutOfReach, "/proc": symOutOfReach, "/tmp": symRootMount, "/tmp/nslab/rootfs/proc": " ",
		"/tmp/mount_test": " ", // host only
		"/tmp/ns_only":    symOutOfReach,
	} {
		if got[point] != want {
			t.Errorf("%s marked %q, want %q", point, got[point], want)
		}
	}
	if len(counts) != 1 || counts[0].role != lab.NS || counts[0].reached != 2 || counts[0].total != len(s.NS.Mounts) {
		t.Errorf("counts %+v, want ns reaching 2 of its %d mounts", counts, len(s.NS.Mounts))
	}

	// The host pane chrooted too, at its /tmp: its root lies on its /tmp, and
	// an ns mount it does not have is not its to reach.
	s.Host.Chrooted, s.Host.Root = true, "/tmp"
	marks, counts = reachOf(s, items)
	got = marksOf(marks)
	if got["/tmp"] != symRootMount || got["/"] != symOutOfReach || got["/tmp/mount_test"] != " " {
		t.Errorf("with both panes chrooted: %v", got)
	}
	if len(counts) != 2 || counts[0].role != lab.Host {
		t.Errorf("counts %+v, want one per chrooted pane, host first", counts)
	}
}
