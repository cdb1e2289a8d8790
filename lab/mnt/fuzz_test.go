package mnt

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
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
