// A scheduler's candidate schedules for `tessera validate --candidates-file FILE`: per layer,
// the schedules it chose among and the cycles it predicted for each, so that tessera can say
// whether it ranks them as the simulation does.
//
// Format: a header row naming the columns `layer`, `m`, `n`, `k`, `loop_order`, `cycles` and
// optionally `dataflow`, in any order; then one row per candidate, a layer's candidates in the
// order the scheduler ranks them. m, n, k are the buffer tile in tessera's GEMM view
// (traces/FORMAT.md), loop_order the buffer-level loops outermost first (`nmk`), dataflow ws, os
// or is (empty or absent: the PE array's).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "traces/layer.h"

namespace tessera {

struct CandidateRow {
  std::string layer;
  int line = 0;  // of the file, for errors
  GemmExtents tile{};
  LoopOrder order{};
  std::optional<Dataflow> dataflow;
  double cycles = 0;
};

struct CandidatesFile {
  std::string file;
  std::vector<CandidateRow> rows;  // in file order
};

// Throws InputError naming the file, line and column for a malformed file: a missing or unknown
// column, a tile size that is not a whole number >= 1, a loop order that is not a permutation
// of m, n and k, an unknown dataflow, or cycles that are not a number >= 0.
[[nodiscard]] CandidatesFile parse_candidates_csv(const std::string& text, const std::string& file);
[[nodiscard]] CandidatesFile read_candidates_csv(const std::string& path);

// Each trace layer's rows, in trace order. Throws InputError naming the file: a trace layer
// without a candidate, a candidate for no trace layer, or a tile size beyond the layer's extent.
[[nodiscard]] std::vector<std::vector<CandidateRow>> candidates_by_layer(const CandidatesFile& f,
                                                                         const Trace& trace);

}  // namespace tessera
