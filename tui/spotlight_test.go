package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
	"github.com/nslab/nslab/scenarios"
)

// withTables is s with new tables for both panes and their diff.
func withTables(s lab.State, host, ns []mnt.Mount) lab.State {
	s.Host.Mounts, s.NS.Mounts, s.Diff = host, ns, mnt.Diff(host, ns)
	return s
}

func addMount(ms []mnt.Mount, m mnt.Mount) []mnt.Mount {
	return append(append([]mnt.Mount(nil), ms...), m)
}

func dropMount(ms []mnt.Mount, point string) []mnt.Mount {
	var out []mnt.Mount
	for _, m := range ms {
		if m.Mountpoint != point {
			out = append(out, m)
		}
	}
	return out
}

func spotLines(l scenarios.Lang, before, after lab.State) []string {
	wd := wordsFor(l)
	return spotChanges(&wd, before, after)
}

// TestSpotChanges: the spotlight line says what a step changed in words,
// only what changed, and never calls a namespace different when it is now
// the other pane's.
func TestSpotChanges(t *testing.T) {
	base := sampleState()
	host, ns := base.Host.Mounts, base.NS.Mounts
	spot := mount(140, 105, "/tmp/spot", "tmpfs", "tmpfs", private)
	spotNS := spot
	spotNS.ID, spotNS.Parent = 240, 205
	ro := ns[len(ns)-2] // /tmp/shared_demo, ro in ns
	rw := ro
	rw.Options = "rw,relatime"

	unshared := base
	unshared.NS.NS = nsInodes(4026532499)
	joined := base
	joined.NS.NS = nsInodes(base.Host.NS[lab.NSMnt])
	chrooted := base
	chrooted.NS.Chrooted, chrooted.NS.Root = true, "/tmp/nslab/rootfs"
	forChildren := base
	forChildren.NS.NS = nsInodes(base.NS.NS[lab.NSMnt])
	forChildren.NS.NS[lab.NSPIDForChildren] = 4026532600

	for _, c := range []struct {
		name          string
		before, after lab.State
		en, ko        []string
	}{
		{"nothing", base, base, nil, nil},
		{"mounted in host", base, withTables(base, addMount(host, spot), ns),
			[]string{"/tmp/spot mounted in host"}, []string{"host에서 /tmp/spot 마운트됨"}},
		{"mounted on both sides at once (propagation)", base, withTables(base, addMount(host, spot), addMount(ns, spotNS)),
			[]string{"/tmp/spot mounted in host and ns"}, []string{"host와 ns에서 /tmp/spot 마운트됨"}},
		{"unmounted in ns", base, withTables(base, host, dropMount(ns, "/tmp/ns_only")),
			[]string{"/tmp/ns_only unmounted in ns"}, []string{"ns에서 /tmp/ns_only 언마운트됨"}},
		{"remounted read-write", base, withTables(base, host, append(dropMount(ns, "/tmp/shared_demo"), rw)),
			[]string{"/tmp/shared_demo remounted in ns, ro → rw"}, []string{"ns에서 /tmp/shared_demo 다시 마운트됨, ro → rw"}},
		{"a new mount namespace", base, unshared,
			[]string{"ns in a new mount namespace, mnt:[4026532499]"}, []string{"ns가 새 마운트 네임스페이스에 들어감 (mnt:[4026532499])"}},
		{"the host's mount namespace, not a different one", unshared, joined,
			[]string{"ns in the same mount namespace as host"}, []string{"ns가 host와 같은 마운트 네임스페이스에 들어감"}},
		{"chrooted", base, chrooted,
			[]string{"ns chrooted at /tmp/nslab/rootfs"}, []string{"ns가 /tmp/nslab/rootfs에 chroot됨"}},
		{"out of the chroot", chrooted, base,
			[]string{"ns's root is / again"}, []string{"ns의 루트가 /로 돌아옴"}},
		{"only the namespace that changed", base, forChildren,
			[]string{"ns has a new PID namespace for children, pid:[4026532600]"}, []string{"ns의 자식용 PID 네임스페이스가 새로 생김 (pid:[4026532600])"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := spotLines(scenarios.EN, c.before, c.after); strings.Join(got, "|") != strings.Join(c.en, "|") {
				t.Errorf("English: got %q, want %q", got, c.en)
			}
			if got := spotLines(scenarios.KO, c.before, c.after); strings.Join(got, "|") != strings.Join(c.ko, "|") {
				t.Errorf("Korean: got %q, want %q", got, c.ko)
			}
		})
	}
}

