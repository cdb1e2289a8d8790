package lab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/lab/mnt"
)

// settled waits for a state read after every command that has ended so far, in both panes.
func settled(t *testing.T, l *Lab) State {
	t.Helper()
	want := l.EndMarks()
	return waitState(t, l, fmt.Sprintf("both panes read after end mark %d", want), func(s State) bool {
		return s.Host.Ends >= want && s.NS.Ends >= want
	})
}

func mountAtPoint(ms []mnt.Mount, target string) *mnt.Mount {
	var found *mnt.Mount
	for i := range ms {
		if ms[i].Mountpoint == target {
			found = &ms[i] // the last listed: on top, for the stacks made here
		}
	}
	return found
}

// Propagation changes wake nobody: the state shows them by the end of the command, and the
// event log has them.
func TestPropagationChangeShownByTheEndOfTheCommand(t *testing.T) {
	l := startLab(t, Options{})
	run(t, l, Host, "mkdir -p /tmp/x && mount -t tmpfs x /tmp/x")
	settled(t, l)
	drain(l)
	for _, c := range []struct {
		cmd  string
		want mnt.PropagationType
	}{
		{"mount --make-shared /tmp/x", mnt.Shared},
		{"mount --make-private /tmp/x", mnt.Private},
		{"mount --make-unbindable /tmp/x", mnt.Unbindable},
		{"mount --make-shared /tmp/x", mnt.Shared},
		// A shared mount made slave with no master to follow ends up private.
		{"mount --make-slave /tmp/x", mnt.Private},
	} {
		run(t, l, Host, c.cmd)
		st := settled(t, l)
		m := mountAtPoint(st.Host.Mounts, "/tmp/x")
		if m == nil || m.Propagation.Type != c.want {
			t.Fatalf("after %q the state shows %+v, want %s", c.cmd, m, c.want)
		}
	}
	changed := 0
	for len(l.Events()) > 0 {
		e := <-l.Events()
		if e.Kind == MountChanged && e.Mount.Mountpoint == "/tmp/x" {
			changed++
		}
	}
	if changed != 5 {
		t.Errorf("%d propagation changes logged for /tmp/x, want 5", changed)
	}
}

func readNS(t *testing.T, pid int, typ NSType) uint64 {
	t.Helper()
	link, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, typ))
	if err != nil {
		return 0
	}
	// "mnt:[4026531841]" (namespaces(7)); the for-children links name their base type.
	i, j := strings.IndexByte(link, '['), strings.IndexByte(link, ']')
	n, err := strconv.ParseUint(link[i+1:j], 10, 64)
	if err != nil {
		t.Fatalf("readlink /proc/%d/ns/%s: %q", pid, typ, link)
	}
	return n
}

// Every namespace type is followed, not only mnt: after unshare --pid --fork --uts the pid
// and uts rows differ from the host pane's and equal the kernel's.
func TestEveryNamespaceTypeIsFollowed(t *testing.T) {
	l := startLab(t, Options{})
	run(t, l, NS, "unshare --pid --fork --uts bash --norc -i")
	st := settled(t, l)
	if st.NS.Comm != "bash" {
		t.Fatalf("the ns pane follows %s(%d), want the nested bash", st.NS.Comm, st.NS.PID)
	}
	for _, typ := range []NSType{NSPID, NSUTS, NSPIDForChildren} {
		if st.NS.NS[typ] == st.Host.NS[typ] {
			t.Errorf("%s: ns %d equals host %d after unshare --pid --fork --uts", typ, st.NS.NS[typ], st.Host.NS[typ])
		}
	}
	for _, s := range []Snapshot{st.Host, st.NS} {
		for _, typ := range NSTypes {
			if got, want := s.NS[typ], readNS(t, s.PID, typ); got != want || want == 0 {
				t.Errorf("%s pane, %s: state %d, kernel %d", s.Pane, typ, got, want)
			}
		}
	}
}

