#!/usr/bin/env bash
# Parallel speed-up of `orchsim sweep`: the whole-process wall time of one sweep of equal runs (the M/M/4
# reference, 16 replications of one point) with --jobs 1 and --jobs 2, each repeated (alternating, so that
# a noisy neighbour hurts both alike), medians side by side and their ratio. The target on 2 cores is
# >= 1.8x (docs/PERFORMANCE.md). For scale, the machine's own ceiling: two `orchsim run`s of one run's size
# one after the other against both at once. Usage: bench/sweep-speedup.sh [path/to/orchsim]
# Environment: RUNS (16), REQUESTS per run (1000000), REPEAT (3).
set -euo pipefail
cd "$(dirname "$0")/.."
orchsim=${1:-build/cli/orchsim}
runs=${RUNS:-16} requests=${REQUESTS:-1000000} repeat=${REPEAT:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/sweep.yaml" <<YAML
name: speedup
scenario: $PWD/scenarios/reference/mmc.yaml
replications: $runs
overrides: [simulation.requests=$requests]
YAML

wall_s() { # jobs -> seconds, a fresh folder each time
  rm -rf "$work/out"
  local start end
  start=$(date +%s.%N)
  "$orchsim" sweep "$work/sweep.yaml" --out "$work/out" --jobs "$1" --quiet >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
pair_s() { # "serial" or "parallel" -> seconds for two runs of one sweep run's size
  local start end
  start=$(date +%s.%N)
  if [[ $1 == serial ]]; then
    "$orchsim" run scenarios/reference/mmc.yaml --set simulation.requests="$requests" >/dev/null
    "$orchsim" run scenarios/reference/mmc.yaml --set simulation.requests="$requests" >/dev/null
  else
    "$orchsim" run scenarios/reference/mmc.yaml --set simulation.requests="$requests" >/dev/null &
    "$orchsim" run scenarios/reference/mmc.yaml --set simulation.requests="$requests" >/dev/null
    wait
  fi
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
median() { tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

one=() two=() serial=() parallel=()
for ((i = 0; i < repeat; i++)); do
  one+=("$(wall_s 1)")
  two+=("$(wall_s 2)")
  serial+=("$(pair_s serial)")
  parallel+=("$(pair_s parallel)")
done
m1=$(echo "${one[*]}" | median) m2=$(echo "${two[*]}" | median)
s1=$(echo "${serial[*]}" | median) s2=$(echo "${parallel[*]}" | median)
echo "orchsim sweep: $runs equal runs (scenarios/reference/mmc.yaml, $requests requests each), $(nproc) cores"
printf '%-9s %10s   %s\n' jobs median_s "runs (s)"
printf '%-9s %10.3f   %s\n' 1 "$m1" "${one[*]}" 2 "$m2" "${two[*]}"
awk -v a="$m1" -v b="$m2" 'BEGIN { printf "speed-up (jobs 1 / jobs 2): %.2fx (target >= 1.8x on 2 cores)\n", a / b }'
awk -v a="$s1" -v b="$s2" -v x="${serial[*]}" -v y="${parallel[*]}" \
  'BEGIN { printf "ceiling, two plain runs one after the other / at once: %.3f / %.3f s = %.2fx (%s / %s)\n", a, b, a / b, x, y }'
