package tui

import (
	"strings"
	"testing"

	"github.com/nslab/nslab/lab"
)

func TestEventLogLines(t *testing.T) {
	_, evs := changedState()
	var p logPanel
	for _, e := range evs {
		p.add(e)
	}
	want := []string{
		"09:26:50 host + /tmp/new_in_host tmpfs tmpfs",
		"09:26:50 ns ~ /tmp/ns_only (rw,relatime → ro,relatime)",
		"09:26:50 host − /tmp",
		"09:26:50 ns − /tmp",
		"09:26:50 ns ≠ mnt ns 4026532377 → 4026532499 (unshare)",
		"09:26:50 host ✗ shell exited, status 130",
		"09:26:50 host ● shell started (pid 4400)",
	}
	if len(p.entries) != len(want) {
		t.Fatalf("%d entries, want %d (process changes are left out)", len(p.entries), len(want))
	}
	for i, en := range p.entries {
		if got := p.text(en); got != want[i] {
			t.Errorf("entry %d: %q, want %q", i, got, want[i])
		}
	}
	// The filter keeps matching lines only.
	p.nav.filter = "NS ≠"
	if got := p.count(panelData{}); got != 1 {
		t.Errorf("filter kept %d entries, want 1", got)
	}
}

func TestEventLogBoundAndScroll(t *testing.T) {
	var p logPanel
	e := lab.Event{Time: fixedNow, Pane: lab.Host, Kind: lab.ShellStarted, PID: 1}
	for range maxLogEntries + 50 {
		p.add(e)
	}
	if len(p.entries) != maxLogEntries {
		t.Fatalf("%d entries kept, want the bound %d", len(p.entries), maxLogEntries)
	}
	// Scrolled up, a new entry keeps the same lines in view.
	p.nav.offset = 5
	p.add(e)
	if p.nav.offset != 6 {
		t.Errorf("offset %d after a new entry, want 6", p.nav.offset)
	}
	lines := p.lines(NewStyles(Dark, true), panelData{}, 60, 4)
	if len(lines) != 4 || !strings.Contains(lines[0], "shell started") {
		t.Errorf("lines %q", lines)
	}
}
