// Sparse weight tensors on real values: seeded generation of pattern-conforming weights, pruning
// of a dense tensor by magnitude, a conformance check, and the compressed formats the decoders
// read (values plus per-rank position metadata, or values plus a bitmask) with their size in
// bits. Weights are k x n, row-major (the weights layout of tile_geometry.h): column j of the
// GEMM view is the values w[kk * n + j] for kk in [0, k).
#pragma once

#include <cstdint>
#include <vector>

#include "traces/sparsity.h"

namespace tessera {

// Seeded weights that conform to `spec`: every block keeps exactly G of its H sub-blocks, the
// kept positions drawn at random, kept values nonzero. For a density spec, each value is kept
// with that probability. Requires an hss spec's top-rank block span to divide k.
[[nodiscard]] std::vector<int32_t> generate_sparse_weights(const SparsitySpec& spec, int64_t k,
                                                           int64_t n, uint64_t seed);

// Prunes `w` (k x n) by magnitude. hss: rank 0 first (keep the G0 largest |values| of every H0
// block), then at each higher rank keep the G blocks with the largest remaining magnitude (sum of
// |values|); ties go to the lower position. density: keep the round(kept x k x n) largest
// |values| of the whole tensor. Requires an hss spec's top-rank block span to divide k.
void prune_weights(const SparsitySpec& spec, std::vector<int32_t>& w, int64_t k, int64_t n);

// True when `w` has at most G nonzero sub-blocks in every block of every rank (always true for
// dense and density specs).
[[nodiscard]] bool conforms(const SparsitySpec& spec, const std::vector<int32_t>& w, int64_t k,
                            int64_t n);

// Position metadata of an hss spec, in bits, for `top_blocks` whole top-rank blocks: at rank r
// each kept sub-block records its position in its block in ceil(log2 Hr) bits.
[[nodiscard]] int64_t hss_metadata_bits(const SparsitySpec& spec, int64_t top_blocks);

// One column range of weights in an hss compressed format: each block stores exactly G
// sub-blocks (the nonzero ones, padded with the first zero ones), rank 0 storing values.
struct HssColumns {
  std::vector<int32_t> values;                  // kept values, column by column
  std::vector<std::vector<uint8_t>> positions;  // per rank, each kept sub-block's position
  int64_t metadata_bits = 0;
};

// Compresses rows [k0, k1) of every column of `w` (k x n; k0 and k1 on top-block boundaries).
// Returns false when some block has more than G nonzero sub-blocks (the values do not fit).
[[nodiscard]] bool compress_hss(const SparsitySpec& spec, const std::vector<int32_t>& w,
                                int64_t rows, int64_t n, HssColumns& out);
// The dense rows x n weights the compressed columns stand for.
[[nodiscard]] std::vector<int32_t> expand_hss(const SparsitySpec& spec, const HssColumns& c,
                                              int64_t rows, int64_t n);

}  // namespace tessera
