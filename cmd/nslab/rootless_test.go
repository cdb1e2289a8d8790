package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nslab/nslab/lab/labtest"
	"github.com/nslab/nslab/scenarios"
	"golang.org/x/sys/unix"
)

// The rootless tests run the real binary as nobody (65534), which has no capability on
// this machine: nslab makes its own user namespace and runs the lab in it.

const nobodyID = 65534

// nobodyHome makes a home directory nobody owns, removed when the test ends.
func nobodyHome(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "nslab-rootless-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, nobodyID, nobodyID); err != nil {
		t.Fatal(err)
	}
	return dir
}

// requireRootless skips unless this machine lets nobody have a user namespace.
func requireRootless(t *testing.T) {
	t.Helper()
	labtest.RequireMachineRoot(t, "it becomes nobody, whom the tests' user namespace does not map")
	if b, err := os.ReadFile("/proc/sys/user/max_user_namespaces"); err != nil || strings.TrimSpace(string(b)) == "0" {
		t.Skip("user namespaces are not available here (user.max_user_namespaces)")
	}
	for _, f := range []string{"/proc/sys/kernel/unprivileged_userns_clone", "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"} {
		if b, err := os.ReadFile(f); err == nil && strings.TrimSpace(string(b)) == map[bool]string{true: "0", false: "1"}[strings.Contains(f, "clone")] {
			t.Skipf("%s forbids users their user namespaces here", f)
		}
	}
}

// runAsNobody runs the binary as nobody with home as HOME and working directory.
func runAsNobody(t *testing.T, home string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(nslabBin, args...)
	cmd.Dir = home
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + home, "LANG=C.UTF-8"}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyID, Gid: nobodyID}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	code := waitCode(t, cmd)
	return out.String(), errb.String(), code
}

// Every lesson runs rootless or is skipped with the reason its file gives; the handout is
// the user's own file; nothing of the lab is left.
func TestRootlessRunAll(t *testing.T) {
	requireRootless(t)
	before := mountTable(t)
	home := nobodyHome(t)
	md := filepath.Join(home, "handout.md")
	out, errs, code := runAsNobody(t, home, "run", "--all", "--markdown", md)
	if code != 0 {
		t.Fatalf("run --all as nobody: exit %d\n%s\n%s", code, out, errs)
	}
	scs, err := scenarios.Load()
	if err != nil {
		t.Fatal(err)
	}
	skipped := 0
	for _, sc := range scs {
		sect := section(out, sc.ID)
		if sect == "" {
			t.Errorf("the transcript has no section for %s", sc.ID)
			continue
		}
		if sc.NeedsRoot.IsZero() {
			if !strings.Contains(sect, "✓") {
				t.Errorf("%s ran no check rootless:\n%s", sc.ID, sect)
			}
			continue
		}
		skipped++
		if !strings.Contains(sect, "skipped, needs root: "+sc.NeedsRoot.EN) || strings.Contains(sect, "✓") {
			t.Errorf("%s needs root: it should be skipped, saying why:\n%s", sc.ID, sect)
		}
	}
	if skipped == 0 {
		t.Errorf("no lesson is marked as needing root; container-rootfs was")
	}
	if strings.Contains(out, "✗") {
		t.Errorf("a check failed rootless:\n%s", out)
	}
	if want := fmt.Sprintf("%d/%d passed; skipped (need root): ", len(scs)-skipped, len(scs)-skipped); !strings.Contains(out, want) {
		t.Errorf("the summary lacks %q:\n%s", want, out[max(0, len(out)-300):])
	}
	fi, err := os.Stat(md)
	if err != nil {
		t.Fatalf("the handout: %v", err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != nobodyID || st.Gid != nobodyID {
		t.Errorf("the handout is owned by %d:%d, not by the user who ran nslab (%d)", st.Uid, st.Gid, nobodyID)
	}
	if after := mountTable(t); !bytes.Equal(before, after) {
		t.Errorf("the machine's mount table changed:\n%s", after)
	}
	if left := processesOf(nslabBin); len(left) > 0 {
		t.Errorf("processes of nslab remain: %v", left)
	}
}

// section cuts one lesson's part out of a transcript.
func section(out, id string) string {
	i := strings.Index(out, "== "+id+" ")
	if i < 0 {
		return ""
	}
	rest := out[i+1:]
	if j := strings.Index(rest, "\n== "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// doctor as nobody says how the lab runs rootless, and tries it for real.
func TestRootlessDoctor(t *testing.T) {
	requireRootless(t)
	out, errs, code := runAsNobody(t, nobodyHome(t), "doctor")
	if code != 0 {
		t.Fatalf("doctor as nobody: exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"✓ privileges", "rootless: you are root in a user namespace of nslab's (uid 65534 → 0)",
		"✓ user namespaces", "✓ mount, tmpfs and pivot_root in a namespace",
		"subordinate IDs (rootless)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor as nobody lacks %q:\n%s", want, out)
		}
	}
	if kernelAtLeast(6, 15) && os.Getenv("NSLAB_MOUNT_EVENTS") != "off" && !strings.Contains(out, "✓ mount events                                 fanotify") {
		t.Errorf("rootless on Linux ≥ 6.15 the lab should follow mount events:\n%s", out)
	}
}

func kernelAtLeast(major, minor int) bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	var a, b int
	fmt.Sscanf(unix.ByteSliceToString(u.Release[:]), "%d.%d", &a, &b)
	return a > major || a == major && b >= minor
}

// refusedUserNS runs the binary as nobody inside a user namespace whose
// user.max_user_namespaces is 0 (a limit of that namespace only, user_namespaces(7)): as
// on a machine where users get no user namespace, without touching this machine's sysctl.
func refusedUserNS(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	home := nobodyHome(t)
	script := `echo 0 > /proc/sys/user/max_user_namespaces && exec setpriv --reuid 65534 --regid 65534 --clear-groups "$@"`
	cmd := exec.Command("/bin/sh", append([]string{"-c", script, "sh", nslabBin}, args...)...)
	cmd.Dir = home
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + home, "LANG=C.UTF-8"}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	ids := []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: nobodyID, HostID: nobodyID, Size: 1}}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: unix.CLONE_NEWUSER, UidMappings: ids, GidMappings: ids, GidMappingsEnableSetgroups: true,
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot make the test's user namespace: %v", err)
	}
	code := waitCode(t, cmd)
	return out.String(), errb.String(), code
}

