package lab

import (
	"slices"
	"testing"

	"github.com/moby/sys/mountinfo"
	"github.com/nslab/nslab/lab/mnt"
)

func mountAt(id, parent int, point string) mnt.Mount {
	return mnt.Mount{Info: mountinfo.Info{ID: id, Parent: parent, Mountpoint: point}}
}

func TestReachableFromAChroot(t *testing.T) {
	table := []mnt.Mount{
		mountAt(1, 0, "/"),
		mountAt(2, 1, "/tmp"),            // the workspace the rootfs lies on
		mountAt(6, 5, "/tmp/nslab/root"), // on top of 5, though listed first
		mountAt(5, 2, "/tmp/nslab/root"),
		mountAt(3, 6, "/tmp/nslab/root/proc"),
		mountAt(4, 2, "/tmp/nslab/rootfs2"), // a sibling with a common prefix
		mountAt(7, 1, "/proc"),
	}
	for _, c := range []struct {
		root      string
		rootMount int
		reach     []int
	}{
		{"/", 1, []int{1, 2, 6, 5, 3, 4, 7}},
		{"/tmp/nslab/root", 6, []int{6, 5, 3}},
		{"/tmp/nslab", 2, []int{2, 6, 5, 3, 4}},
		{"/tmp/nslab/r", 2, []int{2}},
		{"/etc", 1, []int{1}},
	} {
		s := Snapshot{Root: c.root, Chrooted: c.root != "/", Mounts: table}
		if got := s.RootMount().ID; got != c.rootMount {
			t.Errorf("root %s: RootMount %d, want %d", c.root, got, c.rootMount)
		}
		var got []int
		for _, m := range table {
			if s.Reachable(m) {
				got = append(got, m.ID)
			}
		}
		if !slices.Equal(got, c.reach) {
			t.Errorf("root %s: reachable %v, want %v", c.root, got, c.reach)
		}
	}
}
