package lab

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestReadProcReadsWhole: readProc returns what os.ReadFile does, for /proc files and for a
// file longer than its first read, and says ENOENT for one that is gone.
func TestReadProcReadsWhole(t *testing.T) {
	long := filepath.Join(t.TempDir(), "long")
	if err := os.WriteFile(long, bytes.Repeat([]byte("0123456789abcdef"), 700), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/proc/self/cmdline", "/proc/self/comm", "/proc/filesystems", long} {
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readProc(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("readProc(%s) = %d bytes, %v; want the %d bytes os.ReadFile read", path, len(got), err, len(want))
		}
	}
	if _, err := readProc("/proc/self/no-such-file"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("readProc of a missing file: %v, want ErrNotExist", err)
	}
}
