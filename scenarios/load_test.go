package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nslab/nslab/lab"
	"github.com/nslab/nslab/lab/mnt"
)

const validHead = `id: demo
title: {en: Demo, ko: 데모}
summary: {en: A demo., ko: 데모입니다.}
steps:
`

const validStep = `  - pane: host
    narration: {en: Mount it., ko: 마운트하세요.}
    command: mount -t tmpfs tmpfs /tmp/x
    checks:
      - exit: 0
`

func TestParseValid(t *testing.T) {
	src := `id: demo-2
title: {en: Demo, ko: 데모}
summary:
  en: A demo.
  ko: 데모입니다.
ns_pane: host
steps:
  - pane: ns
    narration: {en: "Look at {{rootfs}}.", ko: "{{rootfs}} 를 보세요."}
  - pane: host
    narration: {en: Mount., ko: 마운트.}
    command: |
      mount --bind {{rootfs}} {{rootfs}}
    timeout: 30s
    hint: {en: "Are you root?", ko: "root 인가요?"}
    checks:
      - exit: nonzero
      - output_contains: "{{token}}"
      - output_not_contains: nope
      - output_matches: '^ok$'
      - output_not_matches: '(?m)^x'
        label: {en: "no line starts with x", ko: "x로 시작하는 줄 없음"}
      - output_shows_ns: mnt
        pane: ns
      - mounted: "{{rootfs}}"
        pane: ns
        fstype: tmpfs
        source: labtmp
        root: /nslab/rootfs
        bind_of: "{{rootfs}}"
        options: ro,nosuid
        super_options: [rw]
      - not_mounted: /tmp/y
        fstype: proc
      - same_ns: uts
      - different_ns: mnt
      - propagation: slave
        target: /tmp
        pane: ns
        peer_with: host
      - visible: "{{canary}}"
      - not_visible: /escape{{canary}}
      - chrooted: false
      - root_is_mountpoint: true
      - mount_copy: true
      - pid_in_ns: 1
      - proc_is_own: true
`
	sc, err := Parse("demo.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if sc.ID != "demo-2" || sc.NSStart != StartHost || len(sc.Steps) != 2 || sc.File != "demo.yaml" {
		t.Fatalf("scenario = %+v", sc)
	}
	if sc.Title.In(KO) != "데모" || sc.Summary.In(EN) != "A demo." {
		t.Errorf("title/summary = %+v %+v", sc.Title, sc.Summary)
	}
	st := sc.Steps[1]
	if st.Command != "mount --bind {{rootfs}} {{rootfs}}" || st.Timeout != 30*time.Second || st.Hint.EN != "Are you root?" || st.Line != 10 {
		t.Errorf("step = %+v", st)
	}
	if st.DisplayOnly || sc.Steps[0].DisplayOnly {
		t.Errorf("steps without display_only are display-only: %+v", sc.Steps)
	}
	if sc.Steps[0].Timeout != DefaultTimeout || sc.Steps[0].Command != "" {
		t.Errorf("narration-only step = %+v", sc.Steps[0])
	}
	if len(st.Checks) != len(CheckKinds()) {
		t.Fatalf("got %d checks, want one of each kind (%d)", len(st.Checks), len(CheckKinds()))
	}
	for i, k := range CheckKinds() {
		if st.Checks[i].Kind != k {
			t.Errorf("check %d is %s, want %s", i, st.Checks[i].Kind, k)
		}
	}
	if c := st.Checks[5]; c.NSType != lab.NSMnt || c.Pane != lab.NS {
		t.Errorf("output_shows_ns check = %+v", c)
	}
	m := st.Checks[6]
	if m.Pane != lab.NS || m.FSType != "tmpfs" || m.Source != "labtmp" || m.Root != "/nslab/rootfs" ||
		m.BindOf != "{{rootfs}}" || strings.Join(m.Options, "|") != "ro|nosuid" || strings.Join(m.SuperOptions, "|") != "rw" {
		t.Errorf("mounted check = %+v", m)
	}
	if p := st.Checks[10]; p.Propagation != mnt.Slave || p.Path != "/tmp" || p.PeerWith != lab.Host || p.Pane != lab.NS {
		t.Errorf("propagation check = %+v", p)
	}
	if c := st.Checks[0]; !c.ExitNonZero || c.Pane != lab.Host || c.Line != 17 {
		t.Errorf("exit check = %+v", c)
	}
	if c := st.Checks[4]; c.Label.KO != "x로 시작하는 줄 없음" || c.Label.EN != "no line starts with x" {
		t.Errorf("output_not_matches check = %+v", c)
	}
	if c := st.Checks[8]; c.NSType != lab.NSUTS {
		t.Errorf("same_ns check = %+v", c)
	}
	if c := st.Checks[15]; !c.Want {
		t.Errorf("mount_copy check = %+v", c)
	}
	if c := st.Checks[16]; c.PID != 1 {
		t.Errorf("pid_in_ns check = %+v", c)
	}
}

