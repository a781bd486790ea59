// Import of Timeloop v0.4 inputs (problem, architecture, mapping), read as timeloop-model v3.0.3
// reads them, into a tessera trace of one layer and an architecture with the same tiling, loop
// order and weight-stationary dataflow. docs/timeloop.md lists what maps onto what, what tessera
// cannot express and the error each case gives.
//
// Timeloop dims: C input channels, M filters, R/S filter height/width, N batch, P/Q output
// height/width, G groups. tessera's GEMM view: m = N x P x Q (Q fastest), n = M, k = C x R x S
// (C outermost). Permutation strings list loops innermost first.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "traces/layer.h"

namespace tessera::timeloop {

// The problem dimensions tessera's conv and GEMM view can hold, in Timeloop's spelling.
inline constexpr const char* kDims = "CMRSNPQG";

struct Problem {
  std::string file;
  std::string name;                 // shape.name, or empty
  std::map<char, int64_t> bounds;   // every dim of kDims; those not declared are 1
  std::map<char, int> bound_lines;  // line of each instance value, for errors
  std::string dims;                 // the declared dimensions, in file order
  // The input projection's coefficients: P with R span the height axis, Q with S the width axis
  // (Timeloop computes input = (P-1)*stride + (R-1)*dilation + 1 along each).
  int64_t stride_h = 1, stride_w = 1;
};

// One storage level, outermost first, as Timeloop builds it from the architecture tree.
struct StorageLevel {
  std::string name;
  std::string cls;
  int line = 0;                       // of the level's name in the architecture file
  int64_t instances = 1;              // product of the [0..N-1] ranges of the tree above it
  int64_t word_bits = 0;              // 0: not given
  int64_t depth = 0, width_bits = 0;  // 0: not given
  int64_t n_banks = 1;
  std::optional<double> read_bw, write_bw, shared_bw;  // words per cycle per instance
  std::map<std::string, int> attribute_lines;
};

struct Arch {
  std::string file;
  std::vector<StorageLevel> levels;  // outermost first
  std::string compute_name;
  int64_t pes = 1;     // instances of the compute level
  int64_t mesh_x = 1;  // PEs along X; mesh_y = pes / mesh_x
  int mesh_line = 0;
  double clock_mhz = 1000;  // from global_cycle_seconds, else 1 GHz
  int clock_line = 0;
  [[nodiscard]] int64_t mesh_y() const { return pes / mesh_x; }
  [[nodiscard]] const StorageLevel* find(const std::string& name) const;
};

// The directives of one mapping level.
struct LevelMapping {
  struct Loops {
    int index = -1;  // position in the `mapping` list; -1: no such entry
    int line = 0;
    int factors_line = 0, permutation_line = 0;
    std::map<char, int64_t> factors;  // every problem dim
    std::string permutation;          // innermost first, as written
    int64_t split = 0;                // spatial: entries [0, split) go to X
  };
  Loops temporal, spatial;
  int bypass_index = -1, bypass_line = 0;
  std::set<std::string> bypassed;  // data spaces named under `bypass`
};

struct Mapping {
  std::string file;
  std::map<std::string, LevelMapping> levels;  // by target name
};

[[nodiscard]] Problem read_problem(const std::string& path);
[[nodiscard]] Arch read_arch(const std::string& path);
// Checks targets against the architecture and that every dim's factors multiply to its bound.
[[nodiscard]] Mapping read_mapping(const std::string& path, const Problem& problem,
                                   const Arch& arch);

// What the mapping means for tessera's array and tiled controller.
struct Translation {
  int64_t rows = 0, cols = 0;        // tessera's array: rows hold k (C), cols hold n (M)
  std::string rows_axis, cols_axis;  // "X (meshX)" or "Y"
  GemmExtents buffer_tile{};
  LoopOrder loop_order{};
  std::vector<std::string> warnings;  // where tessera's folds differ from Timeloop's loops
};

// The GEMM extents tessera sees for the problem.
[[nodiscard]] GemmExtents gemm_extents(const Problem& problem);
[[nodiscard]] Translation translate(const Problem& problem, const Arch& arch,
                                    const Mapping& mapping);

struct Import {
  std::string trace_yaml;
  std::string arch_yaml;
  std::vector<std::string> warnings;
};

// The whole import; every error is an InputError naming file, line and field.
[[nodiscard]] Import import_timeloop(const std::string& problem_path, const std::string& arch_path,
                                     const std::string& mapping_path);

}  // namespace tessera::timeloop