// Where users get no user namespace, the lab commands say so in one sentence naming sudo
// (exit 3), and doctor says which setting refuses it and how to change it.
func TestRootlessRefused(t *testing.T) {
	requireRootless(t)
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv is not installed (util-linux)")
	}
	for _, args := range [][]string{{}, {"walkthrough"}, {"run", "--all"}} {
		out, errs, code := refusedUserNS(t, args...)
		if code != exitNotRoot || !strings.Contains(errs, "sudo") || out != "" {
			t.Errorf("nslab %v refused a user namespace: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
		assertOneSentence(t, errs)
	}
	out, _, code := refusedUserNS(t, "doctor")
	for _, want := range []string{"✗ privileges", "✗ user namespaces", "user.max_user_namespaces is 0", "fix: sysctl -w user.max_user_namespaces=15000", "not tried: needs root or a user namespace"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor without a user namespace lacks %q:\n%s", want, out)
		}
	}
	if code != exitFailed {
		t.Errorf("doctor without a user namespace: exit %d, want %d", code, exitFailed)
	}
	// What needs no namespace works as ever.
	if out, _, code := refusedUserNS(t, "scenarios"); code != 0 || !strings.Contains(out, "chroot-escape") {
		t.Errorf("scenarios: exit %d: %s", code, out)
	}
}

