package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"
)

// cpuProfileEnv names a file for a CPU profile of the whole run (runtime/pprof), to find
// where the time goes under bench/run.sh; unset, nothing runs.
const cpuProfileEnv = "NSLAB_CPUPROFILE"

// startCPUProfile starts the profile and returns the function that ends it and puts the
// profile in place (written beside it first, as every file nslab writes).
func startCPUProfile(path string) (func() error, error) {
	f, err := createOutput(cpuProfileEnv, path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.abort()
		return nil, fmt.Errorf("%s: %w", cpuProfileEnv, err)
	}
	return func() error { pprof.StopCPUProfile(); return f.commit() }, nil
}

// statsEnv names a file to which nslab appends its own vital signs every few seconds, for
// the soak test (scripts/soak.sh): goroutines, heap, descriptors. Unset, nothing runs.
const statsEnv = "NSLAB_STATS"

// startStats appends one line per interval until ctx ends:
// unix-seconds goroutines heap-bytes open-fds.
func startStats(ctx context.Context, path string, every time.Duration) error {
	// Appended to as it goes (the soak script reads it meanwhile); a symbolic link is
	// refused (O_NOFOLLOW), as for every file nslab writes.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", statsEnv, err)
	}
	go func() {
		defer f.Close()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			fds, _ := os.ReadDir("/proc/self/fd")
			fmt.Fprintf(f, "%d %d %d %d\n", time.Now().Unix(), runtime.NumGoroutine(), ms.HeapAlloc, len(fds))
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return nil
}
