#!/usr/bin/env bash
# Times the real binary on ResNet-50 (batch 1, SCALE-Sim shapes) with crypto: aes_gcm against the
# same run without crypto, on real data (--functional: values are encrypted into DRAM, every
# fetched block is verified and decrypted, every output checked) and timing-only.
# Two block layouts: the trace's own (tile blocks) and the blocks `tessera secure-schedule
# --matching per-layer` picks (sizes in elements, counted per transfer in closed form).
# Usage: scripts/bench_aes_gcm.sh [RUNS] [TRACE]   (defaults: 3, traces/samples/resnet50.yaml)
# Prints the median wall seconds of each and the ratio aes_gcm / none.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
trace=${2:-traces/samples/resnet50.yaml}
bin=build/tessera
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

median_seconds() {  # median wall time of `runs` runs of tessera run "$@"
  local times=() start end
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$bin" run "$trace" --quiet --json "$out/r.json" "$@"
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000 ))")
  done
  local sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  local m=${sorted[$((runs / 2))]}
  printf '%d.%06d' $((m / 1000000)) $((m % 1000000))
}

"$bin" secure-schedule "$trace" --matching per-layer -o "$out/blocks.yaml" > /dev/null
echo "$(basename "$trace"): $runs runs each, median wall seconds"
for blocks in tile elements; do
  [[ $blocks == elements ]] && trace=$out/blocks.yaml
  for mode in "--functional" ""; do
    plain=$(median_seconds $mode -p crypto.impl=none)
    secure=$(median_seconds $mode -p crypto.impl=aes_gcm)
    ratio=$(awk -v a="$secure" -v b="$plain" 'BEGIN { printf "%.2f", a / b }')
    echo "$blocks blocks, ${mode:-timing-only}: none $plain  aes_gcm $secure  ratio $ratio"
  done
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
