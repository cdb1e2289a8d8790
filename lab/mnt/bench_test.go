package mnt

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
)

// Benchmarks measure from outside, as the lab does: a helper process in its own mount
// namespace holds N mounts and this process reads /proc/HELPER/mountinfo. Each prints
// findmnt(8) on the same table, measured in the same run, as the reference.
//
//	sudo go test -run '^$' -bench . ./lab/mnt

var tableSizes = []int{28, 1000, 10000}

// shiftIDs returns a copy of a table with new mount IDs, as a copy in another namespace
// would have: the other pane's side of the diff.
func shiftIDs(table []Mount) []Mount {
	other := slices.Clone(table)
	for i := range other {
		other[i].ID += 1 << 20
		other[i].Parent += 1 << 20
	}
	return other
}

// BenchmarkReadParseDiff: one UI refresh of a pane, Read of the helper's table then Diff
// against a same-sized table of the other pane.
func BenchmarkReadParseDiff(b *testing.B) {
	labtest.RequireRoot(b)
	for _, n := range tableSizes {
		b.Run("mounts="+strconv.Itoa(n), func(b *testing.B) {
			h := startHelper(b, helperOptions{total: n})
			first, err := Read(h.pid)
			if err != nil {
				b.Fatal(err)
			}
			if len(first) != n {
				b.Fatalf("helper table has %d mounts, want %d", len(first), n)
			}
			other := shiftIDs(first)
			path := "/proc/" + strconv.Itoa(h.pid) + "/mountinfo"
			var read, parse, diff time.Duration
			b.ResetTimer()
			for b.Loop() {
				// Read, in its two steps: the kernel writing the text, and parsing it.
				t0 := time.Now()
				text, err := readProcFile(path)
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				mounts, err := Parse(bytes.NewReader(text))
				if err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				rows := Diff(other, mounts)
				diff += time.Since(t2)
				parse += t2.Sub(t1)
				read += t1.Sub(t0)
				if len(rows) != n {
					b.Fatalf("%d rows, want %d", len(rows), n)
				}
			}
			b.StopTimer()
			b.ReportMetric(ms(read)/float64(b.N), "read-ms")
			b.ReportMetric(ms(parse)/float64(b.N), "parse-ms")
			b.ReportMetric(ms(diff)/float64(b.N), "diff-ms")
			if ref, ok := findmntTable(b, h.pid, n); ok {
				b.ReportMetric(ref, "findmnt-ms")
			}
		})
	}
}

// findmntTable times `findmnt -A -r -N PID` on the same table: the mean of a few runs.
func findmntTable(b *testing.B, pid, n int) (float64, bool) {
	path, err := exec.LookPath("findmnt")
	if err != nil {
		b.Logf("no findmnt for the reference: %v", err)
		return 0, false
	}
	const runs = 10
	var total time.Duration
	for range runs {
		var out bytes.Buffer
		cmd := exec.Command(path, "-A", "-r", "-N", strconv.Itoa(pid))
		cmd.Stdout = &out
		t0 := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("findmnt: %v", err)
		}
		total += time.Since(t0)
		if lines := strings.Count(out.String(), "\n"); lines != n+1 {
			b.Fatalf("findmnt listed %d lines, want %d mounts and a heading", lines, n)
		}
	}
	return ms(total) / runs, true
}

