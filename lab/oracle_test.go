package lab

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/lab/mnt"
)

// The oracle test: random commands from a grammar typed into both panes; after each one's
// end mark, the state the panels are drawn from equals what the kernel reports for the
// followed process (findmnt -N and readlink /proc/PID/ns/*). NSLAB_ORACLE_COMMANDS sets
// how many (bench/run.sh runs a longer one); the seeds are fixed, so a failure repeats.
// A third as many run again with every mount event late (the lab then finds mounts by
// listmount, or reads the table whole).
func TestPanelsAgreeWithTheKernel(t *testing.T) {
	n := 320
	if testing.Short() {
		n = 60
	}
	if v, err := strconv.Atoi(os.Getenv("NSLAB_ORACLE_COMMANDS")); err == nil && v > 0 {
		n = v
	}
	seed := int64(11)
	if v, err := strconv.ParseInt(os.Getenv("NSLAB_ORACLE_SEED"), 10, 64); err == nil {
		seed = v
	}
	t.Run("events", func(t *testing.T) { oracle(t, n, seed, false) })
	t.Run("late events", func(t *testing.T) { oracle(t, max(n/3, 1), seed+1, true) })
}

func oracle(t *testing.T, n int, seed int64, late bool) {
	l := startLab(t, Options{})
	l.hub.lateEvents.Store(late)
	rootfs, _, err := l.EnsureRootfs(context.Background())
	if err != nil {
		t.Fatalf("build the rootfs to chroot into: %v", err)
	}
	g := newGrammar(rand.New(rand.NewSource(seed)), rootfs)
	commands, comparisons := 0, 0
	for i := 0; i < n; i++ {
		r, cmd := g.next()
		res, err := l.Pane(r).Run(context.Background(), cmd, labtest.Patience)
		if err != nil || res.TimedOut {
			t.Fatalf("command %d in %s: %q: %v (timed out %v)\n%s", i, r, cmd, err, res.TimedOut, res.Output)
		}
		commands++
		st := settled(t, l)
		for _, s := range []Snapshot{st.Host, st.NS} {
			bad, k := compareWithKernel(t, s)
			comparisons += k
			if len(bad) > 0 {
				t.Fatalf("after command %d (seed %d) in %s, %q, following %s(%d) table of %d:\n%s\nthe commands so far:\n%s",
					i, seed, r, cmd, s.Comm, s.PID, s.TablePID, strings.Join(bad, "\n"), strings.Join(g.log, "\n"))
			}
		}
		// The rows the panel draws are the diff of the two tables it has, however the
		// hub's Differ came to them (kept, patched, or appended to).
		if want := mnt.Diff(st.Host.Mounts, st.NS.Mounts); len(want)+len(st.Diff) > 0 && !reflect.DeepEqual(st.Diff, want) {
			t.Fatalf("after command %d (seed %d) in %s, %q: the state's diff is not the diff of its tables:\n got %+v\nwant %+v", i, seed, r, cmd, st.Diff, want)
		}
	}
	t.Logf("%d commands, %d comparisons with the kernel, 0 mismatches (seed %d)", commands, comparisons, seed)
}

// grammar draws commands that a learner might type, keeping track of what each pane is in
// (nested shells, chroots) so that every command makes sense where it is typed.
type grammar struct {
	rng    *rand.Rand
	rootfs string
	stack  map[Role][]string // "bash" or "chroot" per nesting level
	n      int
	log    []string
}

func newGrammar(rng *rand.Rand, rootfs string) *grammar {
	return &grammar{rng: rng, rootfs: rootfs, stack: map[Role][]string{}}
}

func (g *grammar) pick(xs ...string) string { return xs[g.rng.Intn(len(xs))] }

// dir is one of a few mount points under /tmp/o, so commands meet each other's mounts.
func (g *grammar) dir() string { return fmt.Sprintf("/tmp/o/d%d", g.rng.Intn(6)) }

func (g *grammar) next() (Role, string) {
	g.n++
	r := Roles[g.rng.Intn(2)]
	st := g.stack[r]
	var cmd string
	inChroot := len(st) > 0 && st[len(st)-1] == "chroot"
	switch {
	case inChroot:
		switch g.rng.Intn(4) {
		case 0:
			cmd = "exit"
		default:
			d := fmt.Sprintf("/mnt/c%d", g.rng.Intn(3))
			cmd = g.pick("mkdir -p "+d+" && mount -t tmpfs c"+strconv.Itoa(g.n)+" "+d, "umount "+d, "umount -l "+d, "mount --make-shared "+d)
		}
	default:
		d, e := g.dir(), g.dir()
		switch k := g.rng.Intn(100); {
		case k < 14:
			cmd = fmt.Sprintf("mkdir -p %s && mount -t tmpfs o%d %s", d, g.n, d)
		case k < 22:
			cmd = fmt.Sprintf("mkdir -p %s %s && mount --bind %s %s", d, e, d, e)
		case k < 26:
			cmd = fmt.Sprintf("mkdir -p %s /tmp/o/r && mount --rbind %s /tmp/o/r", d, d)
		case k < 30:
			cmd = fmt.Sprintf("mkdir -p %s && mount --move %s %s", e, d, e)
		case k < 40:
			cmd = g.pick("umount ", "umount -l ") + g.pick(d, "/tmp/o/r", "/tmp/o")
		case k < 58:
			cmd = "mount --make-" + g.pick("r", "") + g.pick("shared", "slave", "private", "unbindable") + " " + g.pick(d, "/tmp/o", "/tmp", "/")
		case k < 64:
			cmd = "mount -o remount,bind," + g.pick("ro", "rw") + " " + d
		case k < 68:
			cmd = fmt.Sprintf("mkdir -p /tmp/o && mount -t tmpfs base%d /tmp/o", g.n)
		case k < 80 && len(st) < 3:
			cmd = "unshare " + g.pick("--mount", "--mount --propagation slave", "--mount --propagation shared", "--mount --propagation unchanged",
				"--pid --fork", "--uts", "--mount --uts") + " bash --norc -i"
			g.stack[r] = append(st, "bash")
		case k < 86 && len(st) < 3:
			cmd = "chroot " + g.rootfs + " /bin/sh"
			g.stack[r] = append(st, "chroot")
		case k < 94 && len(st) > 0:
			cmd = "exit"
		default:
			cmd = "findmnt -n " + d + " >/dev/null; true"
		}
	}
	if cmd == "exit" {
		g.stack[r] = st[:len(st)-1]
	}
	g.log = append(g.log, fmt.Sprintf("%s: %s", r, cmd))
	return r, cmd
}
