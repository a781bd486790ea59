// Swiftiles: picks the tile size at which a target fraction of the reused operand's tiles
// overbooks the buffer region, from one sample of tiles rather than repeated passes over the
// matrix.
//
// 1. A probe size t0 at which an average tile would just fill the region (from the density).
// 2. Sample tiles of side t0 at seeded random grid positions, counting each one's nonzeros and
//    nonempty rows by binary search in the CSR rows it covers (O(t0 log) each); empty tiles are
//    not stored, so only nonempty ones enter the distribution.
//    The same rows also give each sampled tile's top-left quarter, whose share of the nonzeros
//    tells how occupancy grows with the side: as side^2 where nonzeros spread uniformly, as
//    side^1 along a band (the growth exponent, clamped to [1, 2]).
// 3. Scaling the side by f scales a tile's nonzeros by f^growth and its nonempty rows by at most
//    f; the chosen f is the largest at which at most `target` of the scaled samples exceed the
//    region, found by bisection on the sample (no further passes over the matrix).
#pragma once

#include <cstdint>

#include "sparse/matrix.h"

namespace tessera {

struct SwiftilesEstimate {
  int64_t tile = 1;               // chosen side
  double predicted_fraction = 0;  // of the scaled samples that overbook at `tile`
  int64_t probe = 1;              // t0
  int64_t samples = 0;            // nonempty tiles sampled
  double growth = 2;              // occupancy grows as side^growth (measured on the sample)
};

inline constexpr int64_t kSwiftilesSamples = 256;
// Seed of the sample the simulator and `tessera tile` use, fixed so a run is reproducible.
inline constexpr uint64_t kSwiftilesSeed = 1;

// `m` is the tiled matrix (B); tiles are square (side x side, cut to its extents).
[[nodiscard]] SwiftilesEstimate swiftiles(const SparseMatrix& m, int64_t region_words,
                                          double target, uint64_t seed);

// The exhaustive alternative: the largest side at which at most `target` of the actual tiles
// overbook, by trying every side from 1 to the largest extent (for comparison in `tessera tile`).
[[nodiscard]] int64_t exhaustive_tile(const SparseMatrix& m, int64_t region_words, double target);

}  // namespace tessera
