package rootfs

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// hostToolNames are the commands a rootfs built from host binaries gets, when the host has
// them. The lab's scenarios use these; the shells come first.
func hostToolNames() []string {
	return []string{
		"sh", "bash", "dash",
		"ls", "cat", "echo", "mkdir", "rmdir", "touch", "rm", "ln", "cp", "mv",
		"mount", "umount", "readlink", "chroot", "pivot_root", "findmnt", "df", "ps",
		"stat", "grep", "head", "sleep", "id", "hostname", "env", "true", "false",
		"test", "[", "uname", "unshare", "nsenter",
	}
}

// systemBinDirs are searched before $PATH, so a rootfs gets system tools, not a user's.
func systemBinDirs() []string {
	return []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}
}

// lookupHost finds an executable regular file called name in the system directories, then
// in $PATH. It returns the path as found (symlinks not resolved).
func lookupHost(name string) (string, bool) {
	dirs := append(systemBinDirs(), filepath.SplitList(os.Getenv("PATH"))...)
	for _, dir := range dirs {
		if !filepath.IsAbs(dir) {
			continue
		}
		p := filepath.Join(dir, name)
		if isExecutable(p) {
			return p, true
		}
	}
	return "", false
}

// isExecutable reports whether path (symlinks followed) is a regular file with an x bit.
func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// FindBusybox returns the host's busybox: $PATH and the usual places, the statically linked
// builds first. ok is false when the host has none.
func FindBusybox() (path string, ok bool) {
	candidates := []string{"/bin/busybox.static", "/usr/bin/busybox.static"}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if filepath.IsAbs(dir) {
			candidates = append(candidates, filepath.Join(dir, "busybox"))
		}
	}
	candidates = append(candidates, "/bin/busybox", "/usr/bin/busybox", "/sbin/busybox",
		"/usr/sbin/busybox", "/usr/local/bin/busybox", "/usr/lib/initramfs-tools/bin/busybox")
	for _, p := range candidates {
		if isExecutable(p) {
			return p, true
		}
	}
	return "", false
}

// busyboxApplets runs `busybox --list-full` (paths like usr/bin/env), falling back to
// `--list` (names, placed in /bin) for builds without it.
func busyboxApplets(busybox string) ([]string, error) {
	out, err := exec.Command(busybox, "--list-full").Output()
	full := err == nil
	if !full {
		if out, err = exec.Command(busybox, "--list").Output(); err != nil {
			return nil, fmt.Errorf("list applets of %s: %w", busybox, err)
		}
	}
	var paths []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.Contains(line, "..") {
			continue
		}
		if !full {
			line = "bin/" + line
		}
		paths = append(paths, "/"+strings.TrimPrefix(line, "/"))
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("list applets of %s: it listed none", busybox)
	}
	return paths, nil
}

// terminfoNames are the terminal descriptions copied in so bash's line editing works in the
// chroot; $TERM is added at run time.
func terminfoNames() []string {
	return []string{"xterm", "xterm-256color", "screen", "screen-256color", "tmux",
		"tmux-256color", "vt100", "vt220", "linux", "dumb"}
}

func terminfoDirs() []string {
	return []string{"/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo"}
}
