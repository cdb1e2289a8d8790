package mnt

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// table parses mountinfo lines written in a test.
func table(t testing.TB, lines ...string) []Mount {
	t.Helper()
	mounts, err := Parse(strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	return mounts
}

// row is what a test expects of one DiffRow: mount point, class, and the mount ID on each
// side (0 where absent).
type row struct {
	mountpoint string
	class      DiffClass
	host, ns   int
	differs    Difference
}

func rowsOf(rows []DiffRow) []row {
	out := make([]row, len(rows))
	for i, r := range rows {
		out[i] = row{r.Point(), r.Class, idOf(r.Host), idOf(r.NS), r.Differs}
		var m *Mount
		if m = r.Host; m == nil {
			m = r.NS
		}
		if m.Key() != r.Key() {
			out[i].mountpoint += " (key does not match its mount)"
		}
	}
	return out
}

// A host table and the same mounts as copied into a new namespace: new IDs, same rest.
var (
	hostRoot = "1 0 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw"
	hostProc = "2 1 0:21 / /proc rw,nosuid shared:2 - proc proc rw"
	hostTmp  = "3 1 0:30 / /tmp rw shared:3 - tmpfs tmpfs rw,size=10m"
	nsRoot   = "101 100 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw"
	nsProc   = "102 101 0:21 / /proc rw,nosuid shared:2 - proc proc rw"
	nsTmp    = "103 101 0:30 / /tmp rw shared:3 - tmpfs tmpfs rw,size=10m"
)

// One path twice at depth 0, as the kernel shows it after a mount on /a/b (abM), a mount
// over /a that hides it (aY), and a mount on the /a/b of that (abN).
var (
	aX  = "20 1 0:60 / /a rw - tmpfs x rw"
	abM = "21 20 0:61 / /a/b rw - tmpfs m rw"
	aY  = "22 20 0:62 / /a rw - tmpfs y rw"
	abN = "23 22 0:63 / /a/b rw - tmpfs n rw"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name     string
		host, ns []string
		want     []row
	}{
		{
			name: "copies with new IDs are in both",
			host: []string{hostRoot, hostProc, hostTmp},
			ns:   []string{nsRoot, nsProc, nsTmp},
			want: []row{{"/", InBoth, 1, 101, 0}, {"/proc", InBoth, 2, 102, 0}, {"/tmp", InBoth, 3, 103, 0}},
		},
		{
			name: "unmounted in the namespace: host only",
			host: []string{hostRoot, hostProc, hostTmp},
			ns:   []string{nsRoot, nsTmp},
			want: []row{{"/", InBoth, 1, 101, 0}, {"/proc", HostOnly, 2, 0, 0}, {"/tmp", InBoth, 3, 103, 0}},
		},
		{
			name: "mounted in the namespace: ns only",
			host: []string{hostRoot},
			ns:   []string{nsRoot, "110 101 0:40 / /mnt rw - tmpfs lab rw"},
			want: []row{{"/", InBoth, 1, 101, 0}, {"/mnt", NSOnly, 0, 110, 0}},
		},
		{
			name: "same mount point, other filesystem: one row each side",
			host: []string{hostRoot, hostTmp},
			ns:   []string{nsRoot, "103 101 0:31 / /tmp rw shared:3 - tmpfs tmpfs rw,size=10m"},
			want: []row{{"/", InBoth, 1, 101, 0}, {"/tmp", HostOnly, 3, 0, 0}, {"/tmp", NSOnly, 0, 103, 0}},
		},
		{
			name: "remounted read-only: per-mount options",
			host: []string{hostTmp},
			ns:   []string{"103 101 0:30 / /tmp ro shared:3 - tmpfs tmpfs rw,size=10m"},
			want: []row{{"/tmp", Changed, 3, 103, DiffOptions}},
		},
		{
			name: "resized tmpfs: super options",
			host: []string{hostTmp},
			ns:   []string{"103 101 0:30 / /tmp rw shared:3 - tmpfs tmpfs rw,size=20m"},
			want: []row{{"/tmp", Changed, 3, 103, DiffSuperOptions}},
		},
		{
			name: "made private in the namespace",
			host: []string{hostTmp},
			ns:   []string{"103 101 0:30 / /tmp rw - tmpfs tmpfs rw,size=10m"},
			want: []row{{"/tmp", Changed, 3, 103, DiffPropagation}},
		},
		{
			name: "shared against slave of the same group",
			host: []string{hostTmp},
			ns:   []string{"103 101 0:30 / /tmp rw master:3 - tmpfs tmpfs rw,size=10m"},
			want: []row{{"/tmp", Changed, 3, 103, DiffPropagation}},
		},
		{
			name: "both shared, different peer groups: not peers",
			host: []string{hostTmp},
			ns:   []string{"103 101 0:30 / /tmp rw shared:9 - tmpfs tmpfs rw,size=10m"},
			want: []row{{"/tmp", Changed, 3, 103, DiffPropagation}},
		},
		{
			name: "slaves of different masters",
			host: []string{"3 1 0:30 / /tmp rw master:3 - tmpfs tmpfs rw"},
			ns:   []string{"103 101 0:30 / /tmp rw master:4 - tmpfs tmpfs rw"},
			want: []row{{"/tmp", Changed, 3, 103, DiffPropagation}},
		},
		{
			name: "propagate_from alone depends on the reader's root: no change",
			host: []string{"3 1 0:30 / /tmp rw master:3 - tmpfs tmpfs rw"},
			ns:   []string{"103 101 0:30 / /tmp rw master:3 propagate_from:1 - tmpfs tmpfs rw"},
			want: []row{{"/tmp", InBoth, 3, 103, 0}},
		},
		{
			name: "everything differs at once",
			host: []string{hostTmp},
			ns:   []string{"103 101 0:30 / /tmp ro,nosuid unbindable - tmpfs tmpfs rw,size=1m"},
			want: []row{{"/tmp", Changed, 3, 103, DiffOptions | DiffSuperOptions | DiffPropagation}},
		},
		{
			name: "stacked mounts: a new one on top in the namespace",
			host: []string{
				hostRoot,
				"10 1 0:40 / /mnt rw - tmpfs a rw",
				"11 10 0:41 / /mnt rw - tmpfs b rw",
			},
			ns: []string{
				nsRoot,
				"110 101 0:40 / /mnt rw - tmpfs a rw",
				"111 110 0:41 / /mnt rw - tmpfs b rw",
				"112 111 0:42 / /mnt rw - tmpfs c rw",
			},
			want: []row{{"/", InBoth, 1, 101, 0}, {"/mnt", InBoth, 10, 110, 0}, {"/mnt", InBoth, 11, 111, 0}, {"/mnt", NSOnly, 0, 112, 0}},
		},
		{
			name: "stacked mounts: the top one unmounted in the namespace, listed bottom first whatever the table order",
			host: []string{
				"11 10 0:41 / /mnt rw - tmpfs b rw",
				"10 1 0:40 / /mnt rw - tmpfs a rw",
			},
			ns:   []string{"110 101 0:40 / /mnt rw - tmpfs a rw"},
			want: []row{{"/mnt", InBoth, 10, 110, 0}, {"/mnt", HostOnly, 11, 0, 0}},
		},
		{
			name: "the same bind stacked twice matches in stack order",
			host: []string{
				"10 1 254:0 /srv /mnt rw - ext4 /dev/vda rw",
				"11 10 254:0 /srv /mnt ro - ext4 /dev/vda rw",
			},
			ns: []string{
				"111 110 254:0 /srv /mnt rw - ext4 /dev/vda rw",
				"110 101 254:0 /srv /mnt rw - ext4 /dev/vda rw",
				"112 111 254:0 /srv /mnt rw - ext4 /dev/vda rw",
			},
			want: []row{{"/mnt", InBoth, 10, 110, 0}, {"/mnt", Changed, 11, 111, DiffOptions}, {"/mnt", NSOnly, 0, 112, 0}},
		},
		{
			name: "a subtree follows its directory: /a, /a/b, then /a b",
			host: []string{
				"12 1 0:42 / /a\\040b rw - tmpfs t rw",
				"11 10 0:41 / /a/b rw - tmpfs t rw",
				"10 1 0:40 / /a rw - tmpfs t rw",
				"13 1 0:43 / /a-c rw - tmpfs t rw",
			},
			ns:   []string{"111 110 0:41 / /a/b rw - tmpfs t rw"},
			want: []row{{"/a", HostOnly, 10, 0, 0}, {"/a/b", InBoth, 11, 111, 0}, {"/a b", HostOnly, 12, 0, 0}, {"/a-c", HostOnly, 13, 0, 0}},
		},
		{
			// Each row of one mount point sorts by the first of these that differs: its
			// stack depth, a host side, its match's depth, identity, n-th of the identity.
			name: "one mount point: depth, then host rows before ns-only ones",
			host: []string{
				"10 1 0:50 / /m rw - tmpfs a rw",
				"11 10 0:51 / /m rw - tmpfs b rw",
				"12 11 0:52 / /m rw - tmpfs c rw",
			},
			ns: []string{
				"110 101 0:50 / /m rw - tmpfs a rw",
				"111 110 0:53 / /m rw - tmpfs d rw",
				"112 111 0:51 / /m rw - tmpfs b rw",
			},
			want: []row{{"/m", InBoth, 10, 110, 0}, {"/m", InBoth, 11, 112, 0}, {"/m", NSOnly, 0, 111, 0}, {"/m", HostOnly, 12, 0, 0}},
		},
		{
			name: "one mount point: a host row before the ns-only row at its depth, whatever their identities",
			host: []string{
				"10 1 0:52 / /m rw - tmpfs c rw",
				"11 10 0:51 / /m rw - tmpfs b rw",
			},
			ns:   []string{"110 101 0:50 / /m rw - tmpfs a rw"},
			want: []row{{"/m", HostOnly, 10, 0, 0}, {"/m", NSOnly, 0, 110, 0}, {"/m", HostOnly, 11, 0, 0}},
		},
		{
			// The kernel shows one path twice at depth 0 when a mount on /a/b is hidden by
			// a mount over /a and /a/b is mounted again: each sits on its own /a.
			name: "one path under two parents: at one depth, an unmatched host row first",
			host: []string{hostRoot, aX, abM, aY, abN},
			ns: []string{
				nsRoot,
				"120 101 0:60 / /a rw - tmpfs x rw",
				"121 120 0:61 / /a/b rw - tmpfs m rw",
				"122 120 0:62 / /a rw - tmpfs y rw",
			},
			want: []row{{"/", InBoth, 1, 101, 0}, {"/a", InBoth, 20, 120, 0}, {"/a", InBoth, 22, 122, 0}, {"/a/b", HostOnly, 23, 0, 0}, {"/a/b", InBoth, 21, 121, 0}},
		},
		{
			name: "one path under two parents: at one depth, by identity",
			host: []string{hostRoot, aX, abM, aY, abN},
			ns:   []string{nsRoot},
			want: []row{{"/", InBoth, 1, 101, 0}, {"/a", HostOnly, 20, 0, 0}, {"/a", HostOnly, 22, 0, 0}, {"/a/b", HostOnly, 21, 0, 0}, {"/a/b", HostOnly, 23, 0, 0}},
		},
		{
			name: "one bind under two parents: matched by where the parents sit, whatever the table order",
			host: []string{
				"20 1 0:60 / /a rw - tmpfs x rw",
				"21 20 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"22 20 0:62 / /a rw - tmpfs y rw",
				"23 22 254:0 /srv /a/b rw - ext4 /dev/vda rw",
			},
			ns: []string{
				"120 101 0:60 / /a rw - tmpfs x rw",
				"121 120 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"122 120 0:62 / /a rw - tmpfs y rw",
				"123 122 254:0 /srv /a/b ro - ext4 /dev/vda rw",
			},
			want: []row{{"/a", InBoth, 20, 120, 0}, {"/a", InBoth, 22, 122, 0}, {"/a/b", InBoth, 21, 121, 0}, {"/a/b", Changed, 23, 123, DiffOptions}},
		},
		{
			name: "one bind under two parents, host side only: the one under the lower parent first",
			host: []string{
				"23 22 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"22 20 0:62 / /a rw - tmpfs y rw",
				"21 20 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"20 1 0:60 / /a rw - tmpfs x rw",
			},
			want: []row{{"/a", HostOnly, 20, 0, 0}, {"/a", HostOnly, 22, 0, 0}, {"/a/b", HostOnly, 21, 0, 0}, {"/a/b", HostOnly, 23, 0, 0}},
		},
		{
			name: "one bind under two parents, ns side only: the one under the lower parent first",
			host: []string{"20 1 0:60 / /a rw - tmpfs x rw"},
			ns: []string{
				"123 122 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"122 120 0:62 / /a rw - tmpfs y rw",
				"121 120 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"120 101 0:60 / /a rw - tmpfs x rw",
			},
			want: []row{{"/a", InBoth, 20, 120, 0}, {"/a", NSOnly, 0, 122, 0}, {"/a/b", NSOnly, 0, 121, 0}, {"/a/b", NSOnly, 0, 123, 0}},
		},
		{
			name: "one path under two parents, ns-only row there too: host rows by identity",
			host: []string{hostRoot, aX, abM, aY, abN},
			ns:   []string{nsRoot, "130 101 0:64 / /a/b rw - tmpfs p rw"},
			want: []row{{"/", InBoth, 1, 101, 0}, {"/a", HostOnly, 20, 0, 0}, {"/a", HostOnly, 22, 0, 0}, {"/a/b", HostOnly, 21, 0, 0}, {"/a/b", HostOnly, 23, 0, 0}, {"/a/b", NSOnly, 0, 130, 0}},
		},
		{
			name: "one path under three parents: identity, then the n-th of it",
			host: []string{
				"20 1 0:60 / /a rw - tmpfs x rw",
				"21 20 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"22 20 0:62 / /a rw - tmpfs y rw",
				"23 22 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"24 22 0:63 / /a rw - tmpfs z rw",
				"25 24 0:65 / /a/b rw - tmpfs n rw",
			},
			ns: []string{"130 101 0:64 / /a/b rw - tmpfs p rw"},
			want: []row{
				{"/a", HostOnly, 20, 0, 0}, {"/a", HostOnly, 22, 0, 0}, {"/a", HostOnly, 24, 0, 0},
				{"/a/b", HostOnly, 21, 0, 0}, {"/a/b", HostOnly, 23, 0, 0}, {"/a/b", HostOnly, 25, 0, 0}, {"/a/b", NSOnly, 0, 130, 0},
			},
		},
		{
			name: "one path under three parents in the namespace: identity, then the n-th of it",
			host: []string{"30 1 0:64 / /a/b rw - tmpfs p rw"},
			ns: []string{
				"120 101 0:60 / /a rw - tmpfs x rw",
				"121 120 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"122 120 0:62 / /a rw - tmpfs y rw",
				"123 122 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"124 122 0:63 / /a rw - tmpfs z rw",
				"125 124 0:65 / /a/b rw - tmpfs n rw",
			},
			want: []row{
				{"/a", NSOnly, 0, 120, 0}, {"/a", NSOnly, 0, 122, 0}, {"/a", NSOnly, 0, 124, 0},
				{"/a/b", HostOnly, 30, 0, 0}, {"/a/b", NSOnly, 0, 121, 0}, {"/a/b", NSOnly, 0, 123, 0}, {"/a/b", NSOnly, 0, 125, 0},
			},
		},
		{
			name: "one bind under two parents whose own parents tie: their parents decide",
			host: []string{
				"20 1 0:60 / /a rw - tmpfs x rw",
				"21 20 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"24 21 0:70 / /a/b/c rw - tmpfs c rw",
				"22 20 0:62 / /a rw - tmpfs y rw",
				"23 22 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"25 23 0:70 / /a/b/c ro - tmpfs c rw",
			},
			ns: []string{
				"120 101 0:60 / /a rw - tmpfs x rw",
				"121 120 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"124 121 0:70 / /a/b/c rw - tmpfs c rw",
				"122 120 0:62 / /a rw - tmpfs y rw",
				"123 122 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"125 123 0:70 / /a/b/c ro - tmpfs c rw",
			},
			want: []row{
				{"/a", InBoth, 20, 120, 0}, {"/a", InBoth, 22, 122, 0}, {"/a/b", InBoth, 21, 121, 0},
				{"/a/b", InBoth, 23, 123, 0}, {"/a/b/c", InBoth, 24, 124, 0}, {"/a/b/c", InBoth, 25, 125, 0},
			},
		},
		{
			name: "one bind under two parents, one of them outside the table: that one first",
			host: []string{hostRoot, "30 1 0:61 / /x rw - tmpfs m rw", "31 999 0:61 / /x ro - tmpfs m rw"},
			ns:   []string{nsRoot, "130 101 0:61 / /x rw - tmpfs m rw", "131 998 0:61 / /x ro - tmpfs m rw"},
			want: []row{{"/", InBoth, 1, 101, 0}, {"/x", InBoth, 31, 131, 0}, {"/x", InBoth, 30, 130, 0}},
		},
		{
			name: "one bind under two parents: the lower parent first, though its identity sorts last",
			host: []string{
				"20 1 0:60 / /a rw - tmpfs y rw",
				"21 20 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"22 20 0:62 / /a rw - tmpfs x rw",
				"23 22 254:0 /srv /a/b rw - ext4 /dev/vda rw",
			},
			ns: []string{
				"120 101 0:60 / /a rw - tmpfs y rw",
				"121 120 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"122 120 0:62 / /a rw - tmpfs x rw",
				"123 122 254:0 /srv /a/b ro - ext4 /dev/vda rw",
			},
			want: []row{{"/a", InBoth, 20, 120, 0}, {"/a", InBoth, 22, 122, 0}, {"/a/b", InBoth, 21, 121, 0}, {"/a/b", Changed, 23, 123, DiffOptions}},
		},
		{
			// The parents tie on their path and depth, and differ in identity: that
			// decides, though their own parents would order them the other way.
			name: "one bind under two parents that differ in identity only: the parents' identity",
			host: []string{
				"1 0 254:0 / / rw - ext4 /dev/vda rw",
				"2 1 0:70 / / rw - tmpfs r2 rw",
				"3 2 0:71 / /a rw - tmpfs a rw",
				"4 1 0:72 / /a rw - tmpfs b rw",
				"5 3 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"6 4 254:0 /srv /a/b ro - ext4 /dev/vda rw",
			},
			ns: []string{
				"101 100 254:0 / / rw - ext4 /dev/vda rw",
				"102 101 0:70 / / rw - tmpfs r2 rw",
				"103 102 0:71 / /a rw - tmpfs a rw",
				"104 101 0:72 / /a rw - tmpfs b rw",
				"105 103 254:0 /srv /a/b rw - ext4 /dev/vda rw",
				"106 104 254:0 /srv /a/b ro - ext4 /dev/vda rw",
			},
			want: []row{
				{"/", InBoth, 1, 101, 0}, {"/", InBoth, 2, 102, 0}, {"/a", InBoth, 3, 103, 0},
				{"/a", InBoth, 4, 104, 0}, {"/a/b", InBoth, 5, 105, 0}, {"/a/b", InBoth, 6, 106, 0},
			},
		},
		{
			name: "one bind twice on a path, both parents outside the table: by mount ID",
			host: []string{"31 998 0:61 / /x ro - tmpfs m rw", "30 999 0:61 / /x rw - tmpfs m rw"},
			ns:   []string{"130 996 0:61 / /x rw - tmpfs m rw", "131 997 0:61 / /x ro - tmpfs m rw"},
			want: []row{{"/x", InBoth, 30, 130, 0}, {"/x", InBoth, 31, 131, 0}},
		},
		{
			// Never from the kernel, but a table read while it changes may hold stale
			// parent links.
			name: "a parent loop: its mounts are all bottoms, a mount on it is one above",
			host: []string{
				"10 11 0:40 / /mnt rw - tmpfs a rw",
				"11 10 0:41 / /mnt rw - tmpfs b rw",
				"12 11 0:42 / /mnt rw - tmpfs c rw",
				"13 13 0:43 / /self rw - tmpfs d rw",
			},
			ns: []string{
				"112 101 0:42 / /mnt rw - tmpfs c rw",
				"113 113 0:43 / /self rw - tmpfs d rw",
			},
			want: []row{{"/mnt", HostOnly, 10, 0, 0}, {"/mnt", HostOnly, 11, 0, 0}, {"/mnt", InBoth, 12, 112, 0}, {"/self", InBoth, 13, 113, 0}},
		},
		{
			name: "a parent loop beside a stack on one path: the loop's mounts at the stack's bottom",
			host: []string{
				"10 11 0:40 / /mnt rw - tmpfs a rw",
				"11 10 0:41 / /mnt rw - tmpfs b rw",
				"12 1 0:39 / /mnt rw - tmpfs A rw",
				"13 12 0:38 / /mnt rw - tmpfs B rw",
			},
			want: []row{{"/mnt", HostOnly, 12, 0, 0}, {"/mnt", HostOnly, 10, 0, 0}, {"/mnt", HostOnly, 11, 0, 0}, {"/mnt", HostOnly, 13, 0, 0}},
		},
		{
			name: "a stack whose bottom is first in the table",
			host: []string{"10 1 0:40 / /mnt rw - tmpfs a rw", "11 10 0:41 / /mnt rw - tmpfs b rw"},
			ns:   []string{"112 101 0:39 / /mnt rw - tmpfs c rw"},
			want: []row{{"/mnt", HostOnly, 10, 0, 0}, {"/mnt", NSOnly, 0, 112, 0}, {"/mnt", HostOnly, 11, 0, 0}},
		},
		{
			// unshare --propagation unchanged, then: /dev/shm made private, /run/user/1000
			// unmounted, /home/alice remounted read-only, a tmpfs over /tmp and one on /mnt.
			name: "a host and its namespace after a few commands",
			host: []string{
				"1 0 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
				"2 1 0:5 / /dev rw,nosuid shared:2 - devtmpfs udev rw",
				"3 2 0:24 / /dev/pts rw shared:3 - devpts devpts rw",
				"4 2 0:25 / /dev/shm rw shared:4 - tmpfs tmpfs rw",
				"5 1 0:21 / /proc rw shared:5 - proc proc rw",
				"6 5 0:40 / /proc/sys/fs/binfmt_misc rw shared:6 - autofs systemd-1 rw",
				"7 6 0:41 / /proc/sys/fs/binfmt_misc rw shared:7 - binfmt_misc binfmt_misc rw",
				"8 1 0:22 / /sys rw shared:8 - sysfs sysfs rw",
				"9 8 0:27 / /sys/fs/cgroup rw shared:9 - cgroup2 cgroup2 rw",
				"10 1 0:26 / /run rw shared:10 - tmpfs tmpfs rw,size=10m",
				"11 10 0:42 / /run/user/1000 rw shared:11 - tmpfs tmpfs rw,size=5m",
				"12 1 0:30 / /tmp rw shared:12 - tmpfs tmpfs rw",
				"13 1 254:1 / /home rw shared:13 - ext4 /dev/vdb rw",
				"14 13 254:1 /alice /home/alice rw shared:13 - ext4 /dev/vdb rw",
			},
			ns: []string{
				"201 200 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
				"202 201 0:5 / /dev rw,nosuid shared:2 - devtmpfs udev rw",
				"203 202 0:24 / /dev/pts rw shared:3 - devpts devpts rw",
				"204 202 0:25 / /dev/shm rw - tmpfs tmpfs rw",
				"205 201 0:21 / /proc rw shared:5 - proc proc rw",
				"206 205 0:40 / /proc/sys/fs/binfmt_misc rw shared:6 - autofs systemd-1 rw",
				"207 206 0:41 / /proc/sys/fs/binfmt_misc rw shared:7 - binfmt_misc binfmt_misc rw",
				"208 201 0:22 / /sys rw shared:8 - sysfs sysfs rw",
				"209 208 0:27 / /sys/fs/cgroup rw shared:9 - cgroup2 cgroup2 rw",
				"210 201 0:26 / /run rw shared:10 - tmpfs tmpfs rw,size=10m",
				"212 201 0:30 / /tmp rw shared:12 - tmpfs tmpfs rw",
				"213 201 254:1 / /home rw shared:13 - ext4 /dev/vdb rw",
				"214 213 254:1 /alice /home/alice ro shared:13 - ext4 /dev/vdb rw",
				"215 212 0:50 / /tmp rw - tmpfs lab rw,size=1m",
				"216 201 0:51 / /mnt rw - tmpfs scratch rw,size=1m",
			},
			want: []row{
				{"/", InBoth, 1, 201, 0},
				{"/dev", InBoth, 2, 202, 0},
				{"/dev/pts", InBoth, 3, 203, 0},
				{"/dev/shm", Changed, 4, 204, DiffPropagation},
				{"/home", InBoth, 13, 213, 0},
				{"/home/alice", Changed, 14, 214, DiffOptions},
				{"/mnt", NSOnly, 0, 216, 0},
				{"/proc", InBoth, 5, 205, 0},
				{"/proc/sys/fs/binfmt_misc", InBoth, 6, 206, 0},
				{"/proc/sys/fs/binfmt_misc", InBoth, 7, 207, 0},
				{"/run", InBoth, 10, 210, 0},
				{"/run/user/1000", HostOnly, 11, 0, 0},
				{"/sys", InBoth, 8, 208, 0},
				{"/sys/fs/cgroup", InBoth, 9, 209, 0},
				{"/tmp", InBoth, 12, 212, 0},
				{"/tmp", NSOnly, 0, 215, 0},
			},
		},
		{
			name: "an empty table (a chrooted reader) against a full one",
			host: []string{hostRoot, hostProc},
			ns:   nil,
			want: []row{{"/", HostOnly, 1, 0, 0}, {"/proc", HostOnly, 2, 0, 0}},
		},
		{
			name: "both empty",
			want: []row{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDiff(t, tt.host, tt.ns, tt.want)
		})
	}
}

