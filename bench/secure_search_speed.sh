#!/usr/bin/env bash
# Times `tessera secure-schedule --search` with the real binary on ResNet-18 (SCALE-Sim shapes,
# imported, mappings dropped so every layer is searched) on the Eyeriss-like architecture with
# LPDDR4 and parallel engines: top-6 candidates per layer, the cross-layer step by annealing
# (ResNet-18's shortcut convolutions read a tensor another layer reads too).
# Usage: bench/secure_search_speed.sh [RUNS]   (default 5). Prints min/median/max wall seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=build/tessera
arch=scripts/secureloop/eyeriss_lpddr4.yaml
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" import scalesim tests/data/scalesim/conv_nets/Resnet18.csv -o "$work/net" > /dev/null 2>&1
awk '/^    mapping:/ {skip = 1; next} skip && /^      / {next} {skip = 0; print}' \
  "$work/net/trace.yaml" > "$work/resnet18.yaml"
search=("$bin" secure-schedule "$work/resnet18.yaml" --arch "$arch" -p crypto.engine=parallel
  --search --top-k 6)
"${search[@]}" | head -1
for ((i = 0; i < runs; i++)); do
  start=$(date +%s%N)
  "${search[@]}" > /dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000))
done | sort -n | awk '{v[NR] = $1 / 1e6}
  END {printf "%d runs, wall seconds: min %.3f  median %.3f  max %.3f\n", NR, v[1], v[int((NR + 1) / 2)], v[NR]}'
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1 /proc/loadavg)"
