#!/usr/bin/env bash
# Overbooking on authenticated DRAM: A x A^T for every shipped SuiteSparse matrix on the built-in
# sparse architecture with a 16 KiB buffer (as scripts/tailors_experiment.sh), with the buffet
# (worst-case tiles), prescient and tailors buffers, each without crypto and with AES-GCM
# (tile blocks: one block per compressed tile; README, "Compressed tensors") on a pipelined and
# on a parallel engine. Tailors' bumped tails are re-fetched through the engine as whole blocks.
# Writes bench/sparse_secure/results.csv, results.md (table, geomeans) and gain.png.
# The dense half of the issue's experiment (ResNet-50 and a transformer block with sparse
# activations) needs activation sparsity, which tessera does not model yet; it is not run.
# Usage: scripts/sparse_secure_experiment.sh [OUT_DIR]   (builds tessera first if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
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
