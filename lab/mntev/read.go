package mntev

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/nslab/nslab/lab/mnt"
	"golang.org/x/sys/unix"
)

// ErrNamespaceGone is returned when the mount namespace no longer exists: its last process
// exited and nothing else held it.
var ErrNamespaceGone = errors.New("mount namespace gone")

// Mount is one mount as statmount(2) reports it, in the form /proc/PID/mountinfo gives
// (mnt.Mount), with the 64-bit IDs that statmount, listmount and fanotify use.
type Mount struct {
	mnt.Mount
	// UniqueID is the 64-bit mount ID (statmount's mnt_id). Unlike Mount.ID, the 32-bit ID
	// that mountinfo shows, the kernel never reuses it; fanotify's mount events carry it.
	UniqueID uint64
	// NoSource is set when statmount reported no source. The kernel writes nothing for a
	// mount made with an empty source as well as for one made with none, and mountinfo
	// shows the first as "" and the second as "none", so Source is a guess ("none"): see
	// Doubts.
	NoSource bool
}

// Namespace is one mount namespace, named by the 64-bit ID that statmount and listmount
// take (not the inode number of /proc/PID/ns/mnt, which is also given).
type Namespace struct {
	ID uint64
	// Inode is the inode number of the namespace's ns file (what the panels show).
	Inode uint64
	// Own is set for the caller's own namespace: mount points are then relative to the
	// caller's root. For another namespace they are relative to that namespace's root
	// mount (see ReadMounts).
	Own bool
}

// NamespaceOf returns the mount namespace pid is in, by its ns file (ioctl_nsfs(2)).
func NamespaceOf(pid int) (Namespace, error) {
	path := "/proc/" + strconv.Itoa(pid) + "/ns/mnt"
	fd, err := openNS(path)
	if err != nil {
		return Namespace{}, err
	}
	defer unix.Close(fd)
	return namespaceOfFD(fd, path)
}

// ownNamespace reports whether id is the calling thread's mount namespace.
func ownNamespace(id uint64) (bool, error) {
	fd, err := openNS("/proc/thread-self/ns/mnt")
	if err != nil {
		return false, err
	}
	defer unix.Close(fd)
	self, err := mntnsID(fd)
	if err != nil {
		return false, fmt.Errorf("/proc/thread-self/ns/mnt: ioctl NS_GET_MNTNS_ID: %w", err)
	}
	return self == id, nil
}

// ReadIDs lists the 64-bit IDs of every mount under the namespace's root, in ID order,
// which is also the order of /proc/PID/mountinfo (listmount(2)).
func ReadIDs(ns Namespace) ([]uint64, error) {
	var ids []uint64
	chunk := make([]uint64, 4096)
	var last uint64
	for {
		n, err := listmount(lsmtRoot, nsParam(ns), last, chunk)
		if err != nil {
			return nil, nsError("listmount", ns, err)
		}
		ids = append(ids, chunk[:n]...)
		if n < len(chunk) {
			return ids, nil
		}
		last = chunk[n-1]
		if len(chunk) < 64<<10 {
			chunk = make([]uint64, 4*len(chunk))
		}
	}
}

// ReadTable reads a namespace's whole table with listmount(2) and statmount(2): the mounts
// /proc/PID/mountinfo shows for a process at the namespace's root, in the same order. A
// mount that goes away between the two calls is left out.
func ReadTable(ns Namespace) ([]Mount, error) {
	ids, err := ReadIDs(ns)
	if err != nil {
		return nil, err
	}
	found, _, err := ReadMounts(ns, ids)
	return found, err
}

// ReadMounts reads the mounts with the given 64-bit IDs: found in the order of ids, gone
// for those no longer in the namespace (unmounted, or moved to another namespace).
//
// Mount points: statmount gives them relative to the caller's root in the caller's own
// namespace, and, for another namespace, relative to that namespace's root mount (the
// mount "/" of its processes, also after pivot_root). That is what mountinfo shows for a
// process at the namespace's root. It is not what a chrooted process's mountinfo shows
// (paths relative to its chroot, only the mounts under it): read that with mnt.Read.
func ReadMounts(ns Namespace, ids []uint64) (found []Mount, gone []uint64, err error) {
	r := reader{buf: make([]byte, 16<<10)}
	found = make([]Mount, 0, len(ids))
	for _, id := range ids {
		m, err := r.read(ns, id)
		if errors.Is(err, unix.ENOENT) {
			gone = append(gone, id)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		found = append(found, m)
	}
	if len(found) == 0 && len(gone) > 0 {
		// Every mount missing: perhaps the namespace itself.
		if _, err := listmount(lsmtRoot, nsParam(ns), 0, make([]uint64, 1)); errors.Is(err, unix.ENOENT) {
			return nil, nil, nsError("listmount", ns, err)
		}
	}
	return found, gone, nil
}

// nsParam is the mnt_ns_id to pass: 0 means the caller's namespace, which is also what
// the ID would say.
func nsParam(ns Namespace) uint64 {
	if ns.Own {
		return 0
	}
	return ns.ID
}

func nsError(op string, ns Namespace, err error) error {
	if errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("%s in mount namespace %d: %w", op, ns.ID, ErrNamespaceGone)
	}
	return fmt.Errorf("%s in mount namespace %d: %w", op, ns.ID, err)
}