// BenchmarkWatchLatency: from just before the helper's mount(2) to the watcher's signal
// (event), and to the new table read and parsed (event+read), at 1,000 and 10,000 mounts;
// beside it, `findmnt --poll -N PID` noticing the same mounts.
func BenchmarkWatchLatency(b *testing.B) {
	labtest.RequireRoot(b)
	for _, n := range tableSizes[1:] {
		b.Run("mounts="+strconv.Itoa(n), func(b *testing.B) {
			h := startHelper(b, helperOptions{total: n})
			w, err := Watch(h.pid)
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			// Time-stamp each signal as it arrives, not when this goroutine gets to it.
			stamps := make(chan int64, 1)
			go func() {
				for {
					select {
					case <-w.C():
						stamps <- monotonicNow()
					case <-w.Done():
						return
					}
				}
			}()
			var event, reread []time.Duration
			b.ResetTimer()
			for b.Loop() {
				t0 := h.do(b, "mount")
				t1 := <-stamps
				if _, err := Read(h.pid); err != nil {
					b.Fatal(err)
				}
				t2 := monotonicNow()
				event = append(event, time.Duration(t1-t0))
				reread = append(reread, time.Duration(t2-t0))
				h.do(b, "umount")
				<-stamps
			}
			b.StopTimer()
			w.Close()
			reportPercentiles(b, "event", event)
			reportPercentiles(b, "event+read", reread)
			if ref, ok := findmntPoll(b, h); ok {
				reportPercentiles(b, "findmnt", ref)
			}
		})
	}
}

// findmntPoll runs `findmnt --poll -N PID` and measures, for a number of mounts by the
// helper, the time from just before mount(2) to findmnt's line about it.
func findmntPoll(b *testing.B, h *helper) ([]time.Duration, bool) {
	path, err := exec.LookPath("findmnt")
	if err != nil {
		b.Logf("no findmnt for the reference: %v", err)
		return nil, false
	}
	// findmnt writes through stdio, fully buffered into a pipe: stdbuf(1) makes it
	// flush each line, as it would on a terminal.
	stdbuf, err := exec.LookPath("stdbuf")
	if err != nil {
		b.Logf("no stdbuf to unbuffer findmnt --poll: %v", err)
		return nil, false
	}
	cmd := exec.Command(stdbuf, "-oL", path, "--poll", "-n", "-r", "-o", "ACTION,TARGET", "-N", strconv.Itoa(h.pid))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("findmnt --poll: %v", err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	// Each line is "ACTION TARGET"; keep the time each one about the helper's extra
	// mount arrived.
	type seen struct {
		action string
		at     int64
	}
	lines := make(chan seen, 16)
	go func() {
		defer close(lines)
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			action, target, _ := strings.Cut(s.Text(), " ")
			if strings.HasSuffix(target, "/extra") {
				lines <- seen{action, monotonicNow()}
			}
		}
	}()
	// next waits for findmnt's line with this action, dropping others; false if none
	// comes within the timeout.
	next := func(action string, timeout time.Duration) (int64, bool) {
		expire := time.After(timeout)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					b.Fatal("findmnt --poll ended")
				}
				if l.action == action {
					return l.at, true
				}
			case <-expire:
				return 0, false
			}
		}
	}
	// findmnt reads the table before it polls; a mount before that goes unseen. Wait
	// until it sleeps in poll(2), then check with one mount.
	waitPolling(b, cmd.Process.Pid)
	h.do(b, "mount")
	if _, ok := next("mount", findmntWait); !ok {
		b.Fatalf("findmnt --poll did not report a mount within %s", findmntWait)
	}
	h.do(b, "umount")
	if _, ok := next("umount", findmntWait); !ok {
		b.Fatalf("findmnt --poll did not report an umount within %s", findmntWait)
	}
	// findmnt diffs whole tables on each event, which takes seconds at 10,000 mounts:
	// fewer samples there.
	samples := 30
	if h.mounts > 1000 {
		samples = 3
	}
	var lat []time.Duration
	for range samples {
		t0 := h.do(b, "mount")
		t1, ok := next("mount", findmntWait)
		if !ok {
			b.Fatalf("findmnt --poll did not report a mount within %s", findmntWait)
		}
		lat = append(lat, time.Duration(t1-t0))
		h.do(b, "umount")
		if _, ok := next("umount", findmntWait); !ok {
			b.Fatalf("findmnt --poll did not report an umount within %s", findmntWait)
		}
	}
	return lat, true
}

// findmntWait bounds the wait for one findmnt --poll line.
const findmntWait = 2 * time.Minute

