#!/usr/bin/env bash
# Installs what nslab's tests use from Debian's packages, when missing: tmux (end-to-end
# runs), busybox-static (the busybox rootfs), vim, less and procps (real programs in the
# panes), util-linux (unshare, findmnt, pivot_root). Needs root and apt-get; otherwise it
# only says what is missing.
set -euo pipefail
need=()
command -v tmux >/dev/null || need+=(tmux)
command -v busybox >/dev/null || need+=(busybox-static)
command -v vi >/dev/null || need+=(vim-tiny)
command -v less >/dev/null || need+=(less)
command -v ps >/dev/null || need+=(procps)
command -v findmnt >/dev/null || need+=(util-linux)
command -v pivot_root >/dev/null || need+=(util-linux)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "deps: missing ${need[*]} (install them, or run as root on Debian/Ubuntu)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
