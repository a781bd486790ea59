#!/usr/bin/env bash
# The Tailors comparison on the shipped SuiteSparse matrices: A x A (square matrices) and A x A^T
# (all), each simulated with the fixed worst-case tiles (buffet), prescient tiles and tailors
# with Swiftiles (target 10%), on the built-in sparse architecture with a 16 KiB buffer (small
# enough that these matrices span many tiles, as the paper's large matrices do in its buffer).
# Writes bench/tailors/results.csv, results.md (the table with geomeans) and speedup.png.
# Usage: scripts/tailors_experiment.sh [OUT_DIR]   (builds tessera first if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/tailors}
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

csv="$work/results.csv"
echo "workload,buffet_cycles,prescient_cycles,tailors_cycles,buffet_energy_pj,prescient_energy_pj,tailors_energy_pj,tailors_tile,overbooked_tiles,refetched_bytes,speedup_vs_buffet,speedup_vs_prescient,energy_reduction_vs_buffet,energy_reduction_vs_prescient" >"$csv"
for mtx in data/matrices/*.mtx; do
  name=$(basename "$mtx" .mtx)
  read -r rows cols _ <<<"$(awk '!/^%/ { print; exit }' "$mtx")"
  products=("AxAT --transpose")
  [[ $rows == "$cols" ]] && products=("AxA" "${products[@]}")
  for product in "${products[@]}"; do
    read -r label flag <<<"$product"
    declare -A cycles=() energy=()
    for buffer in buffet prescient tailors; do
      json="$work/$name.$label.$buffer.json"
      # shellcheck disable=SC2086
      "$bin" spmspm "$mtx" $flag --buffer "$buffer" -p buffer.capacity_kib=$capacity_kib \
        --quiet --json "$json"
      cycles[$buffer]=$(field "$json" cycles)
      energy[$buffer]=$(field "$json" energy_pj)
    done
    tile=$(awk '/"tile_shape"/ { getline; gsub(/[^0-9]/, ""); print; exit }' \
      "$work/$name.$label.tailors.json")
    overbooked=$(field "$work/$name.$label.tailors.json" overbooked_tiles)
    refetched=$(field "$work/$name.$label.tailors.json" refetched_bytes)
    awk -v w="$name $label" -v cb="${cycles[buffet]}" -v cp="${cycles[prescient]}" \
      -v ct="${cycles[tailors]}" -v eb="${energy[buffet]}" -v ep="${energy[prescient]}" \
      -v et="${energy[tailors]}" -v t="$tile" -v o="$overbooked" -v r="$refetched" \
      'BEGIN { printf "%s,%d,%d,%d,%.0f,%.0f,%.0f,%d,%d,%d,%.4f,%.4f,%.4f,%.4f\n",
               w, cb, cp, ct, eb, ep, et, t, o, r, cb / ct, cp / ct, eb / et, ep / et }' >>"$csv"
  done
done

# Geomeans of the four ratios.
geo=$(awk -F, 'NR > 1 { for (i = 11; i <= 14; ++i) s[i] += log($i); n++ }
               END { printf "%.4f,%.4f,%.4f,%.4f", exp(s[11] / n), exp(s[12] / n),
                     exp(s[13] / n), exp(s[14] / n) }' "$csv")
cp "$csv" "$out/results.csv"
echo "geomean,,,,,,,,,,$geo" >>"$out/results.csv"

{
  echo "| workload | tailors tile | speedup vs buffet | speedup vs prescient | energy reduction vs buffet | energy reduction vs prescient |"
  echo "|---|---|---|---|---|---|"
  awk -F, 'NR > 1 { printf "| %s | %d | %.2fx | %.2fx | %.2fx | %.2fx |\n", $1, $8, $11, $12, $13, $14 }' "$csv"
  IFS=, read -r g1 g2 g3 g4 <<<"$geo"
  printf '| **geomean** | | **%.2fx** | **%.2fx** | **%.2fx** | **%.2fx** |\n' "$g1" "$g2" "$g3" "$g4"
} >"$out/results.md"

# Plot: speedup of tailors+Swiftiles over both baselines per workload, geomean last.
awk -F, 'NR > 1 { gsub(/ /, "\\n", $1); print $1, $11, $12 }' "$csv" >"$work/plot.dat"
IFS=, read -r g1 g2 _ <<<"$geo"
echo "geomean $g1 $g2" >>"$work/plot.dat"
gnuplot <<GNUPLOT
set terminal pngcairo size 1400,600 font "sans,10" noenhanced
set output "$out/speedup.png"
set title "tailors + Swiftiles (10% overbooking) speedup, ${capacity_kib} KiB buffer"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y 2
set ylabel "speedup (x, log scale)"
set xtics rotate by -45 scale 0 font ",8"
set grid ytics
set key top left
plot "$work/plot.dat" using 2:xtic(1) title "over buffet (worst-case tiles)", \
     "" using 3 title "over prescient tiles", 1 notitle lc rgb "black" dt 2
GNUPLOT
cat "$out/results.md"