// TestSpotChangesLeaveOutANewNamespacesTable: after an unshare the ns
// pane's table is the new namespace's; its rows are not changes made to a
// table, and the one line about the namespace says what happened.
func TestSpotChangesLeaveOutANewNamespacesTable(t *testing.T) {
	base := sampleState()
	after := withTables(base, base.Host.Mounts, dropMount(base.NS.Mounts, "/tmp/ns_only"))
	after.NS.NS = nsInodes(4026532499)
	got := spotLines(scenarios.EN, base, after)
	if len(got) != 1 || !strings.HasPrefix(got[0], "ns in a new mount namespace") {
		t.Fatalf("got %q, want the new namespace alone", got)
	}
}

func TestOptionsDiff(t *testing.T) {
	for _, c := range [][4]string{
		{"rw,relatime", "ro,relatime", "rw", "ro"},
		{"rw,relatime", "rw,relatime,nosuid", "—", "nosuid"},
		{"rw,nosuid,nodev", "ro,nodev", "rw,nosuid", "ro"},
		{"rw,nodev", "nodev,rw", "rw,nodev", "nodev,rw"},
	} {
		if from, to := optionsDiff(c[0], c[1]); from != c[2] || to != c[3] {
			t.Errorf("optionsDiff(%q, %q) = %q, %q; want %q, %q", c[0], c[1], from, to, c[2], c[3])
		}
	}
}

// TestSpotlightLineWraps: a spotlight line longer than the bar wraps under
// itself where the bar has rows, and is cut and marked only where it has not.
func TestSpotlightLineWraps(t *testing.T) {
	sc := threeSteps(t, "    command: echo three\n")
	w := newWalkthrough(nil, []scenarios.Scenario{sc}, nil, scenarios.EN, nil, 0)
	w.phase = walkResult
	for _, st := range sc.Steps {
		w.steps = append(w.steps, stepText{narration: st.Narration, command: st.Command, pane: st.Pane})
	}
	w.results[0] = scenarios.StepResult{Ran: true}
	w.spot = "/tmp/nslab/prop/a mounted in host and ns · /tmp/nslab/prop/b mounted in host and ns · ns in a new mount namespace, mnt:[4026532499]"
	st := NewStyles(Dark, true)
	plain := func(lines []string) string { return ansi.Strip(strings.Join(lines, "\n")) }
	for _, l := range w.content(st, 60, 20) {
		if cellWidth(l) > 60 {
			t.Errorf("a line of %d cells in a 60-cell bar: %q", cellWidth(l), ansi.Strip(l))
		}
	}
	roomy := plain(w.content(st, 60, 20))
	if strings.Contains(roomy, "…") || !strings.Contains(strings.Join(strings.Fields(roomy), " "), "mnt:[4026532499]") {
		t.Errorf("with rows to spare the spotlight line is cut:\n%s", roomy)
	}
	if tight := plain(w.content(st, 60, 3)); !strings.Contains(tight, "★ changed: /tmp/nslab/prop/a") || !strings.HasSuffix(tight, "…") {
		t.Errorf("in three rows the spotlight's first line should stay, cut and marked:\n%s", tight)
	}
}

// TestSpotChangesManyAlike: mount --make-rshared / changes every mount
// under /; the spotlight says so once, with the count, not mount by mount.
func TestSpotChangesManyAlike(t *testing.T) {
	base := sampleState()
	ns := append([]mnt.Mount(nil), base.NS.Mounts...)
	for i := range ns {
		ns[i].Propagation = shared(20 + i)
	}
	after := withTables(base, base.Host.Mounts, ns)
	// Before, ns has seven private mounts and two slaves (/ and /run): the
	// seven changed alike, said once; the two slaves each.
	for lang, want := range map[scenarios.Lang][]string{
		scenarios.EN: {"/ propagation in ns, master:1 → shared:20", "propagation of 7 mounts in ns, private → shared", "/run propagation in ns, master:3 → shared:28"},
		scenarios.KO: {"ns에서 / 전파 바뀜, master:1 → shared:20", "ns에서 마운트 7개의 전파 바뀜, private → shared", "ns에서 /run 전파 바뀜, master:3 → shared:28"},
	} {
		if got := spotLines(lang, base, after); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: got %q, want %q", lang, got, want)
		}
	}
}
