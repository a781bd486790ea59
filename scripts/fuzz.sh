#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang and runs each for a given time.
#   scripts/fuzz.sh [--record] [SECONDS_PER_TARGET] [TARGET...]
# Each target starts from its seed corpus: the hand-written bad inputs in fuzz/seeds/<target> and
# the real files of that format that ship in the repo. New inputs go to build-fuzz/corpus/<target>,
# crashes and hangs to build-fuzz/artifacts/. Prints a table of executions per target; --record
# also writes it to fuzz/RESULTS.md. Exits non-zero when any target found a crash or a hang.
set -euo pipefail
cd "$(dirname "$0")/.."

record=0
if [[ ${1:-} == --record ]]; then record=1; shift; fi
seconds=${1:-60}
shift || true
all_targets=(trace_yaml arch_yaml energy_table scalesim_conv scalesim_gemm scalesim_cfg matrix_market
  dram_ini dram_trace sparsity_spec attack_spec timeloop_stats predictions_csv candidates_csv
  scalesim_compute_report timeloop_yaml run_report sweep_spec onnx_model)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")

# The real files of each format, used as seeds next to fuzz/seeds/<target>.
real_files() {
  case $1 in
    trace_yaml) ls traces/samples/*.yaml ;;
    arch_yaml) ls traces/arch/*.yaml ;;
    energy_table) ls sim/energy/*.yaml ;;
    sweep_spec) ls examples/sweeps/*.yaml ;;
    scalesim_conv) ls tests/data/scalesim/conv_nets/*.csv ;;
    scalesim_gemm) ls tests/data/scalesim/GEMM_mnk/*.csv ;;
    scalesim_cfg) ls tests/data/scalesim/configs/*.cfg ;;
    # The small matrices only: libFuzzer's inputs stay within a few kilobytes.
    matrix_market) ls data/matrices/{karate,west0067,lp_afiro}.mtx ;;
    dram_ini) ls data/dram/*.ini ;;
    # The fixture models (weights stripped, each a few tens of kilobytes).
    onnx_model) ls tests/data/onnx/{resnet50,mobilenet_v2,gpt2_block}.onnx ;;
    timeloop_stats) ls tests/data/timeloop/*/timeloop-model.stats.txt ;;
    # No trace files ship: the seeds are hand-written traces.
    dram_trace | sparsity_spec | attack_spec | predictions_csv | candidates_csv | scalesim_compute_report | run_report) ;;
    # The seeds hold the Timeloop cases of tests/data/timeloop, three files joined in one input.
    timeloop_yaml) ;;
    *) echo "fuzz.sh: unknown target '$1' (known: ${all_targets[*]})" >&2; exit 1 ;;
  esac
}
for t in "${targets[@]}"; do real_files "$t" >/dev/null; done

build=build-fuzz
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
  -DTESSERA_FUZZ=ON -DTESSERA_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target "${targets[@]/%/_fuzzer}"

machine="$(nproc)-core $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
header="| target | date | machine | seconds | executions | executions/s | corpus files | result |
|---|---|---|---|---|---|---|---|"
rows=""
failed=0
mkdir -p "$build/artifacts"
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t" seeds="$build/seeds/$t"
  mkdir -p "$corpus"
  rm -rf "$seeds" && mkdir -p "$seeds"
  cp fuzz/seeds/"$t"/* "$seeds"/
  # Named by their path: real files of one format may share a name (timeloop-model.stats.txt).
  for f in $(real_files "$t"); do cp "$f" "$seeds/${f//\//_}"; done
  log="$build/$t.log"
  echo "fuzz.sh: $t for ${seconds}s"
  result=ok
  # -rss_limit_mb / -malloc_limit_mb: a file that makes a parser allocate without bound is a bug.
  "$build/fuzz/${t}_fuzzer" "$corpus" "$seeds" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$t-" >"$log" 2>&1 || { result="FAILED (see $log)"; failed=1; }
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  files=$(find "$corpus" -type f | wc -l)
  rows+="| $t | $(date -u +%Y-%m-%d) | $machine | $seconds | ${runs:-?} | ${rate:-?} | $files | $result |
"
done

printf '%s\n%s' "$header" "$rows"
if ((record)); then
  # Rows of targets not run this time are kept from the previous results.
  kept=""
  if [[ -f fuzz/RESULTS.md ]]; then
    for t in "${all_targets[@]}"; do
      [[ " ${targets[*]} " == *" $t "* ]] && continue
      row=$(grep "^| $t |" fuzz/RESULTS.md || true)
      [[ -z $row ]] || kept+="$row"$'\n'
    done
  fi
  tmp=$(mktemp fuzz/RESULTS.md.XXXXXX)
  {
    echo "# Fuzzing results"
    echo
    echo "Recorded by \`scripts/fuzz.sh --record SECONDS\` with clang $(clang++ -dumpversion), every"
    echo "target under AddressSanitizer and UndefinedBehaviorSanitizer, on the machine each row names."
    echo "Rates depend on what else the machine ran at the time (often a second target or a build);"
    echo "trace_yaml reads every input twice, a layer at a time and as a whole document."
    echo
    echo "$header"
    printf '%s%s' "$kept" "$rows"
  } >"$tmp"
  mv "$tmp" fuzz/RESULTS.md
fi
exit $failed
