#!/usr/bin/env bash
# nslab's benchmark: one table, every figure beside a reference measured in the same run
# (a plain tmux pane, findmnt). Needs root, tmux and findmnt. Takes a quarter of an hour.
#
# The mount rows run each table size twice: with the kernel's mount events (fanotify and
# statmount, what nslab uses on Linux >= 6.15) and with NSLAB_MOUNT_EVENTS=off (mountinfo
# and POLLPRI): mount -> panel, the CPU one mount costs nslab, and at 10,000 mounts the CPU
# during a storm of 50 mounts and 50 unmounts a second, each beside findmnt --poll.
#
#   sudo ./bench/run.sh                        # everything
#   sudo ./bench/run.sh -quick                 # a smoke test: fewer samples, 1,000 mounts only
#   sudo ./bench/run.sh -mountsonly -mounts 10000   # only the mount rows, at chosen sizes
#   sudo ./bench/run.sh -seq1m                 # with a `seq 1 1000000` pane-output row as well
#   sudo ./bench/run.sh -perf DIR              # perf profiles of nslab and tmux during the floods, in DIR
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
out=$(mktemp -d /tmp/nslab-bench-bin.XXXXXX)
trap 'rm -rf "$out"' EXIT
CGO_ENABLED=0 go build -o "$out/nslab" ./cmd/nslab
CGO_ENABLED=0 go build -o "$out/bench" ./bench
"$out/bench" -nslab "$out/nslab" "$@"
