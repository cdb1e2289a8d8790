package mnt

import (
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
		out[i] = row{r.Key.Mountpoint, r.Class, idOf(r.Host), idOf(r.NS), r.Differs}
		var m *Mount
		if m = r.Host; m == nil {
			m = r.NS
		}
		if m.Key() != r.Key {
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
			got := rowsOf(Diff(table(t, tt.host...), table(t, tt.ns...)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Diff:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// The rows point into the tables given, so the UI can show every field of both sides.
func TestDiffRowsPointIntoTables(t *testing.T) {
	host, ns := table(t, hostRoot, hostTmp), table(t, nsRoot, nsTmp)
	for _, r := range Diff(host, ns) {
		if r.Host != &host[0] && r.Host != &host[1] {
			t.Errorf("row %s: host side is a copy, not a pointer into the table", r.Key.Mountpoint)
		}
		if r.NS != &ns[0] && r.NS != &ns[1] {
			t.Errorf("row %s: ns side is a copy, not a pointer into the table", r.Key.Mountpoint)
		}
	}
}

// Diff depends on the tables' contents, not on their order: shuffled tables give the same
// rows (stack order comes from parent links, not from the table).
func TestDiffIgnoresTableOrder(t *testing.T) {
	host := parseFile(t, "testdata/systemd-host.mountinfo")
	ns := parseFile(t, capturedFixture)
	// Make the two share some keys and some stacks: the captured table's /dev/pts and
	// /dev/shm are stacked, and the host's binfmt_misc is stacked on autofs.
	ns = append(ns, host[:10]...)
	want := rowsOf(Diff(host, ns))
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		h, n := slices.Clone(host), slices.Clone(ns)
		rng.Shuffle(len(h), func(i, j int) { h[i], h[j] = h[j], h[i] })
		rng.Shuffle(len(n), func(i, j int) { n[i], n[j] = n[j], n[i] })
		if got := rowsOf(Diff(h, n)); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffled tables gave other rows:\n got %v\nwant %v", got, want)
		}
	}
	// And the union has every mount of both sides exactly once.
	var hostSeen, nsSeen int
	for _, r := range Diff(host, ns) {
		if r.Host != nil {
			hostSeen++
		}
		if r.NS != nil {
			nsSeen++
		}
	}
	if hostSeen != len(host) || nsSeen != len(ns) {
		t.Errorf("rows cover %d host and %d ns mounts, want %d and %d", hostSeen, nsSeen, len(host), len(ns))
	}
}

// A table whose parent links loop (never from the kernel) still diffs, without hanging.
func TestDiffParentCycle(t *testing.T) {
	host := table(t,
		"10 11 0:40 / /mnt rw - tmpfs a rw",
		"11 10 0:41 / /mnt rw - tmpfs b rw",
		"12 12 0:42 / /self rw - tmpfs c rw",
	)
	rows := Diff(host, host)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	for _, r := range rows {
		if r.Class != InBoth {
			t.Errorf("%s: class %d, want InBoth against itself", r.Key.Mountpoint, r.Class)
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
		got = append(got, r.Key.Mountpoint)
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
