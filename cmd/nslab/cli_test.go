package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/scenarios"
	"golang.org/x/sys/unix"
)

// The command line as a user meets it: versions, help per command and language, flags
// echoed as typed, exit codes by convention, files written whole or not at all.

func TestVersionText(t *testing.T) {
	for _, tt := range []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"a release", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.0"}}, true,
			"nslab v1.2.0 (go1.26.0)"},
		{"a checkout with changes", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.0.0-20261130-abcdef+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}, true,
			"nslab v0.0.0-20261130-abcdef+dirty (commit abcdef0123, modified; go1.26.0)"},
		{"a clean checkout", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-x"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abcdef0123"}, {Key: "vcs.modified", Value: "false"}}}, true,
			"nslab v0.0.0-x (commit abcdef0123)"},
		{"no version control", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}}, true,
			"nslab (devel) (no commit recorded: built outside a git checkout or with -buildvcs=false; go1.26.0)"},
		{"no build information", nil, false, "nslab (unknown version: built without module information)"},
	} {
		if got := versionText(tt.bi, tt.ok); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// --version and version print what the Go toolchain recorded in the binary, as
// `go version -m` reads it: the module version, the commit and its dirty flag.
func TestVersionOfTheBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "nslab")
	if out, err := exec.Command("go", "build", "-buildvcs=auto", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	meta, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	var version, rev, modified string
	for _, line := range strings.Split(string(meta), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 3 && f[0] == "mod":
			version = f[2]
		case len(f) >= 2 && f[0] == "build" && strings.HasPrefix(f[1], "vcs.revision="):
			rev = strings.TrimPrefix(f[1], "vcs.revision=")
		case len(f) >= 2 && f[0] == "build" && strings.HasPrefix(f[1], "vcs.modified="):
			modified = strings.TrimPrefix(f[1], "vcs.modified=")
		}
	}
	var outs []string
	for _, args := range [][]string{{"--version"}, {"version"}, {"--lang", "ko", "--version"}} {
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() != 0 {
			t.Fatalf("nslab %v: %v, stderr %q", args, err, stderr.String())
		}
		outs = append(outs, string(out))
	}
	got := outs[0]
	if outs[1] != got || outs[2] != got {
		t.Errorf("--version and version differ: %q", outs)
	}
	if !strings.HasPrefix(got, "nslab "+version+" ") || strings.Count(got, "\n") != 1 {
		t.Errorf("version line %q does not name the module version %q on one line", got, version)
	}
	if rev != "" && !strings.Contains(got, "commit "+rev) {
		t.Errorf("version line %q lacks the commit %s", got, rev)
	}
	if (modified == "true") != strings.Contains(got, ", modified") {
		t.Errorf("version line %q, but go version -m says vcs.modified=%q", got, modified)
	}
}

// Every command has its own help, also through `nslab help COMMAND`; the help follows
// --lang and LANG.
func TestHelpPerCommandAndLanguage(t *testing.T) {
	global, _, code := runNslab(t, nil, "--help")
	if code != 0 || global != helpText("", scenarios.EN) {
		t.Fatalf("nslab --help: exit %d:\n%s", code, global)
	}
	for _, command := range []string{"walkthrough", "scenarios", "run", "doctor", "version"} {
		want := helpText(command, scenarios.EN)
		if want == "" || want == global {
			t.Errorf("%s has no help of its own", command)
			continue
		}
		for _, args := range [][]string{{command, "--help"}, {command, "-h"}, {"--help", command}, {"help", command}} {
			out, errs, code := runNslab(t, nil, args...)
			if code != 0 || out != want || errs != "" {
				t.Errorf("nslab %v: exit %d, stderr %q, stdout:\n%s", args, code, errs, out)
			}
		}
		ko, _, _ := runNslab(t, nil, "--lang", "ko", command, "--help")
		if ko != helpText(command, scenarios.KO) || !strings.HasPrefix(ko, "사용법: ") || strings.Contains(ko, "Usage") {
			t.Errorf("nslab --lang ko %s --help:\n%s", command, ko)
		}
	}
	// LANG alone says Korean, as for the lessons.
	cmd := exec.Command(nslabBin, "run", "--help")
	cmd.Env = append(os.Environ(), "LANG=ko_KR.UTF-8", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=")
	if out, err := cmd.Output(); err != nil || string(out) != helpText("run", scenarios.KO) {
		t.Errorf("run --help with LANG=ko_KR.UTF-8: %v\n%s", err, out)
	}
	// Each help names every flag its command takes.
	for command, flags := range map[string][]string{
		"":            {"--lang", "--theme", "--rootfs", "--shell", "--scenarios", "--record", "--markdown", "--all", "--help", "--version"},
		"run":         {"--all", "--markdown", "--lang", "--scenarios", "--rootfs", "--shell"},
		"walkthrough": {"--lang", "--theme", "--scenarios", "--rootfs", "--shell", "--record"},
		"scenarios":   {"--lang", "--scenarios"},
		"doctor":      {"--shell", "--rootfs"},
	} {
		for _, lang := range []scenarios.Lang{scenarios.EN, scenarios.KO} {
			for _, f := range flags {
				if !strings.Contains(helpText(command, lang), f+" ") {
					t.Errorf("the %s help of %q does not name %s", lang, command, f)
				}
			}
		}
	}
	if _, errs, code := runNslab(t, nil, "help", "frobnicate"); code != exitUsage || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Errorf("help of an unknown command: exit %d, %q", code, errs)
	}
}

