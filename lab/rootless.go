package lab

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Rootless nslab: without root, nslab re-executes itself in a new user namespace in which
// the user is root (user_namespaces(7)), and the lab starts there as it does for root: its
// init gets a mount, PID, UTS and IPC namespace owned by that user namespace. nslab itself
// is then root of the user namespace that owns every namespace it watches, which fanotify's
// mount namespace marks, listmount(2) and statmount(2) of another namespace ask for
// (CAP_SYS_ADMIN there), so the panels read the kernel as they do for root.

// UserNSEnv marks the re-executed nslab: "1" once it runs in its user namespace, mapped;
// "wait" while it waits for newuidmap(1) and newgidmap(1) to map it (AwaitUserNSMaps).
const UserNSEnv = "NSLAB_USERNS"

// IsRootless reports whether this nslab is the one re-executed in its own user namespace.
func IsRootless() bool { return os.Getenv(UserNSEnv) == "1" }

// ErrNoUserNS is returned by StartRootless when this machine refuses the user namespace.
var ErrNoUserNS = errors.New("nslab needs root or a user namespace, and this machine refuses to make one for you: run it with sudo, or see nslab doctor for why")

// Rootless is nslab re-executed in a new user namespace.
type Rootless struct {
	// Mapping says in words how the user's IDs are mapped.
	Mapping string
	proc    *os.Process
	done    chan struct{}
	state   *os.ProcessState
}

// StartRootless re-executes exe (nslab) with args in a new user namespace, on the given
// standard files: the terminal passes through untouched, in the same process group, so
// the child gets Ctrl-C and SIGWINCH from it directly. Its IDs are mapped with newuidmap
// and newgidmap over the user's /etc/subuid and /etc/subgid ranges when both are there,
// otherwise the user alone is mapped, to root, with setgroups(2) denied. The child dies
// with the calling thread's process (PR_SET_PDEATHSIG, SIGKILL), and its own lab with it.
func StartRootless(exe string, args, env []string, files []*os.File) (*Rootless, error) {
	if exe == "" {
		exe = "/proc/self/exe"
	}
	if r, err := startSubIDs(exe, args, env, files); err == nil {
		return r, nil
	}
	uid, gid := os.Getuid(), os.Getgid()
	sys := &syscall.SysProcAttr{
		Cloneflags:                 unix.CLONE_NEWUSER,
		UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: uid, Size: 1}},
		GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: gid, Size: 1}},
		GidMappingsEnableSetgroups: false,
		Pdeathsig:                  syscall.SIGKILL,
	}
	r := &Rootless{Mapping: fmt.Sprintf("uid %d → 0, gid %d → 0", uid, gid)}
	if err := r.start(exe, args, append(withoutKey(env, UserNSEnv), UserNSEnv+"=1"), files, sys, nil); err != nil {
		return nil, err
	}
	return r, nil
}

// start runs the child from a goroutine whose thread stays locked until the child is
// reaped: Pdeathsig follows the parent thread. between, when set, runs once the child
// exists and before start returns (newuidmap and newgidmap), and may fail it.
func (r *Rootless) start(exe string, args, env []string, files []*os.File, sys *syscall.SysProcAttr, between func(pid int) error) error {
	r.done = make(chan struct{})
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		p, err := os.StartProcess(exe, append([]string{"nslab"}, args...), &os.ProcAttr{Env: env, Files: files, Sys: sys})
		if err != nil {
			started <- err
			close(r.done)
			return
		}
		r.proc = p
		if between != nil {
			if err := between(p.Pid); err != nil {
				_ = p.Kill()
				_, _ = p.Wait()
				started <- err
				close(r.done)
				return
			}
		}
		started <- nil
		r.state, _ = p.Wait()
		close(r.done)
	}()
	if err := <-started; err != nil {
		// clone(2): EPERM where user namespaces are forbidden (a sysctl, AppArmor, a
		// seccomp filter), ENOSPC where max_user_namespaces is 0 or reached.
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.ENOSPC) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.EINVAL) {
			return ErrNoUserNS
		}
		return fmt.Errorf("start nslab in a user namespace: %w", err)
	}
	return nil
}

// Signal sends sig to the re-executed nslab.
func (r *Rootless) Signal(sig os.Signal) {
	select {
	case <-r.done:
	default:
		_ = r.proc.Signal(sig)
	}
}

// Wait waits until the re-executed nslab has ended and returns how.
func (r *Rootless) Wait() *os.ProcessState {
	<-r.done
	return r.state
}

