#include "sparse/reference.h"

#include <random>

namespace tessera {

std::vector<int32_t> seeded_values(const SparseMatrix& m, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int32_t> v(m.col_idx.size());
  for (auto& x : v) {
    const auto magnitude = static_cast<int32_t>(rng() % 8) + 1;
    x = (rng() & 1) != 0 ? magnitude : -magnitude;
  }
  return v;
}

SparseProduct reference_product(const SparseMatrix& a, const std::vector<int32_t>& a_values,
                                const SparseMatrix& b, const std::vector<int32_t>& b_values) {
  SparseProduct z;
  for (int64_t i = 0; i < a.rows; ++i) {
    for (auto x = static_cast<size_t>(a.row_ptr[static_cast<size_t>(i)]);
         x < static_cast<size_t>(a.row_ptr[static_cast<size_t>(i + 1)]); ++x) {
      const auto k = static_cast<size_t>(a.col_idx[x]);
      for (auto y = static_cast<size_t>(b.row_ptr[k]); y < static_cast<size_t>(b.row_ptr[k + 1]);
           ++y) {
        z[{i, b.col_idx[y]}] += static_cast<int64_t>(a_values[x]) * b_values[y];
      }
    }
  }
  return z;
}

}  // namespace tessera
