#!/usr/bin/env bash
# Times `tessera sweep` with the real binary on the 1,000 ResNet-50 points of
# examples/sweeps/resnet50_lhs1000.yaml, on the local pool with one worker per core, and writes
# bench/sweep_speed.md:
#  - the wall time of the whole sweep (planning, the runs, results, the Pareto plot);
#  - the sweep's own overhead, as the sweep itself reports it: its process's CPU time (planning and
#    checking the points, starting and waiting for each run, reading its report, writing and
#    collecting the rows) against the CPU time of the points' runs;
#  - what starting a tessera process costs (`tessera config --dump`, 50 times), which every run
#    pays whoever starts it.
# The figures also go to the README, section "Sweeps".
# Usage: bench/sweep_speed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/build/tessera
spec=examples/sweeps/resnet50_lhs1000.yaml
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
now() { date +%s.%N; }

calc() { echo "scale=$1; $2" | bc; }

"$bin" run traces/samples/resnet50.yaml --quiet  # warm the page cache
cores=$(nproc)
start=$(now)
"$bin" sweep "$spec" -o "$out/sweep" --jobs "$cores" >"$out/summary"
wall=$(calc 1 "($(now) - $start) / 1")
points=$(($(wc -l <"$out/sweep/results.csv") - 1))
ok=$(grep -c ',ok,' "$out/sweep/results.csv" || true)
# "CPU time: the runs R s, the sweep itself S s (P % of the runs')"
read -r runs own pct < <(sed -n 's/^CPU time: the runs \([0-9.]*\) s, the sweep itself \([0-9.]*\) s (\([0-9.]*\) %.*/\1 \2 \3/p' "$out/summary")
[[ -n ${pct:-} ]] || { echo "no CPU line in the sweep's summary:" >&2; cat "$out/summary" >&2; exit 1; }
run_ms=$(calc 1 "$runs * 1000 / $points")
own_ms=$(calc 2 "$own * 1000 / $points")
# On a machine with nothing else to run, the wall time cannot be below the CPU time over the cores.
bound=$(calc 1 "($runs + $own) / $cores")

start=$(now)
for ((i = 0; i < 50; i++)); do "$bin" config --dump >/dev/null; done
start_ms=$(calc 1 "($(now) - $start) * 1000 / 50")

verdict() { if (($(echo "$1 < $2" | bc))); then echo "met"; else echo "NOT met"; fi; }
machine="$cores cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
tmp=$(mktemp bench/sweep_speed.md.XXXXXX)
cat >"$tmp" <<MD
# Sweep speed

Measured by \`bench/sweep_speed.sh\` on $(date -u +%Y-%m-%d): $machine, load average
$(cut -d' ' -f1 /proc/loadavg) at the end (wall time depends on what else the machine runs; CPU
time much less).

| measure | value |
|---|---|
| $points ResNet-50 points ($spec), local pool, $cores workers, wall | $wall s ($ok ok); target under 120 s: $(verdict "$wall" 120) |
| CPU time of the points' runs | $runs s, $run_ms ms a point |
| (CPU time of the runs and the sweep) / $cores cores: the wall time on an otherwise idle machine cannot be lower | $bound s |
| CPU time of the sweep itself (planning, starting and waiting, reports, rows, plot) | $own s, $own_ms ms a point: $pct % of the runs'; target under 5 %: $(verdict "$pct" 5) |
| starting a tessera process (\`tessera config --dump\`), wall, paid by every run | $start_ms ms |
MD
mv "$tmp" bench/sweep_speed.md
cat bench/sweep_speed.md

# The figures in the README, section "Sweeps".
{
  echo "| measure | value |"
  echo "|---|---|"
  sed -n '/^| measure/,$p' bench/sweep_speed.md | tail -n +3
  echo
  echo "Machine: $machine, load average $(cut -d' ' -f1 /proc/loadavg) at the end, $(date -u +%Y-%m-%d)."
} >"$out/readme"
scripts/replace_between_markers.sh README.md bench/sweep_speed.sh "$out/readme"
