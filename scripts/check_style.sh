#!/usr/bin/env bash
# Checks the C++ sources against .clang-format and .clang-tidy; fails on any finding.
#   scripts/check_style.sh [BUILD_DIR]   (a configured build: clang-tidy reads its
#                                          compile_commands.json)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
mapfile -t sources < <(git ls-files '*.cpp' '*.h')
# fuzz/ is compiled only in the clang fuzz build, so build/'s compile database does not cover it.
mapfile -t units < <(git ls-files '*.cpp' ':!fuzz/*')

echo "check_style: clang-format on ${#sources[@]} files"
clang-format --dry-run --Werror "${sources[@]}"

[[ -f $build_dir/compile_commands.json ]] || {
  echo "check_style: $build_dir/compile_commands.json is missing: configure a build first" >&2
  exit 1
}
echo "check_style: clang-tidy on ${#units[@]} files"
# Headers are checked through the files that include them (HeaderFilterRegex in .clang-tidy).
printf '%s\n' "${units[@]}" |
  xargs -P "$(nproc)" -n 4 clang-tidy -p "$build_dir" --quiet --warnings-as-errors='*' 2>/dev/null
echo "check_style: clean"
