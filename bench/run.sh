#!/usr/bin/env bash
# nslab's benchmark: one table, every figure beside a reference measured in the same run
# (a plain tmux pane, findmnt). Needs root, tmux and findmnt. Takes a few minutes.
#
#   sudo ./bench/run.sh           # everything
#   sudo ./bench/run.sh -quick    # a smoke test: fewer samples, no 10,000-mount round
#   sudo ./bench/run.sh -seq1m    # with a `seq 1 1000000` pane-output row as well
#   sudo ./bench/run.sh -perf DIR # perf profiles of nslab and tmux during the floods, in DIR
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
out=$(mktemp -d /tmp/nslab-bench-bin.XXXXXX)
trap 'rm -rf "$out"' EXIT
CGO_ENABLED=0 go build -o "$out/nslab" ./cmd/nslab
CGO_ENABLED=0 go build -o "$out/bench" ./bench
"$out/bench" -nslab "$out/nslab" "$@"
