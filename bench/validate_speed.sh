#!/usr/bin/env bash
# Times `tessera validate --candidates N` on the ResNet-50 sample with the real binary: per layer
# the tiler's N best schedules (54 x N simulated layer schedules in one run), ranked against their
# simulated cycles. Usage: bench/validate_speed.sh [N] [RUNS]   (defaults 16 and 5). Prints the
# schedules simulated and min/median/max seconds of the whole process.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-16}
runs=${2:-5}
bin=build/tessera
trace=traces/samples/resnet50.yaml
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
json=$(mktemp)
trap 'rm -f "$json"' EXIT

"$bin" validate "$trace" --candidates "$count" --quiet --json "$json"  # warm the page cache
schedules=$(jq '[.layers[].candidates | length] | add' "$json")
echo "tessera validate $trace --candidates $count: $schedules layer schedules simulated, $runs runs"
for ((i = 0; i < runs; i++)); do
  start=$(date +%s%N)
  "$bin" validate "$trace" --candidates "$count" --quiet
  end=$(date +%s%N)
  echo "scale=3; ($end - $start) / 1000000000" | bc
done | sort -n | awk '{v[NR] = $1} END {printf "whole process: min %.3f  median %.3f  max %.3f s\n", v[1], v[int((NR + 1) / 2)], v[NR]}'
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1 /proc/loadavg)"
