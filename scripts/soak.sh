#!/usr/bin/env bash
# A soak of nslab outside CI: the lab runs in tmux for MINUTES (default 30) while both panes
# mount and unmount, print floods and run full-screen programs; every 30 s one line reports
# nslab's RSS, goroutines, heap and open descriptors, and the lab's process count. Growth
# that does not level off is a leak. Needs root and tmux.
#
#   sudo ./scripts/soak.sh        # 30 minutes
#   sudo ./scripts/soak.sh 5      # 5 minutes
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
dir=$(mktemp -d /tmp/nslab-soak.XXXXXX)
sock=nslab-soak-$$
trap 'tmux -L $sock kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
CGO_ENABLED=0 go build -o "$dir/nslab" ./cmd/nslab
tmux -L "$sock" -f /dev/null new-session -d -s soak -x 200 -y 50 "env NSLAB_STATS=$dir/stats $dir/nslab"
sleep 2
pid=$(tmux -L "$sock" display -p -t soak '#{pane_pid}')
type() { tmux -L "$sock" send-keys -t soak -l "$1"; tmux -L "$sock" send-keys -t soak Enter; }
focus() { tmux -L "$sock" send-keys -t soak "$1"; }
start=$(date +%s)
printf '%-8s %-9s %-11s %-11s %-8s %-10s\n' elapsed rss_MB goroutines heap_MB fds lab_procs
end=$(( $(date +%s) + minutes * 60 )); round=0
while [ "$(date +%s)" -lt "$end" ]; do
  focus M-Left;  type "mkdir -p /tmp/s$round && mount -t tmpfs s /tmp/s$round && seq 1 20000 && umount /tmp/s$round"
  focus M-Right; type "mount -t tmpfs n /mnt && ls -R /usr/share/doc | tail -n 2000 && umount /mnt"
  focus M-Left;  type "top -b -n 1 | head -n 40"
  sleep 30
  rss=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$pid/status)
  read -r _ gr heap fds < <(tail -n 1 "$dir/stats")
  init=$(pgrep -f __nslab-lab-init | head -n 1)
  procs=$(ls /proc | grep -c '^[0-9]' )
  if [ -n "$init" ]; then
    ino=$(stat -L -c %i /proc/$init/ns/pid)
    procs=0; for p in /proc/[0-9]*; do [ "$(stat -L -c %i $p/ns/pid 2>/dev/null)" = "$ino" ] && procs=$((procs+1)); done
  fi
  printf '%-8s %-9s %-11s %-11s %-8s %-10s\n' "$(( ($(date +%s) - start) / 60 ))m$(( ($(date +%s) - start) % 60 ))s" "$rss" "$gr" "$(( heap / 1048576 ))" "$fds" "$procs"
  round=$((round+1))
done
tmux -L "$sock" send-keys -t soak F10
sleep 2
if pgrep -f __nslab-lab-init >/dev/null; then echo "soak: lab processes left after F10" >&2; exit 1; fi
echo "soak: done, nothing left behind"
