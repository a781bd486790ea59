#!/usr/bin/env bash
# Configures, builds and runs the whole test suite through CTest (the README's second command).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build_dir"
ctest --test-dir "$build_dir" -j"$(nproc)" --output-on-failure
