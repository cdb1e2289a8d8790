package lab

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nslab/nslab/lab/labtest"
)

func TestInitialUIDMap(t *testing.T) {
	for _, tt := range []struct {
		m    string
		want bool
	}{
		{"         0          0 4294967295\n", true},
		{"         0      65534          1\n", false},
		{"         0       1000          1\n         1     100000      65536\n", false},
		{"", false},
	} {
		if got := isInitialUIDMap(tt.m); got != tt.want {
			t.Errorf("isInitialUIDMap(%q) = %v", tt.m, got)
		}
	}
}

func TestParseSubIDs(t *testing.T) {
	text := "alice:100000:65536\n1001:200000:0\n1001:300000:1000\nbob:x:1\n"
	for _, tt := range []struct {
		name string
		id   int
		want [2]uint64
		err  bool
	}{
		{"alice", 1000, [2]uint64{100000, 65536}, false},
		{"carol", 1001, [2]uint64{300000, 1000}, false}, // by number; an empty range skipped
		{"bob", 1002, [2]uint64{}, true},                // not a number
		{"dave", 1003, [2]uint64{}, true},
	} {
		got, err := parseSubIDs(strings.NewReader(text), tt.name, tt.id)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("%s: %v, %v", tt.name, got, err)
		}
	}
}

// The lab tests that matter most, again rootless: the test binary runs as nobody in a user
// namespace of its own (unshare -r, the one mapping nslab makes without subordinate IDs),
// where it is root and the lab starts as nslab's rootless child starts it. The panels must
// still agree with findmnt -N and /proc/PID/ns, mount events must reach them, and a killed
// lab must leave nothing.
func TestRootlessLab(t *testing.T) {
	labtest.RequireMachineRoot(t, "it becomes nobody, whom the tests' user namespace does not map")
	for _, prog := range []string{"setpriv", "unshare"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("%s is not installed (util-linux)", prog)
		}
	}
	if b, err := os.ReadFile("/proc/sys/user/max_user_namespaces"); err != nil || strings.TrimSpace(string(b)) == "0" {
		t.Skip("user namespaces are not available here (user.max_user_namespaces)")
	}
	// A copy nobody can run, and a home it owns.
	dir, cp := copyForNobody(t, "nslab-rootless-lab-")
	if err := os.Chown(dir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	tests := []string{"TestPanelsAgreeWithTheKernel", "TestNothingSurvivesNslab", "TestMountEventsCarryTheMount", "TestMountEventsReadOnlyTheChange", "TestPanesInDifferentMountNamespaces", "TestTmpfsInHostPaneStaysThere", "TestRootfsBuiltInTheWorkspace", "TestDoctorAsRoot"}
	args := []string{"--reuid", "65534", "--regid", "65534", "--clear-groups", "unshare", "-r", "--", cp,
		"-test.run", "^(" + strings.Join(tests, "|") + ")$", "-test.v"}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	cmd := exec.Command("setpriv", args...)
	cmd.Env = append(os.Environ(), "HOME="+dir, "NSLAB_KILL_ROUNDS=1")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("as nobody in a user namespace:\n%s", out)
	if err != nil {
		t.Fatalf("the rootless lab tests failed: %v", err)
	}
	for _, name := range tests {
		if !strings.Contains(string(out), "--- PASS: "+name) {
			t.Errorf("%s did not pass rootless", name)
		}
	}
}

// doctor's user namespace finding, fed each setting that refuses users their user
// namespace (nothing on this machine is changed).
func TestDoctorUserNamespaceFinding(t *testing.T) {
	files := map[string]string{}
	read := func(p string) (string, error) {
		if v, ok := files[p]; ok {
			return v, nil
		}
		return "", os.ErrNotExist
	}
	for _, tt := range []struct {
		name           string
		max, clone, aa string
		root, rootless bool
		ok, required   bool
		detail, fix    string
	}{
		{name: "allowed", max: "15000", ok: true, required: true, detail: "allows them for users"},
		{name: "max 0", max: "0", required: true, detail: "user.max_user_namespaces is 0", fix: "sysctl -w user.max_user_namespaces=15000"},
		{name: "Debian switch", max: "15000", clone: "0", required: true, detail: "kernel.unprivileged_userns_clone is 0", fix: "sysctl -w kernel.unprivileged_userns_clone=1"},
		{name: "Debian switch on", max: "15000", clone: "1", ok: true, required: true, detail: "allows them for users"},
		{name: "AppArmor", max: "15000", aa: "1", required: true, detail: "kernel.apparmor_restrict_unprivileged_userns is 1", fix: "AppArmor profile with the userns permission"},
		{name: "AppArmor off", max: "15000", aa: "0", ok: true, required: true, detail: "allows them for users"},
		// As root none of it stops the lab: said, not required.
		{name: "root, max 0", max: "0", root: true, required: false, detail: "only nslab without root needs them", fix: "sysctl -w user.max_user_namespaces=15000"},
		{name: "root, AppArmor", max: "15000", aa: "1", root: true, ok: true, required: false, detail: "only nslab without root needs them"},
		// Already in its own: whatever the settings say, it has one.
		{name: "rootless", max: "15000", rootless: true, ok: true, required: true, detail: "nslab runs in one now, and the lab in it"},
		{name: "rootless, AppArmor", max: "15000", aa: "1", rootless: true, ok: true, required: true, detail: "if the mount probe fails, give nslab a profile with the userns permission"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files = map[string]string{sysctlMaxUserNS: tt.max}
			if tt.clone != "" {
				files[sysctlUnprivClone] = tt.clone
			}
			if tt.aa != "" {
				files[sysctlAppArmorUserNS] = tt.aa
			}
			f := userNSFinding(readUserNSFacts(read, tt.root, tt.rootless))
			if f.OK != tt.ok || f.Required != tt.required || !strings.Contains(f.Detail, tt.detail) || !strings.Contains(f.Fix, tt.fix) {
				t.Errorf("got %+v", f)
			}
			if !f.OK && (f.Fix == "" || !strings.Contains(f.Fix, "sudo")) {
				t.Errorf("a refusal without the fix, or without sudo as the way round: %+v", f)
			}
		})
	}
}

// remountRO is the command that makes a tmpfs at path read-only. As root it remounts the
// file system; rootless that fails (EINVAL), as mount(8) passes back the uid= and gid= that
// mountinfo shows in the machine's IDs, which the user namespace does not map, so it sets
// the mount's own read-only flag instead. Either way the kernel sends no mount event and
// mountinfo's readers are woken.
func remountRO(path string) string {
	if labtest.Rootless() {
		return "mount -o remount,bind,ro " + path
	}
	return "mount -o remount,ro " + path
}
