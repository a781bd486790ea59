#!/usr/bin/env bash
# Checks the C++ sources against .clang-format and .clang-tidy; fails on any finding.
#   scripts/check_style.sh [BUILD_DIR]   (a configured build: clang-tidy reads its
#                                          compile_commands.json)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
mapfile -t sources < <(git ls-files '*.cpp' '*.h')

echo "check_style: clang-format on ${#sources[@]} files"
clang-format --dry-run --Werror "${sources[@]}"

database=$build_dir/compile_commands.json
[[ -f $database ]] || {
  echo "check_style: $database is missing: configure a build first" >&2
  exit 1
}
# clang-tidy checks what the build compiles: in a unity build (the default, CMakeLists.txt) each
# batch of sources is one unit, so the headers they share are parsed and walked once per batch.
# A source the build does not compile (the out-of-tree examples) is checked on its own; fuzz/ is
# compiled only in the clang fuzz build and left out. The tests' batches take tests/.clang-tidy.
mapfile -t compiled < <(jq -r '.[].file' "$database" | sort -u)
covered=$(for f in "${compiled[@]}"; do
  if [[ $f == */Unity/unity_*.cxx ]]; then sed -n 's/^#include "\(.*\)"$/\1/p' "$f"; else echo "$f"; fi
done | sort -u)
source_dir=$PWD
build_path=$(realpath "$build_dir")
# Units as "CONFIG FILE" pairs, the tests' (in the tree and in the build's tests/) with theirs.
pairs=()
for f in "${compiled[@]}" $(git ls-files '*.cpp' ':!fuzz/*'); do
  [[ $f == /* ]] || { grep -qxF "$source_dir/$f" <<<"$covered" && continue; f=$source_dir/$f; }
  config=.clang-tidy
  [[ $f == "$source_dir/tests/"* || $f == "$build_path/tests/"* ]] && config=tests/.clang-tidy
  pairs+=("$config" "$f")
done
echo "check_style: clang-tidy on $((${#pairs[@]} / 2)) units"
# Headers, and the sources a unity batch includes, are checked through the units that include
# them (HeaderFilterRegex in .clang-tidy).
printf '%s\n' "${pairs[@]}" | xargs -P "$(nproc)" -n 2 sh -c \
  'clang-tidy -p "$0" --config-file="$1" --quiet --warnings-as-errors="*" "$2" 2>/dev/null' \
  "$build_dir"
echo "check_style: clean"
