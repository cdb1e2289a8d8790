package mnt

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Parse reads a whole mount table in /proc/PID/mountinfo format (proc(5)) and returns its
// mounts in table order, with the octal escapes of paths (\040 \011 \012 \134) undone and
// the propagation parsed.
func Parse(r io.Reader) ([]Mount, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("parse mountinfo: %w", err)
	}
	return parseTable(b)
}

// Read reads and parses /proc/PID/mountinfo: the mount table of the mount namespace pid is
// in, as seen from its root directory.
func Read(pid int) ([]Mount, error) {
	path := "/proc/" + strconv.Itoa(pid) + "/mountinfo"
	buf, err := readProcFile(path)
	if err != nil {
		return nil, err
	}
	mounts, err := parseTable(buf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return mounts, nil
}

// parseTable parses a table the way github.com/moby/sys/mountinfo does (a differential fuzz
// holds it to that), without its per-line allocations: the table becomes one string, and
// every field is a substring of it unless it had escapes to undo. At 10,000 mounts this
// is a few times faster than splitting each line, which matters on the live UI's path.
func parseTable(b []byte) ([]Mount, error) {
	// bufio.Scanner's default token size: the longest line moby's parser takes.
	const maxLine = 64*1024 - 1
	text := string(b)
	mounts := make([]Mount, 0, bytes.Count(b, []byte{'\n'})+1)
	var fields []string
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		line = strings.TrimSuffix(line, "\r") // as bufio.ScanLines
		if len(line) > maxLine {
			return nil, fmt.Errorf("parse mountinfo: a line of %d bytes, longer than %d", len(line), maxLine)
		}
		fields = splitSpaces(line, fields[:0])
		m, err := parseLine(line, fields)
		if err != nil {
			return nil, fmt.Errorf("parse mountinfo: %w", err)
		}
		mounts = append(mounts, m)
	}
	return mounts, nil
}

// splitSpaces is strings.Split(s, " ") into a reused slice.
func splitSpaces(s string, out []string) []string {
	for {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s = s[i+1:]
	}
}

// parseLine reads one mountinfo line (proc(5)):
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//	(1)(2)(3)   (4)   (5)      (6)      (7)   (8) (9)   (10)         (11)
//
// six fields, zero or more optional fields, "-", then three more.
func parseLine(line string, f []string) (Mount, error) {
	if len(f) < 10 {
		return Mount{}, fmt.Errorf("%q: want at least 10 fields, found %d", line, len(f))
	}
	sep := len(f) - 4
	for f[sep] != "-" { // a space inside the super options pushes the separator left
		sep--
		if sep == 5 {
			return Mount{}, fmt.Errorf("%q: no - separator after the optional fields", line)
		}
	}
	var m Mount
	var err error
	if m.Mountpoint, err = unescape(f[4]); err != nil {
		return Mount{}, fmt.Errorf("%q: mount point: %w", line, err)
	}
	if m.FSType, err = unescape(f[sep+1]); err != nil {
		return Mount{}, fmt.Errorf("%q: fstype: %w", line, err)
	}
	if m.Source, err = unescape(f[sep+2]); err != nil {
		return Mount{}, fmt.Errorf("%q: source: %w", line, err)
	}
	m.VFSOptions = f[sep+3]
	// The kernel writes numbers here; like moby's parser, a malformed one reads as 0.
	m.ID, _ = strconv.Atoi(f[0])
	m.Parent, _ = strconv.Atoi(f[1])
	major, minor, ok := strings.Cut(f[2], ":")
	if !ok || strings.Contains(minor, ":") {
		return Mount{}, fmt.Errorf("%q: want major:minor, found %q", line, f[2])
	}
	m.Major, _ = strconv.Atoi(major)
	m.Minor, _ = strconv.Atoi(minor)
	if m.Root, err = unescape(f[3]); err != nil {
		return Mount{}, fmt.Errorf("%q: root: %w", line, err)
	}
	m.Options = f[5]
	m.Optional = strings.Join(f[6:sep], " ")
	if m.Propagation, err = ParsePropagation(m.Optional); err != nil {
		return Mount{}, fmt.Errorf("mount %d on %q: %w", m.ID, m.Mountpoint, err)
	}
	return m, nil
}

// unescape undoes the kernel's octal escapes (\NNN) in a path field, exactly as moby does,
// including its byte arithmetic (\777 reads as 0377).
func unescape(s string) (string, error) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		if len(s)-i < 4 {
			return "", fmt.Errorf("bad escape %q: want \\ and three octal digits", s[i:])
		}
		var v byte
		for j := 1; j < 4; j++ {
			c := s[i+j]
			if c < '0' || c > '7' {
				return "", fmt.Errorf("bad escape %q: want three octal digits", s[i:i+4])
			}
			v = v<<3 | (c - '0')
		}
		out = append(out, v)
		i += 3
	}
	return string(out), nil
}

// readProcFile reads a whole mount table: a table of 10,000 mounts is about a megabyte,
// so it starts at 64 KiB and doubles.
func readProcFile(path string) ([]byte, error) { return ReadProc(path, 64<<10) }

// ReadProc reads a whole proc file, starting with room for size bytes, in as few read(2)
// calls as the kernel allows. Proc files report size 0, so os.ReadFile would start at 512
// bytes and grow, and stat them for nothing. open(2) directly, not os.Open: os.Open offers
// every file to the netpoller (four fcntl(2) and an epoll_ctl(2), which fails for most proc
// files and is of no use for a mountinfo file read whole).
func ReadProc(path string, size int) ([]byte, error) {
	fd, err := openProc(path)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	buf := make([]byte, 0, max(size, 1))
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