// A display-only step with a kernel check loads, marked.
func TestParseDisplayOnly(t *testing.T) {
	src := validHead + `  - pane: host
    narration: {en: a, ko: b}
    command: findmnt /tmp/x
    display_only: true
    checks:
      - exit: 0
      - mounted: /tmp/x
`
	sc, err := Parse("display.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !sc.Steps[0].DisplayOnly {
		t.Errorf("step = %+v, want display-only", sc.Steps[0])
	}
}

// A refused step with its error and the state it left alone loads, marked.
func TestParseRefused(t *testing.T) {
	src := validHead + `  - pane: host
    narration: {en: a, ko: b}
    command: pivot_root . old
    refused: true
    checks:
      - exit: nonzero
      - output_contains: Invalid argument
      - chrooted: false
`
	sc, err := Parse("refused.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !sc.Steps[0].Refused || sc.Steps[0].DisplayOnly {
		t.Errorf("step = %+v, want refused", sc.Steps[0])
	}
}

// The limits themselves are allowed: exit 0 and 255, a timeout of exactly MaxTimeout.
func TestParseLimits(t *testing.T) {
	src := validHead + `  - pane: host
    narration: {en: a, ko: b}
    command: "false"
    timeout: 10m
    checks:
      - exit: 255
      - exit: 0
`
	sc, err := Parse("limits.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	st := sc.Steps[0]
	if st.Timeout != MaxTimeout || st.Checks[0].Exit != 255 || st.Checks[1].Exit != 0 || st.Checks[0].ExitNonZero {
		t.Errorf("step = %+v", st)
	}
}

// Each broken file gives exactly this one-line error.
func TestParseErrors(t *testing.T) {
	step := func(extra string) string { return validHead + validStep + extra }
	check := func(c string) string {
		return validHead + validStep + "      - " + strings.ReplaceAll(c, "\n", "\n        ") + "\n"
	}
	tests := []struct {
		name, src, want string
	}{
		{"empty file", "", `bad.yaml:1: expected a scenario (id, title, summary, steps), found an empty file`},
		{"comment only", "# nothing\n", `bad.yaml:1: expected a scenario (id, title, summary, steps), found an empty file`},
		{"not a mapping", "- a\n- b\n", `bad.yaml:1: expected a scenario (a mapping), found a list`},
		{"syntax", "id: [a\n", `bad.yaml:1: expected valid YAML, found a syntax error: did not find expected ',' or ']'`},
		{"tab indent", "id: a\n\ttitle: x\n", `bad.yaml:2: expected valid YAML, found a syntax error: found a tab character that violates indentation`},
		{"two documents", validHead + validStep + "---\nid: b\n", `bad.yaml:10: expected one scenario per file, found a second YAML document`},
		{"alias", "id: &x demo\ntitle: *x\n", `bad.yaml:2: expected plain YAML, found an alias (*x); write the value out`},
		{"unknown top key", "idd: demo\n", `bad.yaml:1: expected a key of a scenario (id, title, summary, ns_pane, override, needs_root, steps), found "idd"`},
		{"duplicate key", "id: a\nid: b\n", `bad.yaml:2: expected each key once in a scenario, found "id" again (first on line 1)`},
		{"missing id", "title: {en: a, ko: b}\n", `bad.yaml:1: expected key "id" in the scenario, found none`},
		{"bad id", strings.Replace(validHead, "id: demo", "id: Demo_1", 1) + validStep, `bad.yaml:1: expected an id of lowercase letters, digits and dashes, found "Demo_1"`},
		{"id not text", strings.Replace(validHead, "id: demo", "id: [demo]", 1) + validStep, `bad.yaml:1: expected the scenario id (text), found a list`},
		{"missing ko", strings.Replace(validHead, "title: {en: Demo, ko: 데모}", "title: {en: Demo}", 1) + validStep, `bad.yaml:2: expected Korean text (ko) in title, found none`},
		{"missing en", strings.Replace(validHead, "summary: {en: A demo., ko: 데모입니다.}", "summary: {ko: 데모입니다.}", 1) + validStep, `bad.yaml:3: expected English text (en) in summary, found none`},
		{"empty ko", strings.Replace(validHead, "ko: 데모}", "ko: ''}", 1) + validStep, `bad.yaml:2: expected Korean text in title, found empty text`},
		{"title not a mapping", strings.Replace(validHead, "title: {en: Demo, ko: 데모}", "title: Demo", 1) + validStep, `bad.yaml:2: expected title (a mapping), found "Demo"`},
		{"other language", strings.Replace(validHead, "ko: 데모}", "ko: 데모, ja: デモ}", 1) + validStep, `bad.yaml:2: expected a key of title (en, ko), found "ja"`},
		{"bad ns_pane", "ns_pane: child\n" + validHead + validStep, `bad.yaml:1: expected ns_pane to be unshared or host, found "child"`},
		{"override not bool", "override: yes\n" + validHead + validStep, `bad.yaml:1: expected override (true or false), found "yes"`},
		{"steps not a list", validHead + "  pane: host\n", `bad.yaml:5: expected steps (a list), found a mapping`},
		{"empty steps", strings.TrimSuffix(validHead, "\n") + " []\n", `bad.yaml:4: expected at least one step, found an empty list`},
		{"null steps", validHead, `bad.yaml:4: expected steps (a list), found nothing (null)`},
		{"step not a mapping", validHead + "  - mount\n", `bad.yaml:5: expected step 1 (a mapping), found "mount"`},
		{"unknown step key", step("    cmd: ls\n"), `bad.yaml:10: expected a key of step 1 (narration, pane, command, checks, hint, timeout, display_only, refused), found "cmd"`},
		{"refused without nonzero exit", step("    refused: true\n"), `bad.yaml:10: expected a refused step 1 to have a command, exit: nonzero, a check of its output and a check of the kernel, found less`},
		{"refused without a kernel check", strings.Replace(step("    refused: true\n"), "exit: 0", "exit: nonzero\n      - output_contains: x", 1), `bad.yaml:11: expected a refused step 1 to have a command, exit: nonzero, a check of its output and a check of the kernel, found less`},
		{"display_only not bool", step("    display_only: yes\n"), `bad.yaml:10: expected display_only of step 1 (true or false), found "yes"`},
		{"display_only without a kernel check", step("    display_only: true\n"), `bad.yaml:10: expected a display_only step 1 to have a command and a check of the kernel (mounted, same_ns, …), found none`},
		{"missing pane", validHead + "  - narration: {en: a, ko: b}\n", `bad.yaml:5: expected key "pane" in step 1, found none`},
		{"missing narration", validHead + "  - pane: ns\n", `bad.yaml:5: expected key "narration" in step 1, found none`},
		{"bad pane", strings.Replace(step(""), "pane: host", "pane: left", 1), `bad.yaml:5: expected the pane of step 1 (host or ns), found "left"`},
		{"narration missing ko", validHead + "  - pane: ns\n    narration: {en: a}\n", `bad.yaml:6: expected Korean text (ko) in the narration of step 1, found none`},
		{"two-line command", validHead + "  - pane: ns\n    narration: {en: a, ko: b}\n    command: |\n      ls\n      pwd\n", `bad.yaml:7: expected the command of step 1 on one line (join with && or ;), found 2 lines`},
		{"empty command", validHead + "  - pane: ns\n    narration: {en: a, ko: b}\n    command: ''\n", `bad.yaml:7: expected the command of step 1, found empty text`},
		{"unknown placeholder", validHead + "  - pane: ns\n    narration: {en: a, ko: b}\n    command: ls {{root}}\n", `bad.yaml:7: expected a placeholder ({{workspace}}, {{rootfs}}, {{canary}}, {{token}}, {{nslab}}), found {{root}}`},
		{"unclosed placeholder", validHead + "  - pane: ns\n    narration: {en: a, ko: b}\n    command: ls {{rootfs\n", `bad.yaml:7: expected a placeholder closed with }}, found "{{rootfs"`},
		{"long unknown placeholder", validHead + "  - pane: ns\n    narration: {en: a, ko: b}\n    command: ls {{abcdefghijklmnopqrstuvwxyz0123456789}}\n",
			`bad.yaml:7: expected a placeholder ({{workspace}}, {{rootfs}}, {{canary}}, {{token}}, {{nslab}}), found {{abcdefghijklmnopqrstuvwxyz0123…}}`},
		{"pane a boolean", validHead + "  - pane: true\n    narration: {en: a, ko: b}\n", `bad.yaml:5: expected the pane of step 1 (host or ns), found the boolean true`},
		{"30-rune unknown placeholder", validHead + "  - pane: ns\n    narration: {en: a, ko: b}\n    command: ls {{abcdefghijklmnopqrstuvwxyz0123}}\n",
			`bad.yaml:7: expected a placeholder ({{workspace}}, {{rootfs}}, {{canary}}, {{token}}, {{nslab}}), found {{abcdefghijklmnopqrstuvwxyz0123}}`},
		{"empty placeholder", validHead + "  - pane: ns\n    narration: {en: a, ko: b}\n    command: ls {{}} {{rootfs\n",
			`bad.yaml:7: expected a placeholder ({{workspace}}, {{rootfs}}, {{canary}}, {{token}}, {{nslab}}), found {{}}`},
		{"unknown placeholder after a known one", validHead + "  - pane: ns\n    narration: {en: a, ko: b}\n    command: ls {{rootfs}}/{{roots}}\n",
			`bad.yaml:7: expected a placeholder ({{workspace}}, {{rootfs}}, {{canary}}, {{token}}, {{nslab}}), found {{roots}}`},
		{"placeholder in narration", validHead + "  - pane: ns\n    narration: {en: a, ko: '{{tok}}'}\n", `bad.yaml:6: expected a placeholder ({{workspace}}, {{rootfs}}, {{canary}}, {{token}}, {{nslab}}), found {{tok}}`},
		{"bad timeout", step("    timeout: soon\n"), `bad.yaml:10: expected a timeout such as 10s or 2m (at most 10m0s), found "soon"`},
		{"huge timeout", step("    timeout: 2h\n"), `bad.yaml:10: expected a timeout such as 10s or 2m (at most 10m0s), found "2h"`},
		{"zero timeout", step("    timeout: 0s\n"), `bad.yaml:10: expected a timeout such as 10s or 2m (at most 10m0s), found "0s"`},
		{"timeout just over", step("    timeout: 10m1s\n"), `bad.yaml:10: expected a timeout such as 10s or 2m (at most 10m0s), found "10m1s"`},
		{"hint missing en", step("    hint: {ko: 힌트}\n"), `bad.yaml:10: expected English text (en) in the hint of step 1, found none`},
		{"checks not a list", validHead + "  - pane: ns\n    narration: {en: a, ko: b}\n    checks: {exit: 0}\n", `bad.yaml:7: expected the checks of step 1 (a list), found a mapping`},
		{"label not text", check("output_matches: x\nlabel: x"), `bad.yaml:11: expected the label of a output_matches check (a mapping), found "x"`},
		{"label on a mount check", check("mounted: /x\nlabel: {en: a, ko: b}"), `bad.yaml:11: expected a key of a mounted check (mounted, pane, fstype, source, root, bind_of, options, super_options), found "label"`},
		{"check not a mapping", check("exit 0"), `bad.yaml:10: expected a check (a mapping such as {exit: 0}), found "exit 0"`},
		{"unknown check kind", check("mountd: /x"), `bad.yaml:10: expected a check kind (exit, output_contains, output_not_contains, output_matches, output_not_matches, output_shows_ns, mounted, not_mounted, same_ns, different_ns, propagation, visible, not_visible, chrooted, root_is_mountpoint, mount_copy, pid_in_ns, proc_is_own), found "mountd"`},
		{"two kinds", check("mounted: /x\nvisible: /x"), `bad.yaml:11: expected one check kind per check, found "mounted" and "visible"`},
		{"unknown check key", check("mounted: /x\nfs_type: tmpfs"), `bad.yaml:11: expected a key of a mounted check (mounted, pane, fstype, source, root, bind_of, options, super_options), found "fs_type"`},
		{"key of another kind", check("not_mounted: /x\nbind_of: /y"), `bad.yaml:11: expected a key of a not_mounted check (not_mounted, pane, fstype, source), found "bind_of"`},
		{"output check without command", validHead + "  - pane: ns\n    narration: {en: a, ko: b}\n    checks:\n      - output_contains: x\n", `bad.yaml:8: expected a command in a step with a output_contains check, found a step without one`},
		{"exit not a number", check("exit: zero"), `bad.yaml:10: expected an exit status (0 to 255) or nonzero, found "zero"`},
		{"exit out of range", check("exit: 256"), `bad.yaml:10: expected an exit status (0 to 255) or nonzero, found the number 256`},
		{"exit negative", check("exit: -1"), `bad.yaml:10: expected an exit status (0 to 255) or nonzero, found the number -1`},
		{"bad shows_ns type", check("output_shows_ns: mount"), `bad.yaml:10: expected a namespace type (mnt, pid, uts, ipc, net, user, cgroup, time, pid_for_children, time_for_children), found "mount"`},
		{"check with no keys", check("{}"), `bad.yaml:10: expected a check kind (exit, output_contains, output_not_contains, output_matches, output_not_matches, output_shows_ns, mounted, not_mounted, same_ns, different_ns, propagation, visible, not_visible, chrooted, root_is_mountpoint, mount_copy, pid_in_ns, proc_is_own), found no keys`},
		{"unknown placeholder in a source", check("mounted: /x\nsource: '{{nope}}'"), `bad.yaml:11: expected a placeholder ({{workspace}}, {{rootfs}}, {{canary}}, {{token}}, {{nslab}}), found {{nope}}`},
		{"exit quoted", check(`exit: "0"`), `bad.yaml:10: expected an exit status (0 to 255) or nonzero, found "0"`},
		{"bad regexp", check(`output_matches: "a(b"`), `bad.yaml:10: expected a regular expression (Go syntax), found "a(b": error parsing regexp: missing closing ): ` + "`a(b`"},
		{"empty output text", check(`output_contains: ""`), `bad.yaml:10: expected the text of a output_contains check, found empty text`},
		{"relative target", check("mounted: tmp/x"), `bad.yaml:10: expected the target of a mounted check to be an absolute path, found "tmp/x"`},
		{"target a list", check("mounted: [/x]"), `bad.yaml:10: expected the target of a mounted check (text), found a list`},
		{"bad check pane", check("visible: /x\npane: both"), `bad.yaml:11: expected the pane of a visible check (host or ns), found "both"`},
		{"bad ns type", check("same_ns: mount"), `bad.yaml:10: expected a namespace type (mnt, pid, uts, ipc, net, user, cgroup, time, pid_for_children, time_for_children), found "mount"`},
		{"bad propagation", check("propagation: public\ntarget: /x"), `bad.yaml:10: expected a propagation type (private, shared, slave, shared+slave, unbindable), found "public"`},
		{"propagation without target", check("propagation: shared"), `bad.yaml:10: expected key "target" in a propagation check, found none`},
		{"peer with itself", check("propagation: shared\ntarget: /x\npeer_with: host"), `bad.yaml:12: expected peer_with to name the other pane, found "host" (the checked pane)`},
		{"recursive and peer_with", check("propagation: shared\ntarget: /x\npeer_with: ns\nrecursive: true"), `bad.yaml:13: expected recursive or peer_with in a propagation check, found both`},
		{"recursive not bool", check("propagation: shared\ntarget: /x\nrecursive: all"), `bad.yaml:12: expected recursive of a propagation check (true or false), found "all"`},
		{"peer of private", check("propagation: private\ntarget: /x\npeer_with: ns"), `bad.yaml:12: expected peer_with only with shared, slave or shared+slave, found it with private`},
		{"pid zero", check("pid_in_ns: 0"), `bad.yaml:10: expected a process ID (1 or more) in a pid_in_ns check, found the number 0`},
		{"pid as text", check("pid_in_ns: one"), `bad.yaml:10: expected a process ID (1 or more) in a pid_in_ns check, found "one"`},
		{"bool as text", check("chrooted: yes"), `bad.yaml:10: expected the value of a chrooted check (true or false), found "yes"`},
		{"bool as number", check("mount_copy: 1"), `bad.yaml:10: expected the value of a mount_copy check (true or false), found the number 1`},
		{"empty options", check("mounted: /x\noptions: []"), `bad.yaml:11: expected the options of a mounted check (such as ro or [ro, nosuid]), found a list`},
		{"option not text", check("mounted: /x\noptions: [{ro: 1}]"), `bad.yaml:11: expected the options of a mounted check (text), found a mapping`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error for:\n%s", tt.src)
			}
			if err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Errorf("error is %T, want *LoadError", err)
			}
		})
	}
}

