// What skipping zero inputs makes of a tile's compressed-weight work, in closed form from the
// weights' work and the inputs' sparsity (cost independent of the tile's size). Each output of
// the tile is a lane stepping through the kept weights of its column; a zero input skips a step.
// Positions on the two sides are independent, so a step survives with the inputs' share of what
// is skipped on, and the tile lasts as long as its slowest lane: the fullest column's outputs
// differ in their input rows, so the slowest is taken over the tile's m input rows (outputs of
// one row share its zeros). The per-cycle lane reference in
// tests/pe_array/dual_side_fold_test.cpp checks both on random masks.
#pragma once

#include <cstdint>

namespace tessera {

// The steps of the slowest of `lanes` lanes when each has `trials` steps and keeps each with
// probability `p`: the mean plus sqrt(2 ln lanes) deviations (the normal approximation of the
// largest of `lanes` draws), rounded up, at most `trials`. With `population` > 1 the kept steps
// are drawn without replacement from that many of which exactly the share `p` is kept (a lane's
// steps meet a fixed set: hypergeometric, a smaller spread); otherwise independently (binomial).
[[nodiscard]] int64_t slowest_lane(int64_t trials, double p, int64_t lanes, int64_t population = 0);

struct DualWork {
  int64_t rows = 0;  // reduction steps of the slowest output
  int64_t macs = 0;  // multiplies over the whole tile
};

// Block skipping (highlight): the fullest column keeps `rows` weights in blocks of `block_kept`
// values, the columns keep `effectual` weights in all; each weight block is stepped through only
// when the input block it falls in is kept, which a share `input_blocks_kept` of them is. When
// the inputs keep exactly that share of the range's `input_blocks` blocks (structured), pass
// their number; 0 when each block is kept independently. m input rows.
[[nodiscard]] DualWork skip_input_blocks(int64_t rows, int64_t effectual, int64_t block_kept,
                                         double input_blocks_kept, int64_t input_blocks, int64_t m);

// Value skipping (dstc): each kept weight is multiplied only when its input is nonzero, with
// probability `input_density`.
[[nodiscard]] DualWork skip_input_values(int64_t rows, int64_t effectual, double input_density,
                                         int64_t m);

}  // namespace tessera
