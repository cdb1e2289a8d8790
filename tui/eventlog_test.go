package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/scenarios"
)

func TestEventLogLines(t *testing.T) {
	_, evs := changedState()
	var p logPanel
	for _, e := range evs {
		p.add(e)
	}
	d := englishData(sampleState(), nil)
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
		if got := p.text(d, en); got != want[i] {
			t.Errorf("entry %d: %q, want %q", i, got, want[i])
		}
	}
	// The filter keeps matching lines only, typed with plain spaces.
	for filter, want := range map[string]int{"NS ≠": 1, "status 130": 1, "pid 4400": 1, "/tmp": 4} {
		p.nav.filter = filter
		if got, _ := p.extent(d); got != want {
			t.Errorf("filter %q kept %d entries, want %d", filter, got, want)
		}
	}
}

// TestEventLogWraps: in a narrow panel an entry wraps under its text; every
// value (both inode numbers, the options before and after, the status) is
// on screen whole.
func TestEventLogWraps(t *testing.T) {
	_, evs := changedState()
	var p logPanel
	for _, e := range evs {
		p.add(e)
	}
	d := englishData(sampleState(), nil)
	const w = 38
	p.SetSize(w, 40)
	lines := p.lines(NewStyles(Dark, true), d, w, 40)
	text := ""
	for i, l := range lines {
		l = ansi.Strip(l)
		if cellWidth(l) > w {
			t.Errorf("line %d is %d cells, wider than the panel's %d: %q", i, cellWidth(l), w, l)
		}
		if strings.Contains(l, "…") {
			t.Errorf("line %d is cut: %q", i, l)
		}
		text += strings.TrimSpace(l) + " "
	}
	text = strings.ReplaceAll(text, nbsp, " ")
	for _, value := range []string{"/tmp/new_in_host", "4026532377", "4026532499", "ro,relatime", "status 130", "pid 4400"} {
		if !strings.Contains(text, value) {
			t.Errorf("%q is not on screen whole:\n%s", value, strings.Join(lines, "\n"))
		}
	}
	// Continuation lines sit under the text, not under the time.
	if !strings.HasPrefix(ansi.Strip(lines[1]), strings.Repeat(" ", logLead)) {
		t.Errorf("the second line of a wrapped entry is not indented under its text: %q", ansi.Strip(lines[1]))
	}
}

