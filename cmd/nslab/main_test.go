package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/lab/signals"
	"github.com/nslab/nslab/scenarios"
)

// nslabBin is the real binary, built once for the tests that run it as a user would.
var nslabBin string

func TestMain(m *testing.M) {
	// What the tests start (labs, stand-ins, shells) gets default signals, also when the
	// suite runs under nohup or as a background job.
	if err := signals.Reset(); err != nil {
		fmt.Fprintln(os.Stderr, "reset signals:", err)
		os.Exit(2)
	}
	dir, err := os.MkdirTemp("", "nslab-bin-")
	if err != nil {
		panic(err)
	}
	os.Chmod(dir, 0o755) // the not-root test runs it as nobody
	nslabBin = filepath.Join(dir, "nslab")
	if out, err := exec.Command("go", "build", "-o", nslabBin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestParseArgs(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		args    string
		lang    string
		command string
		rest    string
		err     string
	}{
		{"", "en", "", "", ""},
		{"walkthrough tmpfs umount", "en", "walkthrough", "tmpfs umount", ""},
		{"--lang ko walkthrough", "ko", "walkthrough", "", ""},
		{"walkthrough --lang=ko tmpfs", "ko", "walkthrough", "tmpfs", ""},
		{"run --all", "en", "run", "", ""},
		{"run tmpfs --theme classroom", "en", "run", "tmpfs", ""},
		{"--help", "", "help", "", ""},
		{"doctor -h", "", "help", "", ""},
		{"run", "", "", "", "run needs scenario ids or --all"},
		{"run --all tmpfs", "", "", "", "not both"},
		{"walkthrough --all", "", "", "", "--all goes with run"},
		{"--markdown x.md", "", "", "", "--markdown goes with run"},
		{"run --all --record x.cast", "", "", "", "--record goes with the lab or walkthrough"},
		{"version", "", "version", "", ""},
		{"--version", "", "version", "", ""},
		{"help run", "", "help", "run", ""},
		{"frobnicate", "", "", "", `unknown command "frobnicate"`},
		{"--lang fr", "", "", "", `--lang "fr": use en or ko`},
		{"--theme neon", "", "", "", `--theme "neon"`},
		{"--bogus", "", "", "", "unknown flag"},
		{"doctor extra", "", "", "", `unexpected argument "extra"`},
		{"--lang", "", "", "", "flag --lang needs an argument"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			c, err := parseArgs(strings.Fields(tt.args), getenv)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("error is not one line: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.command != tt.command || strings.Join(c.args, " ") != tt.rest || (tt.lang != "" && string(c.lang) != tt.lang) {
				t.Fatalf("got command %q args %q lang %q", c.command, c.args, c.lang)
			}
		})
	}
}

func TestLangFromEnv(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "en"},
		{map[string]string{"LANG": "ko_KR.UTF-8"}, "ko"},
		{map[string]string{"LANG": "ko_KR.UTF-8", "LC_ALL": "C"}, "en"},
		{map[string]string{"LANGUAGE": "ko", "LANG": "en_US.UTF-8"}, "ko"},
	} {
		if got := langFromEnv(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.env, got, tt.want)
		}
	}
}

// waitCode waits for a started command (a hang fails the test, saying so) and returns its
// exit code; any other failure to wait fails the test.
func waitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	err := labtest.WaitExit(cmd, labtest.Patience)
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0
}

// runNslab runs the real binary and returns its stdout, stderr and exit code.
func runNslab(t *testing.T, cred *syscall.Credential, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(nslabBin, args...)
	cmd.Dir = "/"
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	code := waitCode(t, cmd)
	return out.String(), errb.String(), code
}

func assertOneSentence(t *testing.T, stderr string) {
	t.Helper()
	if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
		t.Fatalf("stderr is not one clear sentence:\n%s", stderr)
	}
}

