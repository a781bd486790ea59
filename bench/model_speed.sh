#!/usr/bin/env bash
# Times `tessera model` on the ResNet-50 sample with the real binary: the model's own time (what
# --timing reports: planning every layer, estimating and pricing it) and the whole process (start,
# trace and architecture parsing, reports), with hyperfine where it is installed.
# Usage: bench/model_speed.sh [RUNS]   (default 30). Prints min/median/max milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
bin=build/tessera
trace=traces/samples/resnet50.yaml
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
stats() { sort -n | awk '{v[NR] = $1} END {printf "min %.3f  median %.3f  max %.3f ms\n", v[1], v[int((NR + 1) / 2)], v[NR]}'; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" model "$trace" --quiet >/dev/null  # warm the page cache
echo "tessera model $trace: $runs runs"
for ((i = 0; i < runs; i++)); do
  "$bin" model "$trace" --quiet --timing 2>&1
done >"$out"
# Wall time depends on what else runs on the machine; CPU time much less.
printf 'model time, wall: '
awk '{print $4}' "$out" | stats
printf 'model time, CPU:  '
awk '{print $7}' "$out" | stats
if command -v hyperfine >/dev/null; then
  hyperfine --runs "$runs" --warmup 3 "$bin model $trace --quiet"
else
  printf 'whole process: '
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$bin" model "$trace" --quiet
    end=$(date +%s%N)
    echo "scale=3; ($end - $start) / 1000000" | bc
  done | stats
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1 /proc/loadavg)"
