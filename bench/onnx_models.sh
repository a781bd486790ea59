#!/usr/bin/env bash
# Imports the five ONNX fixture models (tests/data/onnx, exported from PyTorch by
# scripts/export_onnx.py), runs each on the built-in architecture and tabulates cycles, energy,
# MACs, vector-unit operations and each op kind's share of the cycles; times the import and the
# run of each with the real binary.
# Usage: bench/onnx_models.sh [RUNS]   (default 5 timed runs per model)
# Writes bench/onnx_models.md and the table in the README, section "From PyTorch to a trace".
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=build/tessera
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
models=(resnet50 mobilenet_v2 efficientnet_b0 vit_b_16 gpt2_block)
kinds=(conv gemm pool eltwise softmax norm)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Median wall milliseconds of RUNS runs of a command.
median_ms() {
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    echo $(((end - start) / 1000))
  done | sort -n | awk '{v[NR] = $1} END {printf "%.1f", v[int((NR + 1) / 2)] / 1000}'
}

header="| model | layers | cycles | energy (uJ) | GMACs | vector ops (M) |"
rule="|---|---|---|---|---|---|"
for k in "${kinds[@]}"; do
  header+=" $k % |"
  rule+="---|"
done
table="$header
$rule"
speed="| model | import (ms) | run (ms) |
|---|---|---|"
for m in "${models[@]}"; do
  "$bin" import onnx "tests/data/onnx/$m.onnx" -o "$work/$m" >/dev/null 2>&1
  "$bin" run "$work/$m/trace.yaml" --quiet --json "$work/$m.json"
  row=$(jq -r --arg m "$m" --argjson kinds "$(printf '%s\n' "${kinds[@]}" | jq -R . | jq -s .)" '
    .totals as $t
    | [.layers[] | {op, cycles}] as $l
    | ($kinds | map(. as $k | ([$l[] | select(.op == $k) | .cycles] | add // 0) * 100 / $t.cycles
        | (. * 10 | round / 10 | tostring))) as $shares
    | "| \($m) | \($l | length) | \($t.cycles) | \($t.energy_pj / 1e6 | . * 10 | round / 10)"
      + " | \($t.macs / 1e9 | . * 1000 | round / 1000) | \($t.vector_ops / 1e6 | . * 10 | round / 10) | "
      + ($shares | join(" | ")) + " |"' "$work/$m.json")
  table+="
$row"
  speed+="
| $m | $(median_ms "$bin" import onnx "tests/data/onnx/$m.onnx" -o "$work/t_$m") | $(median_ms "$bin" run "$work/$m/trace.yaml" --quiet) |"
done
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1 /proc/loadavg)"

cat >bench/onnx_models.md <<EOF
# The ONNX fixture models on the built-in architecture

\`bench/onnx_models.sh $runs\` (Release build): each model of \`tests/data/onnx\` imported with
\`tessera import onnx\` and run with \`tessera run\` on the built-in architecture (32x32
weight-stationary array, 512 KiB buffer, DDR4-3200, 64-lane vector unit), batch 1. Shares are of
the model's cycles, by layer op.

$table

Median wall time of $runs runs of the whole process each:

$speed

machine: $machine
EOF

# The copy of the table in the README, section "From PyTorch to a trace".
printf '%s\n' "$table" >"$work/table.md"
scripts/replace_between_markers.sh README.md bench/onnx_models.sh "$work/table.md"
cat bench/onnx_models.md
