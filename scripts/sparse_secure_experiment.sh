#!/usr/bin/env bash
# Overbooking on authenticated DRAM: A x A^T for every shipped SuiteSparse matrix on the built-in
# sparse architecture with a 16 KiB buffer (as scripts/tailors_experiment.sh), with the buffet
# (worst-case tiles), prescient and tailors buffers, each without crypto and with AES-GCM
# (tile blocks: one block per compressed tile; README, "Compressed tensors") on a pipelined and
# on a parallel engine. Tailors' bumped tails are re-fetched through the engine as whole blocks.
# Writes bench/sparse_secure/results.csv, results.md (table, geomeans) and gain.png.
# Then the DNN half: ResNet-50 and the GPT-2 block (traces/samples) with 75% sparse weights
# (hss:2:4,1:2 on every layer whose k the 8-value blocks divide) and half-zero inputs, under the
# dense, nm, dstc and highlight decoders, without crypto and with AES-GCM (pipelined engine).
# The inputs' zeros are a spec: density:0.5 (zeros anywhere, as a ReLU leaves them) for dstc
# and highlight, and hss:4:4,1:2 (whole blocks of 4, the structure HighLight skips) for a second
# highlight run; and, for ResNet-50 alone, inputs=relu in functional runs (the real zeros of the
# producer's outputs). dense and nm cannot skip inputs and run them dense.
# Writes dnn_results.csv, dnn_results.md and dnn_edp.png; the script's run time goes in
# dnn_results.md.
# Usage: scripts/sparse_secure_experiment.sh [OUT_DIR]   (builds tessera first if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
out=${1:-bench/sparse_secure}
bin=build/tessera
capacity_kib=16
if [[ ! -x $bin ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j2 --target tessera >/dev/null
fi
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The first "cycles" and "energy_pj" of a report are its totals (sim/REPORTS.md field order).
field() { grep -o -m1 "\"$2\": *[0-9.e+-]*" "$1" | sed 's/.*: *//'; }
# A counter of the crypto component (0 without one).
crypto_counter() {
  awk -v want="\"$2\"" '/"name": "crypto"/ { c = 1 } c && index($0, want) {
    gsub(/[^0-9]/, "", $2); print $2; found = 1; exit } END { if (!found) print 0 }' FS=: "$1"
}

modes=(none pipelined parallel)
buffers=(buffet prescient tailors)
csv="$work/results.csv"
{
  printf "workload,crypto"
  for b in "${buffers[@]}"; do printf ",%s_cycles,%s_energy_pj" "$b" "$b"; done
  printf ",tailors_refetched_bytes,tailors_redundant_read_bytes"
  printf ",speedup_vs_buffet,speedup_vs_prescient,edp_gain_vs_buffet,edp_gain_vs_prescient\n"
} >"$csv"
for mtx in data/matrices/*.mtx; do
  name=$(basename "$mtx" .mtx)
  for mode in "${modes[@]}"; do
    crypto=(-p crypto.impl=none)
    [[ $mode != none ]] && crypto=(-p crypto.impl=aes_gcm -p "crypto.engine=$mode")
    declare -A cycles=() energy=()
    for buffer in "${buffers[@]}"; do
      json="$work/$name.$mode.$buffer.json"
      "$bin" spmspm "$mtx" --transpose --buffer "$buffer" -p buffer.capacity_kib=$capacity_kib \
        "${crypto[@]}" --quiet --json "$json"
      cycles[$buffer]=$(field "$json" cycles)
      energy[$buffer]=$(field "$json" energy_pj)
    done
    tailors="$work/$name.$mode.tailors.json"
    refetched=$(field "$tailors" refetched_bytes)
    redundant=$(crypto_counter "$tailors" redundant_read_bytes)
    awk -v w="$name AxAT" -v m="$mode" -v cb="${cycles[buffet]}" -v cp="${cycles[prescient]}" \
      -v ct="${cycles[tailors]}" -v eb="${energy[buffet]}" -v ep="${energy[prescient]}" \
      -v et="${energy[tailors]}" -v r="$refetched" -v red="$redundant" \
      'BEGIN { printf "%s,%s,%d,%.0f,%d,%.0f,%d,%.0f,%d,%d,%.4f,%.4f,%.4f,%.4f\n",
               w, m, cb, eb, cp, ep, ct, et, r, red, cb / ct, cp / ct,
               (cb * eb) / (ct * et), (cp * ep) / (ct * et) }' >>"$csv"
  done
done
cp "$csv" "$out/results.csv"

# Per crypto mode: geomeans of tailors' gains, and what authentication costs each buffer.
summary="$work/summary.csv"
awk -F, 'NR > 1 {
    m = $2; n[m]++
    for (i = 11; i <= 14; ++i) g[m, i] += log($i)
    for (b = 0; b < 3; ++b) { c[m, b] += log($(3 + 2 * b)); e[m, b] += log($(4 + 2 * b)) }
    order[m] = (m == "none") ? 0 : (m == "pipelined") ? 1 : 2
  }
  END {
    for (m in n) {
      printf "%s,%d", m, order[m]
      for (i = 11; i <= 14; ++i) printf ",%.4f", exp(g[m, i] / n[m])
      # Geomean cycles and energy of each buffer, relative to the same buffer without crypto.
      for (b = 0; b < 3; ++b)
        printf ",%.4f,%.4f", exp((c[m, b] - c["none", b]) / n[m]), exp((e[m, b] - e["none", b]) / n[m])
      printf "\n"
    }
  }' "$csv" | sort -t, -k2n >"$summary"

{
  echo "Per workload (A x A^T, ${capacity_kib} KiB buffer): tailors' speedup and EDP gain over each"
  echo "baseline, with the same crypto on all three buffers."
  echo
  echo "| workload | crypto | speedup vs buffet | speedup vs prescient | EDP gain vs buffet | EDP gain vs prescient | refetched B | redundant B |"
  echo "|---|---|---|---|---|---|---|---|"
  awk -F, 'NR > 1 { printf "| %s | %s | %.2fx | %.2fx | %.2fx | %.2fx | %d | %d |\n",
                    $1, $2, $11, $12, $13, $14, $9, $10 }' "$csv"
  echo
  echo "Geomeans over the workloads. 'kept' is the gain with crypto divided by the gain without;"
  echo "'cycles x' and 'energy x' are each buffer's geomean cycles and energy with crypto over"
  echo "the same buffer without."
  echo
  echo "| crypto | speedup vs buffet | kept | speedup vs prescient | kept | EDP gain vs buffet | EDP gain vs prescient | buffet cycles x | prescient cycles x | tailors cycles x | buffet energy x | prescient energy x | tailors energy x |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  awk -F, 'NR == 1 { sb = $3; sp = $4 }
           { printf "| %s | %.2fx | %.0f %% | %.2fx | %.0f %% | %.2fx | %.2fx | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n",
             $1, $3, 100 * $3 / sb, $4, 100 * $4 / sp, $5, $6, $7, $9, $11, $8, $10, $12 }' \
    "$summary"
} >"$out/results.md"

# Plot: geomean speedup and EDP gain of tailors over both baselines, by crypto mode.
awk -F, '{ print $1, $3, $4, $5, $6 }' "$summary" >"$work/plot.dat"
gnuplot <<GNUPLOT
set terminal pngcairo size 900,500 font "sans,10" noenhanced
set output "$out/gain.png"
set title "tailors + Swiftiles over fixed and prescient tiles, with and without AES-GCM (geomean, ${capacity_kib} KiB)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y 2
set ylabel "gain (x, log scale)"
set grid ytics
set key top right
plot "$work/plot.dat" using 2:xtic(1) title "speedup vs buffet", \
     "" using 3 title "speedup vs prescient", "" using 4 title "EDP gain vs buffet", \
     "" using 5 title "EDP gain vs prescient", 1 notitle lc rgb "black" dt 2
GNUPLOT
cat "$out/results.md"

# --- The DNN half: sparse weights and inputs under four decoders. ---
weights=hss:2:4,1:2
decoders=(dense nm dstc highlight highlight_hss)
decoder_args() {
  case $1 in
    dense) echo "-p sparse.impl=dense" ;;
    nm) echo "-p sparse.impl=nm --sparsify weights=$weights" ;;
    dstc) echo "-p sparse.impl=dstc --sparsify weights=$weights --sparsify inputs=density:0.5" ;;
    highlight) echo "-p sparse.impl=highlight --sparsify weights=$weights --sparsify inputs=density:0.5" ;;
    highlight_hss) echo "-p sparse.impl=highlight --sparsify weights=$weights --sparsify inputs=hss:4:4,1:2" ;;
    # The real zeros of each producer's outputs after a ReLU: functional runs (ResNet-50 only;
    # the GPT-2 block's large GEMMs are too slow to compute value by value here).
    dstc_relu) echo "-p sparse.impl=dstc --sparsify weights=$weights --sparsify inputs=relu --functional" ;;
    highlight_relu) echo "-p sparse.impl=highlight --sparsify weights=$weights --sparsify inputs=relu --functional" ;;
  esac
}
relu_decoders=(dstc_relu highlight_relu)
dnn="$work/dnn_results.csv"
echo "workload,crypto,decoder,cycles,energy_pj,macs,speedup_vs_dense,energy_vs_dense,edp_gain_vs_dense" >"$dnn"
for trace in traces/samples/resnet50.yaml traces/samples/gpt2_block.yaml; do
  name=$(basename "$trace" .yaml)
  for mode in none aes_gcm; do
    crypto=(-p crypto.impl=none)
    [[ $mode != none ]] && crypto=(-p crypto.impl=aes_gcm -p crypto.engine=pipelined)
    runs=("${decoders[@]}")
    [[ $name == resnet50 ]] && runs+=("${relu_decoders[@]}")
    for dec in "${runs[@]}"; do
      json="$work/$name.$mode.$dec.json"
      # shellcheck disable=SC2046 # the decoder's arguments are words
      "$bin" run "$trace" $(decoder_args "$dec") "${crypto[@]}" --quiet --json "$json" 2>/dev/null
    done
    base="$work/$name.$mode.dense.json"
    cd_=$(field "$base" cycles)
    ed=$(field "$base" energy_pj)
    for dec in "${runs[@]}"; do
      json="$work/$name.$mode.$dec.json"
      awk -v w="$name" -v m="$mode" -v d="$dec" -v c="$(field "$json" cycles)" \
        -v e="$(field "$json" energy_pj)" -v macs="$(field "$json" macs)" -v cd="$cd_" -v ed="$ed" \
        'BEGIN { printf "%s,%s,%s,%d,%.0f,%.0f,%.4f,%.4f,%.4f\n", w, m, d, c, e, macs,
                 cd / c, e / ed, (cd * ed) / (c * e) }' >>"$dnn"
    done
  done
done
cp "$dnn" "$out/dnn_results.csv"
elapsed=$(($(date +%s) - started))
{
  echo "ResNet-50 and the GPT-2 block with weights $weights (75 % zeros) and inputs half zero,"
  echo "per decoder, without crypto and with AES-GCM (pipelined engine); speedup, energy and EDP"
  echo "gain relative to the dense decoder with the same crypto. dstc and highlight get inputs"
  echo "density:0.5; highlight_hss gets inputs hss:4:4,1:2 (the same density in whole blocks);"
  echo "dstc_relu and highlight_relu (ResNet-50 only, functional runs) get inputs=relu: each"
  echo "layer fed by the layer before it skips the real zeros of that layer's outputs after a"
  echo "ReLU, the others (no such producer) run their seeded inputs dense."
  echo
  echo "| workload | crypto | decoder | cycles | energy (uJ) | MACs | speedup | energy x | EDP gain |"
  echo "|---|---|---|---|---|---|---|---|---|"
  awk -F, 'NR > 1 { printf "| %s | %s | %s | %d | %.1f | %.3g | %.2fx | %.3f | %.2fx |\n",
                    $1, $2, $3, $4, $5 / 1e6, $6, $7, $8, $9 }' "$dnn"
  echo
  echo "Geomeans over the two workloads (dstc_relu and highlight_relu: ResNet-50 alone):"
  echo
  echo "| crypto | decoder | speedup | energy x | EDP gain |"
  echo "|---|---|---|---|---|"
  awk -F, 'NR > 1 { k = $2 "," $3; if (!(k in n)) order[++count] = k; n[k]++
                    s[k] += log($7); e[k] += log($8); g[k] += log($9) }
           END { for (i = 1; i <= count; ++i) { k = order[i]; split(k, p, ",")
                 printf "| %s | %s | %.2fx | %.3f | %.2fx |\n", p[1], p[2],
                        exp(s[k] / n[k]), exp(e[k] / n[k]), exp(g[k] / n[k]) } }' "$dnn"
  echo
  cpu=$(grep -m1 "model name" /proc/cpuinfo | sed 's/.*: *//')
  echo "The whole script (both halves) ran in ${elapsed} s on $(nproc) cores ($cpu), with"
  echo "whatever else the machine ran at the time."
} >"$out/dnn_results.md"

awk -F, 'NR > 1 { print $1 "/" $2, $3, $9 }' "$dnn" >"$work/dnn.dat"
for dec in "${decoders[@]}"; do
  awk -v d="$dec" '$2 == d { print $1, $3 }' "$work/dnn.dat" >"$work/dnn.$dec.dat"
done
gnuplot <<GNUPLOT
set terminal pngcairo size 900,500 font "sans,10" noenhanced
set output "$out/dnn_edp.png"
set title "EDP gain over the dense decoder: 75% HSS weights, half-zero inputs"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y 2
set ylabel "EDP gain (x, log scale)"
set yrange [0.5:16]
set grid ytics
set key outside bottom center horizontal
plot "$work/dnn.dense.dat" using 2:xtic(1) title "dense", \
     "$work/dnn.nm.dat" using 2 title "nm (2:4 weights)", \
     "$work/dnn.dstc.dat" using 2 title "dstc", \
     "$work/dnn.highlight.dat" using 2 title "highlight (inputs density 0.5)", \
     "$work/dnn.highlight_hss.dat" using 2 title "highlight (inputs hss:4:4,1:2)"
GNUPLOT
cat "$out/dnn_results.md"
