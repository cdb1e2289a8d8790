package lab

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/nslab/nslab/lab/labtest"
)

func findingNamed(t *testing.T, fs []Finding, name string) Finding {
	t.Helper()
	for _, f := range fs {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no finding %q in %+v", name, fs)
	return Finding{}
}

func TestDoctorAsRoot(t *testing.T) {
	labtest.RequireRoot(t)
	before := realHostMountinfo(t)
	env := map[string]string{"TERM": "xterm-256color", "SHELL": "/bin/bash"}
	fs := Doctor(context.Background(), DoctorOptions{Env: func(k string) string { return env[k] }})
	for _, f := range fs {
		t.Logf("%v %s: %s %s", f.OK, f.Name, f.Detail, f.Fix)
		if f.Required && !f.OK {
			t.Errorf("required check failed on this machine: %+v", f)
		}
		if !f.OK && f.Fix == "" {
			t.Errorf("a failed check without a fix: %+v", f)
		}
	}
	probe := findingNamed(t, fs, "mount, tmpfs and pivot_root in a namespace")
	if !strings.Contains(probe.Detail, "pivot_root work") {
		t.Errorf("probe: %+v", probe)
	}
	events := findingNamed(t, fs, "mount events")
	switch env := os.Getenv(MountEventsEnv); {
	case !kernelAtLeast(t, 6, 15):
	case env == "" && (!events.OK || !strings.HasPrefix(events.Detail, "fanotify")):
		t.Errorf("mount events on Linux ≥ 6.15: %+v", events)
	case env == "nofanotify" && (events.OK || !strings.HasPrefix(events.Detail, "mountinfo's POLLPRI + listmount")):
		t.Errorf("mount events on Linux ≥ 6.15 with %s=nofanotify: %+v", MountEventsEnv, events)
	}
	if after := realHostMountinfo(t); after != before {
		t.Fatalf("doctor changed the host's mount table:\n%s", after)
	}
}

func TestDoctorFindingsThatFail(t *testing.T) {
	env := map[string]string{"TERM": "dumb"}
	get := func(k string) string { return env[k] }
	fs := terminalFindings(DoctorOptions{Env: get})
	if c := fs[1]; c.OK || c.Fix == "" {
		t.Errorf("TERM=dumb: %+v", c)
	}
	env["NO_COLOR"] = "1"
	if c := terminalFindings(DoctorOptions{Env: get})[1]; !c.OK || !strings.Contains(c.Detail, "NO_COLOR") {
		t.Errorf("NO_COLOR: %+v", c)
	}
	if p := probeFinding(context.Background(), "", false); p.OK || !strings.Contains(p.Fix, "sudo") {
		t.Errorf("probe without root: %+v", p)
	}
	if e := mountEventsFinding("", false); e.OK || e.Required || !strings.Contains(e.Fix, "sudo") {
		t.Errorf("mount events without root: %+v", e)
	}
	t.Setenv(MountEventsEnv, "off")
	if e := mountEventsFinding("", true); e.OK || e.Required || !strings.Contains(e.Detail, "mountinfo") || e.Fix == "" {
		t.Errorf("mount events turned off: %+v", e)
	}
	if s := shellFinding(DoctorOptions{Shell: "/nonexistent/shell", Env: get}); s.OK || s.Fix == "" {
		t.Errorf("missing shell: %+v", s)
	}
	if r := rootfsFinding("/nonexistent-rootfs"); r.OK || !r.Required {
		t.Errorf("bad --rootfs: %+v", r)
	}
}

// With mount events turned off alone, doctor says the lab reads each mount or unmount alone
// by listmount and statmount, and what Linux ≥ 6.15 would add.
func TestDoctorMountEventsWithoutFanotify(t *testing.T) {
	labtest.RequireMachineRoot(t, "the probe mounts in a throwaway namespace")
	if !kernelAtLeast(t, 6, 11) {
		t.Skip("no statmount before Linux 6.11")
	}
	t.Setenv(MountEventsEnv, "nofanotify")
	f := mountEventsFinding("", true)
	if f.OK || !strings.HasPrefix(f.Detail, "mountinfo's POLLPRI + listmount + statmount (each mount or unmount read alone") ||
		!strings.Contains(f.Detail, "nofanotify") || !strings.Contains(f.Fix, "a remount would be read alone too") {
		t.Errorf("doctor with %s=nofanotify: %+v", MountEventsEnv, f)
	}
}