// startSubIDs starts nslab in a user namespace not yet mapped, maps it with newuidmap and
// newgidmap (setuid helpers that check /etc/subuid and /etc/subgid), and lets it go on:
// it waits on fd 3 and then re-executes itself, now root of its namespace (AwaitUserNSMaps).
func startSubIDs(exe string, args, env []string, files []*os.File) (*Rootless, error) {
	u, err := user.Current()
	if err != nil {
		return nil, err
	}
	uid, gid := os.Getuid(), os.Getgid()
	uidMap, err := subIDMap("/etc/subuid", u.Username, uid)
	if err != nil {
		return nil, err
	}
	gidMap, err := subIDMap("/etc/subgid", u.Username, uid)
	if err != nil {
		return nil, err
	}
	newuidmap, err := exec.LookPath("newuidmap")
	if err != nil {
		return nil, err
	}
	newgidmap, err := exec.LookPath("newgidmap")
	if err != nil {
		return nil, err
	}
	// pipe2(2): the child reads its read end as fd 3; a byte means mapped, end of file
	// means give up.
	rd, wr, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	defer wr.Close()
	r := &Rootless{Mapping: fmt.Sprintf("uid %d → 0 and %s, gid %d → 0 and %s (newuidmap, newgidmap)",
		uid, describeRange(uidMap), gid, describeRange(gidMap))}
	sys := &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWUSER, Pdeathsig: syscall.SIGKILL}
	between := func(pid int) error {
		for _, c := range []struct {
			prog string
			own  int
			rng  [2]uint64
		}{{newuidmap, uid, uidMap}, {newgidmap, gid, gidMap}} {
			// newuidmap PID 0 OWN 1 1 START COUNT: the user is root inside, the range follows.
			out, err := exec.Command(c.prog, strconv.Itoa(pid), "0", strconv.Itoa(c.own), "1",
				"1", strconv.FormatUint(c.rng[0], 10), strconv.FormatUint(c.rng[1], 10)).CombinedOutput()
			if err != nil {
				return fmt.Errorf("%s: %v: %s", c.prog, err, strings.TrimSpace(string(out)))
			}
		}
		_, err := wr.Write([]byte{1})
		return err
	}
	files = append(append([]*os.File{}, files...), rd)
	if err := r.start(exe, args, append(withoutKey(env, UserNSEnv), UserNSEnv+"=wait"), files, sys, between); err != nil {
		return nil, err
	}
	return r, nil
}

// subIDMap finds the user's first range in a subid file (subuid(5): "name:start:count",
// the name may be the numeric ID).
func subIDMap(path, name string, id int) ([2]uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return [2]uint64{}, err
	}
	defer f.Close()
	return parseSubIDs(f, name, id)
}

// parseSubIDs reads subuid(5) or subgid(5) text for the first range of name (or id) with
// a count of at least one.
func parseSubIDs(r io.Reader, name string, id int) ([2]uint64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Split(strings.TrimSpace(sc.Text()), ":")
		if len(f) != 3 || (f[0] != name && f[0] != strconv.Itoa(id)) {
			continue
		}
		start, err1 := strconv.ParseUint(f[1], 10, 32)
		count, err2 := strconv.ParseUint(f[2], 10, 32)
		if err1 == nil && err2 == nil && count > 0 {
			return [2]uint64{start, count}, nil
		}
	}
	return [2]uint64{}, fmt.Errorf("no subordinate ID range for %s", name)
}

func describeRange(r [2]uint64) string {
	return fmt.Sprintf("%d–%d → 1–%d", r[0], r[0]+r[1]-1, r[1])
}

// AwaitUserNSMaps runs in nslab started by startSubIDs: it waits until its user namespace
// is mapped, then re-executes itself, so that execve(2) gives it root's capabilities there
// (before the maps its IDs were unmapped, and its exec dropped them). It returns only on
// failure, with the exit code.
func AwaitUserNSMaps() int {
	f := os.NewFile(3, "userns-sync")
	b := make([]byte, 1)
	if n, _ := f.Read(b); n != 1 {
		return 1 // the parent gave up and says why
	}
	f.Close()
	if err := os.Setenv(UserNSEnv, "1"); err != nil {
		return 1
	}
	// Mapped now, the user's IDs read as 0 inside; the exec makes them root's
	// capabilities (capabilities(7), "Capabilities and execution of programs by root").
	err := syscall.Exec("/proc/self/exe", os.Args, os.Environ())
	fmt.Fprintln(os.Stderr, "nslab: re-execute in the user namespace:", err)
	return 1
}

// IsAwaitingUserNSMaps reports whether this process is the one AwaitUserNSMaps is for.
func IsAwaitingUserNSMaps() bool { return os.Getenv(UserNSEnv) == "wait" }

func withoutKey(env []string, key string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return out
}