// wantMask is everything a mountinfo line holds.
const wantMask = statmountSbBasic | statmountMntBasic | statmountPropagateFrom | statmountMntRoot |
	statmountMntPoint | statmountFsType | statmountMntOpts | statmountFsSubtype | statmountSbSource

// reader reuses one buffer for statmount(2) calls.
type reader struct{ buf []byte }

func (r *reader) read(ns Namespace, id uint64) (Mount, error) {
	for {
		err := statmount(id, nsParam(ns), wantMask, r.buf)
		if errors.Is(err, unix.EOVERFLOW) && len(r.buf) < 16<<20 {
			r.buf = make([]byte, 2*len(r.buf)) // strings longer than the buffer: grow
			continue
		}
		if err != nil {
			if errors.Is(err, unix.ENOENT) {
				return Mount{}, err
			}
			return Mount{}, fmt.Errorf("statmount %d in mount namespace %d: %w", id, ns.ID, err)
		}
		return decode(r.buf)
	}
}

// decode turns a statmount(2) result into a mountinfo-shaped Mount.
func decode(buf []byte) (Mount, error) {
	if len(buf) < statmountFixedSize {
		return Mount{}, fmt.Errorf("statmount: a result of %d bytes, shorter than %d", len(buf), statmountFixedSize)
	}
	s := (*statmountFixed)(unsafe.Pointer(&buf[0]))
	size := min(int(s.Size), len(buf))
	// A string field is valid only when its mask bit is set; an empty string sets none.
	str := func(bit uint64, off uint32) (string, bool) {
		if s.Mask&bit == 0 {
			return "", false
		}
		start := statmountFixedSize + int(off)
		if start >= size {
			return "", false
		}
		b := buf[start:size]
		if i := slices.Index(b, 0); i >= 0 {
			b = b[:i]
		}
		return string(b), true
	}
	const need = statmountSbBasic | statmountMntBasic
	if s.Mask&need != need {
		return Mount{}, fmt.Errorf("statmount: the kernel did not report the basic fields (mask %#x)", s.Mask)
	}
	var m Mount
	m.UniqueID = s.MntID
	m.ID = int(s.MntIDOld)
	m.Parent = int(s.MntParentIDOld)
	m.Major, m.Minor = int(s.SbDevMajor), int(s.SbDevMinor)
	m.Root, _ = str(statmountMntRoot, s.MntRoot)
	m.Mountpoint, _ = str(statmountMntPoint, s.MntPoint)
	m.Options = mountOptions(s.MntAttr)
	m.FSType, _ = str(statmountFsType, s.FsType)
	if sub, ok := str(statmountFsSubtype, s.FsSubtype); ok && sub != "" {
		m.FSType += "." + sub // mountinfo shows "fuse.sshfs"
	}
	var ok bool
	if m.Source, ok = str(statmountSbSource, s.SbSource); !ok {
		m.Source, m.NoSource = "none", true
	}
	fsOpts, _ := str(statmountMntOpts, s.MntOpts)
	m.VFSOptions = superOptions(s.SbFlags, fsOpts)
	m.Propagation = propagation(s)
	m.Optional = optionalFields(m.Propagation)
	return m, nil
}

// mountOptions writes mnt_attr the way mountinfo's per-mount options field does
// (show_mnt_opts in fs/proc_namespace.c): rw or ro, then nosuid, nodev, noexec, the atime
// mode (noatime or relatime; strictatime shows nothing), nodiratime, nosymfollow, idmapped.
func mountOptions(attr uint64) string {
	var b strings.Builder
	if attr&mountAttrRdonly != 0 {
		b.WriteString("ro")
	} else {
		b.WriteString("rw")
	}
	flag := func(bit uint64, name string) {
		if attr&bit != 0 {
			b.WriteString("," + name)
		}
	}
	flag(mountAttrNosuid, "nosuid")
	flag(mountAttrNodev, "nodev")
	flag(mountAttrNoexec, "noexec")
	if attr&mountAttrAtime == mountAttrNoatime {
		b.WriteString(",noatime")
	}
	flag(mountAttrNodiratime, "nodiratime")
	if attr&mountAttrAtime == mountAttrRelatime {
		b.WriteString(",relatime")
	}
	flag(mountAttrNosymfollow, "nosymfollow")
	flag(mountAttrIdmap, "idmapped")
	return b.String()
}

