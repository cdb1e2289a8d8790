package rootfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// maxSymlinks is how many symlinks one path may cross, as in path_resolution(7).
const maxSymlinks = 40

// splitPath returns the components of a slash-separated path (empty ones dropped).
func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

// ResolveIn resolves path as a process whose root is root would: every symlink, absolute or
// relative, is followed inside root, and ".." never climbs above it. It returns the path
// inside root (absolute, no symlinks in the part that exists); a missing tail is joined
// as written. Join it to root to reach the file from the host.
func ResolveIn(root, path string) (string, error) {
	return resolveIn(root, path, true)
}

// resolveIn is ResolveIn; with followLast false a final symlink is not followed (lstat).
func resolveIn(root, path string, followLast bool) (string, error) {
	pending := splitPath(path)
	cur := "/"
	hops := 0
	for len(pending) > 0 {
		name := pending[0]
		pending = pending[1:]
		switch name {
		case ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, name)
		fi, err := os.Lstat(filepath.Join(root, next))
		if errors.Is(err, fs.ErrNotExist) {
			return filepath.Join(append([]string{next}, pending...)...), nil
		}
		if err != nil {
			return "", fmt.Errorf("resolve %s in %s: %w", path, root, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 || (len(pending) == 0 && !followLast) {
			cur = next
			continue
		}
		if hops++; hops > maxSymlinks {
			return "", &os.PathError{Op: "resolve", Path: filepath.Join(root, path), Err: syscall.ELOOP}
		}
		link, err := os.Readlink(filepath.Join(root, next))
		if err != nil {
			return "", fmt.Errorf("resolve %s in %s: %w", path, root, err)
		}
		if filepath.IsAbs(link) {
			cur = "/"
		}
		pending = append(splitPath(link), pending...)
	}
	return cur, nil
}

// copier copies host files into a rootfs, keeping the host's symlinks.
type copier struct {
	root string
	// files are the regular files copied, as paths inside root.
	files []string
}

// replicate makes the host path p exist in the rootfs the way it exists on the host: each
// symlink met on the way (/lib64 -> usr/lib64, ld-linux-x86-64.so.2 -> /lib/…) is created
// with the same text and followed, directories are made, and the regular file at the end
// is copied. Names the loader and the shells use stay valid inside the rootfs. Where the
// rootfs already has a real directory in place of a host symlink (busybox's /bin), the
// rootfs wins and what the link leads to goes inside that directory.
func (c *copier) replicate(p string) error {
	fail := func(err error) error { return fmt.Errorf("copy %s into %s: %w", p, c.root, err) }
	pending := splitPath(p)
	hostCur, rootCur := "/", "/"
	hops := 0
	for len(pending) > 0 {
		name := pending[0]
		pending = pending[1:]
		switch name {
		case ".":
			continue
		case "..":
			hostCur, rootCur = filepath.Dir(hostCur), filepath.Dir(rootCur)
			continue
		}
		hostNext, rootNext := filepath.Join(hostCur, name), filepath.Join(rootCur, name)
		inRoot := filepath.Join(c.root, rootNext)
		hfi, err := os.Lstat(hostNext)
		if err != nil {
			return fail(err)
		}
		rfi, err := os.Lstat(inRoot)
		exists := err == nil
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fail(err)
		}
		switch {
		case hfi.Mode()&fs.ModeSymlink != 0:
			if hops++; hops > maxSymlinks {
				return fail(&os.PathError{Op: "readlink", Path: hostNext, Err: syscall.ELOOP})
			}
			link, err := os.Readlink(hostNext)
			if err != nil {
				return fail(err)
			}
			if exists && rfi.IsDir() {
				real, err := filepath.EvalSymlinks(hostNext)
				if err != nil {
					return fail(err)
				}
				hostCur, rootCur = real, rootNext
				continue
			}
			if !exists {
				if err := os.Symlink(link, inRoot); err != nil {
					return fail(err)
				}
			} else if have, err := os.Readlink(inRoot); err != nil || have != link {
				return fail(fmt.Errorf("%s exists in the rootfs and is not a symlink to %s", rootNext, link))
			}
			if filepath.IsAbs(link) {
				hostCur, rootCur = "/", "/"
			}
			pending = append(splitPath(link), pending...)
		case hfi.IsDir():
			switch {
			case !exists:
				if err := os.Mkdir(inRoot, hfi.Mode().Perm()); err != nil {
					return fail(err)
				}
			case rfi.Mode()&fs.ModeSymlink != 0:
				// The rootfs has a symlink where the host has a directory: follow the rootfs.
				resolved, err := ResolveIn(c.root, rootNext)
				if err != nil {
					return fail(err)
				}
				if err := os.MkdirAll(filepath.Join(c.root, resolved), 0o755); err != nil {
					return fail(err)
				}
				rootNext = resolved
			case !rfi.IsDir():
				return fail(fmt.Errorf("%s exists in the rootfs and is not a directory", rootNext))
			}
			hostCur, rootCur = hostNext, rootNext
		case hfi.Mode().IsRegular():
			if len(pending) > 0 {
				return fail(&os.PathError{Op: "lookup", Path: hostNext, Err: syscall.ENOTDIR})
			}
			if exists {
				if rfi.Mode()&fs.ModeSymlink == 0 {
					return nil // copied before
				}
				resolved, err := ResolveIn(c.root, rootNext)
				if err != nil {
					return fail(err)
				}
				rootNext, inRoot = resolved, filepath.Join(c.root, resolved)
				if _, err := os.Stat(inRoot); err == nil {
					return nil
				}
			}
			if err := copyFile(hostNext, inRoot, hfi.Mode().Perm()); err != nil {
				return fail(err)
			}
			c.files = append(c.files, rootNext)
		default:
			return fail(fmt.Errorf("%s is not a regular file, directory or symlink", hostNext))
		}
	}
	return nil
}

// copyFile copies the regular file src to dst with permission bits perm (set-user-ID and
// set-group-ID are dropped: everything in the lab runs as root). It writes a temporary file
// and renames it, so an interrupted build never leaves a truncated program behind.
func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeAtomic(dst, perm, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// writeFile writes data to dst atomically with permission bits perm.
func writeFile(dst string, data []byte, perm fs.FileMode) error {
	return writeAtomic(dst, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func writeAtomic(dst string, perm fs.FileMode, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".nslab-tmp-*")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := fill(tmp); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return err
	}
	done = true
	return nil
}
