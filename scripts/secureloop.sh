#!/usr/bin/env bash
# Authentication blocks on an Eyeriss-sized accelerator (scripts/secureloop/eyeriss_lpddr4.yaml):
# AlexNet, ResNet-18 and MobileNet (SCALE-Sim topologies, imported with `tessera import scalesim`,
# mapped by tessera's own tiler), four ways:
#   none         no encryption or authentication
#   tile         AES-GCM, one authentication block per tile (the baseline)
#   per-layer    AES-GCM, each layer's best blocks on its own (tessera secure-schedule)
#   cross-layer  AES-GCM, producer/consumer blocks chosen together (tessera secure-schedule)
# Latency, energy and EDP come from the simulation; tensors that must be re-encrypted between a
# producer and a consumer are not simulated, so their cost is added from the schedule's
# re-encryption bytes R (the tensor and its tags read, then written back): the longer of the DRAM
# time at the DRAM's peak bandwidth and the engine time (R/16 128-bit blocks through one engine of
# the chosen kind); energy at the run's own DRAM pJ per byte moved (activate, precharge, read and
# write energy), DRAM pJ per cycle (background and refresh) over that time, and engine pJ per block.
# Usage: scripts/secureloop.sh [ENGINE] [OUT_DIR]   (defaults: pipelined, bench/secureloop/ENGINE)
# ENGINE is the AES-GCM engine kind (pipelined, parallel, serial). Writes results.csv, results.md
# and secureloop.png in OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:-pipelined}
out=${2:-bench/secureloop/$engine}
bin=build/tessera
arch=scripts/secureloop/eyeriss_lpddr4.yaml
topologies=tests/data/scalesim/conv_nets
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The DRAM's peak, as `tessera dram` computes it for the preset, scaled to the channels the
# architecture sets (0: the device file's).
preset=$(awk '/^  preset:/ {print $2}' "$arch")
channels=$(awk '/^  channels:/ {print $2}' "$arch")
clock=$(awk '/^  clock_mhz:/ {print $2}' "$arch")
: > "$work/empty.trace"
bytes_per_cycle=$("$bin" dram --preset "$preset" --trace "$work/empty.trace" 2> /dev/null |
  awk -v n="${channels:-0}" -v c="$clock" 'NR == 1 {
    for (i = 1; i <= NF; ++i) {
      if ($i ~ /^channel/) file_channels = $(i - 1)
      if ($i == "peak") peak = $(i + 1)
    }
    if (n > 0) peak = peak * n / file_channels
    print peak * 1e3 / c
  }')
[[ -n $bytes_per_cycle ]] || { echo "cannot read the peak of DRAM preset '$preset'" >&2; exit 1; }
# Cycles per 128-bit block of a long message, max(AES, GF multiply) (plan/crypto_engine_timing.cpp).
case $engine in
  pipelined) engine_cycles_per_block=1 ;;
  parallel) engine_cycles_per_block=11 ;;
  serial) engine_cycles_per_block=336 ;;
  *) echo "unknown engine kind '$engine' (pipelined, parallel, serial)" >&2; exit 2 ;;
esac

csv="$out/results.csv"
# dram_standby_pj: the part of energy_pj that is DRAM background and refresh (time, not traffic).
echo "net,mode,cycles,energy_pj,edp,redundant_bytes,tag_bytes,reencryption_bytes,dram_standby_pj" \
  > "$csv"
