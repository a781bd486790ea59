// How big a tile is, by buffer policy. All tiles are cubes of side t (cut to the extents), so a
// policy chooses one number:
//   worst_case  the largest t whose densest possible tiles (every coordinate nonzero) fit their
//               regions: the fixed-tile baseline, safe for any matrix.
//   prescient   from the worst-case t, grown by sqrt 2 to the first size at which some actual A, B
//               or output tile would not fit, then bisected to the largest fitting size below it:
//               full knowledge of the matrices.
//   swiftiles   the t at which a target fraction of B's tiles overbooks, estimated from a sample
//               of B's tiles taken once (see swiftiles.h).
#pragma once

#include <cstdint>
#include <optional>

#include "sparse/matrix.h"
#include "sparse/spmspm_plan.h"

namespace tessera {

enum class TilePolicy { worst_case, prescient, swiftiles };

// 0 when not even a 1 x 1 x 1 tile fits. The worst case of B's tile is its area when B is
// stored uncompressed (a dense operand), its densest compressed form otherwise.
[[nodiscard]] int64_t worst_case_tile(int64_t m, int64_t k, int64_t n, const OperandRegions& r,
                                      bool b_uncompressed);

// 0 when not even the smallest tile fits.
[[nodiscard]] int64_t prescient_tile(const SparseMatrix& a, const SparseMatrix& b,
                                     const OperandRegions& r);

// The cubic tile a policy picks for Z = A x B; nullopt when not even the smallest tile fits.
// `target` is the overbooked fraction for swiftiles.
[[nodiscard]] std::optional<TileShape> choose_tile(const SparseMatrix& a, const SparseMatrix& b,
                                                   TilePolicy policy, const OperandRegions& r,
                                                   double target);

// Whether every A, B and output tile of Z = A x B at this shape fits its region.
[[nodiscard]] bool tiles_fit(const SparseMatrix& a, const SparseMatrix& b, const TileShape& s,
                             const OperandRegions& r);

}  // namespace tessera
