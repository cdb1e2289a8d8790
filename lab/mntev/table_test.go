package mntev

import (
	"fmt"
	"maps"
	"math/rand"
	"reflect"
	"slices"
	"testing"

	"github.com/nslab/nslab/lab/mnt"
)

func tmount(uid uint64, id int, point string) Mount {
	var m Mount
	m.UniqueID = uid
	m.ID, m.Parent, m.Mountpoint, m.Root = id, 1, point, "/"
	m.FSType, m.Source, m.Options, m.VFSOptions = "tmpfs", "t"+fmt.Sprint(id), "rw,relatime", "rw"
	m.Propagation = mnt.Propagation{Type: mnt.Private}
	return m
}

func loaded(t *testing.T, ns Namespace, ms ...Mount) *Table {
	t.Helper()
	tab := NewTable(ns)
	var mounts []mnt.Mount
	var ids []uint64
	for _, m := range ms {
		mounts, ids = append(mounts, m.Mount), append(ids, m.UniqueID)
	}
	if err := tab.Load(mounts, ids); err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestTableApply(t *testing.T) {
	ns := Namespace{ID: 7}
	a, b, c := tmount(100, 10, "/a"), tmount(101, 11, "/b"), tmount(102, 12, "/c")
	tab := loaded(t, ns, a, b, c)
	before := tab.Mounts()

	// b remounted read-only, c moved to /d, a gone, e new, and an older ID brought in.
	b2 := b
	b2.Options = "ro,relatime"
	c2 := c
	c2.Mountpoint = "/d"
	e := tmount(103, 13, "/e")
	old := tmount(50, 9, "/old")
	changes, exact := tab.Apply([]Mount{e, b2, c2, old}, []uint64{100})
	if !exact {
		t.Error("a change of private mounts with sources is not exact")
	}
	want := []mnt.Mount{old.Mount, b2.Mount, c2.Mount, e.Mount}
	if !reflect.DeepEqual(tab.Mounts(), want) {
		t.Errorf("table after Apply:\n%+v\nwant\n%+v", tab.Mounts(), want)
	}
	if !reflect.DeepEqual(changes, mnt.Changes(before, want)) {
		t.Errorf("changes:\n%+v\nwant (mnt.Changes)\n%+v", changes, mnt.Changes(before, want))
	}
	if !reflect.DeepEqual(before, []mnt.Mount{a.Mount, b.Mount, c.Mount}) {
		t.Error("Apply changed the slice an earlier Mounts returned")
	}
	if !slices.Equal(tab.ids, []uint64{50, 101, 102, 103}) {
		t.Errorf("ids %v", tab.ids)
	}
}

func TestTableSources(t *testing.T) {
	ns := Namespace{ID: 7}
	a := tmount(100, 10, "/a")
	a.Source = ""
	tab := loaded(t, ns, a)
	// statmount cannot tell "" from none: a known mount keeps its source.
	moved := a
	moved.Mountpoint, moved.Source, moved.NoSource = "/b", "none", true
	if _, exact := tab.Apply([]Mount{moved}, nil); !exact || tab.Mounts()[0].Source != "" {
		t.Errorf("a known mount with no source reported: exact %v, source %q; want its old source", exact, tab.Mounts()[0].Source)
	}
	fresh := tmount(101, 11, "/c")
	fresh.Source, fresh.NoSource = "none", true
	if _, exact := tab.Apply([]Mount{fresh}, nil); exact {
		t.Error("a new mount with no source reported is exact")
	}
}

func TestTablePropagateFrom(t *testing.T) {
	other := Namespace{ID: 7}
	slave := tmount(100, 10, "/s")
	slave.Propagation = mnt.Propagation{Type: mnt.Slave, Master: 5}
	shared := tmount(101, 11, "/p")
	shared.Propagation = mnt.Propagation{Type: mnt.Shared, PeerGroup: 6}
	peer := tmount(102, 12, "/q")
	peer.Propagation = mnt.Propagation{Type: mnt.Shared, PeerGroup: 5}
	private := tmount(103, 13, "/r")

	tab := loaded(t, other, slave, shared, peer)
	if _, exact := tab.Apply([]Mount{private}, nil); !exact {
		t.Error("a private mount added beside a slave whose master is here: not exact")
	}
	// The master's only member goes: the slave's propagate_from may now show.
	if _, exact := tab.Apply(nil, []uint64{102}); exact {
		t.Error("the last member of a slave's master group removed while a shared mount remains: exact")
	}
	tab = loaded(t, other, slave, shared)
	if _, exact := tab.Apply(nil, []uint64{103}); !exact {
		t.Error("nothing removed (an unknown ID): not exact")
	}
	if _, exact := tab.Apply([]Mount{tmount(104, 14, "/t")}, nil); !exact {
		t.Error("a private mount in a doubtful table: not exact, though propagate_from cannot change")
	}
	own := loaded(t, Namespace{ID: 7, Own: true}, slave, shared)
	if _, exact := own.Apply(nil, []uint64{101}); !exact {
		t.Error("in the caller's own namespace statmount reads propagate_from: not exact")
	}
	if _, exact := NewTable(other).Apply([]Mount{private}, nil); exact {
		t.Error("Apply to a table never loaded: exact")
	}
}

// Random tables and random batches: Apply gives the table the batch describes and the
// changes mnt.Changes finds between the two.
func TestTableApplyRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	ns := Namespace{ID: 9}
	for round := 0; round < 300; round++ {
		var ms []Mount
		next := uint64(1000)
		for i := 0; i < rng.Intn(30); i++ {
			next += uint64(1 + rng.Intn(3))
			ms = append(ms, tmount(next, int(next%97), fmt.Sprintf("/m%d", rng.Intn(8))))
		}
		tab := loaded(t, ns, ms...)
		before := tab.Mounts()
		var found []Mount
		var gone []uint64
		want := map[uint64]Mount{}
		for _, m := range ms {
			switch rng.Intn(5) {
			case 0:
				gone = append(gone, m.UniqueID)
			case 1:
				m2 := m
				m2.Options = "ro,relatime"
				if rng.Intn(2) == 0 {
					m2.Mountpoint = "/moved"
				}
				found = append(found, m2)
				want[m.UniqueID] = m2
			default:
				want[m.UniqueID] = m
			}
		}
		for i := 0; i < rng.Intn(4); i++ {
			next += uint64(1 + rng.Intn(3))
			uid := next
			if rng.Intn(3) == 0 {
				uid = uint64(rng.Intn(1000)) // an older ID, brought in from elsewhere
			}
			if _, dup := want[uid]; dup {
				continue
			}
			m := tmount(uid, 100+i, fmt.Sprintf("/n%d", i))
			found = append(found, m)
			want[uid] = m
		}
		rng.Shuffle(len(found), func(i, j int) { found[i], found[j] = found[j], found[i] })
		changes, exact := tab.Apply(found, gone)
		if !exact {
			t.Fatalf("round %d: not exact: found %+v gone %v census %+v", round, found, gone, tab.census)
		}
		keys := slices.Sorted(func(yield func(uint64) bool) {
			for k := range want {
				if !yield(k) {
					return
				}
			}
		})
		var after []mnt.Mount
		for _, k := range keys {
			after = append(after, want[k].Mount)
		}
		if !reflect.DeepEqual(tab.Mounts(), after) && !(len(after) == 0 && len(tab.Mounts()) == 0) {
			t.Fatalf("round %d: table\n%+v\nwant\n%+v", round, tab.Mounts(), after)
		}
		if w := mnt.Changes(before, after); !reflect.DeepEqual(changes, w) && !(len(changes) == 0 && len(w) == 0) {
			t.Fatalf("round %d: changes\n%+v\nwant\n%+v", round, changes, w)
		}
	}
}