// checkDiff checks Diff's rows for two tables, also with the tables in other orders.
func checkDiff(t *testing.T, hostLines, nsLines []string, want []row) {
	t.Helper()
	host, ns := table(t, hostLines...), table(t, nsLines...)
	got := rowsOf(Diff(host, ns))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Diff:\n got %v\nwant %v", got, want)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		rng.Shuffle(len(host), func(i, j int) { host[i], host[j] = host[j], host[i] })
		rng.Shuffle(len(ns), func(i, j int) { ns[i], ns[j] = ns[j], ns[i] })
		if got := rowsOf(Diff(host, ns)); !reflect.DeepEqual(got, want) {
			t.Fatalf("Diff of the tables in another order:\n%s\n-\n%s\n got %v\nwant %v", linesOf(host), linesOf(ns), got, want)
		}
	}
}

// Above matchByScan mounts on one mount point, matching goes through a map, with the same
// rows: stack order, an unmounted host mount in its place, a new ns mount on top.
func TestDiffTallStack(t *testing.T) {
	const height = 40
	var host, ns []string
	var want []row
	nsParent := 101
	for i := range height {
		// Host mount i has ID 10+i on 9+i; its copy ID 110+i on the copy below it.
		host = append(host, fmt.Sprintf("%d %d 0:%d / /mnt rw - tmpfs t%d rw", 10+i, 9+i, 100+i, i))
		switch i {
		case 5: // unmounted in the namespace
			want = append(want, row{"/mnt", HostOnly, 10 + i, 0, 0})
			continue
		case 7: // remounted read-only there
			ns = append(ns, fmt.Sprintf("%d %d 0:%d / /mnt ro - tmpfs t%d rw", 110+i, nsParent, 100+i, i))
			want = append(want, row{"/mnt", Changed, 10 + i, 110 + i, DiffOptions})
		default:
			ns = append(ns, fmt.Sprintf("%d %d 0:%d / /mnt rw - tmpfs t%d rw", 110+i, nsParent, 100+i, i))
			want = append(want, row{"/mnt", InBoth, 10 + i, 110 + i, 0})
		}
		nsParent = 110 + i
	}
	ns = append(ns, fmt.Sprintf("150 %d 0:200 / /mnt rw - tmpfs top rw", nsParent))
	want = append(want, row{"/mnt", NSOnly, 0, 150, 0})
	if len(ns) <= matchByScan {
		t.Fatalf("%d ns mounts on /mnt, want more than matchByScan (%d)", len(ns), matchByScan)
	}
	checkDiff(t, host, ns, want)
}

