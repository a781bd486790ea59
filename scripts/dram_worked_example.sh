#!/usr/bin/env bash
# The worked example of docs/dram.md ("Transfers in flight together", "Power-down"): the
# ResNet-50 sample on the built-in architecture (dram: ddr, DDR4-3200, power-down on), with a
# timeline of layer CB2a_1. Tabulates each of the layer's DRAM transfers (issue and end, from the
# buffer's fill and write-back spans) and which were in flight together, and the run's DRAM
# rank-cycles and background energy per power state (the JSON report's counters), against the
# same run with `-p dram.powerdown=off`. Writes both
# tables into docs/dram.md between the <!-- dram_worked_example --> markers.
# Usage: scripts/dram_worked_example.sh [BUILD_DIR]   (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
layer=CB2a_1
"$build/tessera" traces/samples/resnet50.yaml --quiet --json "$work/report.json" \
  --timeline "$work/timeline.json" --timeline-layers "$layer"
"$build/tessera" traces/samples/resnet50.yaml --quiet --json "$work/standby.json" \
  -p dram.powerdown=off
python3 - "$work/report.json" "$work/timeline.json" "$layer" "$work/standby.json" \
  >"$work/example.md" <<'EOF'
import json, sys

report = json.load(open(sys.argv[1]))
timeline = json.load(open(sys.argv[2]))
layer = sys.argv[3]
mhz = report["clock_mhz"]
events = timeline["traceEvents"] if isinstance(timeline, dict) else timeline

def cycle(us):
    return round(us * mhz)

spans = [e for e in events if e.get("ph") == "X"]
start = next(cycle(e["ts"]) for e in spans if e["name"] == layer)
transfers = sorted(
    (cycle(e["ts"]) - start, cycle(e["ts"]) - start + e["args"]["cycles"], e["name"],
     e["args"]["bytes"])
    for e in spans if e["name"].startswith(("fill ", "write-back ")))
steps = sorted((cycle(e["ts"]) - start, e["args"]["step"]) for e in spans if e["name"] == "step")

print(f"Layer {layer}: its DRAM transfers, in cycles from the layer's start (1 cycle = "
      f"{1000 / mhz:g} ns), as the buffer issued them and saw them end. Transfers whose spans "
      "overlap were in flight together and served as one stream.\n")
print("| transfer | bytes | issued | ended | cycles | in flight with |")
print("|---|---|---|---|---|---|")
for i, (b, e, name, size) in enumerate(transfers):
    overlap = [f"{transfers[j][2]} @{transfers[j][0]:,}" for j in range(len(transfers))
               if j != i and transfers[j][0] < e and b < transfers[j][1]]
    print(f"| {name} | {size:,} | {b:,} | {e:,} | {e - b:,} | {', '.join(overlap) or '-'} |")
print()
print("Steps computed, from the layer's start: " +
      ", ".join(f"step {s} at {c:,}" for c, s in steps) + ".\n")

def dram_of(r):
    return next(c for c in r["components"] if c["name"] == "dram")

dram, standby = dram_of(report), dram_of(json.load(open(sys.argv[4])))
states = [("active standby (IDD3N)", "active_standby"),
          ("precharge standby (IDD2N)", "precharge_standby"),
          ("active power-down (IDD3P)", "active_powerdown"),
          ("precharge power-down (IDD2P)", "precharge_powerdown"),
          ("self-refresh (IDD6)", "self_refresh")]
print(f"The whole run ({report['totals']['cycles']:,} accelerator cycles): the DRAM's rank-cycles "
      "and background energy by power state, summed over the ranks, with power-down on (the "
      "default) and off:\n")
print("| state | rank-cycles, on | energy uJ, on | rank-cycles, off | energy uJ, off |")
print("|---|---|---|---|---|")
for label, k in states:
    on, off = dram["counters"], standby["counters"]
    print(f"| {label} | {on[k + '_cycles']:,} | {on[k + '_fj'] / 1e9:,.2f} | "
          f"{off[k + '_cycles']:,} | {off[k + '_fj'] / 1e9:,.2f} |")
def line(d):
    return (d["energy_pj"]["background"] / 1e6, d["energy_pj"]["total"] / 1e6)
(bg_on, total_on), (bg_off, total_off) = line(dram), line(standby)
c = dram["counters"]
print(f"| background | | {bg_on:,.2f} | | {bg_off:,.2f} |")
print(f"\nPower-down cuts the DRAM's background energy by {100 * (1 - bg_on / bg_off):.1f} % and "
      f"its total (with ACT, PRE, RD, WR and REF) from {total_off:,.2f} to {total_on:,.2f} uJ, "
      f"at {c['powerdown_exits']:,} power-down exits (tXP) and {c['self_refresh_exits']:,} "
      f"self-refresh exits (tXS); the run takes {report['totals']['cycles']:,} cycles against "
      f"{json.load(open(sys.argv[4]))['totals']['cycles']:,} with ranks always in standby.")
EOF
scripts/replace_between_markers.sh docs/dram.md dram_worked_example "$work/example.md"
cat "$work/example.md"
