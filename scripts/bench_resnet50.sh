#!/usr/bin/env bash
# Times the real binary on ResNet-50 (batch 1, the SCALE-Sim topology shapes) on the default
# architecture, end to end (process start, parsing, tiling, simulation, reports).
# Usage: scripts/bench_resnet50.sh [RUNS] [ARCH]   (defaults: 20, the built-in architecture, whose
# DRAM is DDR4-3200; traces/arch/default_ideal_dram.yaml is the same with ideal DRAM).
# Prints min/median/max wall seconds and the median CPU seconds.
# TESSERA_BIN=PATH times another build (of an earlier commit, to compare on the same day).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
arch=(${2:+--arch "$2"})
bin=${TESSERA_BIN:-build/tessera}
trace=traces/samples/resnet50.yaml
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" run "$trace" "${arch[@]}" --quiet --json "$out/warm.json"  # warm the page cache
# Wall time depends on what else runs on the machine; CPU time (user + system) much less.
TIMEFORMAT='%3R %3U %3S'  # bash's time: wall, user and system seconds
walls=()
cpus=()
for ((i = 0; i < runs; i++)); do
  { time "$bin" run "$trace" "${arch[@]}" --quiet --json "$out/r.json"; } 2> "$out/time"
  read -r wall user sys < "$out/time"
  walls+=("$wall")
  cpus+=("$(echo "$user + $sys" | bc)")
done
sorted=($(printf '%s\n' "${walls[@]}" | sort -n))
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
cycles=$(grep -m1 -o '"cycles": *[0-9]*' "$out/r.json" | grep -m1 -o '[0-9]*$')
echo "resnet50 on ${2:-the default architecture}: $runs runs, simulated $cycles cycles"
echo "wall seconds: min ${sorted[0]}  median $(median "${walls[@]}")  max ${sorted[$((runs - 1))]}"
echo "CPU seconds (user + system): median $(median "${cpus[@]}") (load average $(cut -d' ' -f1 /proc/loadavg))"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
