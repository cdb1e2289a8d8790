package lab

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
)

// What doctor reads to say whether rootless nslab can have its user namespace.
const (
	sysctlMaxUserNS = "/proc/sys/user/max_user_namespaces"
	// Debian's and older Ubuntu's switch (a Debian kernel patch): 0 refuses unprivileged
	// user namespaces.
	sysctlUnprivClone = "/proc/sys/kernel/unprivileged_userns_clone"
	// Ubuntu ≥ 23.10: 1 lets only programs whose AppArmor profile allows it have a user
	// namespace with capabilities in it.
	sysctlAppArmorUserNS = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
)

// userNSFacts is what decides the user namespaces finding.
type userNSFacts struct {
	// Kernel: the kernel has user namespaces (/proc/self/ns/user).
	Kernel bool
	// MaxUserNS, UnprivClone and AppArmor are the sysctls' values, "" where absent.
	MaxUserNS, UnprivClone, AppArmor string
	// Root: nslab runs as the machine's root and needs no user namespace. Rootless: it
	// runs in its own user namespace already.
	Root, Rootless bool
}

func readSysFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return strings.TrimSpace(string(b)), err
}

func readUserNSFacts(read func(string) (string, error), root, rootless bool) userNSFacts {
	f := userNSFacts{Root: root, Rootless: rootless}
	_, err := os.Stat("/proc/self/ns/user")
	f.Kernel = err == nil
	f.MaxUserNS, _ = read(sysctlMaxUserNS)
	f.UnprivClone, _ = read(sysctlUnprivClone)
	f.AppArmor, _ = read(sysctlAppArmorUserNS)
	return f
}

// userNSFinding says whether nslab without root can have the user namespace it runs the
// lab in, and if not, which setting refuses it and how to change it. Root needs none.
func userNSFinding(f userNSFacts) Finding {
	out := Finding{Name: "user namespaces", Required: !f.Root, OK: true}
	fail := func(detail, fix string) Finding {
		out.OK, out.Detail, out.Fix = false, detail, fix
		if f.Root {
			out.Detail += "; only nslab without root needs them"
		}
		return out
	}
	switch {
	case !f.Kernel:
		return fail("not in this kernel", "use a kernel built with CONFIG_USER_NS, or run nslab with sudo")
	case f.Rootless:
		out.Detail = "nslab runs in one now, and the lab in it"
		if f.AppArmor == "1" {
			// Whether a profile lets nslab keep its capabilities there, the probe below tells.
			out.Detail += "; AppArmor restricts user namespaces here (kernel.apparmor_restrict_unprivileged_userns is 1): if the mount probe fails, give nslab a profile with the userns permission"
		}
		return out
	case f.MaxUserNS == "0":
		return fail("disabled: user.max_user_namespaces is 0",
			"sysctl -w user.max_user_namespaces=15000 (as root; a file in /etc/sysctl.d keeps it), or run nslab with sudo")
	case f.UnprivClone == "0":
		return fail("disabled for users: kernel.unprivileged_userns_clone is 0",
			"sysctl -w kernel.unprivileged_userns_clone=1 (as root; a file in /etc/sysctl.d keeps it), or run nslab with sudo")
	case f.AppArmor == "1" && !f.Root:
		return fail("restricted by AppArmor: kernel.apparmor_restrict_unprivileged_userns is 1, so a program without an AppArmor profile that allows userns gets no capabilities in one",
			"give nslab an AppArmor profile with the userns permission (/etc/apparmor.d), or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or run nslab with sudo")
	}
	out.Detail = "the kernel has them and allows them for users"
	if f.Root {
		out.Detail += " (only nslab without root needs them)"
	}
	return out
}

// subIDFinding says how a rootless lab maps IDs: the user's /etc/subuid and /etc/subgid
// ranges through newuidmap and newgidmap, or the user alone. Either way the lab runs; with
// the user alone, files of other users show as nobody in the lab and chown to them fails.
func subIDFinding() Finding {
	f := Finding{Name: "subordinate IDs (rootless)", OK: true}
	uid := outerUID()
	name := strconv.Itoa(uid)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	var missing []string
	if _, err := subIDMap("/etc/subuid", name, uid); err != nil {
		missing = append(missing, "no range in /etc/subuid")
	}
	if _, err := subIDMap("/etc/subgid", name, uid); err != nil {
		missing = append(missing, "no range in /etc/subgid")
	}
	for _, prog := range []string{"newuidmap", "newgidmap"} {
		if _, err := exec.LookPath(prog); err != nil {
			missing = append(missing, "no "+prog)
		}
	}
	if len(missing) == 0 {
		f.Detail = "ranges for " + name + " in /etc/subuid and /etc/subgid, mapped with newuidmap and newgidmap"
		return f
	}
	f.OK = false
	f.Detail = fmt.Sprintf("%s for %s: the lab maps your uid and gid alone to root (it runs; other users' files show as nobody)", strings.Join(missing, ", "), name)
	f.Fix = "install uidmap and, as root, usermod --add-subuids 100000-165535 --add-subgids 100000-165535 " + name
	return f
}

// outerUID is the user's uid on the machine: in nslab's user namespace, the one mapped to 0.
func outerUID() int {
	if !InUserNS() {
		return os.Getuid()
	}
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return os.Getuid()
	}
	for _, line := range strings.Split(string(b), "\n") {
		var in, out, n uint64
		if _, err := fmt.Sscan(line, &in, &out, &n); err == nil && in == 0 {
			return int(out)
		}
	}
	return os.Getuid()
}

// describeUIDMap says how this user namespace maps uids, from its uid_map.
func describeUIDMap() string {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return "uid map unknown"
	}
	var parts []string
	for _, line := range strings.Split(string(b), "\n") {
		var in, out, n uint64
		if _, err := fmt.Sscan(line, &in, &out, &n); err != nil {
			continue
		}
		if n == 1 {
			parts = append(parts, fmt.Sprintf("uid %d → %d", out, in))
		} else {
			parts = append(parts, fmt.Sprintf("uids %d–%d → %d–%d", out, out+n-1, in, in+n-1))
		}
	}
	return strings.Join(parts, ", ")
}