// superOptions writes the super block's options the way mountinfo's last field does: rw or
// ro, the generic flags (sync, dirsync, lazytime), then the filesystem's own options, which
// statmount gives already escaped as mountinfo escapes them.
func superOptions(sbFlags uint32, fsOpts string) string {
	var b strings.Builder
	if sbFlags&sbRdonly != 0 {
		b.WriteString("ro")
	} else {
		b.WriteString("rw")
	}
	if sbFlags&sbSynchronous != 0 {
		b.WriteString(",sync")
	}
	if sbFlags&sbDirsync != 0 {
		b.WriteString(",dirsync")
	}
	if sbFlags&sbLazytime != 0 {
		b.WriteString(",lazytime")
	}
	if fsOpts != "" {
		b.WriteString("," + fsOpts)
	}
	return b.String()
}

// propagation reads the propagation fields. mountinfo shows propagate_from only when it
// differs from the master; statmount reports it as is.
func propagation(s *statmountFixed) mnt.Propagation {
	var p mnt.Propagation
	if s.MntPropagation&unix.MS_SHARED != 0 {
		p.PeerGroup = int(s.MntPeerGroup)
	}
	if s.MntPropagation&unix.MS_SLAVE != 0 {
		p.Master = int(s.MntMaster)
		if s.Mask&statmountPropagateFrom != 0 && s.PropagateFrom != s.MntMaster {
			p.PropagateFrom = int(s.PropagateFrom)
		}
	}
	switch {
	case p.PeerGroup != 0 && p.Master != 0:
		p.Type = mnt.SharedSlave
	case p.PeerGroup != 0:
		p.Type = mnt.Shared
	case p.Master != 0:
		p.Type = mnt.Slave
	case s.MntPropagation&unix.MS_UNBINDABLE != 0:
		p.Type = mnt.Unbindable
	default:
		p.Type = mnt.Private
	}
	return p
}

// optionalFields writes the optional fields of a mountinfo line: shared:N master:N
// propagate_from:N unbindable, those that apply, in that order; "" for a private mount.
func optionalFields(p mnt.Propagation) string {
	if p.Type == mnt.Private {
		return ""
	}
	return p.String()
}

// Doubts says why a table read with statmount may differ from the namespace's mountinfo,
// or "" when it cannot. Two things statmount cannot tell from outside:
//
//   - the source of a mount made with an empty source or none (NoSource);
//   - propagate_from in another namespace: the kernel computes it from the caller's root,
//     which is not in that namespace, so it reads 0. mountinfo shows it for a slave whose
//     master's peer group has no member in the table when a group further up the chain
//     has one, which needs a shared mount in the table. So: a doubt when the table has a
//     shared mount and a slave whose master group has no member in it.
func Doubts(table []Mount, ns Namespace) string {
	var c Census
	for i := range table {
		c.Add(&table[i], 1)
	}
	return c.Doubts(ns)
}

// Census counts what Doubts looks at, so a table kept up to date one mount at a time can
// be judged without a pass over it.
type Census struct {
	noSource int
	shared   int
	peers    map[int]int // members per peer group
	slaves   map[int]int // slaves per master group
}

// Add counts m in (n = 1) or out (n = -1).
func (c *Census) Add(m *Mount, n int) {
	if m.NoSource {
		c.noSource += n
	}
	p := &m.Propagation
	if p.PeerGroup != 0 {
		if c.peers == nil {
			c.peers = map[int]int{}
		}
		c.shared += n
		c.peers[p.PeerGroup] += n
		if c.peers[p.PeerGroup] == 0 {
			delete(c.peers, p.PeerGroup)
		}
	}
	if p.Master != 0 {
		if c.slaves == nil {
			c.slaves = map[int]int{}
		}
		c.slaves[p.Master] += n
		if c.slaves[p.Master] == 0 {
			delete(c.slaves, p.Master)
		}
	}
}

// Doubts is Doubts for the counted table.
func (c *Census) Doubts(ns Namespace) string {
	if c.noSource > 0 {
		return fmt.Sprintf("%d mount(s) with no source reported (mountinfo shows \"\" or \"none\")", c.noSource)
	}
	if master, ok := c.hiddenMaster(ns); ok {
		return fmt.Sprintf("a slave of peer group %d, which has no member in the table: its propagate_from cannot be read from outside the namespace", master)
	}
	return ""
}

// propagateFromDoubt reports whether propagate_from may be wrong in a table read from
// outside.
func (c *Census) propagateFromDoubt(ns Namespace) bool {
	_, ok := c.hiddenMaster(ns)
	return ok
}

// hiddenMaster finds a master group of a slave in the table that has no member in it,
// when it matters: in another namespace, with some shared mount in the table that could
// be the group propagate_from names.
func (c *Census) hiddenMaster(ns Namespace) (int, bool) {
	if ns.Own || c.shared == 0 {
		return 0, false
	}
	for master := range c.slaves {
		if c.peers[master] == 0 {
			return master, true
		}
	}
	return 0, false
}