// Expand replaces the placeholders it knows and leaves the rest as written.
func TestExpand(t *testing.T) {
	ws := sampleWorkspace()
	for in, want := range map[string]string{
		"{{rootfs}}/x {{ token }}":     "/tmp/nslab/rootfs/x 0123456789abcdef",
		"a {{nope}} b {{nslab}}":       "a {{nope}} b /bin/nslab",
		"{{canary}}{{workspace}}":      "/tmp/nslab/canary/tmp/nslab",
		"open {{rootfs":                "open {{rootfs",
		"no placeholders":              "no placeholders",
		"{{unknown}} then {{rootfs}}.": "{{unknown}} then /tmp/nslab/rootfs.",
		"{{}}{{rootfs}}":               "{{}}/tmp/nslab/rootfs",
	} {
		if got := ws.Expand(in); got != want {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
	if got := ws.expandRegexp("^{{rootfs}}$"); got != `^/tmp/nslab/rootfs$` {
		t.Errorf("expandRegexp = %q", got)
	}
	if got := (Workspace{Dir: "/a.b"}).expandRegexp("{{workspace}}/x"); got != `/a\.b/x` {
		t.Errorf("expandRegexp quotes the value: %q", got)
	}
}

func TestLoadErrorIsOneLine(t *testing.T) {
	err := &LoadError{File: "a\nb.yaml", Line: 3, Msg: "x\ny"}
	if got := err.Error(); got != `a\nb.yaml:3: x\ny` {
		t.Errorf("got %q", got)
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func scenarioFile(id, title string, override bool) string {
	s := "id: " + id + "\ntitle: {en: " + title + ", ko: " + title + "}\nsummary: {en: s, ko: s}\n"
	if override {
		s += "override: true\n"
	}
	return s + "steps:\n  - pane: ns\n    narration: {en: n, ko: n}\n"
}

func TestLoadDir(t *testing.T) {
	builtin, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("adds new ids after the built-in ones, by file name", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{
			"b.yaml": scenarioFile("zeta", "Z", false), "a.yml": scenarioFile("alpha", "A", false),
			"notes.txt": "not a scenario", "c.yaml.bak": "id: [",
		})
		if err := os.Mkdir(filepath.Join(dir, "sub.yaml"), 0o755); err != nil {
			t.Fatal(err)
		}
		got, err := LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(builtin)+2 || got[len(builtin)].ID != "alpha" || got[len(builtin)+1].ID != "zeta" {
			t.Errorf("ids = %v", ids(got))
		}
		if got[len(builtin)].File != filepath.Join(dir, "a.yml") {
			t.Errorf("file = %s", got[len(builtin)].File)
		}
	})
	t.Run("override replaces in place", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"t.yaml": scenarioFile("tmpfs", "Mine", true)})
		got, err := LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(builtin) || got[3].ID != "tmpfs" || got[3].Title.EN != "Mine" || !got[3].Override {
			t.Errorf("got %v, title %q", ids(got), got[3].Title.EN)
		}
	})
	for _, tt := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"same id as a built-in one", map[string]string{"t.yaml": scenarioFile("tmpfs", "Mine", false)},
			`t.yaml:1: expected an id no built-in scenario has (or override: true to replace it), found "tmpfs" (built in as scenarios/04-tmpfs.yaml)`},
		{"override of nothing", map[string]string{"t.yaml": scenarioFile("tmpfz", "Mine", true)},
			`t.yaml:1: expected override: true only to replace a built-in scenario, found no built-in scenario "tmpfz"`},
		{"duplicate in the directory", map[string]string{"a.yaml": scenarioFile("mine", "A", false), "b.yaml": scenarioFile("mine", "B", false)},
			`b.yaml:1: expected a new scenario id, found "mine" again (first in DIR/a.yaml)`},
		{"a broken file", map[string]string{"a.yaml": "id: [\n"},
			`a.yaml:1: expected valid YAML, found a syntax error: did not find expected node content`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			_, err := LoadDir(dir)
			want := filepath.Join(dir, strings.ReplaceAll(tt.want, "DIR/", dir+"/"))
			if err == nil || err.Error() != want {
				t.Errorf("got  %v\nwant %s", err, want)
			}
		})
	}
	t.Run("missing directory", func(t *testing.T) {
		_, err := LoadDir(filepath.Join(t.TempDir(), "nope"))
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("got %v, want a not-exist error", err)
		}
	})
}

