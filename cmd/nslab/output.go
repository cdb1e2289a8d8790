package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// outputFile is a file nslab writes (--markdown, --record, a CPU profile). It is written
// under a temporary name beside its target and renamed into place by commit, so an
// existing file stays as it was until the new one is whole, and a failed start leaves it
// untouched; abort removes the temporary file. Beside the target, so the rename stays on
// one filesystem and is atomic (rename(2)).
type outputFile struct {
	flag, target string
	*os.File
	done bool
}

// checkOutputPath refuses a target nslab must not write: a symbolic link (a link planted
// in a shared directory must not send root's writes elsewhere), a directory or a device
// (a rename would replace it), or a path whose directory does not exist. It is called
// before the lab starts, so a bad path costs nothing.
func checkOutputPath(flag, target string) error {
	fi, err := os.Lstat(target)
	switch {
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		return usageError{fmt.Sprintf("%s %s: is a symbolic link; nslab does not write through links, give the file's own path", flag, target)}
	case err == nil && fi.IsDir():
		return usageError{fmt.Sprintf("%s %s: is a directory; give a file name", flag, target)}
	case err == nil && !fi.Mode().IsRegular():
		return usageError{fmt.Sprintf("%s %s: is not a regular file; give a file name", flag, target)}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return usageError{fmt.Sprintf("%s %s: %v", flag, target, pathErrText(err))}
	}
	dir := filepath.Dir(target)
	if di, err := os.Stat(dir); err != nil || !di.IsDir() {
		return usageError{fmt.Sprintf("%s %s: the directory %s does not exist", flag, target, dir)}
	}
	return nil
}

// createOutput opens the temporary file for target (O_EXCL, by os.CreateTemp) with the
// target's mode and owner, or 0644 for a new file.
func createOutput(flag, target string) (*outputFile, error) {
	if err := checkOutputPath(flag, target); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".nslab-*.tmp")
	if err != nil {
		return nil, usageError{fmt.Sprintf("%s %s: %v", flag, target, pathErrText(err))}
	}
	mode := fs.FileMode(0o644)
	if fi, err := os.Lstat(target); err == nil {
		mode = fi.Mode().Perm()
		// Under sudo the user's own handout stays the user's.
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			_ = f.Chown(int(st.Uid), int(st.Gid))
		}
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, usageError{fmt.Sprintf("%s %s: %v", flag, target, pathErrText(err))}
	}
	return &outputFile{flag: flag, target: target, File: f}, nil
}

// commit makes the written file the target: flushed to disk, then renamed over it.
func (o *outputFile) commit() error {
	if o == nil || o.done {
		return nil
	}
	o.done = true
	tmp := o.File.Name()
	err := o.File.Sync()
	if cerr := o.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, o.target)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s %s: %v", o.flag, o.target, pathErrText(err))
	}
	return nil
}

// abort removes the temporary file; the target stays as it was. After commit it does
// nothing, so it can be deferred.
func (o *outputFile) abort() {
	if o == nil || o.done {
		return
	}
	o.done = true
	o.File.Close()
	os.Remove(o.File.Name())
}

// pathErrText is an error without the path os already put in it (the message names it).
func pathErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}