func TestTableLoadChecks(t *testing.T) {
	tab := NewTable(Namespace{ID: 1})
	if err := tab.Load(make([]mnt.Mount, 2), []uint64{1}); err == nil {
		t.Error("Load with fewer IDs than mounts: no error")
	}
	if err := tab.Load(make([]mnt.Mount, 2), []uint64{2, 1}); err == nil {
		t.Error("Load with IDs out of order: no error")
	}
	if tab.Loaded() {
		t.Error("loaded after failed Loads")
	}
}

// A table changed many times in a row, mostly by new mounts (appended in place) and now and
// then by an unmount or a change: each step gives the table the model says, and no step
// changes a table an earlier Mounts call handed out (the published states keep theirs).
func TestTableApplySequenceKeepsEarlierTables(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	ns := Namespace{ID: 9}
	var ms []Mount
	next := uint64(1000)
	for range 20 {
		next++
		ms = append(ms, tmount(next, int(next%97), fmt.Sprintf("/m%d", next)))
	}
	tab := loaded(t, ns, ms...)
	model := map[uint64]mnt.Mount{}
	for _, m := range ms {
		model[m.UniqueID] = m.Mount
	}
	type kept struct{ got, want []mnt.Mount }
	var handed []kept
	appends := 0
	for step := range 600 {
		var found []Mount
		var gone []uint64
		switch r := rng.Intn(10); {
		case r < 7 || len(model) == 0:
			for range 1 + rng.Intn(3) {
				next += uint64(1 + rng.Intn(2))
				m := tmount(next, int(next%97), fmt.Sprintf("/n%d", next))
				found = append(found, m)
				model[next] = m.Mount
			}
			appends++
		case r < 9:
			for id := range model {
				gone = append(gone, id)
				delete(model, id)
				break
			}
		default:
			for id, m := range model {
				m.Options = "ro,relatime"
				found = append(found, Mount{Mount: m, UniqueID: id})
				model[id] = m
				break
			}
		}
		if _, exact := tab.Apply(found, gone); !exact {
			t.Fatalf("step %d: not exact", step)
		}
		if len(handed) > 0 {
			// A caller may append to what it was handed, also after the table grew.
			_ = append(handed[len(handed)-1].got, tmount(1, 1, "/caller").Mount)
		}
		var want []mnt.Mount
		for _, id := range slices.Sorted(maps.Keys(model)) {
			want = append(want, model[id])
		}
		got := tab.Mounts()
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: table\n%+v\nwant\n%+v", step, got, want)
		}
		handed = append(handed, kept{got, slices.Clone(want)})
	}
	for i, k := range handed {
		if !slices.Equal(k.got, k.want) {
			t.Fatalf("the table handed out at step %d changed later:\n%+v\nwas\n%+v", i, k.got, k.want)
		}
	}
	t.Logf("%d steps, %d of them new mounts", len(handed), appends)
}

