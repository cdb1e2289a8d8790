package mnt

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/moby/sys/mountinfo"
)

func parseFile(t *testing.T, name string) []Mount {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mounts, err := Parse(f)
	if err != nil {
		t.Fatalf("Parse %s: %v", name, err)
	}
	return mounts
}

func TestParsePropagation(t *testing.T) {
	tests := []struct {
		name, in string
		want     Propagation
	}{
		{"none is private", "", Propagation{Type: Private}},
		{"blank is private", "  ", Propagation{Type: Private}},
		{"shared", "shared:1", Propagation{Type: Shared, PeerGroup: 1}},
		{"slave", "master:12", Propagation{Type: Slave, Master: 12}},
		{"shared and slave", "shared:3 master:1", Propagation{Type: SharedSlave, PeerGroup: 3, Master: 1}},
		{"slave of a hidden master", "master:5 propagate_from:2", Propagation{Type: Slave, Master: 5, PropagateFrom: 2}},
		{"unbindable", "unbindable", Propagation{Type: Unbindable}},
		{"unknown tags ignored", "shared:4 future:9 flag", Propagation{Type: Shared, PeerGroup: 4}},
		{"order does not matter", "master:1 shared:3", Propagation{Type: SharedSlave, PeerGroup: 3, Master: 1}},
		{"shared wins over unbindable", "shared:2 unbindable", Propagation{Type: Shared, PeerGroup: 2}},
		{"master wins over unbindable", "master:4 unbindable", Propagation{Type: Slave, Master: 4}},
		{"master wins over an unbindable before it", "unbindable master:4", Propagation{Type: Slave, Master: 4}},
		{"shared and master win over unbindable", "unbindable shared:2 master:4", Propagation{Type: SharedSlave, PeerGroup: 2, Master: 4}},
		{"propagate_from does not make a slave", "propagate_from:3 unbindable", Propagation{Type: Unbindable, PropagateFrom: 3}},
		{"unbindable twice", "unbindable unbindable", Propagation{Type: Unbindable}},
		{"leading zeros", "shared:007", Propagation{Type: Shared, PeerGroup: 7}},
		{"largest group", "shared:2147483647", Propagation{Type: Shared, PeerGroup: 2147483647}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePropagation(tt.in)
			if err != nil {
				t.Fatalf("ParsePropagation(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParsePropagation(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParsePropagationErrors(t *testing.T) {
	tests := []struct {
		in, mention string
	}{
		{"shared", "expected shared:N"},
		{"shared:", `found ""`},
		{"shared:x", `found "x"`},
		{"master:-1", `found "-1"`},
		{"master:+1", `found "+1"`},
		{"shared:0", `found "0"`},
		{"propagate_from:9999999999", "propagate_from:N"},
		{"shared:1 shared:2", "twice"},
		{"unbindable:1", "without a value"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParsePropagation(tt.in)
			if err == nil {
				t.Fatalf("ParsePropagation(%q) succeeded, want an error", tt.in)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not say %q", err, tt.mention)
			}
		})
	}
}

func TestPropagationString(t *testing.T) {
	for _, c := range []struct {
		p    Propagation
		want string
	}{
		{Propagation{Type: Private}, "private"},
		{Propagation{Type: Unbindable}, "unbindable"},
		{Propagation{Type: Shared, PeerGroup: 1}, "shared:1"},
		{Propagation{Type: Slave, Master: 12}, "master:12"},
		{Propagation{Type: SharedSlave, PeerGroup: 1, Master: 2}, "shared:1 master:2"},
		{Propagation{Type: Slave, Master: 5, PropagateFrom: 2}, "master:5 propagate_from:2"},
		{Propagation{Type: Private, PropagateFrom: 3}, "propagate_from:3"},
		{Propagation{Type: Unbindable, PropagateFrom: 3}, "propagate_from:3 unbindable"},
	} {
		if got := c.p.String(); got != c.want {
			t.Errorf("String of %#v = %q, want %q", c.p, got, c.want)
		}
	}
}

// info builds the expected mountinfo.Info of a fixture line, field by field.
func info(id, parent, major, minor int, root, mountpoint, options, optional, fstype, source, super string) mountinfo.Info {
	return mountinfo.Info{
		ID: id, Parent: parent, Major: major, Minor: minor, Root: root, Mountpoint: mountpoint,
		Options: options, Optional: optional, FSType: fstype, Source: source, VFSOptions: super,
	}
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file  string
		count int
		want  []Mount // checked by ID
	}{
		{
			// Captured on the lab VM in a throwaway namespace (TestLiveFixtureMounts).
			file:  capturedFixture,
			count: 29,
			want: []Mount{
				{info(65, 64, 254, 0, "/", "/", "rw,relatime", "", "ext4", "/dev/vda", "rw,discard,resv_strict,resuid=65534,resgid=65534"), Propagation{Type: Private}},
				{info(84, 83, 0, 26, "/", "/dev/pts", "rw,relatime", "", "devpts", "devpts", "rw,mode=600,ptmxmode=000"), Propagation{Type: Private}},
				{info(86, 85, 0, 41, "/", fxSpace, "rw,relatime", "", "tmpfs", "my disk", "rw,size=1024k"), Propagation{Type: Private}},
				{info(87, 85, 0, 42, "/", fxTab, "rw,relatime", "", "tmpfs", "tab", "rw,size=1024k"), Propagation{Type: Private}},
				{info(88, 85, 0, 43, "/", fxBackslash, "rw,relatime", "", "tmpfs", "backslash", "rw,size=1024k"), Propagation{Type: Private}},
				{info(89, 85, 0, 44, "/", fxNewline, "rw,relatime", "", "tmpfs", "newline", "rw,size=1024k"), Propagation{Type: Private}},
				{info(90, 85, 0, 45, "/", fxShared, "rw,relatime", "shared:1", "tmpfs", "peer", "rw,size=1024k"), Propagation{Type: Shared, PeerGroup: 1}},
				{info(91, 85, 0, 45, "/", fxSlave, "rw,relatime", "master:1", "tmpfs", "peer", "rw,size=1024k"), Propagation{Type: Slave, Master: 1}},
				{info(92, 85, 0, 46, "/", fxUnbindable, "rw,relatime", "unbindable", "tmpfs", "unbindable", "rw,size=1024k"), Propagation{Type: Unbindable}},
				// A read-only bind: ro per mount, rw in the super block.
				{info(93, 85, 0, 40, "/lab/src", fxReadOnly, "ro,relatime", "", "tmpfs", "nslab-fixture", "rw,size=1024k"), Propagation{Type: Private}},
			},
		},
		{
			file:  "testdata/systemd-host.mountinfo",
			count: 30,
			want: []Mount{
				{info(29, 1, 259, 2, "/", "/", "rw,relatime", "shared:1", "ext4", "/dev/nvme0n1p2", "rw,errors=remount-ro"), Propagation{Type: Shared, PeerGroup: 1}},
				{info(31, 22, 0, 27, "/", "/sys/fs/cgroup", "rw,nosuid,nodev,noexec,relatime", "shared:9", "cgroup2", "cgroup2", "rw,nsdelegate,memory_recursiveprot"), Propagation{Type: Shared, PeerGroup: 9}},
				{info(91, 29, 0, 40, "/@home", "/home", "rw,relatime", "shared:34", "btrfs", "/dev/nvme0n1p3", "rw,ssd,space_cache=v2,subvolid=257,subvol=/@home"), Propagation{Type: Shared, PeerGroup: 34}},
				{info(95, 35, 0, 41, "/", "/proc/sys/fs/binfmt_misc", "rw,nosuid,nodev,noexec,relatime", "shared:36", "binfmt_misc", "binfmt_misc", "rw"), Propagation{Type: Shared, PeerGroup: 36}},
				{info(1021, 26, 0, 52, "/", "/run/user/1000", "rw,nosuid,nodev,relatime", "shared:480", "tmpfs", "tmpfs", "rw,size=1631216k,nr_inodes=407804,mode=700,uid=1000,gid=1000,inode64"), Propagation{Type: Shared, PeerGroup: 480}},
				{info(1060, 1021, 0, 54, "/", "/run/user/1000/gvfs", "rw,nosuid,nodev,relatime", "shared:506", "fuse.gvfsd-fuse", "gvfsd-fuse", "rw,user_id=1000,group_id=1000"), Propagation{Type: Shared, PeerGroup: 506}},
				{info(1102, 29, 8, 17, "/", "/media/alice/My Passport", "rw,nosuid,nodev,relatime", "shared:540", "exfat", "/dev/sdb1", "rw,uid=1000,gid=1000,fmask=0022,dmask=0022,iocharset=utf8,errors=remount-ro"), Propagation{Type: Shared, PeerGroup: 540}},
			},
		},
		{
			file:  "testdata/container.mountinfo",
			count: 23,
			want: []Mount{
				{info(1500, 1380, 0, 140, "/", "/", "rw,relatime", "master:850", "overlay", "overlay", "rw,lowerdir=/var/lib/docker/overlay2/l/7XQKZ2:/var/lib/docker/overlay2/l/PZ3MHA,upperdir=/var/lib/docker/overlay2/3f2a9c/diff,workdir=/var/lib/docker/overlay2/3f2a9c/work,nouserxattr"), Propagation{Type: Slave, Master: 850}},
				{info(1505, 1504, 0, 27, "/", "/sys/fs/cgroup", "ro,nosuid,nodev,noexec,relatime", "", "cgroup2", "cgroup", "rw,nsdelegate,memory_recursiveprot"), Propagation{Type: Private}},
				{info(1508, 1500, 259, 2, "/var/lib/docker/containers/3f2a9c/resolv.conf", "/etc/resolv.conf", "rw,relatime", "", "ext4", "/dev/nvme0n1p2", "rw,errors=remount-ro"), Propagation{Type: Private}},
				{info(1511, 1500, 259, 2, "/srv/data", "/data", "rw,relatime", "master:1", "ext4", "/dev/nvme0n1p2", "rw,errors=remount-ro"), Propagation{Type: Slave, Master: 1}},
				{info(1512, 1500, 0, 24, "/docker.sock", "/run/docker.sock", "rw,nosuid,nodev,noexec,relatime", "master:5 propagate_from:2", "tmpfs", "tmpfs", "rw,size=1631220k,mode=755,inode64"), Propagation{Type: Slave, Master: 5, PropagateFrom: 2}},
				{info(1519, 1501, 0, 144, "/null", "/proc/kcore", "rw,nosuid", "", "tmpfs", "tmpfs", "rw,size=65536k,mode=755,inode64"), Propagation{Type: Private}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			mounts := parseFile(t, tt.file)
			if len(mounts) != tt.count {
				t.Errorf("%d mounts, want %d", len(mounts), tt.count)
			}
			byID := map[int]Mount{}
			for _, m := range mounts {
				if _, dup := byID[m.ID]; dup {
					t.Errorf("mount ID %d twice", m.ID)
				}
				byID[m.ID] = m
			}
			for _, want := range tt.want {
				got, ok := byID[want.ID]
				if !ok {
					t.Errorf("no mount %d", want.ID)
					continue
				}
				if got != want {
					t.Errorf("mount %d:\n got %+v\nwant %+v", want.ID, got, want)
				}
			}
		})
	}
}

// The captured fixture shows what the live test checks, parsed from the file.
func TestCapturedFixtureMatchesLiveChecks(t *testing.T) {
	checkFixtureMounts(t, parseFile(t, capturedFixture))
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, mention string
	}{
		{"too few fields", "36 35 98:0 /mnt1 /mnt2 rw - ext3\n", "want at least 10 fields, found 8"},
		{"no separator", "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 x ext3 /dev/root rw\n", "separator"},
		{"bad device", "36 35 98 /mnt1 /mnt2 rw,noatime - ext3 /dev/root rw\n", "major:minor"},
		{"bad escape", "36 35 98:0 / /mnt\\04x rw - ext3 /dev/root rw\n", "escape"},
		{"bad peer group", "36 35 98:0 / /mnt rw shared:x - ext3 /dev/root rw\n", `mount 36 on "/mnt"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not say %q", err, tt.mention)
			}
		})
	}
}

// Inputs at the edges of the format, each with the outcome written out by hand and held
// to moby's parser as well.
func TestParseEdges(t *testing.T) {
	const good = "1 2 3:4 / /m rw - tmpfs src rw"
	// padded is good with its super options grown to make a line of n bytes.
	padded := func(n int) string { return good + ",x=" + strings.Repeat("y", n-len(good)-3) }
	tests := []struct {
		name, in string
		// want is the mount point, source and optional fields of each mount, or
		// nil for an error.
		want []string
	}{
		{"an empty line first", "\n" + good, nil},
		{"an empty line between", good + "\n\n" + good, nil},
		{"an empty line at the end", good + "\n\n", nil},
		{"a line end at the end", good + "\n", []string{"/m", "src", ""}},
		{"CRLF", good + "\r\n", []string{"/m", "src", ""}},
		{"two spaces: an empty optional field", "1 2 3:4 / /m rw  - tmpfs src rw", []string{"/m", "src", ""}},
		{"two spaces among the optional fields", "1 2 3:4 / /m rw shared:1  master:2 - tmpfs src rw", []string{"/m", "src", "shared:1  master:2"}},
		{"a leading space", " " + good, nil},
		{"an escape first in the source", "1 2 3:4 / /m rw - tmpfs \\040src rw", []string{"/m", " src", ""}},
		{"an escape first in the mount point", "1 2 3:4 / \\134m rw - tmpfs src rw", []string{"\\m", "src", ""}},
		{"the longest line, 64 KiB less one byte", padded(65535), []string{"/m", "src", ""}},
		{"one byte longer", padded(65536), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mounts, err := Parse(strings.NewReader(tt.in))
			var got []string
			for _, m := range mounts {
				got = append(got, m.Mountpoint, m.Source, m.Optional)
			}
			switch {
			case tt.want == nil && err == nil:
				t.Errorf("Parse = %q, want an error", got)
			case tt.want != nil && err != nil:
				t.Errorf("Parse: %v, want %q", err, tt.want)
			case tt.want != nil && !slices.Equal(got, tt.want):
				t.Errorf("Parse = %q, want %q", got, tt.want)
			}
			if _, merr := mountinfo.GetMountsFromReader(strings.NewReader(tt.in), nil); (merr == nil) != (tt.want != nil) {
				t.Errorf("moby's parser: error %v, so the expectation is wrong", merr)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	// A chrooted process whose root is not a mount point reads an empty table.
	mounts, err := Parse(strings.NewReader(""))
	if err != nil || len(mounts) != 0 {
		t.Fatalf("Parse(\"\") = %v, %v; want no mounts, no error", mounts, err)
	}
}

func TestKeyLeavesOutID(t *testing.T) {
	a := parseFile(t, "testdata/systemd-host.mountinfo")[0]
	b := a
	b.ID, b.Parent = 9000, 9001
	if a.Key() != b.Key() {
		t.Errorf("copies with new IDs have different keys: %+v, %+v", a.Key(), b.Key())
	}
	for _, change := range []func(*Mount){
		func(m *Mount) { m.Mountpoint += "x" },
		func(m *Mount) { m.Source += "x" },
		func(m *Mount) { m.FSType += "x" },
		func(m *Mount) { m.Root += "x" },
		func(m *Mount) { m.Major++ },
		func(m *Mount) { m.Minor++ },
	} {
		c := a
		change(&c)
		if c.Key() == a.Key() {
			t.Errorf("key %+v ignores a changed identity field", c.Key())
		}
	}
}
