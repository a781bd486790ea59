// The loop nest of Z = A x B over uniform coordinate-space tiles, with every tile's occupancy and
// work counted from the matrices.
//
// Loop order, outermost first: n tiles, k tiles, m tiles. The B tile (k, n) is the stationary,
// reused operand: it stays in the buffer while the inner loop streams every nonempty A tile
// (m, k) of that k range past it. Each step produces the partial output tile Z(m, n) of one
// k range, accumulated onto what earlier k ranges left in memory. Steps whose A or B tile is
// empty are skipped (tile-level intersection, as in ExTensor).
//
// Cost: O(nnz + tiles + effectual multiplies) for the symbolic count of partial outputs; never
// the dense M x N x K.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "sparse/matrix.h"
#include "sparse/tiling.h"

namespace tessera {

struct TileShape {
  int64_t m = 1, k = 1, n = 1;
};

// Buffer words per slot given to each operand's tile. B, the reused operand, gets half the slot;
// A and the partial outputs a quarter each.
struct OperandRegions {
  int64_t a = 0, b = 0, z = 0;
};
[[nodiscard]] OperandRegions operand_regions(int64_t capacity_bytes, bool double_buffered);

struct SpmspmStep {
  int64_t mt = 0, kt = 0, nt = 0;  // tile indices
  TileStats a, b;                  // the operand tiles
  int64_t effectual = 0;           // multiplies whose A and B nonzeros meet in this step
  int64_t z_in_words = 0;          // partial output tile before the step (0: a fresh tile)
  int64_t z_out_words = 0;         // partial output tile after the step
  int64_t z_offset = 0;            // word offset of the output tile in Z's memory image
};

struct SpmspmPlan {
  TileShape shape;
  int64_t m = 0, k = 0, n = 0;  // extents
  TileGrid a_grid, b_grid;      // A tiled m x k, B tiled k x n
  std::vector<SpmspmStep> steps;
  int64_t z_words = 0;           // Z's memory image: every output tile at its final size
  int64_t effectual = 0;         // multiplies in the whole product
  std::vector<int64_t> z_final;  // per output tile in Z's image order: its final words
  std::vector<std::pair<int64_t, int64_t>> z_tiles;  // (mt, nt) of each output tile, same order
};

// Throws std::invalid_argument when the inner dimensions differ (callers check first).
[[nodiscard]] SpmspmPlan plan_spmspm(const SparseMatrix& a, const SparseMatrix& b,
                                     const TileShape& shape);

// The largest output tile of A x B at this shape, in words, without building the loop nest:
// one symbolic pass, O(nnz + effectual multiplies).
[[nodiscard]] int64_t max_output_tile_words(const SparseMatrix& a, const SparseMatrix& b,
                                            const TileShape& shape);

// Multiplies in A x B (every A nonzero meets B's row of its column), in O(nnz).
[[nodiscard]] int64_t effectual_multiplies(const SparseMatrix& a, const SparseMatrix& b);

// Products with more multiplies are not simulated: the symbolic count would take minutes.
inline constexpr int64_t kMaxEffectualMultiplies = int64_t{1} << 28;

// A cubic tile of side t, cut to the extents.
[[nodiscard]] TileShape cubic_tile(int64_t t, int64_t m, int64_t k, int64_t n);

}  // namespace tessera
