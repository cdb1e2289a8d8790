// Package mntev follows mount namespaces with the kernel's mount events and reads single
// mounts, so that one change costs work in proportion to the change, not to the table.
//
// /proc/PID/mountinfo (read and parsed by lab/mnt) tells that a table changed (POLLPRI)
// but not what: each change means formatting and parsing every line again, about 40 ms at
// 10,000 mounts. Newer kernels say what changed:
//
//   - fanotify(7) with FAN_REPORT_MNT and a FAN_MARK_MNTNS mark (Linux ≥ 6.15) reports
//     each mount attached to or detached from a namespace, with its 64-bit mount ID. Watch
//     returns a Watcher for one namespace; no process needs to stay in it.
//   - listmount(2) lists a namespace's mount IDs and statmount(2) reads one mount
//     (Linux ≥ 6.8; another namespace, by the ID ioctl NS_GET_MNTNS_ID gives, ≥ 6.10;
//     sources and filesystem options ≥ 6.11). ReadTable and ReadMounts build from them
//     the same lab/mnt.Mount a mountinfo line gives.
//
// Probe tries both for real, in a throwaway namespace, and says which path to use.
//
// What the events do not cover, checked on Linux 6.18 (see the tests):
//
//   - remounts (mount -o remount, mount_setattr(2)) and propagation changes
//     (--make-shared and the like) send no event. mountinfo's POLLPRI wakes for
//     remounts; nothing wakes for propagation changes, so the lab re-reads after every
//     command.
//   - statmount from outside a namespace gives mount points relative to that namespace's
//     root mount (after pivot_root, the new root): what mountinfo shows for a process at
//     the namespace's root, not for a chrooted one (relative to its chroot, and only the
//     mounts under it). Read a chrooted process's view with lab/mnt.
//   - propagate_from, which the kernel computes from the reader's root, reads as 0 from
//     outside the namespace; and a mount made with an empty source reads like one made
//     with none, which mountinfo shows as "none". Doubts says when a table may differ
//     from mountinfo for either reason; use mountinfo then.
//
// Where neither facility exists (older kernels, no root), use lab/mnt.Watch and mnt.Read.
package mntev
