#!/bin/sh
# Benchmarks of lab/mnt against findmnt(8) on the same tables, and of lab/mntev's reads
# (mountinfo whole, listmount, statmount whole and of one mount; NSLAB_BENCH_MOUNTS sets
# the table size, 10,000 by default). Needs root (the helper processes mount in their own
# namespaces). Prints the load average before and after: on a busy machine the kernel's
# share (reading mountinfo) grows with it, which is why lab/mntev reports CPU per read too.
#
#   sudo bench/mnt.sh              # all, once
#   sudo bench/mnt.sh 5 ReadParse  # five runs of the benchmarks matching ReadParse
set -eu
count=${1:-1}
match=${2:-.}
cd "$(dirname "$0")/.."
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
go test -run '^$' -bench "$match" -benchmem -count "$count" -timeout 60m ./lab/mnt ./lab/mntev
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
