#!/bin/sh
# Benchmarks of lab/mnt against findmnt(8) on the same tables. Needs root (the helper
# process mounts in its own namespace). Prints the load average before and after: on a
# busy machine the kernel's share (reading mountinfo) grows with it.
#
#   sudo bench/mnt.sh              # all, once
#   sudo bench/mnt.sh 5 ReadParse  # five runs of the benchmarks matching ReadParse
set -eu
count=${1:-1}
match=${2:-.}
cd "$(dirname "$0")/.."
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
go test -run '^$' -bench "$match" -benchmem -count "$count" -timeout 60m ./lab/mnt
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
