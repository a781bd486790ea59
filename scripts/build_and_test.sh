#!/usr/bin/env bash
# Configures, builds and runs the whole test suite through CTest (the README's second command).
#   scripts/build_and_test.sh [--sanitize] [CMAKE_ARGS...]
# --sanitize builds in build-sanitize with AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
config=(-DCMAKE_BUILD_TYPE=Release)
if [[ ${1:-} == --sanitize ]]; then
  shift
  build_dir=${BUILD_DIR:-build-sanitize}
  config=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DTESSERA_SANITIZE=ON)
  # LeakSanitizer cannot walk SystemC's coroutine stacks and dies trying, so leak checking is off;
  # every other ASan and UBSan check stays on and aborts the test. ASan also warns once per
  # process that SystemC switched stacks behind its back; its output goes to log files so that
  # the warning does not reach the stderr the tests check, and any real report is shown below.
  asan_logs=$build_dir/asan-logs
  [[ $asan_logs == /* ]] || asan_logs=$PWD/$asan_logs
  rm -rf "$asan_logs" && mkdir -p "$asan_logs"
  export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$asan_logs/asan"
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
cmake -S . -B "$build_dir" -G Ninja "${config[@]}" "$@"
cmake --build "$build_dir"
status=0
ctest --test-dir "$build_dir" -j"$(nproc)" --output-on-failure || status=$?
# The example plugins built outside the tree, against the installed package (not sanitized: the
# installed package does not carry the sanitizer flags).
if [[ -z ${asan_logs:-} ]]; then scripts/test_plugins.sh "$build_dir" || status=$?; fi
if [[ -n ${asan_logs:-} ]] && grep -l "ERROR: AddressSanitizer" "$asan_logs"/* 2>/dev/null; then
  cat $(grep -l "ERROR: AddressSanitizer" "$asan_logs"/*)
  status=1
fi
exit $status
