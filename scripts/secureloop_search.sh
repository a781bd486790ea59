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
# attribution of every layer's gap to its causes). Re-encryptions between layers are in both:
# the search charges each to its consumer, and the trace it writes has the consumer perform it
# (`reencrypt_from`), so the simulated totals hold it (the cycle cause `reencryption`).
# The iso-area sweep (step iso-area): at a fixed chip area, the budget of this architecture with
# one pipelined engine per datatype (sim/area.h, data/area/area_40nm.yaml), N engines per datatype
# of each kind and the buffer that the rest of the budget buys (`--search --area-budget`);
# ResNet-18 and MobileNetV2; crypto on: the cross-layer search's schedule, predicted and simulated
# as above; crypto off: the tiler's schedule with the same buffer and no engines (the
# security-unaware design the same area allows), `tessera model --fill-drain` and `tessera run`.
# Usage: scripts/secureloop_search.sh [OUT_DIR] [all|search|iso-area]
#   (default bench/secureloop/search, all)
# Writes results.csv, results.md, causes.md and search.png in OUT_DIR, and iso_area.csv,
# iso_area.md, iso_area.png and validate/ in OUT_DIR/iso-area.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/secureloop/search}
step=${2:-all}
[[ $step == all || $step == search || $step == iso-area ]] || { echo "step: all, search or iso-area" >&2; exit 2; }
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

search_step() {
csv=$out/results.csv
echo "net,engine,schedule,method,predicted_cycles,predicted_energy_pj,simulated_cycles,simulated_energy_pj,reencryption_cycles,reencryption_energy_pj,mape,bias,layers_changed,simulated_reencryption_cycles" > "$csv"
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
         ([.layers[].simulated_cycles] | add), ([.layers[].simulated_energy_pj] | add),
         $rc, $re * 1e6, .summary.mape, .summary.bias, $changed,
         ([.layers[].cycles_by_cause.reencryption] | add)] | @csv' \
        "$out/validate/$net.$engine.$schedule.json" | tr -d '"' >> "$csv"
    done
  done
done

# The table: each schedule against the baseline, predicted and simulated. Speedup: baseline
# cycles / schedule cycles - 1; EDP gain: 1 - schedule EDP / baseline EDP. "Layers only" leaves
# the simulated re-encryption cycles out of both.
awk -F, 'NR > 1 {
    key = $1 "," $2
    if ($3 == "baseline") { pc[key] = $5; sc[key] = $7; sl[key] = $7 - $14; pedp[key] = $5 * $6; sedp[key] = $7 * $8 }
    row[NR] = $0
  }
  END {
    print "| net | engine | schedule | step | tilings changed | predicted cycles | of which re-encryption | simulated cycles | of which re-encryption | predicted speedup | simulated speedup | simulated speedup, layers only | predicted EDP gain | simulated EDP gain | prediction MAPE | bias |"
    print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    for (i = 2; i <= NR; ++i) {
      split(row[i], f, ","); key = f[1] "," f[2]
      printf "| %s | %s | %s | %s | %d | %d | %d | %d | %d | %+.1f %% | %+.1f %% | %+.1f %% | %+.1f %% | %+.1f %% | %.1f %% | %+.1f %% |\n",
        f[1], f[2], f[3], f[4], f[13], f[5], f[9], f[7], f[14],
        100 * (pc[key] / f[5] - 1), 100 * (sc[key] / f[7] - 1), 100 * (sl[key] / (f[7] - f[14]) - 1),
        100 * (1 - f[5] * f[6] / pedp[key]), 100 * (1 - f[7] * f[8] / sedp[key]),
        100 * f[11], 100 * f[12]
    }
  }' "$csv" > "$out/results.md"

