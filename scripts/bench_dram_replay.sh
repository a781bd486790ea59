#!/usr/bin/env bash
# Times `tessera dram` replaying 1,000,000 64-byte requests in DRAMSim3's trace format, end to end
# (process start, parsing, scheduling, report). The trace is generated here, the same every time:
#   mixed  (default) two reads to one write; half the requests continue one of four sequential
#          streams, half go to random addresses; a request every 0 to 13 DRAM cycles (6.5 on
#          average, a little less than DDR4-3200 sustains on this mix)
#   random every request to a random address (nearly all row conflicts), the worst case
# Usage: scripts/bench_dram_replay.sh [mixed|random] [RUNS] [PRESET] [CONTROLLER]
#   (defaults: mixed 5 DDR4-3200-x8 ini; CONTROLLER is ini or single-queue, see docs/dram.md)
# TESSERA_BIN=PATH times another build (of an earlier commit, to compare on the same day).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-mixed}
runs=${2:-5}
preset=${3:-DDR4-3200-x8}
controller=${4:-ini}
bin=${TESSERA_BIN:-build/tessera}
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
awk -v kind="$kind" 'BEGIN {
  srand(1); t = 0; for (s = 0; s < 4; s++) stream[s] = int(rand() * 2^27) * 64
  for (i = 0; i < 1000000; i++) {
    if (kind == "mixed" && rand() < 0.5) { s = int(rand() * 4); a = stream[s]; stream[s] += 64 }
    else a = int(rand() * 2^28) * 64
    t += int(rand() * 14)
    a = a % 2^34; hi = int(a / 2^24)  # mawk prints at most 32 bits per %x
    printf "0x%x%06x %s %d\n", hi, a - hi * 2^24, (rand() < 2 / 3 ? "READ" : "WRITE"), t
  }
}' > "$out/trace.txt"
"$bin" dram --preset "$preset" --controller "$controller" --trace "$out/trace.txt" \
  --json "$out/warm.json" >/dev/null 2>&1
# Wall time depends on what else runs on the machine; CPU time (user + system) much less.
TIMEFORMAT='%3R %3U %3S'  # bash's time: wall, user and system seconds
walls=()
cpus=()
for ((i = 0; i < runs; i++)); do
  { time "$bin" dram --preset "$preset" --controller "$controller" --trace "$out/trace.txt" \
      --json "$out/r.json" >/dev/null 2>&1; } 2> "$out/time"
  read -r wall user sys < "$out/time"
  walls+=("$wall")
  cpus+=("$(echo "$user + $sys" | bc)")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
field() { grep -o "\"$1\": *[0-9.e+-]*" "$out/r.json" | head -1 | sed 's/.*: *//'; }
echo "tessera dram, $preset, $controller controller, $kind trace of 1000000 requests: $runs runs"
echo "simulated $(field cycles) DRAM cycles, $(field bandwidth_gbps) GB/s, row hits $(( $(field read_row_hits) + $(field write_row_hits) )), average read latency $(field avg_read_latency_cycles) cycles"
echo "median seconds: wall $(median "${walls[@]}"), CPU $(median "${cpus[@]}") (load average $(cut -d' ' -f1 /proc/loadavg))"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
