package mnt

import (
	"reflect"
	"testing"
)

// change is what a test expects of one Change.
type change struct {
	kind       ChangeKind
	id         int
	mountpoint string
	oldID      int
	differs    Difference
}

func changesOf(cs []Change) []change {
	out := make([]change, len(cs))
	for i, c := range cs {
		out[i] = change{c.Kind, c.Mount.ID, c.Mount.Mountpoint, idOf(c.Old), c.Differs}
	}
	return out
}

func TestChanges(t *testing.T) {
	base := []string{hostRoot, hostProc, hostTmp}
	tests := []struct {
		name     string
		old, new []string
		want     []change
	}{
		{"nothing happened", base, base, []change{}},
		{"mounted", base, append(base[:3:3], "4 3 0:50 / /tmp/x rw shared:3 - tmpfs x rw"),
			[]change{{Added, 4, "/tmp/x", 0, 0}}},
		{"unmounted", base, []string{hostRoot, hostTmp},
			[]change{{Removed, 2, "/proc", 0, 0}}},
		{"remounted read-only", base, []string{hostRoot, hostProc, "3 1 0:30 / /tmp ro shared:3 - tmpfs tmpfs rw,size=10m"},
			[]change{{Modified, 3, "/tmp", 3, DiffOptions}}},
		{"made private", base, []string{hostRoot, hostProc, "3 1 0:30 / /tmp rw - tmpfs tmpfs rw,size=10m"},
			[]change{{Modified, 3, "/tmp", 3, DiffPropagation}}},
		{"propagate_from alone", []string{"5 1 0:30 / /x rw master:3 - tmpfs t rw"}, []string{"5 1 0:30 / /x rw master:3 propagate_from:1 - tmpfs t rw"},
			[]change{}},
		{"a freed ID reused at once for another mount", base, []string{hostRoot, "2 1 0:60 / /mnt rw - tmpfs new rw", hostTmp},
			[]change{{Removed, 2, "/proc", 0, 0}, {Added, 2, "/mnt", 0, 0}}},
		{"moved", base, []string{hostRoot, hostProc, "3 1 0:30 / /srv rw shared:3 - tmpfs tmpfs rw,size=10m"},
			[]change{{Removed, 3, "/tmp", 0, 0}, {Added, 3, "/srv", 0, 0}}},
		{"removals first, then the rest in table order", base, []string{hostRoot, "7 1 0:70 / /b rw - tmpfs b rw", "3 1 0:30 / /tmp ro shared:3 - tmpfs tmpfs rw,size=10m", "6 1 0:60 / /a rw - tmpfs a rw"},
			[]change{{Removed, 2, "/proc", 0, 0}, {Added, 7, "/b", 0, 0}, {Modified, 3, "/tmp", 3, DiffOptions}, {Added, 6, "/a", 0, 0}}},
		{"a namespace gone: everything removed", base, nil,
			[]change{{Removed, 1, "/", 0, 0}, {Removed, 2, "/proc", 0, 0}, {Removed, 3, "/tmp", 0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := changesOf(Changes(table(t, tt.old...), table(t, tt.new...)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Changes:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// Old of a Modified change is the mount as it was, from the old table.
func TestChangesOld(t *testing.T) {
	old := table(t, hostTmp)
	cs := Changes(old, table(t, "3 1 0:30 / /tmp ro shared:3 - tmpfs tmpfs rw,size=10m"))
	if len(cs) != 1 || cs[0].Old != &old[0] || cs[0].Mount.Options != "ro" || cs[0].Old.Options != "rw" {
		t.Fatalf("Changes = %+v, want one Modified from rw to ro with Old in the old table", cs)
	}
}