// A bad flag is shown as it was typed, and the help pointed at is the command's.
func TestFlagsEchoedAsTyped(t *testing.T) {
	for _, tt := range []struct{ args, want string }{
		{"--bogus", "unknown flag --bogus: try nslab --help"},
		{"-bogus", "unknown flag -bogus: try nslab --help"},
		{"run --bogus=1 tmpfs", "unknown flag --bogus: try nslab run --help"},
		{"walkthrough --lang", "flag --lang needs an argument: try nslab walkthrough --help"},
		{"run --all=maybe", `invalid value "maybe" for --all: try nslab run --help`},
		{"scenarios extra", `unexpected argument "extra": try nslab scenarios --help`},
	} {
		_, err := parseArgs(strings.Fields(tt.args), func(string) string { return "" })
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.args, err, tt.want)
		}
	}
	_, errs, code := runNslab(t, nil, "--bogus")
	if code != exitUsage || errs != "nslab: unknown flag --bogus: try nslab --help\n" {
		t.Errorf("nslab --bogus: exit %d, stderr %q", code, errs)
	}
}

// nslab scenarios speaks the language asked for: titles and the word for steps.
func TestScenariosListFollowsLang(t *testing.T) {
	scs, err := scenarios.Load()
	if err != nil {
		t.Fatal(err)
	}
	for lang, word := range map[scenarios.Lang]string{scenarios.EN: " steps  ", scenarios.KO: "단계  "} {
		out, _, code := runNslab(t, nil, "scenarios", "--lang", string(lang))
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		entries := scenarios.List(scs, lang)
		want := len(entries)
		for _, e := range entries {
			if e.NeedsRoot != "" {
				want++ // a line under its title says why it needs root
			}
		}
		if code != 0 || len(lines) != want {
			t.Fatalf("scenarios --lang %s: exit %d, %d lines for %d lessons:\n%s", lang, code, len(lines), len(scs), out)
		}
		i := 0
		for _, e := range entries {
			if !strings.HasPrefix(lines[i], e.ID+" ") || !strings.Contains(lines[i], word) || !strings.HasSuffix(lines[i], "  "+e.Title) {
				t.Errorf("--lang %s line %d: %q (want %s, %q and its title %q)", lang, i, lines[i], e.ID, word, e.Title)
			}
			i++
			if e.NeedsRoot != "" {
				if l := strings.TrimLeft(lines[i], " "); l != needsRootWord.In(lang)+e.NeedsRoot || !strings.HasPrefix(lines[i], "  ") {
					t.Errorf("--lang %s line %d: %q, want why %s needs root: %q", lang, i, lines[i], e.ID, e.NeedsRoot)
				}
				i++
			}
		}
		if lang == scenarios.KO && strings.Contains(out, "steps") {
			t.Errorf("the Korean list says steps:\n%s", out)
		}
	}
}

