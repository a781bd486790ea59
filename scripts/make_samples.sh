#!/usr/bin/env bash
# Regenerates traces/samples/*.yaml from the SCALE-Sim topologies in tests/data/scalesim.
# The unit test tests/traces/scalesim_import_test.cpp fails when the committed samples differ
# from this output.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"${CXX:-c++}" -std=c++17 -O1 -I"$root" -o "$work/make_samples" "$root/scripts/make_samples.cpp" \
  "$root"/traces/{layer,trace_writer,scalesim_import,scalesim_config,scalesim_mapping,scalesim_text}.cpp \
  -lyaml-cpp
"$work/make_samples" "$root"
