package tui

import (
	"testing"

	"github.com/nslab/nslab/lab/mnt"
	"github.com/nslab/nslab/scenarios"
)

// TestRelation: the two copies of a mount relate as mount_namespaces(7)
// says, and only a difference that no copy starts with is a change.
func TestRelation(t *testing.T) {
	both := func(n int, m int) mnt.Propagation {
		return mnt.Propagation{Type: mnt.SharedSlave, PeerGroup: n, Master: m}
	}
	unbindable := mnt.Propagation{Type: mnt.Unbindable}
	wd := wordsFor(scenarios.EN)
	for _, tc := range []struct {
		name     string
		host, ns mnt.Propagation
		kind     relationKind
		text     string
		class    mnt.DiffClass
	}{
		{"a slave copy", shared(2), slaveOf(2), relNSSlave, "ns slave of 2", mnt.InBoth},
		{"the host side a slave of ns", slaveOf(2), shared(2), relHostSlave, "host slave of 2", mnt.InBoth},
		{"peers", shared(3), shared(3), relPeers, "peers", mnt.InBoth},
		{"slaves of one group", slave1, slave1, relBothSlaves, "both slaves of 1", mnt.InBoth},
		{"a private copy of a shared mount", shared(7), private, relApart, "not connected", mnt.InBoth},
		{"private on both sides", private, private, relApart, "not connected", mnt.InBoth},
		{"peer groups that parted", shared(4), shared(5), relApart, "not connected", mnt.InBoth},
		{"a private copy of an unbindable mount", unbindable, private, relApart, "not connected", mnt.InBoth},
		{"unbindable on both sides", unbindable, unbindable, relApart, "not connected", mnt.InBoth},
		{"a slave copy that is shared too", shared(2), both(5, 2), relNSSlave, "ns slave of 2", mnt.InBoth},
		{"slaves of different groups", slaveOf(3), slaveOf(5), relOdd, "≠ prop · not connected", mnt.Changed},
		{"a slave of another group", shared(4), slaveOf(9), relOdd, "≠ prop · not connected", mnt.Changed},
		{"unbindable against shared", unbindable, shared(2), relOdd, "≠ prop · not connected", mnt.Changed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := mnt.Diff([]mnt.Mount{mount(1, 0, "/m", "tmpfs", "m", tc.host)}, []mnt.Mount{mount(2, 0, "/m", "tmpfs", "m", tc.ns)})
			if len(rows) != 1 {
				t.Fatalf("%d rows, want the two copies matched", len(rows))
			}
			r := rows[0]
			if got := relate(r.Host, r.NS); got.kind != tc.kind {
				t.Errorf("relation %d, want %d", got.kind, tc.kind)
			}
			if got := shownClass(r); got != tc.class {
				t.Errorf("shown as %v, want %v", got, tc.class)
			}
			if got := relText(&wd, r); got != tc.text {
				t.Errorf("relation column %q, want %q", got, tc.text)
			}
		})
	}
	// Options that differ are a change whatever the relation.
	a, b := mount(1, 0, "/m", "tmpfs", "m", shared(2)), mount(2, 0, "/m", "tmpfs", "m", slaveOf(2))
	b.Options = "ro,relatime"
	r := mnt.Diff([]mnt.Mount{a}, []mnt.Mount{b})[0]
	if shownClass(r) != mnt.Changed || relText(&wd, r) != "≠ opts · ns slave of 2" {
		t.Errorf("a read-only slave copy shows as %v, %q; want changed, \"≠ opts · ns slave of 2\"", shownClass(r), relText(&wd, r))
	}
	if got, _ := optsText(r); got != "rw|ro,relatime" {
		t.Errorf("options %q, want what differs first: \"rw|ro,relatime\"", got)
	}
	// One side only: no relation.
	if got := relate(&a, nil); got.kind != relOneSide || relationText(&wd, got) != "" {
		t.Errorf("a mount on one side relates as %+v", got)
	}
}
