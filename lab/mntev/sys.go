package mntev

import (
	"errors"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The kernel interfaces below are newer than what golang.org/x/sys/unix wraps: it has the
// syscall numbers and the fanotify constants, but no statmount/listmount wrappers, no
// struct statmount or struct mnt_id_req, and no NS_GET_MNTNS_ID. Layouts and values are
// those of the kernel's UAPI headers (include/uapi/linux/mount.h, fanotify.h, nsfs.h) as of
// Linux 6.18; tests check the sizes.

// mntIDReq is struct mnt_id_req (linux/mount.h), version 1 (32 bytes, Linux ≥ 6.10): the
// request of statmount(2) and listmount(2). MntNsID selects a mount namespace other than
// the caller's.
type mntIDReq struct {
	Size    uint32 // MNT_ID_REQ_SIZE_VER1
	Spare   uint32 // must be 0 here (Linux 7.0 puts an fd there for STATMOUNT_BY_FD)
	MntID   uint64 // the mount (statmount) or the parent to list under (listmount)
	Param   uint64 // the wanted mask (statmount) or the last ID listed (listmount)
	MntNsID uint64 // 0: the caller's namespace
}

const mntIDReqSizeVer1 = 32 // MNT_ID_REQ_SIZE_VER1

// statmountFixed is the fixed part of struct statmount (linux/mount.h): 512 bytes, then
// the strings; each [str] field is an offset into them.
type statmountFixed struct {
	Size           uint32 // total size written, strings included
	MntOpts        uint32 // [str] the filesystem's own options (≥ 6.11)
	Mask           uint64 // which groups were written
	SbDevMajor     uint32
	SbDevMinor     uint32
	SbMagic        uint64
	SbFlags        uint32 // SB_RDONLY, SB_SYNCHRONOUS, SB_DIRSYNC, SB_LAZYTIME
	FsType         uint32 // [str]
	MntID          uint64 // the 64-bit mount ID, never reused
	MntParentID    uint64
	MntIDOld       uint32 // the ID mountinfo shows (reused)
	MntParentIDOld uint32
	MntAttr        uint64 // MOUNT_ATTR_*
	MntPropagation uint64 // MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE
	MntPeerGroup   uint64
	MntMaster      uint64
	PropagateFrom  uint64
	MntRoot        uint32 // [str]
	MntPoint       uint32 // [str] relative to the caller's root (see ReadMounts)
	MntNsID        uint64
	FsSubtype      uint32 // [str] (≥ 6.11)
	SbSource       uint32 // [str] (≥ 6.11)
	OptNum         uint32
	OptArray       uint32
	OptSecNum      uint32
	OptSecArray    uint32
	SupportedMask  uint64 // (≥ 6.15)
	MntUidmapNum   uint32
	MntUidmap      uint32
	MntGidmapNum   uint32
	MntGidmap      uint32
	_              [43]uint64
}

const statmountFixedSize = 512

// statmount(2) mask bits (linux/mount.h).
const (
	statmountSbBasic       = 0x0001 // sb_dev_*, sb_magic, sb_flags
	statmountMntBasic      = 0x0002 // mnt_id*, mnt_parent_id*, mnt_attr, mnt_propagation, peer group, master
	statmountPropagateFrom = 0x0004
	statmountMntRoot       = 0x0008
	statmountMntPoint      = 0x0010
	statmountFsType        = 0x0020
	statmountMntNsID       = 0x0040
	statmountMntOpts       = 0x0080 // ≥ 6.11
	statmountFsSubtype     = 0x0100 // ≥ 6.11
	statmountSbSource      = 0x0200 // ≥ 6.11
)

// lsmtRoot (LSMT_ROOT) asks listmount(2) for every mount under the namespace's root.
const lsmtRoot = ^uint64(0)

// MOUNT_ATTR_* bits of statmount's mnt_attr (linux/mount.h).
const (
	mountAttrRdonly      = 0x00000001
	mountAttrNosuid      = 0x00000002
	mountAttrNodev       = 0x00000004
	mountAttrNoexec      = 0x00000008
	mountAttrAtime       = 0x00000070 // MOUNT_ATTR__ATIME: the atime mode, one of the three below
	mountAttrRelatime    = 0x00000000
	mountAttrNoatime     = 0x00000010
	mountAttrStrictatime = 0x00000020
	mountAttrNodiratime  = 0x00000080
	mountAttrIdmap       = 0x00100000
	mountAttrNosymfollow = 0x00200000
)

// SB_* bits of statmount's sb_flags (include/linux/fs.h; statmount passes on these four).
const (
	sbRdonly      = 1 << 0
	sbSynchronous = 1 << 4
	sbDirsync     = 1 << 7
	sbLazytime    = 1 << 25
)

// nsGetMntnsID is NS_GET_MNTNS_ID, _IOR(0xb7, 0x5, __u64) (linux/nsfs.h, added with the
// mnt_ns_id of statmount and listmount): the 64-bit ID of the mount namespace an nsfs fd
// refers to, the ID those calls take.
const nsGetMntnsID = 2<<30 | 8<<16 | 0xb7<<8 | 0x5

// fanotifyInfoMnt is the info record type of mount events (FAN_EVENT_INFO_TYPE_MNT) and
// the record's size: struct fanotify_event_info_mnt is a 4-byte header, 4 bytes of
// padding and the __u64 mount ID.
const (
	fanInfoTypeMnt  = unix.FAN_EVENT_INFO_TYPE_MNT
	fanInfoMntSize  = 16
	fanInfoHdrSize  = 4
	fanMetadataSize = int(unsafe.Sizeof(unix.FanotifyEventMetadata{}))
)

// statmount calls statmount(2) (Linux ≥ 6.8; mnt_ns_id ≥ 6.10): the attributes of one
// mount, by its 64-bit ID, in the namespace nsID (0: the caller's). Why not
// /proc/PID/mountinfo: it reads one mount instead of formatting and parsing the whole
// table. buf must be at least statmountFixedSize bytes and 8-byte aligned; EOVERFLOW means
// the strings did not fit.
func statmount(id, nsID, mask uint64, buf []byte) error {
	req := mntIDReq{Size: mntIDReqSizeVer1, MntID: id, Param: mask, MntNsID: nsID}
	for {
		_, _, e := unix.Syscall6(unix.SYS_STATMOUNT, uintptr(unsafe.Pointer(&req)),
			uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
		runtime.KeepAlive(&req)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return e
		}
		return nil
	}
}

// listmount calls listmount(2) (Linux ≥ 6.8; mnt_ns_id ≥ 6.10): the 64-bit IDs of the
// mounts under parent (lsmtRoot: the namespace's root) in namespace nsID, in ID order,
// starting after last (0: from the first). Why: the IDs of a table without reading it.
func listmount(parent, nsID, last uint64, ids []uint64) (int, error) {
	req := mntIDReq{Size: mntIDReqSizeVer1, MntID: parent, Param: last, MntNsID: nsID}
	for {
		n, _, e := unix.Syscall6(unix.SYS_LISTMOUNT, uintptr(unsafe.Pointer(&req)),
			uintptr(unsafe.Pointer(unsafe.SliceData(ids))), uintptr(len(ids)), 0, 0, 0)
		runtime.KeepAlive(&req)
		runtime.KeepAlive(ids)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		return int(n), nil
	}
}

// mntnsID asks nsfs for the 64-bit ID of the mount namespace that fd (an open
// /proc/PID/ns/mnt) refers to: ioctl(2) NS_GET_MNTNS_ID (ioctl_nsfs(2)). The inode number
// of the ns file is not that ID.
func mntnsID(fd int) (uint64, error) {
	var id uint64
	for {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), nsGetMntnsID, uintptr(unsafe.Pointer(&id)))
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		return id, nil
	}
}

// openNS opens /proc/PID/ns/mnt read-only, close-on-exec, with open(2) (an nsfs file is
// not pollable; os.Open would try to register it with the netpoller for nothing).
func openNS(path string) (int, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return -1, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return fd, nil
	}
}

// errNoSys reports whether err says the kernel lacks a call or a flag.
func errNoSys(err error) bool {
	return errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.EOPNOTSUPP)
}
