package lab

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/nslab/nslab/lab/mnt"
	"github.com/nslab/nslab/lab/rootfs"
	"golang.org/x/sys/unix"
)

// Finding is one line of `nslab doctor`.
type Finding struct {
	Name string
	OK   bool
	// Required findings that fail make doctor exit non-zero; the others only inform.
	Required bool
	Detail   string
	// Fix is one line saying what to do when !OK.
	Fix string
}

// DoctorOptions say what doctor looks at besides the kernel.
type DoctorOptions struct {
	// Exe is re-executed for the namespace probe ("" = /proc/self/exe).
	Exe string
	// Shell is the --shell flag; Rootfs the --rootfs flag.
	Shell, Rootfs string
	// TTY is the terminal nslab would draw on (nil when stdout is not a terminal).
	TTY *os.File
	// Env supplies TERM, COLORTERM, NO_COLOR and SHELL.
	Env func(string) string
}

// MinCols and MinRows are the smallest terminal the lab's screen fits.
const (
	MinCols = 80
	MinRows = 24
)

// Doctor checks this machine for what the lab needs.
func Doctor(ctx context.Context, o DoctorOptions) []Finding {
	if o.Env == nil {
		o.Env = os.Getenv
	}
	var fs []Finding
	root := CheckPrivileges() == nil
	rootless := root && InUserNS()
	realRoot := root && !rootless
	f := Finding{Name: "privileges", Required: true, OK: root}
	switch {
	case IsRootless():
		f.Detail = "rootless: you are root in a user namespace of nslab's (" + describeUIDMap() + "); the lab runs in it"
	case rootless:
		f.Detail = "root of a user namespace (" + describeUIDMap() + "): the lab runs rootless in it"
	case root:
		f.Detail = "root (CAP_SYS_ADMIN): namespaces and mounts are allowed"
	default:
		f.Detail = fmt.Sprintf("running as uid %d without CAP_SYS_ADMIN, and no user namespace could be made to run the lab rootless", os.Geteuid())
		f.Fix = "run nslab with sudo, or make user namespaces available (see user namespaces below)"
	}
	fs = append(fs, f)

	for _, t := range []struct {
		ns   NSType
		what string
	}{{NSMnt, "mount namespaces"}, {NSPID, "PID namespaces"}} {
		_, err := os.Stat("/proc/self/ns/" + string(t.ns))
		f := Finding{Name: t.what, Required: true, OK: err == nil}
		if err == nil {
			f.Detail = "the kernel has them (/proc/self/ns/" + string(t.ns) + ")"
		} else {
			f.Detail = "not in this kernel"
			f.Fix = "use a kernel built with CONFIG_" + map[NSType]string{NSMnt: "NAMESPACES", NSPID: "PID_NS"}[t.ns]
		}
		fs = append(fs, f)
	}
	fs = append(fs, userNSFinding(readUserNSFacts(readSysFile, realRoot, rootless)))
	if !realRoot {
		fs = append(fs, subIDFinding())
	}

	fs = append(fs, tmpfsFinding())
	fs = append(fs, probeFinding(ctx, o.Exe, root))
	fs = append(fs, mountEventsFinding(o.Exe, root))
	fs = append(fs, propagationFinding(rootless))
	fs = append(fs, shellFinding(o))
	fs = append(fs, rootfsFinding(o.Rootfs))
	fs = append(fs, terminalFindings(o)...)
	return fs
}

func tmpfsFinding() Finding {
	f := Finding{Name: "tmpfs", Required: true}
	b, err := os.ReadFile("/proc/filesystems")
	if err == nil && bytes.Contains(b, []byte("\ttmpfs\n")) {
		f.OK, f.Detail = true, "available (/proc/filesystems)"
	} else {
		f.Detail, f.Fix = "not listed in /proc/filesystems", "use a kernel with CONFIG_TMPFS"
	}
	return f
}

