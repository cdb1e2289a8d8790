package labtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Proc is a process, told apart from a later one with the same pid by its start time.
type Proc struct {
	PID   int
	Start string
}

// stat reads fields 3 (state) and 22 (starttime) of /proc/PID/stat (proc(5)); the command
// name may hold spaces and parentheses, so fields are counted after the last ')'.
func stat(pid int) (state, start string) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", ""
	}
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return "", ""
	}
	return f[0], f[19]
}

// Alive: the same process still exists and is not a zombie. An orphaned zombie is dead and
// holds nothing (its namespaces went at exit); it only waits for the machine's PID 1.
func (p Proc) Alive() bool {
	state, start := stat(p.PID)
	return start != "" && start == p.Start && state != "Z"
}

// PIDNamespaceOf lists the processes in the PID namespace of pid.
func PIDNamespaceOf(pid int) []Proc {
	target, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid))
	if err != nil {
		return nil
	}
	var out []Proc
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if l, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", n)); l == target {
			if _, start := stat(n); start != "" {
				out = append(out, Proc{n, start})
			}
		}
	}
	return out
}

// AnyMountinfo reports whether any process on the machine sees a mount line for which
// match holds.
func AnyMountinfo(match func(line string) bool) bool {
	files, _ := filepath.Glob("/proc/[0-9]*/mountinfo")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if line != "" && match(line) {
				return true
			}
		}
	}
	return false
}

// AnyMountinfoHas reports whether any process sees a mount whose line contains s.
func AnyMountinfoHas(s string) bool {
	return AnyMountinfo(func(line string) bool { return strings.Contains(line, s) })
}

// WaitGone waits up to limit for every process in procs to end and for leaked (if given) to
// report false, and fails the test otherwise, naming what is left.
func WaitGone(t testing.TB, procs []Proc, leaked func() bool, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		var left []Proc
		for _, p := range procs {
			if p.Alive() {
				left = append(left, p)
			}
		}
		leak := leaked != nil && leaked()
		if len(left) == 0 && !leak {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			var detail []string
			for _, p := range left {
				cl, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.PID))
				wc, _ := os.ReadFile(fmt.Sprintf("/proc/%d/wchan", p.PID))
				detail = append(detail, fmt.Sprintf("pid %d %q wchan %s", p.PID, strings.ReplaceAll(string(cl), "\x00", " "), wc))
			}
			t.Fatalf("%s after the end: lab processes left %v, lab mounts left %v\n%s", limit, left, leak, strings.Join(detail, "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ProcOf is the process pid as it is now (a zero Start if there is none).
func ProcOf(pid int) Proc {
	_, start := stat(pid)
	return Proc{pid, start}
}
