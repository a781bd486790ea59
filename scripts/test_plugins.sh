#!/usr/bin/env bash
# The example plugins, built outside the tree: installs tessera from BUILD_DIR into a temporary
# prefix, builds each of examples/plugins/ against the installed package (find_package(tessera)),
# loads it into the installed program with --plugin, and checks that a functional run passes and
# reports exactly what the same plugin built in the tree reports.
#   scripts/test_plugins.sh [BUILD_DIR]   (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
trace=examples/plugins/small.yaml
declare -A options=(
  [banked_dram]="-p dram.impl=banked"
  [broadcast_array]="-p pe_array.impl=broadcast -p pe_array.rows=8"
  [lru_buffer]="-p buffer.impl=lru -p buffer.capacity_kib=64"
)
for name in banked_dram broadcast_array lru_buffer; do
  cmake -S "examples/plugins/$name" -B "$prefix/build/$name" -G Ninja \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$prefix/build/$name" >/dev/null
  # shellcheck disable=SC2086  # the options are words
  "$prefix/bin/tessera" run "$trace" --plugin "$prefix/build/$name/lib$name.so" ${options[$name]} \
    --functional --quiet --json "$prefix/$name.out-of-tree.json"
  # shellcheck disable=SC2086
  "$build_dir/tessera" run "$trace" --plugin "$build_dir/tests/plugins/lib$name.so" \
    ${options[$name]} --functional --quiet --json "$prefix/$name.in-tree.json"
  if ! cmp -s "$prefix/$name.out-of-tree.json" "$prefix/$name.in-tree.json"; then
    echo "test_plugins: $name built out of tree reports otherwise than built in the tree" >&2
    diff "$prefix/$name.out-of-tree.json" "$prefix/$name.in-tree.json" | head -20 >&2
    exit 1
  fi
  cycles=$(jq '.totals.cycles' "$prefix/$name.out-of-tree.json")
  echo "test_plugins: $name built against the installed package: functional check passed, $cycles cycles, same report as in the tree"
done
