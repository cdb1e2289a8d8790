package mntev

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/nslab/nslab/lab/mnt"
	"golang.org/x/sys/unix"
)

func TestMountOptions(t *testing.T) {
	for _, c := range []struct {
		attr uint64
		want string
	}{
		{0, "rw,relatime"},
		{mountAttrRdonly, "ro,relatime"},
		{mountAttrStrictatime, "rw"},
		{mountAttrNoatime | mountAttrNodiratime, "rw,noatime,nodiratime"},
		{mountAttrStrictatime | mountAttrNodiratime, "rw,nodiratime"},
		{mountAttrRdonly | mountAttrNosuid | mountAttrNodev | mountAttrNoexec, "ro,nosuid,nodev,noexec,relatime"},
		{mountAttrNosymfollow | mountAttrIdmap, "rw,relatime,nosymfollow,idmapped"},
	} {
		if got := mountOptions(c.attr); got != c.want {
			t.Errorf("mountOptions(%#x) = %q, want %q", c.attr, got, c.want)
		}
	}
}

func TestSuperOptions(t *testing.T) {
	for _, c := range []struct {
		flags uint32
		fs    string
		want  string
	}{
		{0, "", "rw"},
		{sbRdonly, "size=4k,mode=755", "ro,size=4k,mode=755"},
		{sbSynchronous | sbDirsync | sbLazytime, "errors=remount-ro", "rw,sync,dirsync,lazytime,errors=remount-ro"},
	} {
		if got := superOptions(c.flags, c.fs); got != c.want {
			t.Errorf("superOptions(%#x, %q) = %q, want %q", c.flags, c.fs, got, c.want)
		}
	}
}

// statmountBuffer lays out a statmount result the way the kernel does: the fixed part,
// then an empty string at offset 0 and each string after it.
func statmountBuffer(s statmountFixed, strs map[uint64]string) []byte {
	buf := make([]byte, statmountFixedSize, statmountFixedSize+256)
	buf = append(buf, 0)
	put := func(bit uint64, off *uint32) {
		v, ok := strs[bit]
		if !ok || v == "" {
			return
		}
		*off = uint32(len(buf) - statmountFixedSize)
		buf = append(append(buf, v...), 0)
		s.Mask |= bit
	}
	put(statmountFsType, &s.FsType)
	put(statmountMntRoot, &s.MntRoot)
	put(statmountMntPoint, &s.MntPoint)
	put(statmountMntOpts, &s.MntOpts)
	put(statmountFsSubtype, &s.FsSubtype)
	put(statmountSbSource, &s.SbSource)
	s.Mask |= statmountSbBasic | statmountMntBasic | statmountPropagateFrom
	s.Size = uint32(len(buf))
	*(*statmountFixed)(unsafe.Pointer(&buf[0])) = s
	return buf
}

