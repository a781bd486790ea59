#!/usr/bin/env bash
# The security-aware schedule search against the security-unaware one (SecureLoop, MICRO 2023) on
# the Eyeriss-sized accelerator with LPDDR4 (scripts/secureloop/eyeriss_lpddr4.yaml):
#   networks  AlexNet and ResNet-18 (SCALE-Sim topologies, imported, mappings dropped) and
#             MobileNetV2 (the ONNX fixture, imported; its vector-unit layers (ReLU6 clips, the
#             residual adds, the pool) dropped: the array's layers are what is scheduled)
#   engines   pipelined and parallel AES-GCM, one per datatype
#   schedules baseline     tessera secure-schedule --search --baseline (the tiler's pick, blocks
#                          chosen afterwards)
#             per-layer    --search --per-layer (each layer's best tiling and blocks for itself)
#             cross-layer  --search (tilings and blocks chosen across layers, for latency)
#             cross-layer-edp  --search --objective edp (the same, for energy-delay product)
# Each schedule's predictions are checked: `tessera validate --against csv` simulates the trace
# the search wrote and compares per layer (bench/secureloop/search/validate/*.json keep the
# attribution of every layer's gap to its causes). Re-encryptions between layers are not
# simulated: the search's predicted re-encryption cycles and energy are added to the simulated
# totals too.
# Usage: scripts/secureloop_search.sh [OUT_DIR]   (default bench/secureloop/search)
# Writes results.csv, results.md, causes.md and search.png in OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/secureloop/search}
bin=build/tessera
arch=scripts/secureloop/eyeriss_lpddr4.yaml
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
mkdir -p "$out/validate"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

strip_mappings() { awk '/^    mapping:/ {skip = 1; next} skip && /^      / {next} {skip = 0; print}' "$1"; }
# Drops the layers whose op is a vector-unit op (a layer is its `  - name:` line to the next).
drop_vector_layers() {
  awk '/^  - name:/ { if (n) flush(); n = 1; buf = $0 "\n"; vec = 0; next }
       n { buf = buf $0 "\n"; if ($0 ~ /^    op: (eltwise|pool|softmax|norm)$/) vec = 1; next }
       { print }
       function flush() { if (!vec) printf "%s", buf }
       END { if (n) flush() }' "$1"
}
for net in alexnet Resnet18; do
  "$bin" import scalesim "tests/data/scalesim/conv_nets/$net.csv" -o "$work/$net" > /dev/null 2>&1
  strip_mappings "$work/$net/trace.yaml" > "$work/$net.yaml"
done
"$bin" import onnx tests/data/onnx/mobilenet_v2.onnx -o "$work/mv2" > /dev/null
drop_vector_layers "$work/mv2/trace.yaml" | sed 's/^name: .*/name: MobileNetV2/' > "$work/MobileNetV2.yaml"

csv=$out/results.csv
echo "net,engine,schedule,method,predicted_cycles,predicted_energy_pj,simulated_cycles,simulated_energy_pj,reencryption_cycles,reencryption_energy_pj,mape,bias,layers_changed" > "$csv"
for net in alexnet Resnet18 MobileNetV2; do
  for engine in pipelined parallel; do
    for schedule in baseline per-layer cross-layer cross-layer-edp; do
      flag=""
      [[ $schedule == baseline ]] && flag=--baseline
      [[ $schedule == per-layer ]] && flag=--per-layer
      [[ $schedule == cross-layer-edp ]] && flag="--objective edp"
      base=$work/$net.$engine.$schedule
      "$bin" secure-schedule "$work/$net.yaml" --arch "$arch" -p crypto.engine="$engine" --search \
        $flag -o "$base.yaml" --predictions "$base.csv" > "$base.txt"
      "$bin" validate "$base.yaml" --against csv "$base.csv" --arch "$arch" \
        -p crypto.engine="$engine" -q --json "$out/validate/$net.$engine.$schedule.json" > /dev/null
      method=$(sed -n '1s/.*cross-layer step: \([a-z-]*\).*/\1/p' "$base.txt")
      # predicted: C cycles, E uJ; of which re-encryption between layers: R cycles, F uJ
      read -r pc pe rc re < <(awk '/^predicted:/ {print $2, $4, $(NF-3), $(NF-1)}' "$base.txt")
      # Tilings (tile and loop order) that differ from the baseline's.
      changed=0
      if [[ $schedule != baseline ]]; then
        changed=$(paste -d'|' <(awk 'NR > 3 && NF > 5 {print $2, $3}' "$work/$net.$engine.baseline.txt") \
          <(awk 'NR > 3 && NF > 5 {print $2, $3}' "$base.txt") | awk -F'|' '$1 != $2' | wc -l)
      fi
      jq -r --arg net "$net" --arg engine "$engine" --arg schedule "$schedule" --arg method "$method" \
        --argjson pc "$pc" --argjson pe "$pe" --argjson rc "$rc" --argjson re "$re" \
        --argjson changed "$changed" '
        [$net, $engine, $schedule, $method, $pc, $pe * 1e6,
         ([.layers[].simulated_cycles] | add) + $rc,
         ([.layers[].simulated_energy_pj] | add) + $re * 1e6, $rc, $re * 1e6,
         .summary.mape, .summary.bias, $changed] | @csv' \
        "$out/validate/$net.$engine.$schedule.json" | tr -d '"' >> "$csv"
    done
  done
