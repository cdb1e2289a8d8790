#!/usr/bin/env bash
# Captures a walkthrough step of the tmpfs lesson as docs/walkthrough.svg (the README's
# picture): nslab runs in tmux, F5 types and checks two steps, the screen is converted to SVG
# by nslab's own terminal emulator. Needs root and tmux.
set -euo pipefail
cd "$(dirname "$0")/.."
cols=${COLS:-132} rows=${ROWS:-40}
dir=$(mktemp -d /tmp/nslab-shot.XXXXXX)
sock=nslab-shot-$$
trap 'tmux -L $sock kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
CGO_ENABLED=0 go build -o "$dir/nslab" ./cmd/nslab
tmux -L "$sock" -f /dev/null new-session -d -s shot -x "$cols" -y "$rows" "TERM=xterm-256color $dir/nslab walkthrough tmpfs"
wait_for() { for _ in $(seq 200); do tmux -L "$sock" capture-pane -p -t shot | grep -q -- "$1" && return 0; sleep 0.1; done; echo "screenshot: never saw $1" >&2; exit 1; }
wait_for "f5 run"
for step in 1 2 3; do
  tmux -L "$sock" send-keys -t shot F5; wait_for "passed"
  [ "$step" -lt 3 ] && { tmux -L "$sock" send-keys -t shot F5; wait_for "f5 run"; }
done
sleep 1
mkdir -p docs
tmux -L "$sock" capture-pane -e -p -t shot | go run ./scripts/ansi2svg -cols "$cols" -rows "$rows" \
  -title "nslab walkthrough: a tmpfs mounted in the host pane is invisible in the ns pane" > docs/walkthrough.svg
tmux -L "$sock" send-keys -t shot F10
echo "wrote docs/walkthrough.svg"
