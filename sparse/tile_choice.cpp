#include "sparse/tile_choice.h"

#include <algorithm>
#include <cmath>

#include "sparse/swiftiles.h"

namespace tessera {

int64_t worst_case_tile(int64_t m, int64_t k, int64_t n, const OperandRegions& r,
                        bool b_uncompressed) {
  const auto fits = [&](int64_t t) {
    const TileShape s = cubic_tile(t, m, k, n);
    const int64_t b_words = b_uncompressed ? s.k * s.n : compressed_words(s.k * s.n, s.k);
    return compressed_words(s.m * s.k, s.m) <= r.a && b_words <= r.b &&
           compressed_words(s.m * s.n, s.m) <= r.z;
  };
  // Dense footprints grow with t: binary search for the largest that fits.
  int64_t lo = 0, hi = std::max({m, k, n});
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    if (fits(mid)) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

bool tiles_fit(const SparseMatrix& a, const SparseMatrix& b, const TileShape& s,
               const OperandRegions& r) {
  return tile_grid(a, s.m, s.k).max_words() <= r.a && tile_grid(b, s.k, s.n).max_words() <= r.b &&
         max_output_tile_words(a, b, s) <= r.z;
}

int64_t prescient_tile(const SparseMatrix& a, const SparseMatrix& b, const OperandRegions& r) {
  const int64_t largest = std::max({a.rows, a.cols, b.cols});
  const auto fits = [&](int64_t t) {
    return tiles_fit(a, b, cubic_tile(t, a.rows, a.cols, b.cols), r);
  };
  // The worst-case size always fits; grow by sqrt 2 to the first size that does not, then
  // bisect between the two.
  int64_t fit = worst_case_tile(a.rows, a.cols, b.cols, r, b.dense_storage);
  if (fit == 0) return 0;
  int64_t fail = fit;
  for (;;) {
    if (fit == largest) return fit;
    fail = std::min(largest, std::max(fit + 1, static_cast<int64_t>(std::llround(
                                                   static_cast<double>(fit) * std::sqrt(2.0)))));
    if (!fits(fail)) break;
    fit = fail;
  }
  while (fail - fit > 1) {
    const int64_t mid = fit + (fail - fit) / 2;
    if (fits(mid)) {
      fit = mid;
    } else {
      fail = mid;
    }
  }
  return fit;
}

std::optional<TileShape> choose_tile(const SparseMatrix& a, const SparseMatrix& b,
                                     TilePolicy policy, const OperandRegions& r, double target) {
  int64_t t = 0;
  switch (policy) {
    case TilePolicy::worst_case:
      t = worst_case_tile(a.rows, a.cols, b.cols, r, b.dense_storage);
      break;
    case TilePolicy::prescient: t = prescient_tile(a, b, r); break;
    case TilePolicy::swiftiles:
      // The smallest tile must fit at least when dense, as for the baseline.
      if (worst_case_tile(a.rows, a.cols, b.cols, r, b.dense_storage) > 0) {
        t = swiftiles(b, r.b, target, kSwiftilesSeed).tile;
      }
      break;
  }
  if (t == 0) return std::nullopt;
  return cubic_tile(t, a.rows, a.cols, b.cols);
}

}  // namespace tessera