// The free-form lab as nobody: both panes are root of the lab's user namespace and work,
// the namespace panel shows a user namespace other than the machine's, and kill -9 of the
// nslab the user started leaves no process and no mount.
func TestRootlessLabAndKill9(t *testing.T) {
	requireRootless(t)
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv is not installed (util-linux)")
	}
	before := mountTable(t)
	home := nobodyHome(t)
	r := startTmux(t, 160, 48, fmt.Sprintf("cd %s && exec setpriv --reuid %d --regid %d --clear-groups env HOME=%s %s", home, nobodyID, nobodyID, home, nslabBin))
	r.waitScreen("both prompts", func(s string) bool {
		return strings.Contains(s, "[host] ~ #") && strings.Contains(s, "[ns] ~ #")
	})
	marker := fmt.Sprintf("rootless-%d", os.Getpid())
	r.runIn("id -u; mkdir -p /tmp/m && mount -t tmpfs "+marker+" /tmp/m && echo HOST-$((40+2))", "HOST-42")
	r.keys("M-Right")
	r.runIn("mount -t tmpfs "+marker+"-ns /mnt && echo NS-$((40+3))", "NS-43")
	// The panel's mount rows: the host pane's tmpfs and the ns pane's.
	r.waitScreen("both tmpfs in the mount panel", func(s string) bool {
		return strings.Contains(s, "/tmp/m") && strings.Contains(s, "/mnt")
	})
	// The window changes size: the terminal passes through, so nslab in the user namespace
	// gets SIGWINCH and the panes' terminals follow.
	size := func(word string) *regexp.Regexp { return regexp.MustCompile(`SIZE (\d+ \d+) ` + word) }
	r.keys("M-Left")
	before1 := size("first").FindStringSubmatch(r.runIn(`echo SI""ZE $(stty size) fi""rst`, "first"))
	r.tmux("resize-window", "-t", "e2e", "-x", "200", "-y", "60")
	r.keys("C-l")
	after1 := size("again").FindStringSubmatch(r.runIn(`echo SI""ZE $(stty size) ag""ain`, "again"))
	if before1 == nil || after1 == nil || before1[1] == after1[1] {
		t.Errorf("the host pane's size did not follow the window: before %v, after %v\n%s", before1, after1, r.screen())
	}
	outer := r.panePID()
	inner := childRunning(t, outer, nslabBin)
	userNS, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/user", inner))
	if err != nil {
		t.Fatal(err)
	}
	mine, _ := os.Readlink("/proc/self/ns/user")
	if userNS == mine {
		t.Fatalf("the lab's nslab is in the machine's user namespace (%s)", userNS)
	}
	// The namespace panel names the panes' user namespace: nslab's own.
	r.waitScreen("the user namespace in the panel", func(s string) bool {
		return strings.Contains(s, strings.TrimSuffix(strings.TrimPrefix(userNS, "user:["), "]"))
	})
	procs := append(labOf(t, inner), labtest.ProcOf(inner))
	if len(procs) < 3 {
		t.Fatalf("expected the init and two shells in the lab, found %v", procs)
	}
	if err := syscall.Kill(outer, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	took := labtest.WaitGone(t, procs, func() bool { return labtest.AnyMountinfoHas(marker) }, labtest.Patience)
	t.Logf("the rootless lab was gone %v after kill -9 of nslab", took.Round(time.Millisecond))
	if after := mountTable(t); !bytes.Equal(before, after) {
		t.Errorf("the machine's mount table changed:\n%s", after)
	}
}

