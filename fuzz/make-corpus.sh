#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the repository's own files (docs/FUZZING.md):
#   fuzz/make-corpus.sh OUT      # OUT/corpus/<target>/ per target, OUT/work/ the folder to fuzz in
# OUT/work/traces/ holds the shipped and test traces cut to their first 200 lines, so that a scenario
# naming `traces/<name>.csv` reads a small trace when fuzzed from OUT/work. Rerunning rebuilds the seeds
# (files libFuzzer added to a corpus folder stay).
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 OUT" >&2; exit 2; }
src="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"
mkdir -p "$out/work/traces"
out="$(cd "$out" && pwd)"
cd "$src"

# copy TARGET FILE...: one seed per file, named after its path (a/b.yaml -> seed-a_b.yaml).
copy() {
  local target="$1" f
  shift
  mkdir -p "$out/corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$out/corpus/$target/seed-${f//\//_}"
  done
  return 0
}

shopt -s nullglob globstar
scenarios=(scenarios/*.yaml scenarios/adaptive/*.yaml scenarios/reference/*.yaml scenarios/strategies/*.yaml
           tests/data/*.yaml tests/data/capacity/*.yaml tests/data/bad/*.yaml)
copy scenario "${scenarios[@]}" tests/data/fuzz/scenario/*

# A scenario with overrides: the scenario, the mark line, one `key.path=value` per line (fuzz/FuzzTargets.hpp).
mkdir -p "$out/corpus/scenario_overrides"
overrides=$'simulation.seed=3\nworkload.0.arrival.rate=20/s\norchestrator.selection={strategy: round_robin}\nfaults=~'
for f in "${scenarios[@]}"; do
  { cat "$f"; printf '\n#--set\n%s\n' "$overrides"; } >"$out/corpus/scenario_overrides/seed-${f//\//_}"
done
copy scenario_overrides tests/data/fuzz/scenario_overrides/*

copy sweep tests/data/sweeps/*.yaml tests/data/bad-sweeps/*.yaml tests/data/fuzz/sweep/*
copy validation scenarios/validation/*.yaml tests/data/validation/*.yaml tests/data/bad-validation/*.yaml \
  tests/data/fuzz/validation/*
copy result results/baselines/*.json tests/data/**/*.json tests/data/fuzz/result/*

mkdir -p "$out/corpus/trace"
for f in scenarios/traces/*.csv tests/data/**/*.csv; do
  head -n 200 "$f" >"$out/corpus/trace/seed-${f//\//_}"
  head -n 200 "$f" >"$out/work/traces/$(basename "$f")"
done
copy trace tests/data/fuzz/trace/*

for d in "$out"/corpus/*/; do
  echo "make-corpus: $(basename "$d"): $(find "$d" -type f | wc -l) files"
done