// tempFiles lists what output files left beside their target.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".*.nslab-*.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// An output file is written beside its target and renamed into place on commit; until
// then, and after an abort, the target is as it was.
func TestOutputFileCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "handout.md")
	if err := os.WriteFile(target, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	o, err := createOutput("--markdown", target)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(o, "new")
	if b, _ := os.ReadFile(target); string(b) != "old" {
		t.Fatalf("the target changed before commit: %q", b)
	}
	o.abort()
	if b, _ := os.ReadFile(target); string(b) != "old" || len(tempFiles(t, dir)) != 0 {
		t.Fatalf("after abort: target %q, temporary files %v", b, tempFiles(t, dir))
	}
	o, err = createOutput("--markdown", target)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(o, "new")
	if err := o.commit(); err != nil {
		t.Fatal(err)
	}
	o.abort() // deferred aborts after a commit do nothing
	fi, err := os.Stat(target)
	if b, _ := os.ReadFile(target); err != nil || string(b) != "new" || fi.Mode().Perm() != 0o640 || len(tempFiles(t, dir)) != 0 {
		t.Fatalf("after commit: %q, mode %v, temporary files %v", b, fi.Mode(), tempFiles(t, dir))
	}
	fresh := filepath.Join(dir, "fresh.cast")
	o, err = createOutput("--record", fresh)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.commit(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("a new file: %v, %v", fi, err)
	}
}