# Where the simulated cycles above the max(compute, DRAM, crypto) prediction went, summed over
# layers, per run.
{
  echo "| net | engine | schedule | predicted | simulated | gap | reencryption | crypto_stall | dram_latency_stall | dram_bandwidth_stall | fill_drain | layer_start+end | other |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for f in "$out"/validate/*.json; do
    name=$(basename "$f" .json)
    jq -r --arg n "$name" '
      ($n | split(".")) as $k
      | ([.layers[].predicted_cycles] | add) as $p | ([.layers[].simulated_cycles] | add) as $s
      | (reduce .layers[].cycles_by_cause as $c ({}; reduce ($c | to_entries[]) as $e (.; .[$e.key] += $e.value))) as $c
      | ($c.reencryption + $c.crypto_stall + $c.dram_latency_stall + $c.dram_bandwidth_stall + $c.fill_drain + $c.layer_start + $c.layer_end) as $named
      | "| \($k[0]) | \($k[1]) | \($k[2]) | \($p) | \($s) | \($s - $p) | \($c.reencryption) | \($c.crypto_stall) | \($c.dram_latency_stall) | \($c.dram_bandwidth_stall) | \($c.fill_drain) | \($c.layer_start + $c.layer_end) | \([$c | to_entries[] | select(.key != "compute" and .key != "array_underuse") | .value] | add - $named) |"' "$f"
  done
} > "$out/causes.md"

# Speedup over the baseline, predicted and simulated, per net and engine.
awk -F, 'NR > 1 { key = $1 "/" $2; if ($3 == "baseline") { pc[key] = $5; sc[key] = $7; sl[key] = $7 - $14 }
  else if ($3 == "cross-layer")
    print key, 100 * (pc[key] / $5 - 1), 100 * (sc[key] / $7 - 1), 100 * (sl[key] / ($7 - $14) - 1) }' \
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
set autoscale y
plot "$work/plot.dat" using 2:xtic(1) title "predicted", "" using 3 title "simulated", \
  "" using 4 title "simulated, layers only (no re-encryption)"
GNUPLOT
cat "$out/results.md"
echo
cat "$out/causes.md"
echo "wrote $csv, $out/results.md, $out/causes.md and $out/search.png"
}

