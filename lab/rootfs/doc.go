// Package rootfs builds the lab's rootfs — the directory the chroot and pivot_root
// scenarios move a shell into — and provides the escape applets that show why chroot(2) is
// "not intended to be used for any kind of security".
//
// # The rootfs
//
// Build makes a small, working root directory in the lab's workspace (RootfsDir) with no
// downloads. When the host has busybox, it copies that one binary in and links every applet
// to it. Otherwise it copies the host's own programs (a shell, coreutils, util-linux's
// mount, chroot, pivot_root, findmnt, unshare, nsenter, procps's ps, …) together with every
// shared library they need. The libraries are found as the dynamic loader finds them
// (Resolver: PT_INTERP and DT_NEEDED from the ELF headers; DT_RPATH, DT_RUNPATH,
// ld.so.conf, the multiarch directories) and copied to the same paths through the same
// symlinks as on the host, so the interpreter path compiled into each program stays valid
// inside. Either way the rootfs gets /proc, /dev, /sys, /tmp, a root user, an os-release
// and a marker file (MarkerPath) so `ls /` plainly says where you are, the lab's shell rc
// at the path the lab's shells source, and a copy of nslab itself (NslabPath) for the
// applets below. A user's own rootfs (--rootfs DIR) is only checked for an executable
// /bin/sh, found through symlinks inside it, and used as is.
//
// # The escapes
//
// chroot(2) changes one thing: the directory at which the calling process's path lookups
// for "/" start, and at which ".." stops. It does not change the working directory, does
// not close open directory fds, and does not change the mount table. A process with
// CAP_SYS_CHROOT that has, or can get, a working directory outside its root walks out:
//
//   - DoubleChroot: chroot into a subdirectory without chdir. The working directory is now
//     outside the new root, and ".." only stops at the root, so chdir("..") climbs past it
//     to the top; chroot(".") there.
//   - ChrootFD: a directory fd opened before the chroot (a shell's `exec 9</`) is a
//     working directory outside waiting to happen: fchdir(fd), climb, chroot(".").
//
// Neither works after pivot_root(2) and a lazy unmount of the old root: there is no
// outside left in the mount namespace to climb to — except through an fd still open on
// the old root, which is why runtimes close such fds first (CVE-2024-21626). And
// `mount --bind / /escape` run inside a chroot binds the chroot directory itself, not the
// real root: mount(2) resolves "/" through the caller's root too.
//
// The applets are plain functions; cmd/nslab exposes them as `nslab escape chroot` and
// `nslab escape fd N` (RunEscape), runnable inside the rootfs because nslab is copied in.
// The root and working directory are per process in Linux (Go's threads share them), so
// the functions work from a multi-threaded Go program; they end by executing a command
// with execve(2), which replaces the whole process.
//
// # The mount API applets
//
// util-linux 2.38 has no command for the new mount API, so the mount-api lesson calls it
// through two more applets, each printing its calls as strace would: CloneTree (`nslab
// clone-tree [--recursive-ro] SOURCE TARGET`: open_tree(2) with OPEN_TREE_CLONE and
// AT_RECURSIVE, optionally mount_setattr(2) with AT_RECURSIVE and MOUNT_ATTR_RDONLY, then
// move_mount(2)) and FSMount (`nslab fsmount FSTYPE TARGET [KEY=VALUE...]`: fsopen(2),
// fsconfig(2) per parameter, fsmount(2), move_mount(2)). Both say whether
// /proc/self/mountinfo lists the new mount before and after it is attached.
//
// This package does not make a chroot secure and does not try to: the lab exists to show
// that it is not.
package rootfs