func TestEventLogBoundAndScroll(t *testing.T) {
	var p logPanel
	for i := range maxLogEntries + 50 {
		p.add(lab.Event{Time: fixedNow, Pane: lab.Host, Kind: lab.ShellStarted, PID: i + 1})
	}
	if len(p.entries) != maxLogEntries {
		t.Fatalf("%d entries kept, want the bound %d", len(p.entries), maxLogEntries)
	}
	if got := p.entries[0].ev.PID; got != 51 {
		t.Errorf("the oldest entry kept is pid %d, want 51 (the first 50 dropped)", got)
	}
	// Scrolled up, a new entry keeps the same lines in view.
	p.nav.offset = 5
	p.add(lab.Event{Time: fixedNow, Pane: lab.Host, Kind: lab.ShellStarted, PID: 2000})
	if p.nav.offset != 6 {
		t.Errorf("offset %d after a new entry, want 6", p.nav.offset)
	}
	d := englishData(sampleState(), nil)
	p.SetSize(60, 4)
	lines := p.lines(NewStyles(Dark, true), d, 60, 4)
	var got []string
	for _, l := range lines {
		got = append(got, strings.ReplaceAll(ansi.Strip(l), nbsp, " "))
	}
	// Six newer entries below, 992 earlier above: both said, and the two
	// entries in between shown.
	want := []string{
		"… 992 earlier",
		"09:26:53 host ● shell started (pid 1044)",
		"09:26:53 host ● shell started (pid 1045)",
		"… 6 later",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("scrolled up 6:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Scrolled to the top, the three oldest fill the panel above the mark
	// for the later ones: the most the reader can scroll is to them.
	if total, visible := p.extent(d); total != maxLogEntries || visible != 3 {
		t.Errorf("extent %d, %d; want %d entries, 3 at once", total, visible, maxLogEntries)
	}
	p.nav.scroll(maxLogEntries, maxLogEntries, 3)
	lines = p.lines(NewStyles(Dark, true), d, 60, 4)
	if top := strings.ReplaceAll(ansi.Strip(lines[0]), nbsp, " "); !strings.Contains(top, fmt.Sprintf("pid %d", 52)) {
		t.Errorf("scrolled to the top, the first line is %q, want the oldest entry (pid 52)", top)
	}
}

// TestEventLogNamesOtherNamespaces: a mount event in the namespace the pane
// follows reads as before; one in another namespace (a nested shell's, one
// the pane has left) names it, and leaves the mount panel's rows alone.
func TestEventLogNamesOtherNamespaces(t *testing.T) {
	s := sampleState()
	followedNS := s.NS.NS[lab.NSMnt]
	procMount := mount(300, 200, "/proc", "proc", "proc", private)
	tmp := s.NS.Mounts[5] // /tmp, in the table shown
	var p logPanel
	for _, e := range []lab.Event{
		{Time: fixedNow, Pane: lab.NS, Kind: lab.MountAdded, Mount: &procMount, MntNS: followedNS},
		{Time: fixedNow, Pane: lab.NS, Kind: lab.MountAdded, Mount: &procMount, MntNS: 4026532185},
		{Time: fixedNow, Pane: lab.NS, Kind: lab.MountRemoved, Mount: &tmp, MntNS: 4026532185},
		{Time: fixedNow, Pane: lab.NS, Kind: lab.MountAdded, Mount: &procMount}, // not placed by the lab
	} {
		p.add(e)
	}
	d := englishData(s, nil)
	want := []string{
		"09:26:53 ns + /proc proc proc",
		"09:26:53 ns + mnt:[4026532185] /proc proc proc",
		"09:26:53 ns − mnt:[4026532185] /tmp",
		"09:26:53 ns + /proc proc proc",
	}
	for i, en := range p.entries {
		if got := p.text(d, en); got != want[i] {
			t.Errorf("entry %d: %q, want %q", i, got, want[i])
		}
	}
	p.nav.filter = "4026532185"
	if got, _ := p.extent(d); got != 2 {
		t.Errorf("filtering by the namespace kept %d entries, want 2", got)
	}

	// The model marks no row for the other namespace's changes.
	m, fl := newTestModel(t, Options{})
	m.Update(labEventsMsg{events: []lab.Event{
		{Time: fixedNow, Pane: lab.NS, Kind: lab.MountRemoved, Mount: &tmp, MntNS: 4026532185},
	}, state: fl.State()})
	if len(m.hl.mounts) != 0 || len(m.hl.ghosts) != 0 {
		t.Errorf("a change in another namespace marked rows of the table shown: %v", m.hl.mounts)
	}
	if len(m.log.entries) != 1 {
		t.Errorf("%d log entries, want the change logged", len(m.log.entries))
	}
	m.Update(labEventsMsg{events: []lab.Event{
		{Time: fixedNow, Pane: lab.NS, Kind: lab.MountChanged, Mount: &tmp, Old: &tmp, MntNS: followedNS},
	}, state: fl.State()})
	if _, ok := m.hl.mounts[tmp.Key()]; !ok {
		t.Error("a change in the namespace shown marked no row")
	}
}

// TestEventLogKorean: the log's words follow --lang ko; a for-children link
// is named as the namespace panel names it (pid↓), which a narrow log keeps
// whole; a normal shell exit is no failure.
func TestEventLogKorean(t *testing.T) {
	_, evs := changedState()
	evs = append(evs,
		lab.Event{Time: evs[0].Time, Pane: lab.NS, Kind: lab.NamespaceChanged, NSType: lab.NSPIDForChildren, OldInode: 4026531835, NewInode: 4026532600, Comm: "unshare"},
		lab.Event{Time: evs[0].Time, Pane: lab.NS, Kind: lab.ShellExited, Status: 0})
	var p logPanel
	for _, e := range evs {
		p.add(e)
	}
	wd := wordsFor(scenarios.KO)
	d := panelData{state: sampleState(), wd: &wd}
	want := []string{
		"09:26:50 host + /tmp/new_in_host tmpfs tmpfs",
		"09:26:50 ns ~ /tmp/ns_only (rw,relatime → ro,relatime)",
		"09:26:50 host − /tmp",
		"09:26:50 ns − /tmp",
		"09:26:50 ns ≠ mnt 네임스페이스 4026532377 → 4026532499 (unshare)",
		"09:26:50 host ✗ 셸 종료 (상태 130)",
		"09:26:50 host ● 셸 시작 (PID 4400)",
		"09:26:50 ns ≠ pid↓ 네임스페이스 4026531835 → 4026532600 (unshare)",
		"09:26:50 ns ✓ 셸 종료",
	}
	if len(p.entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(p.entries), len(want))
	}
	for i, en := range p.entries {
		if got := p.text(d, en); got != want[i] {
			t.Errorf("entry %d: %q, want %q", i, got, want[i])
		}
	}
}
