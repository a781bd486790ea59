#!/usr/bin/env bash
# Times the real binary on a full SpMSpM simulation of the largest shipped matrix (bcsstk13, 83,883
# nonzeros, A x A) with the tailors buffer sized by Swiftiles, end to end (process start, reading
# the matrix, Swiftiles, planning, simulation, report), in the experiment's configuration.
# Usage: scripts/bench_tailors.sh [RUNS]   (default 10). Prints min/median/max wall seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
bin=build/tessera
matrix=data/matrices/bcsstk13.mtx
args=(spmspm "$matrix" --buffer tailors -p buffer.capacity_kib=16 --quiet)
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" "${args[@]}" --json "$out/warm.json"  # warm the page cache
times=()
for ((i = 0; i < runs; i++)); do
  start=$(date +%s%N)
  "$bin" "${args[@]}" --json "$out/r.json"
  end=$(date +%s%N)
  times+=("$(( (end - start) / 1000 ))")
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
us() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }
cycles=$(grep -o '"cycles": *[0-9]*' "$out/r.json" | head -1 | grep -o '[0-9]*$')
tiles=$(grep -o '"tiles": *[0-9]*' "$out/r.json" | tail -1 | grep -o '[0-9]*$')
echo "bcsstk13 A x A with tailors (16 KiB buffer): $runs runs, $tiles steps, simulated $cycles cycles"
echo "wall seconds: min $(us "${sorted[0]}")  median $(us "${sorted[$((runs / 2))]}")  max $(us "${sorted[$((runs - 1))]}")"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