func TestBadInputIsOneSentence(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("id: broken\ntitle: {en: x, ko: y}\nsummary: {en: x, ko: y}\nsteps:\n  - pane: sideways\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"frobnicate"},
		{"--lang", "xx"},
		{"run", "no-such-lesson"},
		{"scenarios", "--scenarios", dir},
		{"run", "--all", "--scenarios", dir},
		{"run", "tmpfs", "--rootfs", "/nonexistent"},
	} {
		out, errs, code := runNslab(t, nil, args...)
		if code != exitUsage || out != "" {
			t.Errorf("nslab %v: exit %d stdout %q stderr %q", args, code, out, errs)
		}
		assertOneSentence(t, errs)
	}
	_, errs, _ := runNslab(t, nil, "scenarios", "--scenarios", dir)
	if !strings.Contains(errs, "broken.yaml:5") {
		t.Errorf("a broken scenario file is named with its line: %q", errs)
	}
}

func TestRunAllPassesAndLeavesNothing(t *testing.T) {
	labtest.RequireRoot(t)
	before := mountTable(t)
	out, errs, code := runNslab(t, nil, "run", "--all")
	if code != 0 {
		t.Fatalf("run --all: exit %d\n%s\n%s", code, out, errs)
	}
	scs, err := scenarios.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scs {
		if !strings.Contains(out, "== "+sc.ID+" ") {
			t.Errorf("the transcript has no section for %s", sc.ID)
		}
	}
	if strings.Contains(out, "✗") {
		t.Errorf("a check failed:\n%s", out)
	}
	after := mountTable(t)
	if !bytes.Equal(before, after) {
		t.Errorf("the machine's mount table changed:\n%s", after)
	}
	// Every process of this binary (the lab's init runs as /proc/self/exe) is gone; other
	// packages' tests may run labs of their own meanwhile.
	if left := processesOf(nslabBin); len(left) > 0 {
		t.Errorf("processes of nslab remain: %v", left)
	}
}

// A teacher's lesson whose claim the kernel refutes fails, and says so.
func TestRunFailsWhenTheKernelDisagrees(t *testing.T) {
	labtest.RequireRoot(t)
	dir := t.TempDir()
	lesson := `id: wrong-claim
title: {en: A wrong claim, ko: 틀린 주장}
summary: {en: Claims a mount crosses namespaces, ko: 마운트가 넘어간다고 주장합니다}
steps:
  - pane: host
    narration: {en: Mount a tmpfs in host, ko: host 에서 tmpfs 를 마운트합니다}
    command: mkdir -p /tmp/claim && mount -t tmpfs claim /tmp/claim
    checks:
      - exit: 0
      - mounted: /tmp/claim
        pane: ns
`
	if err := os.WriteFile(filepath.Join(dir, "wrong.yaml"), []byte(lesson), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := runNslab(t, nil, "run", "wrong-claim", "--scenarios", dir)
	if code != exitFailed || !strings.Contains(out, "✗") || !strings.Contains(out, "/tmp/claim") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestRunWritesAMarkdownHandout(t *testing.T) {
	labtest.RequireRoot(t)
	md := filepath.Join(t.TempDir(), "handout.md")
	out, errs, code := runNslab(t, nil, "run", "tmpfs", "--lang", "ko", "--markdown", md)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{"# nslab 실습 기록", "## 1. ", "(`tmpfs`)", "### 단계 1/", "```console\n[host] # ", "- ✓ ", "**1/1 통과**"} {
		if !strings.Contains(got, want) {
			t.Errorf("handout lacks %q:\n%s", want, got)
		}
	}
	if _, _, code := runNslab(t, nil, "run", "tmpfs", "--markdown", "/nonexistent/dir/x.md"); code != exitUsage {
		t.Errorf("an unwritable handout path: exit %d", code)
	}
}

// processesOf lists the processes running the executable at path.
func processesOf(path string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == path {
			pid, _ := strconv.Atoi(e.Name())
			pids = append(pids, pid)
		}
	}
	return pids
}
