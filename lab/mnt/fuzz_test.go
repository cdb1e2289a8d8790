package mnt

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/sys/mountinfo"
)

// specPropagation is the tests' own reading of the optional fields, written from proc(5)
// and mount_namespaces(7) rather than from ParsePropagation, so that a bug there shows up
// as a disagreement. ok is false where ParsePropagation must return an error: a known tag
// with a missing, malformed, zero or repeated value, or unbindable with a value.
func specPropagation(optional string) (p Propagation, ok bool) {
	groups := map[string]int{}
	unbindable := false
	for _, field := range strings.Fields(optional) {
		if field == "unbindable" {
			unbindable = true
			continue
		}
		tag, value, _ := strings.Cut(field, ":")
		switch tag {
		case "unbindable":
			return Propagation{}, false
		case "shared", "master", "propagate_from":
		default:
			continue // a tag from a newer kernel
		}
		n, err := strconv.ParseUint(value, 10, 31) // decimal digits, at most 2^31-1
		if err != nil || n == 0 || groups[tag] != 0 {
			return Propagation{}, false
		}
		groups[tag] = int(n)
	}
	p = Propagation{PeerGroup: groups["shared"], Master: groups["master"], PropagateFrom: groups["propagate_from"]}
	// Peer group and master decide the type; unbindable counts only without either.
	p.Type = map[[2]bool]PropagationType{
		{true, true}: SharedSlave, {true, false}: Shared, {false, true}: Slave, {false, false}: Private,
	}[[2]bool{p.PeerGroup != 0, p.Master != 0}]
	if p.Type == Private && unbindable {
		p.Type = Unbindable
	}
	return p, true
}

func FuzzParsePropagation(f *testing.F) {
	for _, seed := range []string{"", "shared:1", "master:2", "shared:3 master:1", "master:5 propagate_from:2",
		"unbindable", "shared:", "shared:x", "shared:0", "x:1 y", "shared:1 shared:1", "unbindable:1", "  shared:07  ",
		"master:5 unbindable", "unbindable shared:1 master:2", "propagate_from:3 unbindable", "unbindable:"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, optional string) {
		p, err := ParsePropagation(optional)
		want, ok := specPropagation(optional)
		if (err == nil) != ok {
			t.Fatalf("ParsePropagation(%q) error %v, want an error: %v", optional, err, !ok)
		}
		if err != nil {
			return
		}
		if p != want {
			t.Fatalf("ParsePropagation(%q) = %#v, want %#v", optional, p, want)
		}
		// String writes what parses back to the same value.
		again, err := ParsePropagation(p.String())
		if err != nil || again != p {
			t.Fatalf("ParsePropagation(%q) = %#v; its String %q parses to %#v, %v", optional, p, p.String(), again, err)
		}
	})
}