// waitPolling waits until process pid sleeps in poll(2) or epoll_wait(2)
// (/proc/PID/wchan, proc(5)).
func waitPolling(b *testing.B, pid int) {
	wchan := "/proc/" + strconv.Itoa(pid) + "/wchan"
	for deadline := time.Now().Add(findmntWait); ; time.Sleep(10 * time.Millisecond) {
		if w, err := os.ReadFile(wchan); err == nil && strings.Contains(string(w), "poll") {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("findmnt did not start polling within %s", findmntWait)
		}
	}
}

func reportPercentiles(b *testing.B, name string, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	p95 := d[(len(d)*95+99)/100-1]
	b.ReportMetric(ms(d[len(d)/2]), name+"-p50-ms")
	b.ReportMetric(ms(p95), name+"-p95-ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// syntheticTable is a mountinfo text of n bind mounts under one tmpfs, like the helper's.
func syntheticTable(n int) []byte {
	var b bytes.Buffer
	b.WriteString("1 0 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n")
	b.WriteString("2 1 0:40 / /tmp/BenchmarkReadParseDiff/001 rw,relatime - tmpfs nslab-helper rw,inode64\n")
	for i := 3; i <= n; i++ {
		fmt.Fprintf(&b, "%d 2 0:40 /b%d /tmp/BenchmarkReadParseDiff/001/b%d rw,relatime - tmpfs nslab-helper rw,inode64\n", i, i, i)
	}
	return b.Bytes()
}

// BenchmarkParse and BenchmarkDiff split the work without root, for profiling.
func BenchmarkParse(b *testing.B) {
	data := syntheticTable(10000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDiff(b *testing.B) {
	table, err := Parse(bytes.NewReader(syntheticTable(10000)))
	if err != nil {
		b.Fatal(err)
	}
	other := shiftIDs(table)
	for b.Loop() {
		Diff(other, table)
	}
}

func BenchmarkChanges(b *testing.B) {
	table, err := Parse(bytes.NewReader(syntheticTable(10000)))
	if err != nil {
		b.Fatal(err)
	}
	newer := slices.Clone(table)
	newer[5000].Options = "ro,relatime"
	for b.Loop() {
		Changes(table, newer)
	}
}

// BenchmarkDifferOneChange is the hub's diff after one mount came or went on the host
// side (a new slice, as a Snapshot's table is): the ns side's order is kept and the host
// side's patched. BenchmarkDiff is the same tables diffed from nothing.
func BenchmarkDifferOneChange(b *testing.B) {
	table, err := Parse(bytes.NewReader(syntheticTable(10000)))
	if err != nil {
		b.Fatal(err)
	}
	other := shiftIDs(table)
	more := append(slices.Clone(other), other[len(other)-1])
	more[len(more)-1].ID, more[len(more)-1].Mountpoint = 99999, "/tmp/probe"
	hosts := [2][]Mount{slices.Clone(other), more}
	var d Differ
	i := 0
	for b.Loop() {
		i++
		d.Diff(hosts[i%2], table)
	}
}

// BenchmarkDifferAppend is the hub's diff after one mount was appended in place to the host
// side's table, as a table changed by mount events is after a mount: only the new mount's
// rows are diffed.
func BenchmarkDifferAppend(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			table, err := Parse(bytes.NewReader(syntheticTable(n)))
			if err != nil {
				b.Fatal(err)
			}
			other := shiftIDs(table)
			const room = 4096
			var d Differ
			var host []Mount
			fill := func() {
				host = append(make([]Mount, 0, len(other)+room), other...)
				d = Differ{}
				d.Diff(host, table)
			}
			fill()
			next := 1 << 30
			b.ResetTimer()
			for range b.N {
				if len(host) == cap(host) {
					b.StopTimer()
					fill()
					b.StartTimer()
				}
				m := other[len(other)-1]
				m.ID, m.Mountpoint = next, fmt.Sprintf("/tmp/probe%d", next)
				next++
				host = append(host, m)
				d.Diff(host, table)
			}
		})
	}
}