// mountEventsFinding says how the lab will follow mount tables: by mount events, reading
// only what changed (fanotify and statmount, Linux ≥ 6.15), or by re-reading mountinfo
// whole at each change. Tried for real in a throwaway namespace (mntev.Probe); either way
// the lab works.
func mountEventsFinding(exe string, root bool) Finding {
	f := Finding{Name: "mount events"}
	if !root {
		f.Detail, f.Fix = "not tried: needs root or a user namespace", "run nslab doctor with sudo, or make user namespaces available"
		return f
	}
	if os.Getenv(MountEventsEnv) == "off" {
		f.Detail = "mountinfo + POLLPRI: mount events turned off by " + MountEventsEnv + "=off"
		f.Fix = "unset " + MountEventsEnv + " to let the lab use them where the kernel has them"
		return f
	}
	r := probeMounts(exe)
	f.OK, f.Detail = r.Events(), r.String()
	switch {
	case r.Listed():
		f.Fix = "nothing needed, the lab works; with Linux ≥ 6.15's mount events a remount would be read alone too"
	case !f.OK:
		f.Fix = "nothing needed, the lab works; Linux ≥ 6.15 would read each mount change alone instead of the whole table"
	}
	return f
}

func propagationFinding(rootless bool) Finding {
	f := Finding{Name: "host / propagation", OK: true}
	ms, err := mnt.Read(os.Getpid())
	if err != nil {
		f.Detail = "cannot read /proc/self/mountinfo: " + err.Error()
		return f
	}
	for _, m := range ms {
		if m.Mountpoint == "/" {
			p := m.Propagation
			f.Detail = string(p.Type)
			if p.PeerGroup > 0 {
				f.Detail += fmt.Sprintf(" (shared:%d)", p.PeerGroup)
			}
			f.Detail += "; the lab makes its own / recursively slave, so lab mounts never reach the host"
			if rootless {
				f.Detail += "; rootless, the lab's copies of the host's mounts are locked, and shared ones come out as slaves"
			}
		}
	}
	return f
}

func shellFinding(o DoctorOptions) Finding {
	f := Finding{Name: "pane shell", Required: true}
	sh, err := ResolveShell(o.Shell, o.Env("SHELL"))
	if err != nil {
		f.Detail, f.Fix = err.Error(), "install bash, or pass --shell PATH"
		return f
	}
	f.OK = true
	kind := "POSIX sh (ENV rc)"
	if sh.Kind == ShellBash {
		kind = "bash (rcfile, PROMPT_COMMAND)"
	}
	f.Detail = sh.Path + ": " + kind + " with OSC 133 command marks"
	if base := filepath.Base(sh.Path); base == "zsh" || base == "fish" || base == "csh" || base == "tcsh" {
		f.OK = false
		f.Detail = sh.Path + ": not a bash or POSIX sh; scenarios cannot see its commands end"
		f.Fix = "pass --shell /bin/bash (or /bin/sh)"
	}
	return f
}

func rootfsFinding(user string) Finding {
	f := Finding{Name: "rootfs source", OK: true}
	if user != "" {
		info, err := rootfs.Build("", rootfs.Options{From: user})
		if err != nil {
			f.OK, f.Required = false, true
			f.Detail, f.Fix = err.Error(), "point --rootfs at a directory with an executable /bin/sh"
			return f
		}
		f.Detail = info.String()
		return f
	}
	if bb, ok := rootfs.FindBusybox(); ok {
		f.Detail = "busybox at " + bb + " (built in the lab's workspace on first need, no downloads)"
		return f
	}
	if _, err := exec.LookPath("sh"); err != nil {
		f.OK, f.Required = false, true
		f.Detail, f.Fix = "no busybox and no sh to copy", "install busybox-static or pass --rootfs DIR"
		return f
	}
	f.Detail = "host binaries and their libraries (no busybox; built in the lab's workspace on first need)"
	return f
}

func terminalFindings(o DoctorOptions) []Finding {
	size := Finding{Name: "terminal size", OK: true}
	if o.TTY == nil {
		size.Detail = "not a terminal (fine for `nslab run`; the lab's screen needs one)"
	} else if ws, err := unix.IoctlGetWinsize(int(o.TTY.Fd()), unix.TIOCGWINSZ); err != nil {
		size.Detail = "size unknown: " + err.Error()
	} else {
		size.Detail = fmt.Sprintf("%d×%d", ws.Col, ws.Row)
		if int(ws.Col) < MinCols || int(ws.Row) < MinRows {
			size.OK = false
			size.Detail += fmt.Sprintf(", smaller than the %d×%d the lab needs", MinCols, MinRows)
			size.Fix = "enlarge the window or lower the font size"
		}
	}
	colour := Finding{Name: "colours", OK: true}
	term, ct := o.Env("TERM"), o.Env("COLORTERM")
	switch {
	case o.Env("NO_COLOR") != "":
		colour.Detail = "NO_COLOR is set: no colour, symbols carry every state"
	case ct == "truecolor" || ct == "24bit":
		colour.Detail = "true colour (COLORTERM=" + ct + ")"
	case strings.Contains(term, "256color"):
		colour.Detail = "256 colours (TERM=" + term + ")"
	case term == "" || term == "dumb":
		colour.OK = false
		colour.Detail = "TERM is " + fmt.Sprintf("%q", term)
		colour.Fix = "run nslab in a terminal emulator (TERM=xterm-256color)"
	default:
		colour.Detail = "basic colours (TERM=" + term + "); --theme classroom reads well with few colours"
	}
	return []Finding{size, colour}
}

