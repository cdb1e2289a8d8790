package mntev

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/lab/mnt"
	"golang.org/x/sys/unix"
)

// fixture is a table with every kind of line the lessons make, under dir: tmpfs with
// options, a bind with a root inside its filesystem, a read-only bind (the two-step
// mount(8) does), shared, slave and unbindable mounts, stacked mounts, per-mount flags and
// atime modes, generic super block flags, and the characters mountinfo escapes (space,
// tab, backslash) in mount points and sources.
func fixture(dir string) [][]string {
	p := func(name string) string { return filepath.Join(dir, name) }
	hex := func(n uintptr) string { return "0x" + strconv.FormatUint(uint64(n), 16) }
	var c [][]string
	c = append(c,
		cmd("mount", "fixture", dir, "tmpfs", "0", "mode=0755,size=1m"),
		cmd("mkdir", p("src/sub")),
	)
	for _, d := range []string{"bind", "robind", "a b", "tab\there", `back\slash`, "stack", "shared", "slave", "unbindable", "flags", "strict", "sync"} {
		c = append(c, cmd("mkdir", p(d)))
	}
	c = append(c,
		cmd("bind", p("src/sub"), p("bind")),
		cmd("bind", p("src"), p("robind")),
		cmd("remount", p("robind"), hex(unix.MS_RDONLY)),
		cmd("mount", "spaced source", p("a b"), "tmpfs", "0", "size=64k"),
		cmd("mount", "tabbed\tsource", p("tab\there"), "tmpfs", "0", "size=64k"),
		cmd("mount", `back\source`, p(`back\slash`), "tmpfs", "0", "size=64k"),
		cmd("mount", "lower", p("stack"), "tmpfs", "0", "size=64k"),
		cmd("mount", "upper", p("stack"), "tmpfs", "0", "size=64k"),
		cmd("mount", "peers", p("shared"), "tmpfs", "0", "size=64k"),
		cmd("make", "shared", p("shared")),
		cmd("bind", p("shared"), p("slave")),
		cmd("make", "slave", p("slave")),
		cmd("mount", "alone", p("unbindable"), "tmpfs", "0", "size=64k"),
		cmd("make", "unbindable", p("unbindable")),
		cmd("mount", "flags", p("flags"), "tmpfs", hex(unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC|unix.MS_NOATIME|unix.MS_NODIRATIME|unix.MS_NOSYMFOLLOW), "size=64k,mode=0700"),
		cmd("mount", "strict", p("strict"), "tmpfs", hex(unix.MS_STRICTATIME), "size=64k"),
		cmd("mount", "sync", p("sync"), "tmpfs", hex(unix.MS_SYNCHRONOUS|unix.MS_DIRSYNC|unix.MS_LAZYTIME), "size=64k"),
	)
	return c
}

// requireEqual fails with every difference between a statmount table and mountinfo.
func requireEqual(t *testing.T, what string, got []Mount, want []mnt.Mount) {
	t.Helper()
	if diff := Compare(got, want); len(diff) > 0 {
		t.Fatalf("%s: statmount and mountinfo differ (%d mounts read, %d in mountinfo):\n%s", what, len(got), len(want), strings.Join(diff, "\n"))
	}
}

func mountAt(ms []Mount, point string) *Mount {
	for i := len(ms) - 1; i >= 0; i-- { // the top of a stack
		if ms[i].Mountpoint == point {
			return &ms[i]
		}
	}
	return nil
}

// The statmount table of this namespace equals the mountinfo parse field by field, in the
// same order.
// ownerOptions are the super options a tmpfs shows when its owner is not the machine's
// root (rootless tests).
var ownerOptions = regexp.MustCompile(`,uid=\d+,gid=\d+$`)

