#!/usr/bin/env bash
# nslab's whole test suite: vet, every test (the kernel tests run for real, each in its own
# throwaway namespaces: as the machine's root with sudo, rootless without), then each fuzz
# target briefly. FUZZTIME=50000x for longer.
set -euo pipefail
cd "$(dirname "$0")"
# Without root, the tests run again as root of a user namespace of their own (unshare -r,
# your uid mapped to 0), where the kernel tests run against the rootless lab; those whose
# claim holds only for the machine's root skip, saying why.
if [ -z "${NSLAB_TEST_ROOTLESS:-}" ]; then
  ./scripts/deps.sh
  if [ "$(id -u)" -ne 0 ]; then
    if unshare -r true 2>/dev/null; then
      echo "test.sh: not root — the kernel tests run rootless, in a user namespace (sudo ./test.sh runs them as the machine's root)" >&2
      exec unshare -r -- env NSLAB_TEST_ROOTLESS=1 "./$(basename "$0")" "$@"
    fi
    echo "test.sh: not root, and no user namespace to be had — the kernel tests will skip; run it as root (sudo ./test.sh)" >&2
  fi
fi
go vet ./...
# Logs of their own, whoever ran the last test.sh on this machine.
mlog=$(mktemp /tmp/nslab-mutation.XXXXXX.log)
flog=$(mktemp /tmp/nslab-fuzz.XXXXXX.log)
tmuxdir=
trap 'rm -f "$mlog" "$flog"; [ -z "$tmuxdir" ] || rm -rf "$tmuxdir"' EXIT
if [ -n "${NSLAB_TEST_ROOTLESS:-}" ]; then
  # tmux keeps its sockets in /tmp/tmux-UID by the uid it sees, 0 here: the machine's root
  # has its own /tmp/tmux-0, which tmux refuses as not ours.
  tmuxdir=$(mktemp -d /tmp/nslab-tmux.XXXXXX)
  export TMUX_TMPDIR=$tmuxdir
fi
# The fault suite ends a stand-in nslab 20 times each way (kill -9, TERM, HUP, terminal).
# The lessons' mutation test runs on its own, verbose, so its score reaches the log.
NSLAB_KILL_ROUNDS=${NSLAB_KILL_ROUNDS:-20} go test -count=1 -timeout 40m -skip '^TestEveryStepIsChecked$' ./...
go test -count=1 -timeout 40m -run '^TestEveryStepIsChecked$' -v ./scenarios >"$mlog" 2>&1 || {
  cat "$mlog"; exit 1; }
grep -o 'mutation score.*' "$mlog"
# A count, not a duration: with a duration Go's fuzz coordinator can fail a clean target with
# "context deadline exceeded" when its workers are starved at the deadline (golang/go#75804,
# fixed in Go 1.27); a count has no deadline to race, so a busy machine only makes it slower.
fuzztime=${FUZZTIME:-5000x}
grep -rl --include='*_test.go' '^func Fuzz' . | while read -r f; do
  pkg=./$(dirname "${f#./}")
  grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //' | while read -r name; do
    echo "fuzz $pkg $name ($fuzztime)"
    go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" >"$flog" 2>&1 || {
      cat "$flog"; exit 1; }
  done
done
echo "test.sh: all passed"
