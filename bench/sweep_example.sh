#!/usr/bin/env bash
# Runs the ResNet-50 example sweep (examples/sweeps/resnet50.yaml) with each engine: the local
# pool, GNU parallel and, where Slurm runs (scripts/start_slurm.sh), a Slurm job array; checks that
# the three give the same rows after sorting; and commits the local pool's results table and
# Pareto plot in bench/sweeps/ with a summary (bench/sweeps/resnet50.md) and the table in the
# README, section "Sweeps".
# Usage: bench/sweep_example.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/build/tessera
spec=examples/sweeps/resnet50.yaml
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
command -v jq >/dev/null || { echo "needs jq (scripts/install_deps.sh)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
now() { date +%s.%N; }


engines=(local parallel)
if command -v sinfo >/dev/null && sinfo -h >/dev/null 2>&1; then engines+=(slurm); fi
declare -A wall same
for e in "${engines[@]}"; do
  extra=()
  [[ $e == slurm ]] && extra=(--wait --chunk-size 5)
  start=$(now)
  "$bin" sweep "$spec" -o "$out/$e" --engine "$e" --quiet "${extra[@]}"
  wall[$e]=$(echo "scale=1; ($(now) - $start) / 1" | bc)
  if diff <(sort "$out/$e/results.csv") <(sort "$out/local/results.csv") >/dev/null &&
    diff <(sort "$out/$e/results.jsonl") <(sort "$out/local/results.jsonl") >/dev/null; then
    same[$e]="identical to the local pool's"
  else
    same[$e]="DIFFERENT from the local pool's"
  fi
done
[[ " ${engines[*]} " == *" slurm "* ]] || same[slurm]="not run: Slurm is not running here"

mkdir -p bench/sweeps
cp "$out/local/results.csv" bench/sweeps/resnet50_results.csv
cp "$out/local/pareto.png" bench/sweeps/resnet50_pareto.png
points=$(($(wc -l <"$out/local/results.csv") - 1))
ok=$(jq -s 'map(select(.status == "ok")) | length' "$out/local/results.jsonl")
front=$(jq -r -s 'map(select(.pareto == true)) | sort_by(.pes) | .[] |
  "| \(.array)x\(.array) | \(."buffer.capacity_kib") | \(."dram.preset") | \(.cycles) | \(.energy_pj / 1e6 * 10000 | round / 10000) | \(.utilization * 1000 | round / 10) |"' \
  "$out/local/results.jsonl")
best_edp=$(jq -r -s 'map(select(.status == "ok")) | min_by(.edp) |
  "\(.array)x\(.array), \(."buffer.capacity_kib") KiB, \(."dram.preset"): \(.cycles) cycles, \(.energy_pj / 1e6 * 10000 | round / 10000) uJ"' \
  "$out/local/results.jsonl")
engine_rows=""
for e in local parallel slurm; do
  engine_rows+="| $e | ${wall[$e]:--} | ${same[$e]} |"$'\n'
done
tmp=$(mktemp bench/sweeps/resnet50.md.XXXXXX)
cat >"$tmp" <<MD
# ResNet-50 sweep: array, buffer and DRAM

Made by \`bench/sweep_example.sh\` from [examples/sweeps/resnet50.yaml](../../examples/sweeps/resnet50.yaml)
on $(date -u +%Y-%m-%d) ($(nproc) cores): $points points, $ok ok. All rows:
[resnet50_results.csv](resnet50_results.csv).

![Pareto front](resnet50_pareto.png)

The Pareto front of the array's size (PEs, an area proxy) against energy, both minimised:

| array | buffer KiB | DRAM | cycles | energy uJ | utilization % |
|---|---|---|---|---|---|
$front

Lowest energy-delay product: $best_edp.

| engine | wall s | results (sorted) |
|---|---|---|
$engine_rows
MD
mv "$tmp" bench/sweeps/resnet50.md
cat bench/sweeps/resnet50.md

# The table in the README, section "Sweeps": the front, and the engines' check.
{
  echo "| array | buffer KiB | DRAM | cycles | energy uJ | utilization % |"
  echo "|---|---|---|---|---|---|"
  echo "$front"
  echo
  echo "Lowest energy-delay product: $best_edp."
  echo
  echo "With a 512 KiB buffer and DDR4-3200, by array size: DRAM bytes read and the DRAM's energy"
  echo "(background and refresh included):"
  echo
  echo "| array | cycles | DRAM MB read | DRAM energy uJ | of the total % |"
  echo "|---|---|---|---|---|"
  jq -r -s 'map(select(."buffer.capacity_kib" == 512 and ."dram.preset" == "DDR4-3200-x8")) |
    sort_by(.array) | .[] |
    "| \(.array)x\(.array) | \(.cycles) | \(.dram_bytes_read / 1e5 | round / 10) | \(."dram.energy_pj" / 1e6 | round) | \(."dram.energy_pj" / .energy_pj * 1000 | round / 10) |"' \
    "$out/local/results.jsonl"
  echo
  echo "The three engines' rows, sorted:"
  echo
  echo "| engine | wall s | results (sorted) |"
  echo "|---|---|---|"
  printf '%s' "$engine_rows"
  echo
  echo "($(nproc) cores, $(date -u +%Y-%m-%d).)"
} >"$out/readme"
scripts/replace_between_markers.sh README.md bench/sweep_example.sh "$out/readme"