done

# The table: each schedule against the baseline, predicted and simulated. Speedup: baseline
# cycles / schedule cycles - 1; EDP gain: 1 - schedule EDP / baseline EDP. "Layers only" leaves
# the (predicted, not simulated) re-encryption cycles out of both.
awk -F, 'NR > 1 {
    key = $1 "," $2
    if ($3 == "baseline") { pc[key] = $5; sc[key] = $7; sl[key] = $7 - $9; pedp[key] = $5 * $6; sedp[key] = $7 * $8 }
    row[NR] = $0
  }
  END {
    print "| net | engine | schedule | step | tilings changed | predicted cycles | simulated cycles | of which re-encryption | predicted speedup | simulated speedup | simulated speedup, layers only | predicted EDP gain | simulated EDP gain | prediction MAPE | bias |"
    print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    for (i = 2; i <= NR; ++i) {
      split(row[i], f, ","); key = f[1] "," f[2]
      printf "| %s | %s | %s | %s | %d | %d | %d | %d | %+.1f %% | %+.1f %% | %+.1f %% | %+.1f %% | %+.1f %% | %.1f %% | %+.1f %% |\n",
        f[1], f[2], f[3], f[4], f[13], f[5], f[7], f[9],
        100 * (pc[key] / f[5] - 1), 100 * (sc[key] / f[7] - 1), 100 * (sl[key] / (f[7] - f[9]) - 1),
        100 * (1 - f[5] * f[6] / pedp[key]), 100 * (1 - f[7] * f[8] / sedp[key]),
        100 * f[11], 100 * f[12]
    }
  }' "$csv" > "$out/results.md"

# Where the simulated cycles above the max(compute, DRAM, crypto) prediction went, summed over
# layers, per run.
{
  echo "| net | engine | schedule | predicted | simulated | gap | crypto_stall | dram_latency_stall | dram_bandwidth_stall | fill_drain | layer_start+end | other |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for f in "$out"/validate/*.json; do
    name=$(basename "$f" .json)
    jq -r --arg n "$name" '
      ($n | split(".")) as $k
      | ([.layers[].predicted_cycles] | add) as $p | ([.layers[].simulated_cycles] | add) as $s
      | (reduce .layers[].cycles_by_cause as $c ({}; reduce ($c | to_entries[]) as $e (.; .[$e.key] += $e.value))) as $c
      | ($c.crypto_stall + $c.dram_latency_stall + $c.dram_bandwidth_stall + $c.fill_drain + $c.layer_start + $c.layer_end) as $named
      | "| \($k[0]) | \($k[1]) | \($k[2]) | \($p) | \($s) | \($s - $p) | \($c.crypto_stall) | \($c.dram_latency_stall) | \($c.dram_bandwidth_stall) | \($c.fill_drain) | \($c.layer_start + $c.layer_end) | \([$c | to_entries[] | select(.key != "compute" and .key != "array_underuse") | .value] | add - $named) |"' "$f"
  done
} > "$out/causes.md"

# Speedup over the baseline, predicted and simulated, per net and engine.
awk -F, 'NR > 1 { key = $1 "/" $2; if ($3 == "baseline") { pc[key] = $5; sc[key] = $7; sl[key] = $7 - $9 }
  else if ($3 == "cross-layer")
    print key, 100 * (pc[key] / $5 - 1), 100 * (sc[key] / $7 - 1), 100 * (sl[key] / ($7 - $9) - 1) }' \
  "$csv" > "$work/plot.dat"
gnuplot <<GNUPLOT
set terminal pngcairo size 900,450 noenhanced
set output "$out/search.png"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set grid y
set ylabel "cross-layer speedup over baseline (%)"
set xtics rotate by -20
set key top left
set yrange [-5:45]
plot "$work/plot.dat" using 2:xtic(1) title "predicted", "" using 3 title "simulated", \
  "" using 4 title "simulated, layers only (no re-encryption)"
GNUPLOT
cat "$out/results.md"
echo
cat "$out/causes.md"
echo "wrote $csv, $out/results.md, $out/causes.md and $out/search.png"
