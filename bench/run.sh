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
#   sudo ./bench/run.sh -keysonly              # only start-up and keystroke → screen, beside tmux
#   sudo ./bench/run.sh -shareonly             # only the teacher with 0, 10 and 50 ssh viewers (--share)
#   sudo ./bench/run.sh -panesonly -seq1m      # only the panes' rows (keys, idle, output, Ctrl-C)
#   sudo ./bench/run.sh -perf DIR              # perf profiles of nslab and tmux during the floods, in DIR
#   sudo ./bench/run.sh -oracle 5000           # the panels-against-the-kernel oracle with 5,000 commands
#
# After the table, a full run (not -quick, not -mountsonly) runs the oracle test longer than
# the suite does: 2,000 random commands in both panes with a new seed, each followed by a
# comparison of the panels' state with findmnt -N and readlink /proc/PID/ns/* (the seed is
# printed, so a mismatch can be repeated with NSLAB_ORACLE_SEED).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
oracle=2000
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -oracle) oracle=${2:?-oracle needs a number of commands}; oracle_set=$oracle; shift 2; continue ;;
    -quick|-mountsonly|-shareonly|-keysonly|-panesonly) oracle=${oracle_set:-0} ;;
  esac
  args+=("$1"); shift
done
out=$(mktemp -d /tmp/nslab-bench-bin.XXXXXX)
trap 'rm -rf "$out"' EXIT
CGO_ENABLED=0 go build -o "$out/nslab" ./cmd/nslab
CGO_ENABLED=0 go build -o "$out/bench" ./bench
"$out/bench" -nslab "$out/nslab" ${args[@]+"${args[@]}"}
if [ "$oracle" -gt 0 ]; then
  seed=${NSLAB_ORACLE_SEED:-$(( $(date +%s) % 100000 ))}
  echo
  echo "oracle: $oracle random commands, seed $seed (go test -run TestPanelsAgreeWithTheKernel ./lab)"
  if ! NSLAB_ORACLE_COMMANDS=$oracle NSLAB_ORACLE_SEED=$seed go test -count=1 -timeout 120m \
    -run '^TestPanelsAgreeWithTheKernel$' -v ./lab >"$out/oracle.txt" 2>&1; then
    grep -v '^=== ' "$out/oracle.txt" | tail -40
    echo "oracle: the panels disagreed with the kernel (seed $seed)"
    exit 1
  fi
  grep -o '[0-9]* commands, [0-9]* comparisons.*' "$out/oracle.txt"
fi