// linesOf writes a table back as mountinfo lines, for messages.
func linesOf(table []Mount) string {
	lines := make([]string, len(table))
	for i, m := range table {
		lines[i] = formatLine(m)
	}
	return strings.Join(lines, "\n")
}

// The rows point into the tables given, so the UI can show every field of both sides.
func TestDiffRowsPointIntoTables(t *testing.T) {
	host, ns := table(t, hostRoot, hostTmp), table(t, nsRoot, nsTmp)
	for _, r := range Diff(host, ns) {
		if r.Host != &host[0] && r.Host != &host[1] {
			t.Errorf("row %s: host side is a copy, not a pointer into the table", r.Point())
		}
		if r.NS != &ns[0] && r.NS != &ns[1] {
			t.Errorf("row %s: ns side is a copy, not a pointer into the table", r.Point())
		}
	}
}

// Rows come in tree order: '/' sorts before every other byte, so a directory's subtree
// follows it directly, whatever the table order.
func TestDiffTreeOrder(t *testing.T) {
	ordered := []string{"/", "/a", "/a/b", "/a/b/c", "/a b", "/a-b", "/a.b", "/ab", "/b", "/é"}
	var lines []string
	for i := len(ordered) - 1; i >= 0; i-- {
		lines = append(lines, strconv.Itoa(10+i)+" 1 0:"+strconv.Itoa(40+i)+" / "+escapePath(ordered[i])+" rw - tmpfs t rw")
	}
	var got []string
	for _, r := range Diff(table(t, lines...), nil) {
		got = append(got, r.Point())
	}
	if !slices.Equal(got, ordered) {
		t.Errorf("order %q, want %q", got, ordered)
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{InBoth.String(), "in both"},
		{HostOnly.String(), "host only"},
		{NSOnly.String(), "ns only"},
		{Changed.String(), "changed"},
		{DiffClass(9).String(), "DiffClass(9)"},
		{Added.String(), "added"},
		{Removed.String(), "removed"},
		{Modified.String(), "modified"},
		{ChangeKind(7).String(), "ChangeKind(7)"},
		{Difference(0).String(), ""},
		{(DiffOptions | DiffPropagation).String(), "options,propagation"},
		{(DiffOptions | DiffSuperOptions | DiffPropagation).String(), "options,super options,propagation"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// ComparePoints agrees with the order of Diff's rows.
func TestComparePoints(t *testing.T) {
	points := []string{"/", "/a", "/a/b", "/a b", "/a.b", "/ab", "/a/b/c", "/b", "/a\x00", "/a/\x00"}
	for _, a := range points {
		for _, b := range points {
			want := 0
			switch {
			case treeLess(a, b):
				want = -1
			case treeLess(b, a):
				want = 1
			}
			if got := ComparePoints(a, b); got != want {
				t.Errorf("ComparePoints(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

// patchSide gives sortSide's order for tables changed by a few mounts: added on top, slid
// beneath, removed, changed in place, with stacks, parents outside the table and IDs
// reused; and declines tables that differ too much.
func TestPatchSideIsSortSide(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	points := []string{"/", "/a", "/a/b", "/a b", "/a/b/c", "/z"}
	mountAt := func(id, parent int) Mount {
		var m Mount
		m.ID, m.Parent = id, parent
		m.Mountpoint = points[rng.IntN(len(points))]
		m.Source, m.FSType, m.Root = string(rune('a'+rng.IntN(3))), "tmpfs", "/"
		m.Options, m.VFSOptions = "rw", "rw"
		return m
	}
	patched := 0
	for round := range 2000 {
		var old []Mount
		for id := 1; id <= 5+rng.IntN(60); id++ {
			old = append(old, mountAt(id, rng.IntN(id+1))) // parent 0: outside the table
		}
		table := slices.Clone(old)
		for range 1 + rng.IntN(4) {
			switch k := rng.IntN(len(table)); rng.IntN(4) {
			case 0: // a new mount, on any mount (on top, or beneath by its parent)
				table = slices.Insert(table, k, mountAt(100+round%50+rng.IntN(1000), rng.IntN(70)))
			case 1:
				table = slices.Delete(table, k, k+1)
			case 2:
				table[k].Propagation = Propagation{Type: Shared, PeerGroup: 1 + rng.IntN(3)}
			case 3:
				table[k].Parent = rng.IntN(70) // moved
			}
		}
		if !uniqueIDs(table) {
			continue
		}
		want := sortSide(table)
		got, ok := patchSide(old, sortSide(old), table)
		if !ok {
			continue
		}
		patched++
		if !slices.Equal(got.order, want.order) || !slices.Equal(got.depth, want.depth) || !slices.Equal(got.parent, want.parent) {
			t.Fatalf("round %d: patched order %v depth %v, want %v depth %v\nold %v\nnew %v", round, got.order, got.depth, want.order, want.depth, old, table)
		}
		for i := range table {
			if !bytes.Equal(got.point[i], want.point[i]) {
				t.Fatalf("round %d: point %d %q, want %q", round, i, got.point[i], want.point[i])
			}
		}
	}
	if patched < 1000 {
		t.Errorf("only %d of 2000 rounds patched: the test says little", patched)
	}
	// A table replaced whole is not patched.
	var a, b []Mount
	for id := 1; id <= 200; id++ {
		a = append(a, mountAt(id, 0))
		b = append(b, mountAt(id+1000, 0))
	}
	if _, ok := patchSide(a, sortSide(a), b); ok {
		t.Error("a table with no mount in common was patched")
	}
}
