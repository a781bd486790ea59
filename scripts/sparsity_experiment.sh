#!/usr/bin/env bash
# Weight-sparsity sweep: ResNet-50 and the GPT-2 block (traces/samples/) at weight sparsity 0% to
# 87.5% under the dense, nm (2:4), unstructured and highlight decoders, on the default
# architecture. Writes, into OUT (default bench/sparsity):
#   sparsity_sweep.csv  one row per network, sparsity and decoder: cycles, energy, EDP, and each
#                       normalised to the dense decoder on the same network (the weights spec is
#                       written with ';' between ranks, as the CSV separates fields with ',')
#   sparsity_sweep.md   the same as a markdown table, plus the geomean EDP gains of highlight
#   sparsity_edp.png    normalised EDP against sparsity, one panel per network (gnuplot)
# Weights: highlight, nm and dense run hierarchical structured sparsity (HSS) at each degree;
# unstructured runs unstructured magnitude pruning (density) of the same degree, the sparsity it
# is built for. GPT-2's attention products (QKT, QKTV) multiply activations, not weights: they
# stay dense and are simulated once, dense, and added to every configuration's totals.
# Usage: scripts/sparsity_experiment.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/sparsity}
bin=build/tessera
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "gnuplot missing: scripts/install_deps.sh" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# sparsity %  HSS spec (rank 0 first)  unstructured density
degrees=(
  "0 dense density:1"
  "25 hss:3:4 density:0.75"
  "50 hss:2:4 density:0.5"
  "62.5 hss:3:4,2:4 density:0.375"
  "75 hss:2:4,2:4 density:0.25"
  "87.5 hss:2:4,1:4 density:0.125"
)
decoders=(dense nm unstructured highlight)

# Splits a sample trace into the layers named in $2 (regex) and the others.
split_trace() {
  local trace=$1 names=$2 picked=$3 rest=$4
  awk -v names="^(${names})\$" -v picked="$picked" -v rest="$rest" '
    /^  - name: / { inlayer = 1; to = ($3 ~ names) ? picked : rest }
    !inlayer { print > picked; print > rest; next }
    { print > to }' "$trace"
}

# "cycles energy_pj" of a run: the sums of the per-layer CSV report.
totals() {
  "$bin" run "$@" --quiet --csv "$tmp/run.csv" 2>/dev/null
  awk -F, 'NR > 1 { c += $2; e += $8 } END { printf "%d %.17g\n", c, e }' "$tmp/run.csv"
}

split_trace traces/samples/gpt2_block.yaml "QKT|QKTV" "$tmp/gpt2_attention.yaml" "$tmp/gpt2_weights.yaml"
read -r attention_cycles attention_energy < <(totals "$tmp/gpt2_attention.yaml")

csv=$out/sparsity_sweep.csv
echo "network,sparsity_percent,decoder,weights,cycles,energy_pj,edp,cycles_vs_dense,energy_vs_dense,edp_vs_dense" >"$csv"
for network in resnet50 gpt2_block; do
  for degree in "${degrees[@]}"; do
    read -r percent hss density <<<"$degree"
    dense_line=""
    for decoder in "${decoders[@]}"; do
      spec=$hss
      [[ $decoder == unstructured ]] && spec=$density
      if [[ $network == resnet50 ]]; then
        read -r cycles energy < <(totals traces/samples/resnet50.yaml -p sparse.impl="$decoder" --sparsify weights="$spec")
      else
        read -r cycles energy < <(totals "$tmp/gpt2_weights.yaml" -p sparse.impl="$decoder" --sparsify weights="$spec")
        cycles=$((cycles + attention_cycles))
        energy=$(awk -v a="$energy" -v b="$attention_energy" 'BEGIN { printf "%.17g", a + b }')
      fi
      [[ $decoder == dense ]] && dense_line="$cycles $energy"
      awk -v n="$network" -v p="$percent" -v d="$decoder" -v s="${spec//,/;}" -v c="$cycles" \
        -v e="$energy" -v dl="$dense_line" 'BEGIN {
          split(dl, ref, " ");
          printf "%s,%s,%s,%s,%d,%.6f,%.6e,%.4f,%.4f,%.4f\n", n, p, d, s, c, e, c * e,
                 c / ref[1], e / ref[2], (c * e) / (ref[1] * ref[2]) }' >>"$csv"
    done
  done
done

# Markdown: the table, then the geomean (over sparsity degrees) of each decoder's EDP divided
# by highlight's, per network and over both.
md=$out/sparsity_sweep.md
awk -F, 'NR == 1 { next }
  { printf "| %s | %s | %s | %s | %d | %.1f | %.3f | %.3f | %.3f |\n", $1, $2, $3, $4, $5, $6 / 1e6, $8, $9, $10
    edp[$1, $2, $3] = $10; nets[$1] = 1; degs[$1, $2] = 1; decs[$3] = 1 }
  BEGIN {
    print "| network | sparsity % | decoder | weights | cycles | energy uJ | cycles / dense | energy / dense | EDP / dense |"
    print "|---|---|---|---|---|---|---|---|---|" }
  END {
    print ""
    print "Geomean over the sparsity degrees of (decoder EDP / highlight EDP), higher is better for highlight:"
    print ""
    print "| decoder | resnet50 | gpt2_block | both |"
    print "|---|---|---|---|"
    split("dense nm unstructured", others, " ")
    for (i = 1; i <= 3; ++i) {
      o = others[i]; line = "| " o; all = 0; count = 0
      split("resnet50 gpt2_block", ns, " ")
      for (j = 1; j <= 2; ++j) {
        s = 0; c = 0
        for (key in degs) {
          split(key, parts, SUBSEP)
          if (parts[1] != ns[j]) continue
          r = log(edp[ns[j], parts[2], o] / edp[ns[j], parts[2], "highlight"])
          s += r; c += 1; all += r; count += 1
        }
        line = line sprintf(" | %.2fx", exp(s / c))
      }
      print line sprintf(" | %.2fx |", exp(all / count))
    }
  }' "$csv" >"$md"

# Plot: EDP normalised to dense against sparsity, one panel per network.
for network in resnet50 gpt2_block; do
  for decoder in "${decoders[@]}"; do
    awk -F, -v n="$network" -v d="$decoder" '$1 == n && $3 == d { print $2, $10 }' "$csv" \
      >"$tmp/$network.$decoder.dat"
  done
done
gnuplot <<GNUPLOT
set terminal pngcairo size 1200,480 noenhanced font ",11"
set output "$out/sparsity_edp.png"
set multiplot layout 1,2 title "EDP normalised to the dense decoder (lower is better), default architecture"
set xlabel "weight sparsity (%)"
set ylabel "EDP / dense"
set xrange [-2:90]
set yrange [0:*]
set key bottom left
set grid
do for [net in "resnet50 gpt2_block"] {
  set title net
  plot for [dec in "dense nm unstructured highlight"] "$tmp/".net.".".dec.".dat" \
       using 1:2 with linespoints lw 2 pt 7 title dec
}
unset multiplot
GNUPLOT
echo "wrote $csv, $md and $out/sparsity_edp.png"
