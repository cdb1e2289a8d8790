package lab

import (
	"fmt"
	"os"
	"strings"
)

// InUserNS reports whether this process runs in a user namespace other than the machine's
// first one, as rootless nslab does: user_namespaces(7), the initial namespace's uid_map is
// the single line "0 0 4294967295". There, a new mount namespace's copy of the parent's
// mounts is locked (mount_namespaces(7)): the lab covers the host's proc, devpts and /run
// instead of detaching them.
func InUserNS() bool {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false // no user namespaces in this kernel
	}
	return !isInitialUIDMap(string(b))
}

// isInitialUIDMap says whether a uid_map's text is the initial user namespace's.
func isInitialUIDMap(s string) bool {
	return strings.Join(strings.Fields(s), " ") == "0 0 4294967295"
}

// idMapped says whether id is mapped in this process's user namespace, from its uid_map or
// gid_map (user_namespaces(7): lines of "inside outside count").
func idMapped(mapFile string, id uint32) bool {
	b, err := os.ReadFile(mapFile)
	if err != nil {
		return true // no user namespaces: every id is the machine's
	}
	for _, line := range strings.Split(string(b), "\n") {
		var in, out, n uint64
		if _, err := fmt.Sscan(line, &in, &out, &n); err == nil && uint64(id) >= in && uint64(id) < in+n {
			return true
		}
	}
	return false
}