iso_area_step() {
  local dir=$out/iso-area csv=$out/iso-area/iso_area.csv
  mkdir -p "$dir/validate"
  local budget
  "$bin" model "$work/Resnet18.yaml" --arch "$arch" --json "$work/budget.json" > /dev/null
  budget=$(jq '.totals.area_mm2' "$work/budget.json")
  echo "net,engine,engines_per_datatype,budget_mm2,engines_mm2,buffer_kib,on_predicted_cycles,on_predicted_energy_pj,on_simulated_cycles,on_simulated_energy_pj,reencryption_cycles,off_predicted_cycles,off_predicted_energy_pj,off_simulated_cycles,off_simulated_energy_pj,on_simulated_reencryption_cycles" > "$csv"
  for net in Resnet18 MobileNetV2; do
    for engine in pipelined parallel; do
      for n in 1 2 3 4 5 6 7 8 9 10; do
        local base=$work/iso.$net.$engine.$n
        local engines=(-p crypto.engine="$engine" -p crypto.inputs_engines="$n"
          -p crypto.weights_engines="$n" -p crypto.outputs_engines="$n")
        # An impossible budget (the engines leave no KiB of buffer) ends the row of points.
        "$bin" secure-schedule "$work/$net.yaml" --arch "$arch" "${engines[@]}" --search \
          --area-budget "$budget" -o "$base.yaml" --predictions "$base.csv" > "$base.txt" 2> /dev/null || break
        # area budget B mm^2: 3N engines E mm^2, other fixed parts F mm^2, buffer K KiB A mm^2
        local em kib pc pe rc re oc oe
        read -r em kib < <(awk '/^area budget/ {print $7, $15}' "$base.txt")
        read -r pc pe rc re < <(awk '/^predicted:/ {print $2, $4, $(NF-3), $(NF-1)}' "$base.txt")
        "$bin" validate "$base.yaml" --against csv "$base.csv" --arch "$arch" "${engines[@]}" \
          -p buffer.capacity_kib="$kib" -q --json "$dir/validate/$net.$engine.$n.json" > /dev/null
        read -r oc oe < <("$bin" model "$work/$net.yaml" --arch "$arch" --fill-drain -p crypto.impl=none \
          -p buffer.capacity_kib="$kib" | awk '$1 == "total" {print $2, $3}')
        "$bin" run "$work/$net.yaml" --arch "$arch" -p crypto.impl=none -p buffer.capacity_kib="$kib" \
          --quiet --json "$work/off.json" > /dev/null
        jq -r --arg net "$net" --arg e "$engine" --argjson n "$n" --argjson b "$budget" --argjson em "$em" \
          --argjson kib "$kib" --argjson pc "$pc" --argjson pe "$pe" --argjson rc "$rc" --argjson re "$re" \
          --argjson oc "$oc" --argjson oe "$oe" --slurpfile off "$work/off.json" '
          [$net, $e, $n, $b, $em, $kib, $pc, $pe * 1e6,
           ([.layers[].simulated_cycles] | add), ([.layers[].simulated_energy_pj] | add),
           $rc, $oc, $oe * 1e6, $off[0].totals.cycles, $off[0].totals.energy_pj,
           ([.layers[].cycles_by_cause.reencryption] | add)] | @csv' \
          "$dir/validate/$net.$engine.$n.json" | tr -d '"' >> "$csv"
      done
    done
  done
  # The table: each point's cycles relative to the best point of its net and engine kind, crypto
  # on (the cross-layer search's schedule) and crypto off (the tiler's schedule, no engines: the
  # security-unaware design the same area allows), predicted and simulated; the optimum of each
  # column is the fewest cycles, energy breaking ties.
  awk -F, '
    function better(c, e, k, col) { return !((k, col) in bc) || c < bc[k, col] || (c == bc[k, col] && e < be[k, col]) }
    function keep(c, e, k, col) { if (better(c, e, k, col)) { bc[k, col] = c; be[k, col] = e } }
    NR > 1 { k = $1 "," $2; row[NR] = $0; keep($7, $8, k, 1); keep($9, $10, k, 2); keep($12, $13, k, 3); keep($14, $15, k, 4) }
    END {
      print "| net | engine | engines per datatype | engines mm^2 | buffer KiB | on: predicted cycles | on: simulated cycles | on: simulated energy uJ | off: predicted cycles | off: simulated cycles | off: simulated energy uJ | optimum of |"
      print "|---|---|---|---|---|---|---|---|---|---|---|---|"
      split("on predicted,on simulated,off predicted,off simulated", names, ",")
      for (i = 2; i <= NR; ++i) {
        split(row[i], f, ","); k = f[1] "," f[2]; mark = ""
        split(f[7] "," f[9] "," f[12] "," f[14], c, ","); split(f[8] "," f[10] "," f[13] "," f[15], e, ",")
        for (col = 1; col <= 4; ++col) {
          if (c[col] == bc[k, col] && e[col] == be[k, col]) mark = mark (mark == "" ? "" : ", ") names[col]
        }
        printf "| %s | %s | %d | %.4f | %d | %d | %d | %.1f | %d | %d | %.1f | %s |\n", f[1], f[2], f[3], f[5], f[6], f[7], f[9], f[10] / 1e6, f[12], f[14], f[15] / 1e6, mark
      }
      printf "\nBudget: %.4f mm^2 (the architecture with one pipelined engine per datatype and its 128 KiB buffer, 40 nm, DRAM off chip). Crypto-on cycles and energy include the re-encryption between layers, predicted and simulated.\n", f[4]
    }' "$csv" > "$dir/iso_area.md"
  # Plot: simulated cycles against buffer KiB (the engines take the rest of the area).
  local i=0 plots=""
  for net in Resnet18 MobileNetV2; do
    for engine in pipelined parallel; do
      awk -F, -v net="$net" -v e="$engine" '$1 == net && $2 == e {print $6, $9 / 1e6, $14 / 1e6, $7 / 1e6}' "$csv" > "$work/iso.$i.dat"
      plots+="\"$work/iso.$i.dat\" using 1:2 with linespoints linecolor $((i + 1)) title \"$net $engine, crypto on, simulated\", "
      plots+="\"$work/iso.$i.dat\" using 1:4 with linespoints linecolor $((i + 1)) dashtype 3 title \"... predicted\", "
      i=$((i + 1))
    done
    plots+="\"$work/iso.$((i - 1)).dat\" using 1:3 with linespoints linecolor black dashtype 2 title \"$net, crypto off, simulated\", "
  done
  gnuplot <<GNUPLOT
set terminal pngcairo size 1000,700 noenhanced
set output "$dir/iso_area.png"
set grid
set xlabel "buffer KiB at $(printf %.4f "$budget") mm^2 (fewer KiB: more AES-GCM engines per datatype)"
set ylabel "cycles (millions)"
set key below maxrows 5
set logscale y
set autoscale y
plot ${plots%, }
GNUPLOT
  cat "$dir/iso_area.md"
  echo "wrote $csv, $dir/iso_area.md and $dir/iso_area.png"
}

[[ $step == iso-area ]] || search_step
[[ $step == search ]] || iso_area_step