// In a nested shell, mounts are logged with the nested namespace, and following stays on the
// nested shell and its commands: no namespace flips back and forth.
func TestNestedNamespaceChangesAreLoggedWithoutFlapping(t *testing.T) {
	l := startLab(t, Options{})
	run(t, l, Host, "unshare --mount bash --norc -i")
	st := settled(t, l)
	nested := st.Host.NS[NSMnt]
	drain(l)
	cmds := []string{
		"mkdir -p /tmp/n1 && mount -t tmpfs n1 /tmp/n1",
		// Not / itself: rootless, a bind of / without its locked submounts is refused.
		"mount --bind /tmp/n1 /mnt",
		"umount /tmp/n1",
		"true; true; ls / >/dev/null",
		"umount /mnt",
	}
	for _, c := range cmds {
		run(t, l, Host, c)
		// Read before the next command: a mount made and removed between two reads of a
		// busy machine's table is coalesced away, as the monitor means to.
		settled(t, l)
	}
	var added, removed []string
	for len(l.Events()) > 0 {
		e := <-l.Events()
		if e.Pane != Host {
			continue
		}
		switch e.Kind {
		case NamespaceChanged:
			t.Errorf("a namespace change while the nested shell ran its commands: %s %d → %d (%s)", e.NSType, e.OldInode, e.NewInode, e.Comm)
		case MountAdded, MountRemoved:
			if e.MntNS != nested {
				t.Errorf("%v %s logged in namespace %d, want the nested %d", e.Kind, e.Mount.Mountpoint, e.MntNS, nested)
			}
			if e.Kind == MountAdded {
				added = append(added, e.Mount.Mountpoint)
			} else {
				removed = append(removed, e.Mount.Mountpoint)
			}
		}
	}
	if fmt.Sprint(added) != "[/tmp/n1 /mnt]" || fmt.Sprint(removed) != "[/tmp/n1 /mnt]" {
		t.Errorf("logged + %v − %v, want + [/tmp/n1 /mnt] − [/tmp/n1 /mnt]", added, removed)
	}
}

// A chrooted shell with a mount inside its chroot: the state keeps the namespace's whole
// table (no mount "gone"), says where the root is and which mounts it reaches.
func TestChrootKeepsTheWholeTable(t *testing.T) {
	l := startLab(t, Options{})
	dir, _, err := l.EnsureRootfs(context.Background())
	if err != nil {
		t.Skipf("no rootfs to chroot into: %v", err)
	}
	run(t, l, Host, "mkdir -p "+dir+"/mnt/in && mount -t tmpfs inchroot "+dir+"/mnt/in")
	before := settled(t, l)
	drain(l)
	run(t, l, Host, "chroot "+dir+" /bin/sh")
	st := settled(t, l)
	s := st.Host
	if !s.Chrooted || s.Root != dir {
		t.Fatalf("following %s(%d): chrooted %v at %q, want chrooted at %s", s.Comm, s.PID, s.Chrooted, s.Root, dir)
	}
	if len(s.Mounts) != len(before.Host.Mounts) || mountAtPoint(s.Mounts, "/") == nil {
		t.Fatalf("the chrooted shell's state has %d mounts (before the chroot %d); want the namespace's whole table", len(s.Mounts), len(before.Host.Mounts))
	}
	in := mountAtPoint(s.Mounts, dir+"/mnt/in")
	if in == nil || !s.Reachable(*in) || s.Reachable(*mountAtPoint(s.Mounts, "/proc")) {
		t.Errorf("reachable: the chroot's own mount %v, /proc %v; want true, false", in != nil && s.Reachable(*in), s.Reachable(*mountAtPoint(s.Mounts, "/proc")))
	}
	for len(l.Events()) > 0 {
		if e := <-l.Events(); e.Kind == MountRemoved {
			t.Errorf("entering a chroot logged a mount as gone: %s", e.Mount.Mountpoint)
		}
	}
	// The kernel's own view from inside: only what is under the root, and all of it
	// reachable in the state.
	for _, k := range findmntRows(t, s.PID) {
		m := mountByID(s.Mounts, k.id)
		if m == nil || !s.Reachable(*m) {
			t.Errorf("the chrooted shell sees mount %d (%s) that the state does not mark reachable", k.id, k.target)
		}
	}
}

// kernelMount is one row of findmnt -N PID: the oracle, a parser nobody here wrote.
type kernelMount struct {
	id                                          int
	target, fstype, source, root, options, prop string
}