// The first mounts after a Load are appended in place, in the table's own copy: the
// caller's array is neither kept nor written (past its length either), and the table
// handed out after Load is the array a Differ then sees extended.
func TestTableLoadThenAppendInPlace(t *testing.T) {
	ns := Namespace{ID: 9}
	mounts := make([]mnt.Mount, 0, 10)
	var ids []uint64
	for i := range 3 {
		m := tmount(uint64(100+i), 10+i, fmt.Sprintf("/m%d", i))
		mounts, ids = append(mounts, m.Mount), append(ids, m.UniqueID)
	}
	before := slices.Clone(mounts[:cap(mounts)])
	tab := NewTable(ns)
	if err := tab.Load(mounts, ids); err != nil {
		t.Fatal(err)
	}
	first := tab.Mounts()
	if &first[0] == &mounts[0] {
		t.Error("the table keeps the caller's array")
	}
	for range 5 {
		next := tab.Mounts()
		if _, exact := tab.Apply([]Mount{tmount(ids[len(ids)-1]+1, 50+len(ids), "/new")}, nil); !exact {
			t.Fatal("not exact")
		}
		ids = append(ids, ids[len(ids)-1]+1)
		if grown := tab.Mounts(); len(grown) != len(next)+1 || &grown[0] != &first[0] {
			t.Fatalf("a new mount after Load copied the table (%d → %d mounts)", len(next), len(grown))
		}
	}
	if !slices.Equal(mounts[:cap(mounts)], before) {
		t.Error("the caller's array was written")
	}
	// Read whole again and found the same: the table goes on in the same array.
	again := tab.Mounts()
	tab.Unload()
	if err := tab.Load(slices.Clone(again), slices.Clone(ids)); err != nil {
		t.Fatal(err)
	}
	if now := tab.Mounts(); !tab.Loaded() || len(now) != len(again) || &now[0] != &again[0] {
		t.Error("the same table loaded again was copied")
	}
	// Events of mounts the table already has, as they are, and of a mount gone before
	// it was read, change nothing: the same array.
	have := Mount{Mount: again[2], UniqueID: ids[2]}
	if changes, exact := tab.Apply([]Mount{have}, []uint64{ids[0] - 1}); len(changes) != 0 || !exact {
		t.Errorf("a batch that changes nothing: changes %v, exact %v", changes, exact)
	}
	if now := tab.Mounts(); &now[0] != &again[0] || len(now) != len(again) {
		t.Error("a batch that changes nothing copied the table")
	}
	changed := slices.Clone(again)
	changed[1].Options = "ro"
	if err := tab.Load(changed, slices.Clone(ids)); err != nil {
		t.Fatal(err)
	}
	if now := tab.Mounts(); &now[0] == &again[0] || now[1].Options != "ro" || again[1].Options == "ro" {
		t.Error("a changed table loaded again was not taken as new")
	}
}

func TestTableCompare(t *testing.T) {
	tab := loaded(t, Namespace{ID: 9}, tmount(3, 1, "/a"), tmount(5, 2, "/b"), tmount(8, 3, "/c"))
	for _, c := range []struct {
		ids, added, gone []uint64
	}{
		{[]uint64{3, 5, 8}, nil, nil},
		{[]uint64{3, 5, 8, 9}, []uint64{9}, nil},
		{[]uint64{1, 3, 8}, []uint64{1}, []uint64{5}},
		{nil, nil, []uint64{3, 5, 8}},
		{[]uint64{4, 6}, []uint64{4, 6}, []uint64{3, 5, 8}},
	} {
		added, gone := tab.Compare(c.ids)
		if !slices.Equal(added, c.added) || !slices.Equal(gone, c.gone) {
			t.Errorf("Compare(%v): added %v, gone %v; want %v, %v", c.ids, added, gone, c.added, c.gone)
		}
	}
}