func TestDecode(t *testing.T) {
	buf := statmountBuffer(statmountFixed{
		SbDevMajor: 0, SbDevMinor: 61, MntID: 0x80000010, MntIDOld: 40, MntParentIDOld: 30,
		MntAttr: mountAttrNosuid | mountAttrNodev, SbFlags: sbRdonly,
		MntPropagation: unix.MS_SHARED | unix.MS_SLAVE, MntPeerGroup: 3, MntMaster: 2, PropagateFrom: 1,
	}, map[uint64]string{
		statmountFsType: "fuse", statmountFsSubtype: "sshfs", statmountMntRoot: "/srv", statmountMntPoint: "/mnt/a b",
		statmountMntOpts: "user_id=0,group_id=0", statmountSbSource: "me@host:",
	})
	m, err := decode(buf)
	if err != nil {
		t.Fatal(err)
	}
	want := Mount{UniqueID: 0x80000010}
	want.ID, want.Parent, want.Major, want.Minor = 40, 30, 0, 61
	want.Root, want.Mountpoint, want.Options = "/srv", "/mnt/a b", "rw,nosuid,nodev,relatime"
	want.Optional, want.FSType, want.Source, want.VFSOptions = "shared:3 master:2 propagate_from:1", "fuse.sshfs", "me@host:", "ro,user_id=0,group_id=0"
	want.Propagation = mnt.Propagation{Type: mnt.SharedSlave, PeerGroup: 3, Master: 2, PropagateFrom: 1}
	if m != want {
		t.Errorf("decode:\n got %+v\nwant %+v", m, want)
	}

	// propagate_from equal to the master is not shown; no source is a guess.
	buf = statmountBuffer(statmountFixed{MntPropagation: unix.MS_SLAVE, MntMaster: 2, PropagateFrom: 2}, map[uint64]string{statmountFsType: "tmpfs"})
	if m, err = decode(buf); err != nil {
		t.Fatal(err)
	}
	if m.Optional != "master:2" || m.Propagation.PropagateFrom != 0 || !m.NoSource || m.Source != "none" || m.VFSOptions != "rw" {
		t.Errorf("a slave with no source: %+v", m)
	}
	buf = statmountBuffer(statmountFixed{MntPropagation: unix.MS_UNBINDABLE}, nil)
	if m, _ = decode(buf); m.Optional != "unbindable" || m.Propagation.Type != mnt.Unbindable {
		t.Errorf("unbindable: %q %+v", m.Optional, m.Propagation)
	}
	buf = statmountBuffer(statmountFixed{MntPropagation: unix.MS_PRIVATE}, nil)
	if m, _ = decode(buf); m.Optional != "" || m.Propagation.Type != mnt.Private {
		t.Errorf("private: %q %+v", m.Optional, m.Propagation)
	}
	if _, err := decode(buf[:100]); err == nil {
		t.Error("decode of a short buffer: no error")
	}
	var bare statmountFixed
	bare.Size = statmountFixedSize
	short := make([]byte, statmountFixedSize)
	*(*statmountFixed)(unsafe.Pointer(&short[0])) = bare
	if _, err := decode(short); err == nil || !strings.Contains(err.Error(), "basic fields") {
		t.Errorf("decode without the basic fields: %v", err)
	}
}

func TestDoubts(t *testing.T) {
	mount := func(peer, master int, noSource bool) Mount {
		var m Mount
		m.Propagation = mnt.Propagation{PeerGroup: peer, Master: master}
		m.NoSource = noSource
		return m
	}
	other, own := Namespace{ID: 2}, Namespace{ID: 1, Own: true}
	for _, c := range []struct {
		name  string
		table []Mount
		ns    Namespace
		want  string
	}{
		{"private", []Mount{mount(0, 0, false)}, other, ""},
		{"a slave, nothing shared", []Mount{mount(0, 5, false), mount(0, 0, false)}, other, ""},
		{"a slave of a group here", []Mount{mount(0, 5, false), mount(5, 0, false)}, other, ""},
		{"a slave of a group elsewhere, a shared mount here", []Mount{mount(0, 5, false), mount(6, 0, false)}, other, "propagate_from"},
		{"the same in the caller's namespace", []Mount{mount(0, 5, false), mount(6, 0, false)}, own, ""},
		{"no source", []Mount{mount(0, 0, true)}, own, "no source"},
	} {
		if got := Doubts(c.table, c.ns); (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: Doubts = %q, want %q", c.name, got, c.want)
		}
	}
	// Counted out again, a census is as if empty.
	var census Census
	ms := []Mount{mount(0, 5, true), mount(6, 0, false), mount(6, 5, false)}
	for i := range ms {
		census.Add(&ms[i], 1)
	}
	if census.Doubts(other) == "" {
		t.Error("census of a doubtful table has no doubt")
	}
	for i := range ms {
		census.Add(&ms[i], -1)
	}
	if d := census.Doubts(other); d != "" || len(census.peers) != 0 || len(census.slaves) != 0 {
		t.Errorf("census counted out: %q %+v", d, census)
	}
}