// escapePath escapes the way the kernel writes paths in mountinfo (proc(5)).
func escapePath(s string) string {
	return strings.NewReplacer(" ", `\040`, "\t", `\011`, "\n", `\012`, `\`, `\134`).Replace(s)
}

// formatLine writes m back as one mountinfo line.
func formatLine(m Mount) string {
	fields := []string{
		strconv.Itoa(m.ID), strconv.Itoa(m.Parent), strconv.Itoa(m.Major) + ":" + strconv.Itoa(m.Minor),
		escapePath(m.Root), escapePath(m.Mountpoint), m.Options,
	}
	if m.Optional != "" {
		fields = append(fields, m.Optional)
	}
	fields = append(fields, "-", escapePath(m.FSType), escapePath(m.Source), m.VFSOptions)
	return strings.Join(fields, " ")
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.mountinfo")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), "/mnt/a b")
	}
	f.Add("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n", "tab\there")
	f.Add("1 2 3:4 / /x rw - - a b\n1 2 3:4 / /y rw shared:1 - t s o extra\n", `back\slash`)
	f.Add("1 2 3:4 /\\134 /\\040 rw - t s o\r\n", "new\nline\r")
	f.Add("1 2 3:4 / /x rw  - t s o\n\n", " leading space")
	f.Fuzz(func(t *testing.T, data, path string) {
		// Any path survives the kernel's escaping, as mount point and as root.
		line := "36 35 98:0 " + escapePath(path) + " " + escapePath(path) + " rw shared:2 - tmpfs " + escapePath(path) + " rw"
		mounts, err := Parse(strings.NewReader(line))
		if err != nil {
			t.Fatalf("Parse of an escaped path %q: %v", path, err)
		}
		if len(mounts) != 1 || mounts[0].Mountpoint != path || mounts[0].Root != path || mounts[0].Source != path {
			t.Fatalf("path %q came back as %+v", path, mounts)
		}

		// Any input: no panic; what parses, written back, parses to the same mounts.
		mounts, err = Parse(strings.NewReader(data))
		if err != nil {
			return
		}
		lines := make([]string, len(mounts))
		for i, m := range mounts {
			if strings.HasSuffix(m.VFSOptions, "\r") {
				return // written back last on a line, bufio.ScanLines would drop the '\r'
			}
			lines[i] = formatLine(m)
		}
		again, err := Parse(strings.NewReader(strings.Join(lines, "\n")))
		if err != nil {
			t.Fatalf("Parse of the written-back table: %v\n%s", err, strings.Join(lines, "\n"))
		}
		if len(again) == 0 && len(mounts) == 0 {
			return
		}
		if !reflect.DeepEqual(again, mounts) {
			t.Fatalf("round trip changed the table:\n got %+v\nwant %+v", again, mounts)
		}
	})
}

// parseWithMoby is the reference: github.com/moby/sys/mountinfo's parser, which leaves
// the optional fields as a string, plus specPropagation's reading of them (not
// ParsePropagation: the reference must not share the code it checks). Parse must agree
// with it on every input.
func parseWithMoby(data []byte) ([]Mount, error) {
	infos, err := mountinfo.GetMountsFromReader(bytes.NewReader(data), nil)
	if err != nil {
		return nil, err
	}
	out := make([]Mount, 0, len(infos))
	for _, info := range infos {
		prop, ok := specPropagation(info.Optional)
		if !ok {
			return nil, fmt.Errorf("mount %d: bad optional fields %q", info.ID, info.Optional)
		}
		out = append(out, Mount{Info: *info, Propagation: prop})
	}
	return out, nil
}

// FuzzParseMatchesMoby: our parser (no per-line allocations) and moby's agree on what
// parses and on every field of what does.
func FuzzParseMatchesMoby(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.mountinfo")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, seed := range []string{
		"1 2 3:4 / / rw - ext4 /dev/x rw\n",
		"1 2 3:4 /a\\040b /m\\134n rw shared:1 master:2 - tmpfs s\\011t rw\n",
		"1 2 3:4 / / rw - cifs //srv/My Docs rw,unc=//srv/My Docs\n",
		"1 2 3:4:5 / / rw - ext4 x rw\n", "x y 3:4 / / rw - e s o", "1 2 3:4 / / rw x y z w\n",
		"1 2 3:4 /\\777 / rw - e s o\r\n", "1 2 3:4 /\\78 / rw - e s o\n", "\n", "",
		"1 2 3:4 / / rw shared:x - e s o\n",
		"1 2 3:4 / / rw master:3 unbindable - e s o\n", "1 2 3:4 / / rw unbindable:1 - e s o\n",
		"\n1 2 3:4 / / rw - e s o", "1 2 3:4 / / rw  - e s o\n", "1 2 3:4 / / rw - e \\040s o\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, line := range bytes.Split(data, []byte{'\n'}) {
			if len(line) >= 60000 {
				return // beyond bufio.Scanner's token limit the two fail differently
			}
		}
		want, werr := parseWithMoby(data)
		got, gerr := parseTable(data)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("moby error %v, ours %v, on %q", werr, gerr, data)
		}
		if werr == nil && !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("on %q:\nours %+v\nmoby %+v", data, got, want)
		}
	})
}

// fuzzTable builds a small table from fuzz bytes, four per mount (ID, parent, mount point,
// identity and options), each from a few values, so that stacks, one key in several
// places, missing parents and parent loops are all common. At most 24 mounts: the checks
// below are cubic.
func fuzzTable(b []byte) []Mount {
	b = b[:min(len(b), 4*24)]
	points := []string{"/", "/a", "/a/b", "/a b"}
	props := []Propagation{{Type: Private}, {Type: Shared, PeerGroup: 1}, {Type: Slave, Master: 1}}
	var table []Mount
	for ; len(b) >= 4; b = b[4:] {
		var m Mount
		m.ID = int(b[0]%24) + 1
		m.Parent = int(b[1] % 25) // 0 is never an ID: a parent outside the table
		m.Mountpoint = points[b[2]%4]
		m.Source, m.FSType, m.Root = string(rune('a'+b[3]%3)), "tmpfs", "/"
		m.Options = []string{"rw", "ro"}[b[3]/3%2]
		m.VFSOptions = "rw"
		m.Propagation = props[b[3]/6%3]
		table = append(table, m)
	}
	return table
}

// uniqueIDs reports whether no mount ID appears twice, as in every kernel table.
func uniqueIDs(table []Mount) bool {
	seen := map[int]bool{}
	for _, m := range table {
		if seen[m.ID] {
			return false
		}
		seen[m.ID] = true
	}
	return true
}

// treeLess orders mount points as a tree walk lists them: a directory's subtree right
// after it, since '/' sorts before any other byte.
func treeLess(a, b string) bool {
	ta, tb := strings.ReplaceAll(a, "/", "\x00"), strings.ReplaceAll(b, "/", "\x00")
	return ta < tb || ta == tb && a < b
}

// below reports whether p is under m in its stack: on the walk down from m along parent
// links on one mount point, which ends at a bottom without a loop.
func below(table []Mount, m, p *Mount) bool {
	byID := map[int]*Mount{}
	for i := range table {
		byID[table[i].ID] = &table[i]
	}
	found := false
	for cur, seen := m, map[*Mount]bool{}; !seen[cur]; {
		seen[cur] = true
		next, ok := byID[cur.Parent]
		if !ok || next.Mountpoint != m.Mountpoint {
			return found
		}
		found = found || next == p
		cur = next
	}
	return false
}

func FuzzDiff(f *testing.F) {
	f.Add([]byte{}, []byte{})
	f.Add([]byte{1, 0, 1, 0, 2, 1, 1, 3, 3, 2, 1, 7}, []byte{1, 0, 1, 0, 2, 1, 1, 9, 4, 2, 1, 3})
	f.Add([]byte{1, 2, 2, 0, 2, 1, 2, 0, 3, 2, 2, 1}, []byte{1, 0, 2, 0, 2, 1, 2, 3})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		host, ns := fuzzTable(a), fuzzTable(b)
		rows := Diff(host, ns)
		// A Differ that keeps the host side's order from a call with another ns table
		// gives the same rows, and so does one that keeps the ns side's.
		var d Differ
		d.Diff(host, slices.Clone(ns[:len(ns)/2]))
		if got := d.Diff(host, ns); !reflect.DeepEqual(got, rows) {
			t.Fatalf("Differ after an ns change:\n got %+v\nwant %+v", got, rows)
		}
		d.Diff(slices.Clone(host[:len(host)/2]), ns)
		if got := d.Diff(host, ns); !reflect.DeepEqual(got, rows) {
			t.Fatalf("Differ after a host change:\n got %+v\nwant %+v", got, rows)
		}
		// A Differ whose tables grow by mounts appended in place, as a table changed by
		// mount events does, one side at a time, gives at each step what Diff does.
		var grown Differ
		grown.Diff(host[:len(host)/2], ns[:len(ns)/2])
		for k := len(host) / 2; k <= len(host); k++ {
			if got, want := grown.Diff(host[:k], ns[:len(ns)/2]), Diff(host[:k], ns[:len(ns)/2]); !reflect.DeepEqual(got, want) {
				t.Fatalf("Differ after appending host mounts up to %d:\n got %+v\nwant %+v", k, got, want)
			}
		}
		for k := len(ns) / 2; k <= len(ns); k++ {
			if got, want := grown.Diff(host, ns[:k]), Diff(host, ns[:k]); !reflect.DeepEqual(got, want) {
				t.Fatalf("Differ after appending ns mounts up to %d:\n got %+v\nwant %+v", k, got, want)
			}
		}
		hostSeen, nsSeen := map[*Mount]int{}, map[*Mount]int{}
		for i, r := range rows {
			if r.Host != nil {
				hostSeen[r.Host]++
			}
			if r.NS != nil {
				nsSeen[r.NS]++
			}
			var want Difference
			switch {
			case r.Host == nil && r.NS == nil:
				t.Fatalf("row %d has no side", i)
			case r.Host == nil:
				if r.Class != NSOnly || r.Key() != r.NS.Key() || r.Differs != 0 {
					t.Fatalf("row %d %+v: want NSOnly with the ns mount's key", i, r)
				}
			case r.NS == nil:
				if r.Class != HostOnly || r.Key() != r.Host.Key() || r.Differs != 0 {
					t.Fatalf("row %d %+v: want HostOnly with the host mount's key", i, r)
				}
			default:
				if r.Host.Options != r.NS.Options {
					want |= DiffOptions
				}
				if r.Host.Propagation != r.NS.Propagation {
					want |= DiffPropagation
				}
				class := InBoth
				if want != 0 {
					class = Changed
				}
				if r.Key() != r.Host.Key() || r.Key() != r.NS.Key() || r.Differs != want || r.Class != class {
					t.Fatalf("row %d: %+v, want key %+v on both sides, class %v, differences %v", i, r, r.Host.Key(), class, want)
				}
			}
			if i > 0 && treeLess(r.Point(), rows[i-1].Point()) {
				t.Fatalf("row %d on %q after a row on %q", i, r.Point(), rows[i-1].Point())
			}
		}
		for side, tbl := range map[string][]Mount{"host": host, "ns": ns} {
			seen := hostSeen
			if side == "ns" {
				seen = nsSeen
			}
			for i := range tbl {
				if seen[&tbl[i]] != 1 {
					t.Fatalf("%s mount %d is in %d rows, want 1", side, i, seen[&tbl[i]])
				}
			}
			// Stack order, bottom first: a host mount comes after those under it, and so
			// does an ns-only mount after the ns-only ones. (The ns side of matched rows
			// cannot always follow: a pair may sit low in one stack and high in the other.)
			at := map[*Mount]int{}
			for i, r := range rows {
				if side == "host" && r.Host != nil {
					at[r.Host] = i
				} else if side == "ns" && r.Host == nil {
					at[r.NS] = i
				}
			}
			for i := range tbl {
				for j := range tbl {
					ai, iok := at[&tbl[i]]
					aj, jok := at[&tbl[j]]
					if iok && jok && below(tbl, &tbl[i], &tbl[j]) && ai < aj {
						t.Fatalf("%s mount %+v is listed before %+v, which is under it", side, tbl[i], tbl[j])
					}
				}
			}
		}
		// A table against a copy of itself with new IDs: all in both.
		for _, r := range Diff(host, shiftIDs(host)) {
			if r.Class != InBoth {
				t.Fatalf("against a copy of itself: row %+v", r)
			}
		}
		if !uniqueIDs(host) || !uniqueIDs(ns) {
			return
		}
		want := rowsOf(rows)
		// The same rows whatever the tables' order.
		h, n := slices.Clone(host), slices.Clone(ns)
		slices.Reverse(h)
		slices.Reverse(n)
		if got := rowsOf(Diff(h, n)); !reflect.DeepEqual(got, want) {
			t.Fatalf("reversed tables:\n got %v\nwant %v", got, want)
		}
		// The same pairs the other way round: the n-th of a key meets the n-th.
		pairs := map[[2]int]bool{}
		for _, r := range rows {
			if r.Host != nil && r.NS != nil {
				pairs[[2]int{r.Host.ID, r.NS.ID}] = true
			}
		}
		for _, r := range Diff(ns, host) {
			if r.Host != nil && r.NS != nil && !pairs[[2]int{r.NS.ID, r.Host.ID}] {
				t.Fatalf("the other way round, %d and %d match; they did not", r.NS.ID, r.Host.ID)
			}
			delete(pairs, [2]int{idOf(r.NS), idOf(r.Host)})
		}
		if len(pairs) > 0 {
			t.Fatalf("pairs that do not match the other way round: %v", pairs)
		}
	})
}