// A symbolic link (dangling or not), a directory or a device is refused, before anything
// starts, in one sentence; what the link points at is untouched.
func TestOutputPathsRefused(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.md")
	dangling := filepath.Join(dir, "dangling.md")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "tmpfs", "--markdown", link}, "--markdown " + link + ": is a symbolic link"},
		{[]string{"run", "tmpfs", "--markdown", dangling}, "--markdown " + dangling + ": is a symbolic link"},
		{[]string{"walkthrough", "--record", link}, "--record " + link + ": is a symbolic link"},
		{[]string{"--record", dir}, "--record " + dir + ": is a directory"},
		{[]string{"run", "--all", "--markdown", "/dev/null"}, "--markdown /dev/null: is not a regular file"},
		{[]string{"run", "--all", "--markdown", filepath.Join(dir, "no", "x.md")}, "the directory " + filepath.Join(dir, "no") + " does not exist"},
	} {
		out, errs, code := runNslab(t, nil, tt.args...)
		if code != exitUsage || out != "" || !strings.Contains(errs, tt.want) {
			t.Errorf("nslab %v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tt.args, code, out, errs, tt.want)
		}
		assertOneSentence(t, errs)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the link's target was written: %q", b)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); err == nil {
		t.Error("the dangling link's target was created")
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// A lab that cannot start leaves an existing handout as it was, and no temporary file.
func TestFailedStartLeavesTheOutputAlone(t *testing.T) {
	labtest.RequireRoot(t)
	dir := t.TempDir()
	md := filepath.Join(dir, "handout.md")
	if err := os.WriteFile(md, []byte("last week's handout"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"run", "tmpfs", "--markdown", md, "--rootfs", "/nonexistent"},
		{"run", "tmpfs", "--markdown", md, "--shell", "/nonexistent/sh"},
	} {
		_, errs, code := runNslab(t, nil, args...)
		if code == 0 {
			t.Errorf("nslab %v started", args)
		}
		assertOneSentence(t, errs)
	}
	fi, err := os.Stat(md)
	if b, _ := os.ReadFile(md); err != nil || string(b) != "last week's handout" || fi.Mode().Perm() != 0o600 {
		t.Errorf("the handout after failed starts: %q, %v", b, err)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A run ended by a signal exits 128+signal, says "interrupted by SIG…" once (never
// "context canceled"), leaves no lab process behind and puts what it wrote of the
// handout in place of the old one, with no temporary file left.
func TestSignalsEndARunByConvention(t *testing.T) {
	labtest.RequireRoot(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT} {
		t.Run(unix.SignalName(sig), func(t *testing.T) {
			dir := t.TempDir()
			md := filepath.Join(dir, "handout.md")
			if err := os.WriteFile(md, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(nslabBin, "run", "--all", "--markdown", md)
			cmd.Dir = "/"
			var stdout, stderr lockedBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(labtest.Patience)
			for !strings.Contains(stdout.String(), "-- 1/") {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("waited %v for the run's first step; stdout %q, stderr %q", labtest.Patience, stdout.String(), stderr.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			// Between lessons the lab is reset: an init may be starting; wait for it.
			var procs []labtest.Proc
			for init := labInitUnder(cmd.Process.Pid); len(procs) == 0; init = labInitUnder(cmd.Process.Pid) {
				if init != 0 {
					procs = labtest.PIDNamespaceOf(init)
				}
				if time.Now().After(deadline) {
					t.Fatalf("waited %v for the run's lab init; stdout %q", labtest.Patience, stdout.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			code := waitCode(t, cmd)
			if code != 128+int(sig) {
				t.Errorf("exit %d, want %d", code, 128+int(sig))
			}
			if want := "nslab: interrupted by " + unix.SignalName(sig) + "\n"; stderr.String() != want {
				t.Errorf("stderr %q, want %q", stderr.String(), want)
			}
			if strings.Contains(stdout.String()+stderr.String(), "context canceled") {
				t.Errorf("the run says context canceled:\n%s", stdout.String())
			}
			labtest.WaitGone(t, procs, func() bool { return false }, labtest.Patience)
			b, _ := os.ReadFile(md)
			if !strings.HasPrefix(string(b), "# nslab") {
				t.Errorf("the handout after the interrupted run: %q", b)
			}
			if left := tempFiles(t, dir); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// Ctrl-C in the terminal running nslab run: exit 130, "interrupted by SIGINT".
func TestCtrlCOfRunExits130(t *testing.T) {
	requireTmux(t)
	// The script outlives the Ctrl-C (its trap) to say nslab's status; nslab itself
	// starts with default signals whatever it inherits.
	script := filepath.Join(t.TempDir(), "run.sh")
	if err := os.WriteFile(script, []byte(fmt.Sprintf("#!/bin/sh\ntrap : INT\n%s run --all >/dev/null\necho \"status $?\"\nsleep 600\n", nslabBin)), 0o755); err != nil {
		t.Fatal(err)
	}
	r := startTmux(t, 120, 30, script)
	deadline := time.Now().Add(labtest.Patience)
	for {
		if ps := childrenNamed(r.panePID(), "nslab"); len(ps) > 0 && labInitUnder(ps[0]) != 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for nslab run's lab to start; the screen:\n%s", labtest.Patience, r.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.keys("C-c")
	s := r.waitFor("status ")
	if !strings.Contains(s, "nslab: interrupted by SIGINT") || !strings.Contains(s, "status 130") {
		t.Errorf("after Ctrl-C:\n%s", s)
	}
}

// childrenNamed lists the children of pid whose command is name.
func childrenNamed(pid int, name string) []int {
	var out []int
	kids, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, k := range kids {
		b, _ := os.ReadFile(k)
		for _, f := range strings.Fields(string(b)) {
			var c int
			fmt.Sscan(f, &c)
			if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", c)); strings.TrimSpace(string(comm)) == name {
				out = append(out, c)
			}
		}
	}
	return out
}

// labInitUnder is the lab init started by nslab pid (0: none yet).
func labInitUnder(nslab int) int {
	kids, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", nslab))
	for _, k := range kids {
		b, _ := os.ReadFile(k)
		for _, f := range strings.Fields(string(b)) {
			cmd, _ := os.ReadFile("/proc/" + f + "/cmdline")
			if strings.Contains(string(cmd), "__nslab-lab-init") {
				var pid int
				fmt.Sscan(f, &pid)
				return pid
			}
		}
	}
	return 0
}

// The lab's init killed from outside: the screen says the lab ended, Enter starts a fresh
// one whose prompt answers, and F10 still ends everything.
func TestE2ELabKilledUnderTheUI(t *testing.T) {
	requireTmux(t)
	before := mountTable(t)
	r := startLabInTmux(t, 160, 48)
	initPID := labInitOf(t, r.panePID())
	if err := unix.Kill(initPID, unix.SIGKILL); err != nil {
		t.Fatalf("kill the lab init %d: %v", initPID, err)
	}
	r.waitScreen("both panes saying the lab ended", func(s string) bool {
		return strings.Count(s, "lab ended: its init was killed") == 2 && strings.Contains(s, "enter: fresh lab")
	})
	r.keys("Enter")
	// A dead pane drops what is typed: wait for both shells of the fresh lab.
	r.waitScreen("the fresh lab's shells", func(s string) bool {
		for _, gone := range []string{"lab ended", "starting a fresh lab", "enter: new shell", "enter: fresh lab"} {
			if strings.Contains(s, gone) {
				return false
			}
		}
		return true
	})
	fresh := r.runIn("echo fresh-$((6*7))", "fresh-42")
	if strings.Contains(fresh, "broken pipe") || strings.Contains(fresh, "lab ended") {
		t.Errorf("after Enter:\n%s", fresh)
	}
	if now := labInitOf(t, r.panePID()); now == initPID {
		t.Errorf("the lab init is still %d", now)
	}
	r.quitAndCheck(before)
}

// labInitOf finds the lab init under nslab pid.
func labInitOf(t *testing.T, nslab int) int {
	t.Helper()
	pid := labInitUnder(nslab)
	if pid == 0 {
		t.Fatalf("no lab init under nslab %d", nslab)
	}
	return pid
}

// SIGTERM to the lab's screen: the terminal is given back, nslab says it was interrupted
// and exits 143, the lab is gone, and the recording so far replaces the old file whole.
func TestE2ESignalEndsTheScreenByConvention(t *testing.T) {
	requireTmux(t)
	dir := t.TempDir()
	cast := filepath.Join(dir, "class.cast")
	if err := os.WriteFile(cast, []byte("last week's recording"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A shell around nslab shows its status (tmux 3.3 clears a dead pane's screen).
	r := startTmux(t, 160, 48, fmt.Sprintf("sh -c '%s --record %s; echo \"exit $?\"; sleep 600'", nslabBin, cast))
	r.waitScreen("both prompts", func(s string) bool {
		return strings.Contains(s, "[host] ~ #") && strings.Contains(s, "[ns] ~ #")
	})
	if b, _ := os.ReadFile(cast); string(b) != "last week's recording" {
		t.Errorf("the old recording changed while the lab runs: %.60q", b)
	}
	nslab := childrenNamed(r.panePID(), "nslab")
	if len(nslab) != 1 {
		t.Fatalf("nslab processes under the pane's shell: %v", nslab)
	}
	procs := labOf(t, nslab[0])
	if err := unix.Kill(nslab[0], unix.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s := r.waitFor("exit ")
	if !strings.Contains(s, "nslab: interrupted by SIGTERM") || !strings.Contains(s, "exit 143") || strings.Contains(s, "context canceled") {
		t.Errorf("the terminal after SIGTERM:\n%s", s)
	}
	labtest.WaitGone(t, procs, func() bool { return false }, labtest.Patience)
	b, err := os.ReadFile(cast)
	if err != nil || !strings.HasPrefix(string(b), `{"version":2`) {
		t.Errorf("the recording after SIGTERM: %v %.80q", err, b)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// A scenario file past a bound stops nslab with exit 2 and one sentence naming the bound;
// a fifo named *.yaml does not hang it.
func TestScenarioBoundsThroughTheBinary(t *testing.T) {
	huge := t.TempDir()
	f, err := os.Create(filepath.Join(huge, "huge.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fifo := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(fifo, "pipe.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]string{
		huge: "huge.yaml:1: expected a scenario file of at most 1 MiB, found 50 MiB",
		fifo: "pipe.yaml:1: expected a regular file, found a fifo",
	} {
		for _, args := range [][]string{{"scenarios", "--scenarios", dir}, {"run", "--all", "--scenarios", dir}} {
			out, errs, code := runNslab(t, nil, args...)
			if code != exitUsage || out != "" || !strings.Contains(errs, want) {
				t.Errorf("nslab %v: exit %d, stdout %q, stderr %q; want exit 2 and %q", args, code, out, errs, want)
			}
			assertOneSentence(t, errs)
		}
	}
}

// nslab collects at GOGC=200 unless the environment sets the collector's pace itself.
func TestGCPace(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, c := range []struct {
		env  map[string]string
		want int
	}{
		{map[string]string{}, 200},
		{map[string]string{"GOGC": "50"}, 100},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, 100},
	} {
		debug.SetGCPercent(100)
		setGCPace(func(k string) string { return c.env[k] })
		if got := debug.SetGCPercent(100); got != c.want {
			t.Errorf("with %v the collector runs at %d, want %d", c.env, got, c.want)
		}
	}
}
