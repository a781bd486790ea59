#!/usr/bin/env bash
# Validating schedulers, the figures of docs/validation.md:
# 1. The six Timeloop reference cases (tests/data/timeloop, timeloop-model v3.0.3), end to end:
#    each is imported (`tessera import timeloop`), simulated and validated against
#    timeloop-model's own stats file (`tessera validate --against timeloop`), and modelled with
#    Timeloop's accounting (`tessera model --accounting timeloop`). OUT_DIR/timeloop_cases.md:
#    per case Timeloop's cycles, tessera's model of them, the simulated cycles, the error
#    (predicted - simulated) / simulated, and the simulated cycles by cause.
# 2. Does the tiler choose right? `tessera validate --candidates 16` on the ResNet-50 sample, with
#    the tiler's own estimate and with the analytical model as the predictor, on the default
#    architecture (DDR4) and with ideal DRAM. OUT_DIR/resnet50_candidates.md: the summaries.
# Usage: scripts/validation_experiment.sh [OUT_DIR]   (default: bench/validation)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/validation}
bin=build/tessera
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

table="$work/validation.md"
{
  echo "| case | Timeloop cycles | tessera model, Timeloop accounting | simulated | error | simulated cycles by cause |"
  echo "|---|---|---|---|---|---|"
} >"$table"
for dir in tests/data/timeloop/*/; do
  case=$(basename "$dir")
  "$bin" import timeloop --problem "$dir/problem.yaml" --arch "$dir/arch.yaml" \
    --mapping "$dir/mapping.yaml" -o "$work/$case" >/dev/null 2>"$work/$case.import.log"
  "$bin" model "$work/$case/trace.yaml" --arch "$work/$case/arch.yaml" --accounting timeloop \
    -q --json "$work/$case/model.json"
  "$bin" validate "$work/$case/trace.yaml" --arch "$work/$case/arch.yaml" \
    --against timeloop "$dir/timeloop-model.stats.txt" -q --json "$work/$case/validate.json"
  jq -r --arg case "$case" --slurpfile model "$work/$case/model.json" '
    .layers[0] as $l
    | [$l.cycles_by_cause | to_entries[] | select(.value > 0)] | sort_by(-.value) as $causes
    | "| `\($case)` | \($l.predicted_cycles) | \($model[0].layers[0].cycles) | \($l.simulated_cycles) | \($l.error * 10000 | round / 100) % | " +
      ([$causes[] | "\(.key) \(.value * 1000 / $l.simulated_cycles | round / 10) %"] | join(", ")) + " |"
  ' "$work/$case/validate.json" >>"$table"
done
cp "$table" "$out/timeloop_cases.md"
cat "$out/timeloop_cases.md"

candidates="$work/candidates.md"
{
  echo "| architecture | predictor | layers | picks that are the best | mean regret | largest regret | mean Spearman | mean Kendall tau-b | layers with a defined correlation |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$candidates"
for arch in default traces/arch/default_ideal_dram.yaml; do
  for predictor in tiler model; do
    args=(traces/samples/resnet50.yaml --candidates 16 -q --json "$work/rank.json")
    [[ $arch != default ]] && args+=(--arch "$arch")
    [[ $predictor == model ]] && args+=(--against model)
    "$bin" validate "${args[@]}"
    jq -r --arg arch "$arch" --arg p "$predictor" '.summary
      | def pct: . * 10000 | round / 100;
        def r3: if . == null then "n/a" else . * 1000 | round / 1000 end;
        "| \($arch) | \($p) | \(.layers) | \(.picks_best) | \(.mean_regret | pct) % | \(.max_regret | pct) % (\(.worst_layer)) | \(.mean_spearman | r3) | \(.mean_kendall | r3) | \(.correlated_layers) |"'       "$work/rank.json" >>"$candidates"
  done
done
cp "$candidates" "$out/resnet50_candidates.md"
cat "$out/resnet50_candidates.md"
