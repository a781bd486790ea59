// What the sparse commands share: the built-in sparse architecture and how its buffer sizes tiles.
#pragma once

#include <string>
#include <vector>

#include "sim/arch_config.h"
#include "sim/cli/command.h"
#include "sparse/spmspm_plan.h"
#include "sparse/tile_choice.h"

namespace tessera::cli {

// --arch FILE, or the built-in traces/arch/sparse.yaml; `extra` overrides come after the user's.
[[nodiscard]] ArchConfig load_sparse_arch(const ArchOptions& a,
                                          const std::vector<std::string>& extra);

// The tile policy, regions and target the architecture's buffer implies (the same facts the
// sparse controller gets). Throws InputError when the buffer is not buffet, prescient or tailors.
struct SparseTiling {
  TilePolicy policy = TilePolicy::worst_case;
  OperandRegions regions;
  double target = 0;
};
[[nodiscard]] SparseTiling sparse_tiling_of(const ArchConfig& arch);

// A fraction given on the command line as `option`, checked to lie in (0, 1).
[[nodiscard]] double overbook_fraction(const std::string& text, const std::string& option);

}  // namespace tessera::cli
