package mnt

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/moby/sys/mountinfo"
	"golang.org/x/sys/unix"
)

// Parse reads a whole mount table in /proc/PID/mountinfo format (proc(5)) and returns its
// mounts in table order, with the octal escapes of paths (\040 \011 \012 \134) undone and
// the propagation parsed.
func Parse(r io.Reader) ([]Mount, error) {
	infos, err := mountinfo.GetMountsFromReader(r, nil)
	if err != nil {
		return nil, fmt.Errorf("parse mountinfo: %w", err)
	}
	mounts := make([]Mount, len(infos))
	for i, info := range infos {
		prop, err := ParsePropagation(info.Optional)
		if err != nil {
			return nil, fmt.Errorf("parse mountinfo: mount %d on %q: %w", info.ID, info.Mountpoint, err)
		}
		mounts[i] = Mount{Info: *info, Propagation: prop}
	}
	return mounts, nil
}

// Read reads and parses /proc/PID/mountinfo: the mount table of the mount namespace pid is
// in, as seen from its root directory.
func Read(pid int) ([]Mount, error) {
	path := "/proc/" + strconv.Itoa(pid) + "/mountinfo"
	buf, err := readProcFile(path)
	if err != nil {
		return nil, err
	}
	mounts, err := Parse(bytes.NewReader(buf))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return mounts, nil
}

// readProcFile reads a whole proc file in as few read(2) calls as the kernel allows. Proc
// files report size 0, so os.ReadFile would start at 512 bytes and grow; a table of 10,000
// mounts is about a megabyte, so start at 64 KiB and double. open(2) directly, not
// os.Open: a mountinfo file is pollable, and os.Open would register it with the netpoller
// for nothing.
func readProcFile(path string) ([]byte, error) {
	fd, err := openProc(path)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	buf := make([]byte, 0, 64<<10)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

// openProc opens a proc file for reading with open(2), retrying EINTR.
func openProc(path string) (int, error) {
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

// Key returns the mount's identity across namespaces: mount point, source, filesystem
// type, root within the filesystem and device number. It leaves out the mount ID on
// purpose: each namespace's copy of a mount has a new one.
func (m Mount) Key() MountKey {
	return MountKey{
		Mountpoint: m.Mountpoint,
		Source:     m.Source,
		FSType:     m.FSType,
		Root:       m.Root,
		Major:      m.Major,
		Minor:      m.Minor,
	}
}
