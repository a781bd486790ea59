#!/usr/bin/env bash
# Times the real binary on Llama-2-7B prefill (scripts/make_llama_trace.py: 2,048 tokens, 2,272
# GEMMs) on the default architecture (DDR4-3200) and on the same with ideal DRAM
# (traces/arch/default_ideal_dram.yaml), end to end, and prints the ratio.
# Usage: scripts/bench_dram_llama.sh [RUNS] [LAYERS]   (defaults: 1 run, all 32 layers)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
layers=${2:-32}
bin=build/tessera
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 scripts/make_llama_trace.py "$out/llama.yaml" --layers "$layers"
TIMEFORMAT='%3R %3U %3S'  # bash's time: wall, user and system seconds
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
declare -A cpu
for arch in default traces/arch/default_ideal_dram.yaml; do
  args=()
  [[ $arch == default ]] || args=(--arch "$arch")
  cpus=()
  for ((i = 0; i < runs; i++)); do
    { time "$bin" run "$out/llama.yaml" "${args[@]}" --quiet --json "$out/r.json"; } 2> "$out/time"
    read -r wall user sys < "$out/time"
    cpus+=("$(echo "$user + $sys" | bc)")
  done
  cycles=$(grep -m1 -o '"cycles": *[0-9]*' "$out/r.json" | grep -m1 -o '[0-9]*$')
  cpu[$arch]=$(median "${cpus[@]}")
  echo "llama2-7b prefill ($layers layers) on $arch: $runs runs, simulated $cycles cycles," \
    "median CPU seconds ${cpu[$arch]} (last wall $wall)"
done
echo "DDR / ideal CPU time: $(echo "scale=2; ${cpu[default]} / ${cpu[traces/arch/default_ideal_dram.yaml]}" | bc)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
  "load average $(cut -d' ' -f1 /proc/loadavg)"