func ids(scs []Scenario) []string {
	var out []string
	for _, sc := range scs {
		out = append(out, sc.ID)
	}
	return out
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"en": EN, "ko": KO, "ko_KR.UTF-8": KO, "en_US.UTF-8": EN, " KO ": KO, "ko-KR": KO} {
		if got, err := ParseLang(in); err != nil || got != want {
			t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "C", "fr", "korean"} {
		if _, err := ParseLang(in); err == nil {
			t.Errorf("ParseLang(%q) accepted", in)
		}
	}
}

func TestSelectAndList(t *testing.T) {
	scs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Select(scs, "tmpfs", "ns-identity")
	if err != nil || len(got) != 2 || got[0].ID != "tmpfs" || got[1].ID != "ns-identity" {
		t.Errorf("Select = %v, %v", ids(got), err)
	}
	if _, err := Select(scs, "tmpfs", "nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "pid-proc") {
		t.Errorf("Select of an unknown id: %v", err)
	}
	list := List(scs[:2], KO)
	if len(list) != 2 || list[0].ID != "ns-identity" || list[0].Steps != len(scs[0].Steps) || list[0].Title != scs[0].Title.KO {
		t.Errorf("List = %+v", list)
	}
}

var errorShape = regexp.MustCompile(`^[^\n]+:[0-9]+: [^\n]+$`)

// FuzzLoad: whatever a file holds, Parse does not panic, and an error is one line that
// starts with file:line.
func FuzzLoad(f *testing.F) {
	entries, err := builtin.ReadDir(".")
	if err != nil || len(entries) == 0 {
		f.Fatalf("the built-in scenarios as seeds: %d files, %v", len(entries), err)
	}
	for _, e := range entries {
		b, err := builtin.ReadFile(e.Name())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(validHead + validStep))
	f.Add([]byte("id: &a x\ntitle: *a\n"))
	f.Add([]byte("- [a, {b: c}]\n"))
	f.Add([]byte("steps:\n  - checks:\n      - mounted: {{x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml:") || !errorShape.MatchString(err.Error()) {
				t.Fatalf("error not one line with file:line: %q", err)
			}
			return
		}
		if sc.ID == "" || len(sc.Steps) == 0 {
			t.Fatalf("accepted a scenario without id or steps: %+v", sc)
		}
	})
}
