package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// Each bound is allowed at its value and refused one past it, with one line naming it.
func TestParseBounds(t *testing.T) {
	step := func(cmd string) string {
		return "  - pane: host\n    narration: {en: a, ko: b}\n    command: " + cmd + "\n"
	}
	atCommand := validHead + step(strings.Repeat("x", MaxCommandLen))
	if _, err := Parse("at.yaml", []byte(atCommand)); err != nil {
		t.Errorf("a command of exactly %d bytes: %v", MaxCommandLen, err)
	}
	overCommand := validHead + step(strings.Repeat("x", MaxCommandLen+1))
	assertLoadError(t, overCommand, "over.yaml:7:", fmt.Sprintf("at most %d bytes, found %d", MaxCommandLen, MaxCommandLen+1))

	atSteps := validHead + strings.Repeat(step("true"), MaxSteps)
	if sc, err := Parse("at.yaml", []byte(atSteps)); err != nil || len(sc.Steps) != MaxSteps {
		t.Errorf("%d steps: %v", MaxSteps, err)
	}
	overSteps := validHead + strings.Repeat(step("true"), MaxSteps+1)
	// The first step past the bound is named by its line.
	assertLoadError(t, overSteps, fmt.Sprintf("over.yaml:%d:", 5+3*MaxSteps), fmt.Sprintf("at most %d steps in a scenario, found %d", MaxSteps, MaxSteps+1))
}

func assertLoadError(t *testing.T, src, prefix, want string) {
	t.Helper()
	_, err := Parse("over.yaml", []byte(src))
	var le *LoadError
	if !errors.As(err, &le) || !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want a LoadError %q… containing %q", err, prefix, want)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("error is not one line: %q", err)
	}
}

// A huge file is refused by its size, before it is read: loading it allocates next to
// nothing (it used to read 50 MB into 285 MB).
func TestLoadDirRefusesAHugeFileUnread(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.yaml")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = LoadDir(dir)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "huge.yaml:1: expected a scenario file of at most 1 MiB, found 50 MiB") {
		t.Fatalf("error %v, want one naming the file and the 1 MiB bound", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("loading a refused 50 MiB file allocated %d bytes", grew)
	}
	// One byte over the bound is refused, the bound itself is only parsed.
	if err := os.Truncate(huge, MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "at most 1 MiB, found 1.0 MiB") {
		t.Errorf("a file one byte over: %v", err)
	}
	if err := os.Truncate(huge, MaxFileSize); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDir(dir); err == nil || strings.Contains(err.Error(), "at most 1 MiB") {
		t.Errorf("a file of exactly 1 MiB is refused for its size: %v", err)
	}
}

// A fifo named *.yaml would block the read forever; it is refused without opening it.
func TestLoadDirRefusesAFifo(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	_, err := LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), "pipe.yaml:1: expected a regular file, found a fifo") {
		t.Fatalf("error %v, want the fifo refused", err)
	}
}

func TestLoadDirBoundsTheNumberOfFiles(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i <= MaxFiles; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("s%03d.yaml", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%d scenario files, more than the %d", MaxFiles+1, MaxFiles)) {
		t.Fatalf("error %v, want the file count named", err)
	}
}

func TestSizeText(t *testing.T) {
	for n, want := range map[int64]string{812: "812 bytes", 1536: "1.5 KiB", 1 << 20: "1 MiB", 50 << 20: "50 MiB", 3 << 19: "1.5 MiB"} {
		if got := sizeText(n); got != want {
			t.Errorf("sizeText(%d) = %q, want %q", n, got, want)
		}
	}
}