func findmntRows(t *testing.T, pid int) []kernelMount {
	t.Helper()
	out, err := exec.Command("findmnt", "-N", strconv.Itoa(pid), "-r", "-n", "-v",
		"-o", "ID,TARGET,FSTYPE,SOURCE,FSROOT,VFS-OPTIONS,PROPAGATION").Output()
	if err != nil {
		t.Fatalf("findmnt -N %d: %v", pid, err)
	}
	var rows []kernelMount
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) != 7 {
			if line != "" {
				t.Fatalf("findmnt -N %d: unexpected line %q", pid, line)
			}
			continue
		}
		id, err := strconv.Atoi(f[0])
		if err != nil {
			t.Fatalf("findmnt -N %d: unexpected line %q", pid, line)
		}
		rows = append(rows, kernelMount{id, unhex(f[1]), f[2], unhex(f[3]), unhex(f[4]), f[5], f[6]})
	}
	return rows
}

// unhex undoes findmnt -r's \xNN escapes.
func unhex(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if n, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func mountByID(ms []mnt.Mount, id int) *mnt.Mount {
	for i := range ms {
		if ms[i].ID == id {
			return &ms[i]
		}
	}
	return nil
}

// findmntPropagation writes a propagation the way findmnt's PROPAGATION column does.
func findmntPropagation(p mnt.Propagation) string {
	out := "private"
	if p.PeerGroup != 0 {
		out = "shared"
	}
	if p.Master != 0 {
		out += ",slave"
	}
	if p.Type == mnt.Unbindable {
		out += ",unbindable"
	}
	return out
}

// compareWithKernel lists every difference between a pane's snapshot and the kernel.
func compareWithKernel(t *testing.T, s Snapshot) (mismatches []string, compared int) {
	t.Helper()
	for _, typ := range NSTypes {
		compared++
		if got, want := s.NS[typ], readNS(t, s.PID, typ); got != want {
			mismatches = append(mismatches, fmt.Sprintf("%s: ns %s state %d, kernel %d", s.Pane, typ, got, want))
		}
	}
	rows := findmntRows(t, s.TablePID)
	if len(rows) != len(s.Mounts) {
		mismatches = append(mismatches, fmt.Sprintf("%s: %d mounts in the state, %d in findmnt -N %d", s.Pane, len(s.Mounts), len(rows), s.TablePID))
	}
	for _, k := range rows {
		compared++
		m := mountByID(s.Mounts, k.id)
		if m == nil {
			mismatches = append(mismatches, fmt.Sprintf("%s: mount %d %s missing from the state", s.Pane, k.id, k.target))
			continue
		}
		got := kernelMount{m.ID, m.Mountpoint, m.FSType, m.Source, m.Root, m.Options, findmntPropagation(m.Propagation)}
		if got != k {
			mismatches = append(mismatches, fmt.Sprintf("%s: state %+v, findmnt %+v", s.Pane, got, k))
		}
	}
	return mismatches, compared
}

// A command that prints nothing after it starts is still followed: its namespaces change
// after the fork, with no output to wake the monitor.
func TestSilentCommandIsFollowed(t *testing.T) {
	l := startLab(t, Options{})
	host := settled(t, l).Host
	p := l.Pane(Host)
	// The shell prints nothing once the command is accepted; sleep 0.5 keeps the unshare
	// from riding on the wake-up of that last output.
	if _, err := p.Write([]byte("sleep 0.5; unshare --uts --mount sleep 1000\r")); err != nil {
		t.Fatal(err)
	}
	st := waitState(t, l, "the silent sleep followed, in its own uts and mnt namespaces", func(s State) bool {
		return s.Host.Comm == "sleep" && s.Host.NS[NSUTS] != host.NS[NSUTS] && s.Host.NS[NSMnt] != host.NS[NSMnt]
	})
	if st.Host.NS[NSUTS] != readNS(t, st.Host.PID, NSUTS) {
		t.Fatalf("uts %d, kernel %d", st.Host.NS[NSUTS], readNS(t, st.Host.PID, NSUTS))
	}
	p.Write([]byte{3})
	if err := p.WaitPrompt(context.Background(), labtest.Patience); err != nil {
		t.Fatal(err)
	}
}