for net in alexnet Resnet18 mobilenet; do
  "$bin" import scalesim "$topologies/$net.csv" -o "$work/$net" > /dev/null 2>&1
  # Drop the imported SCALE-Sim fold mappings: the tiler maps each layer for this buffer.
  awk '/^    mapping:/ {skip = 1; next} skip && /^      / {next} {skip = 0; print}' \
    "$work/$net/trace.yaml" > "$work/$net.yaml"
  "$bin" run "$work/$net.yaml" --arch "$arch" -p crypto.impl=none -q --json "$work/none.json"
  jq -r --arg net "$net" '(.components[] | select(.name == "dram")) as $d
    | [$net, "none", .totals.cycles, .totals.energy_pj, .totals.edp, 0, 0, 0,
       ($d.energy_pj.background // 0) + ($d.energy_pj.ref // 0)] | @csv' "$work/none.json" |
    tr -d '"' >> "$csv"
  for mode in tile per-layer cross-layer; do
    "$bin" secure-schedule "$work/$net.yaml" --arch "$arch" --matching "$mode" \
      -o "$work/$mode.yaml" --json "$work/$mode.schedule.json" > /dev/null
    "$bin" run "$work/$mode.yaml" --arch "$arch" -p crypto.engine="$engine" -q \
      --json "$work/$mode.json"
    reenc=$(jq '.totals.reencryption_bytes' "$work/$mode.schedule.json")
    jq -r --arg net "$net" --arg mode "$mode" --argjson reenc "$reenc" \
      --argjson bpc "$bytes_per_cycle" --argjson cpb "$engine_cycles_per_block" '
      (.components[] | select(.name == "dram")) as $d
      | (.components[] | select(.name == "crypto")) as $c
      | (($d.energy_pj.background // 0) + ($d.energy_pj.ref // 0)) as $dram_idle_pj
      | (($d.energy_pj.total - $dram_idle_pj) / ($d.counters.read_byte + $d.counters.write_byte))
          as $dram_pj
      | ([$c.energy_pj | to_entries[] | select(.key != "total") | .value] | add) as $aes_pj
      | ([$c.counters | to_entries[] | select(.key | startswith("aes_block_")) | .value] | add)
          as $aes_blocks
      | ([($reenc / $bpc), ($reenc / 16 * $cpb)] | max | ceil) as $reenc_cycles
      | (.totals.cycles + $reenc_cycles) as $cycles
      | ($dram_idle_pj * $cycles / .totals.cycles) as $standby
      | (.totals.energy_pj - $dram_idle_pj + $standby + $reenc * $dram_pj
         + ($reenc / 16) * ($aes_pj / $aes_blocks)) as $energy
      | [$net, $mode, $cycles, $energy, $energy * $cycles,
         ($c.counters.redundant_read_bytes + $c.counters.redundant_write_bytes
          + $c.counters.rmw_read_bytes),
         ($c.counters.tag_bytes_read + $c.counters.tag_bytes_written), $reenc, $standby] | @csv' \
      "$work/$mode.json" | tr -d '"' >> "$csv"
  done
done

# The table: per net, each mode against no security and against tile blocks.
awk -F, 'NR > 1 {
    key = $1; if (!(key in none)) { order[++n] = key }
    if ($2 == "none") { none[key] = $3; none_edp[key] = $5 }
    if ($2 == "tile") { tile[key] = $3; tile_edp[key] = $5 }
    row[key, $2] = $0
  }
  END {
    print "| net | mode | cycles | energy (uJ) | DRAM standby | EDP vs none | latency vs tile | EDP vs tile | redundant B | tag B | re-encryption B |"
    print "|---|---|---|---|---|---|---|---|---|---|---|"
    split("none tile per-layer cross-layer", modes, " ")
    for (i = 1; i <= n; ++i) for (m = 1; m <= 4; ++m) {
      split(row[order[i], modes[m]], f, ",")
      printf "| %s | %s | %d | %.2f | %.1f %% | %.3f | %s | %s | %d | %d | %d |\n", f[1], f[2], f[3],
        f[4] / 1e6, 100 * f[9] / f[4],
        f[5] / none_edp[f[1]],
        (modes[m] == "none") ? "" : sprintf("%+.1f %%", 100 * (f[3] - tile[f[1]]) / tile[f[1]]),
        (modes[m] == "none") ? "" : sprintf("%+.1f %%", 100 * (f[5] - tile_edp[f[1]]) / tile_edp[f[1]]),
        f[6], f[7], f[8]
    }
  }' "$csv" > "$out/results.md"

# Latency and EDP of each mode, normalised to no security.
awk -F, 'NR > 1 { if ($2 == "none") { c = $3; e = $5 } print $1, $2, $3 / c, $5 / e }' "$csv" \
  > "$work/plot.dat"
gnuplot <<GNUPLOT
set terminal pngcairo size 1000,450 noenhanced
set output "$out/secureloop.png"
set multiplot layout 1,2
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set yrange [0:*]
set grid y
set key top left
set xtics nomirror
do for [col in "3 4"] {
  set title (col == "3" ? "latency / no security" : "EDP / no security")
  plot for [m in "none tile per-layer cross-layer"] \
    "< awk '\$2 == \"".m."\"' $work/plot.dat" using int(col):xtic(1) title m
}
unset multiplot
GNUPLOT
cat "$out/results.md"
echo "wrote $csv, $out/results.md and $out/secureloop.png"
