package tui

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

func TestFirstSeen(t *testing.T) {
	var f firstSeen
	// Twice: a reused table remembers nothing of its last use.
	for round := range 2 {
		f = f.reuse(3)
		// Hashes that share their low bits probe past each other.
		step := uint64(len(f))
		for _, c := range []struct {
			h       uint64
			i, want int
		}{{7, 0, 0}, {7 + step, 1, 1}, {7, 2, 0}, {7, 3, -1}, {7 + step, 4, 1}, {9, 5, 5}} {
			if got := f.put(c.h, c.i); got != c.want {
				t.Errorf("round %d: put(%d, %d) = %d, want %d", round, c.h, c.i, got, c.want)
			}
		}
	}
}

// A row keeps its rowInfo while unchanged, also when the state holds a new
// copy of its table; a changed row gets a new one.
func TestRowMemoKeepsUnchangedRows(t *testing.T) {
	host, ns := sampleTables()
	wd := wordsFor("en")
	var m rowMemo
	first := m.infos(&wd, mnt.Diff(host, ns))
	host2 := append([]mnt.Mount(nil), host...)
	host2[1].Options = "ro,relatime"
	host2 = append(host2, mount(990, host2[0].ID, "/zz", "tmpfs", "x", private))
	d2 := mnt.Diff(host2, ns)
	second := m.infos(&wd, d2)
	kept, fresh := 0, 0
	for j, r := range d2 {
		reused := false
		for _, in := range first {
			reused = reused || in == second[j]
		}
		changed := r.Point() == host2[1].Mountpoint || r.Point() == "/zz"
		switch {
		case reused && changed:
			t.Errorf("row %s changed but kept its old cells", r.Point())
		case !reused && !changed:
			t.Errorf("row %s unchanged but formatted again", r.Point())
		case reused:
			kept++
		default:
			fresh++
		}
		if want := rowCells(&wd, r); second[j].cells != want {
			t.Errorf("row %s: cells %q, want %q", r.Point(), second[j].cells, want)
		}
	}
	if kept == 0 || fresh == 0 {
		t.Errorf("kept %d rows, formatted %d: want some of each", kept, fresh)
	}
}

// The highlighted rows found by binary search are those a look at every row
// finds, ghosts (placed among the rows in mount point order) and stacked
// mounts included; in the list and in the tree.
func TestHotRows(t *testing.T) {
	host, ns := sampleTables()
	for i := range 300 {
		host = append(host, mount(1000+i, 105, fmt.Sprintf("/tmp/st/%d", i), "tmpfs", "st", private))
	}
	host = append(host, mount(2000, 1100, "/tmp/st/100", "tmpfs", "over", private)) // stacked
	s := sampleState()
	s.Host.Mounts = host
	s.Diff = mnt.Diff(host, ns)
	hl := newHighlights()
	now := fixedNow
	for _, i := range []int{5, 100, 250} {
		m := host[len(host)-301+i]
		hl.mountEvent(lab.Event{Pane: lab.Host, Kind: lab.MountChanged, Mount: &m}, mark{until: now.Add(time.Hour)}, now, s.Diff)
	}
	over := host[len(host)-1]
	hl.mountEvent(lab.Event{Pane: lab.Host, Kind: lab.MountChanged, Mount: &over}, mark{until: now.Add(time.Hour)}, now, s.Diff)
	gone := mount(3000, 105, "/tmp/st/1 a", "tmpfs", "gone", private)
	hl.mountEvent(lab.Event{Pane: lab.Host, Kind: lab.MountRemoved, Mount: &gone}, mark{until: now.Add(time.Hour)}, now, s.Diff)
	d := englishData(s, &hl)
	for _, tree := range []bool{false, true} {
		p := diffPanel{tree: tree}
		v := p.view(d)
		var want []int
		for i, it := range v.items {
			if _, ok := hl.mounts[it.row.Key()]; ok {
				want = append(want, i)
			}
		}
		if got := v.hotRows(&hl); !slices.Equal(got, want) || len(want) != 5 {
			t.Errorf("tree=%v: hot rows %v, want %v (5 of them)", tree, got, want)
		}
	}
}

// In the list, finding look-alike rows among rows that share a mount point
// and cut rows only gives every row the IDs that hashing all rows gives:
// stacked mounts alike and not, the same mount on both sides, long paths cut
// alike at narrow widths, ghosts, with pseudo filesystems shown or not.
func TestRowIDsListAsAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	long := func(i int) string {
		return fmt.Sprintf("/very/long/path/that/a/narrow/panel/cuts/%d/%s", i%7, strings.Repeat("x", rng.IntN(30)))
	}
	checked, marked := 0, 0
	for round := range 200 {
		host, ns := sampleTables()
		for i := range 40 {
			point := fmt.Sprintf("/tmp/r/%d", rng.IntN(12))
			if rng.IntN(3) == 0 {
				point = long(i)
			}
			src := []string{"a", "b", "a"}[rng.IntN(3)]
			m := mount(1000+i, 105, point, "tmpfs", src, private)
			if rng.IntN(4) == 0 {
				m.Options = "ro,relatime"
			}
			switch rng.IntN(3) {
			case 0:
				host = append(host, m)
			case 1:
				m.ID += 5000
				ns = append(ns, m)
			default:
				host = append(host, m)
				m.ID += 5000
				ns = append(ns, m)
			}
		}
		s := sampleState()
		s.Host.Mounts, s.NS.Mounts = host, ns
		s.Diff = mnt.Diff(host, ns)
		hl := newHighlights()
		if len(host) > 0 && rng.IntN(2) == 0 {
			gone := host[len(host)-1]
			gone.ID = 9999
			hl.mountEvent(lab.Event{Pane: lab.Host, Kind: lab.MountRemoved, Mount: &gone}, mark{until: fixedNow.Add(time.Hour)}, fixedNow, s.Diff)
		}
		d := englishData(s, &hl)
		p := diffPanel{showPseudo: round%2 == 0}
		v := p.view(d)
		for _, w := range []int{40, 60, 90, 160} {
			c := columnsFor(w, leadWidth, p.longest(d), v.heads, v.optsMatter)
			if c.w[colPoint] == 0 {
				continue
			}
			all, list := map[int]string{}, map[int]string{}
			v.alikeAll(c, d.wd, func(i, j int) {
				if i >= 0 {
					all[i] = idSuffix(*v.items[i].row)
				}
				all[j] = idSuffix(*v.items[j].row)
			})
			for i := range v.items {
				if id := v.listID(i, c, d.wd); id != "" {
					list[i] = id
				}
			}
			if !maps.Equal(all, list) {
				t.Fatalf("round %d, width %d: list IDs %v, all rows' %v", round, w, list, all)
			}
			checked++
			marked += len(all)
		}
	}
	if marked == 0 {
		t.Fatalf("no row needed its IDs in %d views: the test shows nothing", checked)
	}
	t.Logf("%d views, %d rows given IDs", checked, marked)
}
