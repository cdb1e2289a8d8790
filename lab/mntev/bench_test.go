package mntev

import (
	"os"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nslab/nslab/lab/mnt"
)

// Reading a table of n mounts in another namespace, whole (mountinfo, statmount) and one
// mount at a time: what one change costs on each path. Run with -bench and root
// (bench/mnt.sh); NSLAB_BENCH_MOUNTS sets n (default 10,000).
func BenchmarkRead(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("NSLAB_BENCH_MOUNTS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	h := startHelper(b, false)
	h.do(b, cmd("mount", "bench", dir, "tmpfs", "0", "size=64m"), cmd("binds", strconv.Itoa(n), dir))
	ns, err := NamespaceOf(h.pid)
	if err != nil {
		b.Fatal(err)
	}
	ids, err := ReadIDs(ns)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d mounts", len(ids))
	b.Run("mountinfo", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			if _, err := mnt.Read(h.pid); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("listmount", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			if _, err := ReadIDs(ns); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("statmount-table", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			if _, err := ReadTable(ns); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("statmount-one", func(b *testing.B) {
		one := ids[len(ids)/2 : len(ids)/2+1]
		defer cpuPerOp(b)()
		for b.Loop() {
			if found, _, err := ReadMounts(ns, one); err != nil || len(found) != 1 {
				b.Fatal(err)
			}
		}
	})
}

// cpuPerOp reports the CPU time (user and system, all threads) per operation: on a busy
// machine the wall time also counts the time spent waiting for a CPU.
func cpuPerOp(b *testing.B) func() {
	before := cpuTime()
	return func() {
		b.ReportMetric(float64(cpuTime()-before)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

func cpuTime() time.Duration {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Applying one changed mount to a table of n: the work the lab does per mount event
// besides the statmount read (a new table, copied, for the published state).
func BenchmarkTableApply(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			ms := make([]Mount, n)
			for i := range ms {
				ms[i] = tmount(uint64(1000+i), 10+i, "/m/"+strconv.Itoa(i))
			}
			tab := NewTable(Namespace{ID: 1})
			mounts := make([]mnt.Mount, n)
			ids := make([]uint64, n)
			for i := range ms {
				mounts[i], ids[i] = ms[i].Mount, ms[i].UniqueID
			}
			if err := tab.Load(mounts, ids); err != nil {
				b.Fatal(err)
			}
			next := uint64(1000 + n)
			defer cpuPerOp(b)()
			for b.Loop() {
				m := tmount(next, int(next), "/new")
				if _, exact := tab.Apply([]Mount{m}, []uint64{next - 1}); !exact {
					b.Fatal("not exact")
				}
				next++
			}
		})
	}
}