// childRunning waits for a child of pid that runs the executable exe.
func childRunning(t *testing.T, pid int, exe string) int {
	t.Helper()
	deadline := time.Now().Add(labtest.Patience)
	for {
		if kids := childrenRunning(pid, exe); len(kids) > 0 {
			return kids[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no child of %d runs %s after %v", pid, exe, labtest.Patience)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Signals pass through the nslab the user started to the one in the user namespace:
// SIGTERM to the first ends the run as with root (exit 143, said once) and leaves no lab;
// Ctrl-C in the terminal reaches both, and the run exits 130. The lesson run sleeps, so
// the signal comes while its step runs.
func TestRootlessSignalsPassThrough(t *testing.T) {
	requireRootless(t)
	home := nobodyHome(t)
	lessons := filepath.Join(home, "lessons")
	if err := os.Mkdir(lessons, 0o755); err != nil {
		t.Fatal(err)
	}
	lesson := `id: wait
title: {en: Wait, ko: 기다림}
summary: {en: A step that sleeps., ko: 잠드는 단계입니다.}
steps:
  - pane: host
    narration: {en: Sleep., ko: 잠듭니다.}
    command: sleep 600
    timeout: 10m
`
	if err := os.WriteFile(filepath.Join(lessons, "wait.yaml"), []byte(lesson), 0o644); err != nil {
		t.Fatal(err)
	}
	// sleeping finds the sleep in the lab under the nslab the user started (outer).
	sleeping := func(outer int) []labtest.Proc {
		for _, inner := range childrenRunning(outer, nslabBin) {
			if init := labInitUnder(inner); init != 0 {
				procs := labtest.PIDNamespaceOf(init)
				for _, p := range procs {
					if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p.PID)); strings.TrimSpace(string(comm)) == "sleep" {
						return append(procs, labtest.ProcOf(inner))
					}
				}
			}
		}
		return nil
	}
	cmd := exec.Command(nslabBin, "run", "wait", "--scenarios", lessons)
	cmd.Dir = home
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + home, "LANG=C.UTF-8"}
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyID, Gid: nobodyID}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(labtest.Patience)
	var procs []labtest.Proc
	for procs = sleeping(cmd.Process.Pid); procs == nil; procs = sleeping(cmd.Process.Pid) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("waited %v for the sleep in the rootless lab; stdout %q, stderr %q", labtest.Patience, stdout.String(), stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code := waitCode(t, cmd)
	if code != 143 || stderr.String() != "nslab: interrupted by SIGTERM\n" {
		t.Errorf("SIGTERM: exit %d, stderr %q; want 143 and the signal said once", code, stderr.String())
	}
	labtest.WaitGone(t, procs, nil, labtest.Patience)

	// Ctrl-C from the terminal; the script outlives it (its trap) to say nslab's status.
	script := filepath.Join(home, "run.sh")
	body := fmt.Sprintf("#!/bin/sh\ntrap : INT\nsetpriv --reuid %d --regid %d --clear-groups env HOME=%s %s run wait --scenarios %s >/dev/null\necho \"status $?\"\nsleep 600\n",
		nobodyID, nobodyID, home, nslabBin, lessons)
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	r := startTmux(t, 120, 30, script)
	deadline = time.Now().Add(labtest.Patience)
	for procs = nil; procs == nil; {
		for _, outer := range childrenRunning(r.panePID(), nslabBin) {
			procs = sleeping(outer)
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for the sleep in the rootless lab; the screen:\n%s", labtest.Patience, r.screen())
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.keys("C-c")
	if s := r.waitFor("status "); !strings.Contains(s, "nslab: interrupted by SIGINT") || !strings.Contains(s, "status 130") || strings.Count(s, "interrupted") != 1 {
		t.Errorf("after Ctrl-C:\n%s", s)
	}
	labtest.WaitGone(t, procs, nil, labtest.Patience)
}

// childrenRunning lists the children of pid that run the executable exe (the nslab in
// the user namespace was started as /proc/self/exe: its comm is "exe").
func childrenRunning(pid int, exe string) []int {
	var out []int
	kids, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, k := range kids {
		b, _ := os.ReadFile(k)
		for _, f := range strings.Fields(string(b)) {
			c, _ := strconv.Atoi(f)
			if e, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", c)); err == nil && e == exe {
				out = append(out, c)
			}
		}
	}
	return out
}

// The walkthrough rootless, recorded: the lessons that need root are left out, the ones
// named run, F10 ends it, the recording is the user's own file, and the screen is back
// with the note of what was left out.
func TestRootlessWalkthroughRecorded(t *testing.T) {
	requireRootless(t)
	home := nobodyHome(t)
	cast := filepath.Join(home, "lab.cast")
	r := startTmux(t, 160, 48, fmt.Sprintf("cd %s && setpriv --reuid %d --regid %d --clear-groups env HOME=%s %s walkthrough tmpfs container-rootfs --record %s; echo \"status $?\"; sleep 600",
		home, nobodyID, nobodyID, home, nslabBin, cast))
	r.waitScreen("the walkthrough's first step", func(s string) bool {
		return strings.Contains(s, "[host] ~ #") && strings.Contains(s, "tmpfs")
	})
	if s := r.screen(); strings.Contains(s, "A container's root") {
		t.Errorf("the walkthrough shows container-rootfs, which needs root:\n%s", s)
	}
	r.keys("F10")
	// The script's own line, not a check's "exit status 0" on the walkthrough's screen.
	ended := regexp.MustCompile(`(?m)^status \d+`)
	deadline := time.Now().Add(labtest.Patience)
	for !ended.MatchString(r.screen()) {
		if time.Now().After(deadline) {
			t.Fatalf("F10 did not end the rootless walkthrough within %v:\n%s", labtest.Patience, r.screen())
		}
		if strings.Contains(r.screen(), "Quit and end the lab?") {
			r.keys("y")
		}
		time.Sleep(50 * time.Millisecond)
	}
	s := r.screen()
	if !strings.Contains(s, "\nstatus 0") || !strings.Contains(s, "left out container-rootfs, which needs root") {
		t.Errorf("after F10:\n%s", s)
	}
	fi, err := os.Stat(cast)
	if err != nil {
		t.Fatalf("the recording: %v", err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != nobodyID || fi.Size() == 0 {
		t.Errorf("the recording is owned by %d with %d bytes; want the user's (%d), not empty", st.Uid, fi.Size(), nobodyID)
	}
}
