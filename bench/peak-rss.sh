#!/usr/bin/env bash
# Whole-process peak memory (maximum resident set size, /usr/bin/time -v) of `orchsim run` on the
# M/M/4 reference at 1 M and 10 M requests: recording is into fixed-size histograms, so it must stay
# flat (docs/PERFORMANCE.md). Usage: bench/peak-rss.sh [path/to/orchsim]
set -euo pipefail
cd "$(dirname "$0")/.."
orchsim=${1:-build/cli/orchsim}
printf '%-10s %14s %12s\n' requests peak_rss_MiB wall_s
for n in 1000000 10000000; do
  out=$(/usr/bin/time -v "$orchsim" run scenarios/reference/mmc.yaml --set simulation.requests=$n 2>&1 >/dev/null)
  rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' <<<"$out")
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' <<<"$out")
  awk -v n="$n" -v kb="$rss_kb" -v w="$wall" 'BEGIN { printf "%-10s %14.1f %12s\n", n, kb / 1024, w }'
done
