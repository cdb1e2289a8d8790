package lab

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nslab/nslab/lab/mnt"
	"golang.org/x/sys/unix"
)

// procIdentity is the cheap part of a snapshot: enough to tell whether anything the panels
// show can have changed when the foreground process changes.
type procIdentity struct {
	pid  int
	mnt  uint64
	root string
}

// nsInode stats /proc/PID/ns/TYPE (namespaces(7)): two processes share a namespace exactly
// when the device and inode are equal; all ns files live on one nsfs device.
func nsInode(pid int, t NSType) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat(fmt.Sprintf("/proc/%d/ns/%s", pid, t), &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// readProc reads a small /proc file whole (mnt.ReadProc): the panels read several at each
// command of a pane, and os.ReadFile would offer each to the poller and stat it.
func readProc(path string) ([]byte, error) { return mnt.ReadProc(path, 1024) }

func readComm(pid int) string {
	b, err := readProc(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// readNSPID reads the last NSpid field of /proc/PID/status (proc(5)): the process's PID in
// the innermost PID namespace it is in; 0 where unreadable.
func readNSPID(pid int) int {
	b, err := readProc(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "NSpid:"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				return 0
			}
			n, _ := strconv.Atoi(f[len(f)-1])
			return n
		}
	}
	return 0
}

// parentPID reads the PPid field of /proc/PID/stat (proc(5)).
func parentPID(pid int) int {
	b, err := readProc(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command may hold spaces and parentheses: fields start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

func readlinkProc(pid int, name string) (string, error) {
	return os.Readlink(fmt.Sprintf("/proc/%d/%s", pid, name))
}

// identify reads the cheap identity of a process.
func identify(pid int) (procIdentity, error) {
	ino, err := nsInode(pid, NSMnt)
	if err != nil {
		return procIdentity{}, err
	}
	root, err := os.Readlink(fmt.Sprintf("/proc/%d/root", pid))
	if err != nil {
		return procIdentity{}, err
	}
	return procIdentity{pid: pid, mnt: ino, root: root}, nil
}

// Inspect reads a process's state fresh from the kernel: namespaces, root, cwd and the mount
// table of its mount namespace. stopAt bounds the search for a process at the namespace's
// root when pid is chrooted (the pane's shell, or 0).
func Inspect(pid int, stopAt int) (Snapshot, error) {
	s, err := inspectProcess(pid)
	if err != nil {
		return s, err
	}
	if s.Chrooted {
		// Mounts outside a process's root are not listed (proc(5)): a chrooted process reads
		// only the mounts under its root (none when its root is a plain directory), with
		// paths relative to it. Show the namespace's whole table, read by an ancestor in the
		// same namespace that is at the namespace's root.
		if holder := tableHolder(pid, s.NS[NSMnt], stopAt); holder > 0 {
			if ms, err := mnt.Read(holder); err == nil {
				s.Mounts, s.TablePID = ms, holder
				return s, nil
			}
		}
	}
	s.TablePID = pid
	if s.Mounts, err = mnt.Read(pid); err != nil {
		return s, fmt.Errorf("inspect %d: %w", pid, err)
	}
	return s, nil
}

// inspectProcess reads everything of a snapshot but the mount table.
func inspectProcess(pid int) (Snapshot, error) {
	s := Snapshot{PID: pid, NS: map[NSType]uint64{}, Time: time.Now()}
	if pid <= 0 {
		return s, errors.New("inspect: no process")
	}
	s.Comm = readComm(pid)
	s.NSPID = readNSPID(pid)
	for _, t := range NSTypes {
		ino, err := nsInode(pid, t)
		if err != nil && t == NSMnt {
			return s, fmt.Errorf("inspect %d: %w", pid, err)
		}
		s.NS[t] = ino
	}
	var err error
	if s.Root, err = os.Readlink(fmt.Sprintf("/proc/%d/root", pid)); err != nil {
		return s, fmt.Errorf("inspect %d: %w", pid, err)
	}
	s.Cwd, _ = os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	// Seen from outside, /proc/PID/root reads as the path of the process's root within its
	// own mount namespace: "/" unless it is chrooted (after pivot_root the new root is "/").
	s.Chrooted = s.Root != "/"
	return s, nil
}

// inspectFollowed is the snapshot of the followed process, with the table its namespace's
// watch last read (the whole table when a process of the pane is at the namespace's root).
func inspectFollowed(p paneProc, w *nsWatch) (Snapshot, error) {
	s, err := inspectProcess(p.pid)
	if err != nil {
		return s, err
	}
	if s.NS[NSMnt] != p.mnt {
		return s, fmt.Errorf("inspect %d: it left mount namespace %d", p.pid, p.mnt)
	}
	if w != nil && w.read {
		s.Mounts, s.TablePID = w.table, w.pid
		return s, nil
	}
	s.TablePID = p.pid
	if s.Mounts, err = mnt.Read(p.pid); err != nil {
		return s, fmt.Errorf("inspect %d: %w", p.pid, err)
	}
	return s, nil
}

// paneProcesses lists the shell and its descendants in tree order (breadth first, from
// /proc/PID/task/TID/children, proc(5)), each with its parent, process group, mount
// namespace and root. Processes that end while they are read are left out.
func paneProcesses(shell int) []paneProc {
	var out []paneProc
	queue := []int{shell}
	for len(queue) > 0 && len(out) < 4096 {
		pid := queue[0]
		queue = queue[1:]
		ppid, pgrp, ok := statIDs(pid)
		if !ok {
			continue
		}
		id, err := identify(pid)
		if err != nil {
			continue
		}
		out = append(out, paneProc{pid: pid, parent: ppid, pgrp: pgrp, mnt: id.mnt, root: id.root})
		queue = append(queue, childrenOf(pid)...)
	}
	return out
}

// childrenOf reads the children of every thread of pid.
func childrenOf(pid int) []int {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return nil
	}
	var kids []int
	for _, t := range tasks {
		b, err := readProc(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				kids = append(kids, n)
			}
		}
	}
	return kids
}

// statIDs reads PPid and the process group (fields 4 and 5 of /proc/PID/stat, proc(5)).
func statIDs(pid int) (ppid, pgrp int, ok bool) {
	b, err := readProc(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	// The command may hold spaces and parentheses: fields start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 || f[0] == "Z" {
		return 0, 0, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgrp, err2 := strconv.Atoi(f[2])
	return ppid, pgrp, err1 == nil && err2 == nil
}

// tableHolder walks up from pid to an ancestor in the same mount namespace whose root is the
// namespace's root.
func tableHolder(pid int, mntIno uint64, stopAt int) int {
	for p, hops := parentPID(pid), 0; p > 1 && hops < 64; p, hops = parentPID(p), hops+1 {
		id, err := identify(p)
		if err == nil && id.mnt == mntIno && id.root == "/" {
			return p
		}
		if p == stopAt {
			break
		}
	}
	return 0
}

// pathVisible resolves path inside pid's root (openat2(2) with RESOLVE_IN_ROOT, so "..",
// and absolute symlinks stay inside that root) and reports whether it exists.
func pathVisible(pid int, path string) (bool, error) {
	rootFD, err := unix.Open(fmt.Sprintf("/proc/%d/root", pid), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, &os.PathError{Op: "open root of", Path: strconv.Itoa(pid), Err: err}
	}
	defer unix.Close(rootFD)
	fd, err := unix.Openat2(rootFD, strings.TrimLeft(path, "/"), &unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err == nil {
		unix.Close(fd)
		return true, nil
	}
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
		return false, nil
	}
	return false, &os.PathError{Op: "openat2", Path: path, Err: err}
}

// rootIsMountpoint asks statx(2) whether pid's root directory is the root of a mount
// (STATX_ATTR_MOUNT_ROOT).
func rootIsMountpoint(pid int) (bool, error) {
	var stx unix.Statx_t
	err := unix.Statx(unix.AT_FDCWD, fmt.Sprintf("/proc/%d/root/", pid), 0, unix.STATX_BASIC_STATS, &stx)
	if err != nil {
		return false, &os.PathError{Op: "statx", Path: fmt.Sprintf("/proc/%d/root", pid), Err: err}
	}
	if stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT == 0 {
		return false, errors.New("statx: this kernel does not report STATX_ATTR_MOUNT_ROOT")
	}
	return stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0, nil
}

// ProcViewOf lists what the /proc at pid's /proc lists (the processes ps there shows, by
// the PIDs it shows) and the processes of pid's PID namespace as the kernel counts them:
// every process whose ns/pid link names the same namespace, by its PID in it (proc(5)).
func ProcViewOf(pid int) (listed, members []int, err error) {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/root/proc", pid))
	if err != nil {
		return nil, nil, err
	}
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			listed = append(listed, n)
		}
	}
	ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid))
	if err != nil {
		return nil, nil, err
	}
	all, err := os.ReadDir("/proc")
	if err != nil {
		return nil, nil, err
	}
	for _, e := range all {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", p)); err == nil && l == ns {
			if n := readNSPID(p); n > 0 {
				members = append(members, n)
			}
		}
	}
	slices.Sort(listed)
	slices.Sort(members)
	return listed, members, nil
}