// ProbeCommand is the hidden first argument of the doctor's namespace probe.
const ProbeCommand = "__nslab-doctor-probe"

// IsProbe reports whether args ask for the doctor's probe.
func IsProbe(args []string) bool {
	return len(args) > 1 && args[1] == ProbeCommand
}

// probeFinding runs the probe in a throwaway mount and PID namespace: it proves mounts and
// pivot_root work here, and leaves nothing behind (the namespace dies with it).
func probeFinding(ctx context.Context, exe string, root bool) Finding {
	f := Finding{Name: "mount, tmpfs and pivot_root in a namespace", Required: true}
	if !root {
		f.Detail, f.Fix = "not tried: needs root or a user namespace", "run nslab doctor with sudo, or make user namespaces available"
		return f
	}
	if exe == "" {
		exe = "/proc/self/exe"
	}
	// Seconds at most, even on a busy machine; the bound only catches a hang.
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, ProbeCommand)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: unix.CLONE_NEWNS | unix.CLONE_NEWPID,
		Pdeathsig:  syscall.SIGKILL,
	}
	// The finding is the probe's last line on stdout; whatever else writes to stderr (a
	// coverage-instrumented binary does, on exit) is only shown when the probe failed.
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	runtime.LockOSThread() // Pdeathsig follows this thread
	out, err := cmd.Output()
	runtime.UnlockOSThread()
	line := strings.TrimSpace(lastLine(out))
	if err != nil {
		if line == "" { // it died before saying why: what it said on stderr
			line = strings.TrimSpace(lastLine(stderr.Bytes()))
		}
		f.Detail = "failed: " + line
		if line == "" {
			f.Detail = "failed: " + err.Error()
		}
		f.Fix = "check that this kernel allows mount namespaces for root (containers may forbid them)"
		return f
	}
	f.OK, f.Detail = true, line
	return f
}

func lastLine(b []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	last := ""
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			last = sc.Text()
		}
	}
	return last
}

// ProbeMain runs inside the probe's new namespaces: make / slave, mount a tmpfs, pivot into
// it and detach the old root, as the lessons will. It returns the exit code.
func ProbeMain() int {
	fail := func(op string, err error) int {
		fmt.Printf("%s: %v\n", op, err)
		return 1
	}
	// mount(2) MS_SLAVE|MS_REC: nothing done here reaches the host.
	if err := unix.Mount("", "/", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fail("make / rslave", err)
	}
	if err := unix.Mount("nslab-probe", "/tmp", "tmpfs", 0, "size=1m"); err != nil {
		return fail("mount tmpfs on /tmp", err)
	}
	newRoot := "/tmp/newroot"
	if err := os.MkdirAll(newRoot+"/old", 0o755); err != nil {
		return fail("mkdir", err)
	}
	// pivot_root(2) needs new_root to be a mount point whose parent is not shared.
	if err := unix.Mount("/tmp", "/tmp", "", unix.MS_PRIVATE, ""); err != nil {
		return fail("make /tmp private", err)
	}
	if err := unix.Mount(newRoot, newRoot, "", unix.MS_BIND, ""); err != nil {
		return fail("bind new root onto itself", err)
	}
	if err := unix.PivotRoot(newRoot, newRoot+"/old"); err != nil {
		return fail("pivot_root", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return fail("chdir", err)
	}
	if err := unix.Unmount("/old", unix.MNT_DETACH); err != nil {
		return fail("umount -l old root", err)
	}
	fmt.Println("mount namespace, PID namespace, tmpfs and pivot_root work (tried in a throwaway namespace)")
	return 0
}
