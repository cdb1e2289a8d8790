#!/usr/bin/env bash
# Installs what nslab's tests use from Debian's packages, when missing: tmux (end-to-end
# runs), busybox-static (the busybox rootfs), vim, less, htop and procps (real programs in
# the panes), vttest (the terminal held to tmux screen by screen), util-linux (unshare, findmnt, pivot_root), gcc and the C library's headers (the
# ELF tests build small programs and libraries), openssh-client and chromium (students joining --share and
# --share-web), uidmap (newuidmap and newgidmap: the rootless lab with subordinate IDs).
# Installs nothing when all are present.
# Needs root and apt-get; otherwise it only says what is missing. Another package install
# running at the same time is waited for (up to 5 minutes, saying so), and a failed
# install is tried once more.
set -euo pipefail
# A user's PATH on Debian has no sbin; pivot_root lives there.
PATH=$PATH:/usr/sbin:/sbin
need=()
command -v tmux >/dev/null || need+=(tmux)
command -v busybox >/dev/null || need+=(busybox-static)
command -v vi >/dev/null || need+=(vim-tiny)
command -v less >/dev/null || need+=(less)
command -v htop >/dev/null || need+=(htop)
command -v vttest >/dev/null || need+=(vttest)
command -v ps >/dev/null || need+=(procps)
command -v findmnt >/dev/null || need+=(util-linux)
command -v pivot_root >/dev/null || need+=(util-linux)
command -v gcc >/dev/null || need+=(gcc)
command -v newuidmap >/dev/null || need+=(uidmap)
command -v ssh >/dev/null || need+=(openssh-client)
command -v chromium >/dev/null || need+=(chromium)
[ -e /usr/include/stdio.h ] || need+=(libc6-dev)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "deps: missing ${need[*]} (install them, or run as root on Debian/Ubuntu)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
wait=300
# apt-get waits for dpkg's and its own locks by itself with Lock::Timeout; say so first,
# since it would otherwise sit silent.
locked() {
  command -v lslocks >/dev/null &&
    lslocks -n -o PATH 2>/dev/null | grep -qE '^/var/lib/(dpkg/lock(-frontend)?|apt/lists/lock)$'
}
install() {
  if locked; then
    echo "deps: another package install holds the package manager's lock; waiting up to $((wait / 60)) minutes" >&2
  fi
  apt-get -o DPkg::Lock::Timeout=$wait -qq update &&
    apt-get -o DPkg::Lock::Timeout=$wait install -y -qq --no-install-recommends "$@" >/dev/null
}
echo "deps: installing ${need[*]}" >&2
if ! install "${need[@]}"; then
  echo "deps: the install failed; trying once more in 10 s" >&2
  sleep 10
  install "${need[@]}" || { echo "deps: could not install ${need[*]} with apt-get" >&2; exit 1; }
fi
