#!/usr/bin/env bash
# Times the real binary on the ResNet-50 sample without a timeline, then writing its timeline as
# Chrome trace JSON and as VCD: median wall time, peak memory (GNU time's maximum resident set),
# the file's size and its event count.
# Usage: bench/timeline_speed.sh [RUNS]   (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
bin=build/tessera
[[ -x $bin ]] || { echo "build first: scripts/build_and_test.sh" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# One line per run: wall seconds and peak kilobytes.
measure() {
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%e %M' -o "$dir/time" "$bin" run --quiet "$@"
    cat "$dir/time"
  done | sort -n | awk '{w[NR] = $1; m[NR] = $2}
    END {printf "median %.3f s (min %.3f, max %.3f), peak memory %.1f MB", w[int((NR + 1) / 2)], w[1], w[NR], m[NR] / 1024}'
}

"$bin" run --quiet  # warm the page cache
echo "ResNet-50 sample on the default architecture (DDR4-3200), $runs runs each"
printf '| %-22s | %s |\n' "no timeline" "$(measure)"
for ext in json vcd; do
  file=$dir/timeline.$ext
  stats=$(measure --timeline "$file")
  size=$(du -m --apparent-size "$file" | cut -f1)
  if [[ $ext == json ]]; then
    events=$(jq '[.traceEvents[] | select(.ph != "M")] | length' "$file")
  else
    events=$(grep -c "^[01b]" "$file")
  fi
  what=events; [[ $ext == vcd ]] && what='value changes'
  printf '| %-22s | %s, file %s MB, %s %s |\n' "--timeline x.$ext" "$stats" "$size" "$events" "$what"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1 /proc/loadavg)"