func TestReadTableOwnNamespace(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	dir := scratch(t)
	run(t, fixture(dir)...)
	ns, err := NamespaceOf(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if !ns.Own {
		t.Fatalf("NamespaceOf(self) = %+v, not marked as the caller's own", ns)
	}
	got, err := ReadTable(ns)
	if err != nil {
		t.Fatal(err)
	}
	want, err := mnt.Read(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	requireEqual(t, "this namespace", got, want)
	if d := Doubts(got, ns); d != "" {
		t.Errorf("doubts about a table statmount reads exactly: %s", d)
	}
	// A few lines spelled out, so that equal does not mean equally wrong.
	for _, c := range []struct{ point, options, vfs, optional, source, root string }{
		{"bind", "rw,relatime", "rw,size=1024k,mode=755", "", "fixture", "/src/sub"},
		{"robind", "ro,relatime", "rw,size=1024k,mode=755", "", "fixture", "/src"},
		{"flags", "ro,nosuid,nodev,noexec,noatime,nodiratime,nosymfollow", "ro,size=64k,mode=700", "", "flags", "/"},
		{"strict", "rw", "rw,size=64k", "", "strict", "/"},
		{"sync", "rw,relatime", "rw,sync,dirsync,lazytime,size=64k", "", "sync", "/"},
		{"a b", "rw,relatime", "rw,size=64k", "", "spaced source", "/"},
		{"tab\there", "rw,relatime", "rw,size=64k", "", "tabbed\tsource", "/"},
		{"unbindable", "rw,relatime", "rw,size=64k", "unbindable", "alone", "/"},
	} {
		m := mountAt(got, filepath.Join(dir, c.point))
		if m == nil {
			t.Errorf("no mount on %s", c.point)
			continue
		}
		vfs := m.VFSOptions
		if labtest.Rootless() {
			// A tmpfs made by a user other than the machine's root names its owner.
			vfs = ownerOptions.ReplaceAllString(vfs, "")
		}
		if m.Options != c.options || vfs != c.vfs || m.Optional != c.optional || m.Source != c.source || m.Root != c.root {
			t.Errorf("%s: options %q super %q optional %q source %q root %q; want %q %q %q %q %q",
				c.point, m.Options, m.VFSOptions, m.Optional, m.Source, m.Root, c.options, c.vfs, c.optional, c.source, c.root)
		}
	}
	shared, slave := mountAt(got, filepath.Join(dir, "shared")), mountAt(got, filepath.Join(dir, "slave"))
	if shared.Propagation.Type != mnt.Shared || slave.Propagation.Type != mnt.Slave || slave.Propagation.Master != shared.Propagation.PeerGroup {
		t.Errorf("shared %+v, slave %+v; want a slave of the shared mount's peer group", shared.Propagation, slave.Propagation)
	}
	var stack []string
	for _, m := range got {
		if m.Mountpoint == filepath.Join(dir, "stack") {
			stack = append(stack, m.Source)
		}
	}
	if strings.Join(stack, " ") != "lower upper" {
		t.Errorf("the stack on %s/stack reads %q, want lower then upper", dir, stack)
	}
	ids, err := ReadIDs(ns)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(ids) || len(ids) != len(got) {
		t.Errorf("listmount: %d IDs, sorted %v; %d mounts read", len(ids), slices.IsSorted(ids), len(got))
	}
}

// Another namespace, read from outside: the same table as its mountinfo, also after
// pivot_root; a chrooted process's mountinfo is not what statmount gives.
func TestReadTableAnotherNamespace(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	dir := scratch(t)
	h := startHelper(t, false)
	h.do(t, fixture(dir)...)
	ns, err := NamespaceOf(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	if ns.Own {
		t.Fatalf("the helper's namespace %+v is marked as this process's own", ns)
	}
	check := func(what string) []Mount {
		t.Helper()
		got, err := ReadTable(ns)
		if err != nil {
			t.Fatal(err)
		}
		want, err := mnt.Read(h.pid)
		if err != nil {
			t.Fatal(err)
		}
		requireEqual(t, what, got, want)
		if d := Doubts(got, ns); d != "" {
			t.Errorf("%s: doubts about a table statmount reads exactly: %s", what, d)
		}
		return got
	}
	before := check("another namespace")
	if own, err := ReadTable(Namespace{Own: true}); err == nil && mountAt(own, filepath.Join(dir, "a b")) != nil {
		t.Errorf("the helper's mount on %s/a b shows in this namespace", dir)
	}

	// A chroot into a plain directory: the helper's own mountinfo is empty (no mount under
	// its root), statmount still gives the namespace's table from its root.
	h.do(t, cmd("chroot", filepath.Join(dir, "src")))
	chrooted, err := mnt.Read(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	if len(chrooted) != 0 {
		t.Errorf("mountinfo of a process chrooted to a plain directory: %d mounts, want none", len(chrooted))
	}
	after, err := ReadTable(ns)
	if err != nil {
		t.Fatal(err)
	}
	if diff := Compare(after, mountsOf(before)); len(diff) > 0 {
		t.Errorf("statmount after the chroot differs from before it:\n%s", strings.Join(diff, "\n"))
	}
}

// After pivot_root the namespace's root is the new root, for mountinfo and statmount
// alike.
func TestReadTableAfterPivotRoot(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	dir := scratch(t)
	newRoot := filepath.Join(dir, "new")
	h := startHelper(t, false)
	h.do(t,
		cmd("mkdir", newRoot),
		cmd("mount", "newroot", newRoot, "tmpfs", "0", "size=64k"),
		cmd("mkdir", filepath.Join(newRoot, "old")),
		cmd("mkdir", filepath.Join(newRoot, "in side")),
		cmd("mount", "inside", filepath.Join(newRoot, "in side"), "tmpfs", "0", "size=64k"),
		cmd("pivot", newRoot, filepath.Join(newRoot, "old")),
	)
	ns, err := NamespaceOf(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadTable(ns)
	if err != nil {
		t.Fatal(err)
	}
	want, err := mnt.Read(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	requireEqual(t, "after pivot_root", got, want)
	if m := mountAt(got, "/"); m == nil || m.Source != "newroot" {
		t.Errorf("after pivot_root, / is %+v, want the new root", m)
	}
	if mountAt(got, "/in side") == nil || mountAt(got, "/old") == nil {
		t.Errorf("after pivot_root: no /in side or /old in %d mounts", len(got))
	}
	// Detach the old root as runc does: what is left is what mountinfo shows.
	h.do(t, cmd("lazy", "/old"))
	got, err = ReadTable(ns)
	if err != nil {
		t.Fatal(err)
	}
	want, err = mnt.Read(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	requireEqual(t, "after pivot_root and umount -l /old", got, want)
}

// propagate_from, which the kernel computes from the reader's root, reads as 0 from
// outside the namespace: Doubts says so, and that is the only difference.
func TestPropagateFromIsInvisibleFromOutside(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	dir := scratch(t)
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	// Here: a shared (group A); b a slave of A and shared itself (group B).
	run(t,
		cmd("mount", "base", dir, "tmpfs", "0", "size=64k"),
		cmd("mkdir", a), cmd("mkdir", b),
		cmd("mount", "chain", a, "tmpfs", "0", "size=64k"),
		cmd("make", "shared", a),
		cmd("bind", a, b),
		cmd("make", "slave", b),
		cmd("make", "shared", b),
	)
	// In a copy that keeps the peers: b made a slave of B, a group with no member there,
	// whose master A has one (the copy of a): mountinfo shows propagate_from:A.
	h := startHelper(t, true)
	h.do(t, cmd("make", "slave", b))
	ns, err := NamespaceOf(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadTable(ns)
	if err != nil {
		t.Fatal(err)
	}
	want, err := mnt.Read(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	var wantB *mnt.Mount
	for i := range want {
		if want[i].Mountpoint == b {
			wantB = &want[i]
		}
	}
	if wantB == nil || wantB.Propagation.PropagateFrom == 0 {
		t.Fatalf("the setup did not give %s a propagate_from in mountinfo: %+v", b, wantB)
	}
	diff := Compare(got, want)
	if len(diff) == 0 {
		t.Fatal("statmount from outside shows propagate_from: the kernel changed; revisit Doubts")
	}
	for _, d := range diff {
		if !strings.Contains(d, `on "`+b+`"`) || !(strings.Contains(d, "optional fields") || strings.Contains(d, "propagation")) {
			t.Errorf("a difference other than %s's propagate_from: %s", b, d)
		}
	}
	if d := Doubts(got, ns); !strings.Contains(d, "propagate_from") {
		t.Errorf("Doubts = %q, want a doubt about propagate_from", d)
	}
	// From inside its own namespace statmount gives it (the caller's root is there).
	ownB := mountAt(mustReadTable(t, Namespace{Own: true}), b)
	if ownB.Propagation.Type != mnt.SharedSlave || ownB.Optional != "shared:"+strconv.Itoa(ownB.Propagation.PeerGroup)+" master:"+strconv.Itoa(ownB.Propagation.Master) {
		t.Errorf("%s here: %+v %q", b, ownB.Propagation, ownB.Optional)
	}
}

// A mount made with an empty source: statmount reports no source, as for none, and
// Doubts says so.
func TestEmptySourceIsADoubt(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	dir := scratch(t)
	run(t, cmd("mount", "", dir, "tmpfs", "0", "size=64k"))
	ns := Namespace{Own: true}
	got := mustReadTable(t, ns)
	m := mountAt(got, dir)
	if m == nil || !m.NoSource {
		t.Fatalf("mount with source \"\": %+v, want NoSource", m)
	}
	if d := Doubts(got, ns); !strings.Contains(d, "no source") {
		t.Errorf("Doubts = %q, want a doubt about the source", d)
	}
	want, err := mnt.Read(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	diff := Compare(got, want)
	if len(diff) != 1 || !strings.Contains(diff[0], "source") {
		t.Errorf("want only the source to differ:\n%s", strings.Join(diff, "\n"))
	}
}

// A namespace that ended reads as ErrNamespaceGone.
func TestReadGoneNamespace(t *testing.T) {
	if !labtest.InNewNamespace(t) {
		return
	}
	h := startHelper(t, false)
	h.do(t, cmd("mkdir", "/tmp")) // answered: the helper runs
	ns, err := NamespaceOf(h.pid)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := ReadIDs(ns)
	if err != nil {
		t.Fatal(err)
	}
	h.stop()
	if _, err := ReadTable(ns); !errors.Is(err, ErrNamespaceGone) {
		t.Errorf("ReadTable of an ended namespace: %v, want ErrNamespaceGone", err)
	}
	if _, _, err := ReadMounts(ns, ids[:1]); !errors.Is(err, ErrNamespaceGone) {
		t.Errorf("ReadMounts of an ended namespace: %v, want ErrNamespaceGone", err)
	}
}

func mustReadTable(t *testing.T, ns Namespace) []Mount {
	t.Helper()
	got, err := ReadTable(ns)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func mountsOf(ms []Mount) []mnt.Mount {
	out := make([]mnt.Mount, len(ms))
	for i := range ms {
		out[i] = ms[i].Mount
	}
	return out
}
