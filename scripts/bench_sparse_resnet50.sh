#!/usr/bin/env bash
# Times the real binary on ResNet-50 (batch 1, SCALE-Sim topology shapes) on the default
# architecture twice: dense, and with every layer's weights at 75% HSS sparsity (2:4 then 2:4)
# through the highlight decoder. The sparse run must stay within 2x of the dense one: decoding
# works from per-block counts, never per element.
# Usage: scripts/bench_sparse_resnet50.sh [RUNS]   (default 20). Prints medians and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
bin=build/tessera
trace=traces/samples/resnet50.yaml
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Median wall time in microseconds of `runs` runs of tessera with the given arguments.
median_us() {
  "$bin" run "$trace" --quiet --json "$out/warm.json" "$@" 2>/dev/null  # warm the page cache
  local times=() start end
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$bin" run "$trace" --quiet --json "$out/r.json" "$@" 2>/dev/null
    end=$(date +%s%N)
    times+=("$(((end - start) / 1000))")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$((runs / 2 + 1))p"
}

us() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }
dense=$(median_us -p sparse.impl=dense)
sparse=$(median_us -p sparse.impl=highlight --sparsify weights=hss:2:4,2:4)
echo "resnet50, $runs runs each, median wall seconds:"
echo "  dense                                 $(us "$dense")"
echo "  highlight, weights hss:2:4,2:4 (75%)  $(us "$sparse")"
echo "  ratio sparse / dense                  $(awk -v a="$sparse" -v b="$dense" 'BEGIN { printf "%.2f", a / b }')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
