#include "sparse/generators.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <unordered_set>

namespace tessera {
namespace {

// `count` distinct integers from [0, n), ascending, in O(count) expected time (Floyd's
// algorithm) when sparse, by selection sampling when dense.
std::vector<int32_t> distinct_sample(int64_t n, int64_t count, std::mt19937_64& rng) {
  std::vector<int32_t> out;
  count = std::min(count, n);
  if (count * 2 > n) {
    int64_t needed = count;
    for (int64_t i = 0; i < n && needed > 0; ++i) {
      if (static_cast<int64_t>(rng() % static_cast<uint64_t>(n - i)) < needed) {
        out.push_back(static_cast<int32_t>(i));
        --needed;
      }
    }
    return out;
  }
  std::unordered_set<int64_t> chosen;
  for (int64_t j = n - count; j < n; ++j) {
    const auto t = static_cast<int64_t>(rng() % static_cast<uint64_t>(j + 1));
    chosen.insert(chosen.count(t) ? j : t);
  }
  out.assign(chosen.begin(), chosen.end());
  std::sort(out.begin(), out.end());
  return out;
}

// A binomial(n, p) draw by integer arithmetic on the generator's output, so that it is the same
// everywhere (std::binomial_distribution is implementation-defined).
int64_t binomial(int64_t n, double p, std::mt19937_64& rng) {
  if (p >= 1) return n;
  if (p <= 0) return 0;
  // Sum of geometric gaps between successes.
  int64_t count = 0, at = -1;
  const double log_q = std::log1p(-p);
  for (;;) {
    const double u = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
    at += 1 + static_cast<int64_t>(std::floor(std::log(u) / log_q));
    if (at >= n) return count;
    ++count;
  }
}

SparseMatrix from_rows(std::string name, int64_t rows, int64_t cols,
                       std::vector<std::vector<int32_t>> by_row) {
  SparseMatrix m;
  m.name = std::move(name);
  m.rows = rows;
  m.cols = cols;
  m.row_ptr.assign(static_cast<size_t>(rows + 1), 0);
  for (size_t r = 0; r < by_row.size(); ++r) {
    m.row_ptr[r + 1] = m.row_ptr[r] + static_cast<int64_t>(by_row[r].size());
    m.col_idx.insert(m.col_idx.end(), by_row[r].begin(), by_row[r].end());
  }
  return m;
}

}  // namespace

SparseMatrix generate_uniform(int64_t rows, int64_t cols, double density, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<int32_t>> by_row(static_cast<size_t>(rows));
  for (auto& row : by_row) row = distinct_sample(cols, binomial(cols, density, rng), rng);
  return from_rows("uniform", rows, cols, std::move(by_row));
}

SparseMatrix generate_power_law(int64_t rows, int64_t cols, double nnz_per_row, double exponent,
                                uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int64_t> rank(static_cast<size_t>(rows));
  std::iota(rank.begin(), rank.end(), 0);
  for (size_t i = rank.size(); i > 1; --i) std::swap(rank[i - 1], rank[rng() % i]);
  double sum = 0;
  for (int64_t r = 0; r < rows; ++r) sum += std::pow(static_cast<double>(r + 1), -exponent);
  const double scale = nnz_per_row * static_cast<double>(rows) / sum;
  std::vector<std::vector<int32_t>> by_row(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    const double want =
        scale * std::pow(static_cast<double>(rank[static_cast<size_t>(r)] + 1), -exponent);
    const auto count = static_cast<int64_t>(std::llround(want));
    by_row[static_cast<size_t>(r)] = distinct_sample(cols, count, rng);
  }
  return from_rows("power_law", rows, cols, std::move(by_row));
}

SparseMatrix generate_banded(int64_t rows, int64_t cols, int64_t bandwidth, double density,
                             uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<int32_t>> by_row(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t lo = std::max<int64_t>(0, r - bandwidth);
    const int64_t hi = std::min(cols, r + bandwidth + 1);
    if (lo >= hi) continue;
    for (int32_t c : distinct_sample(hi - lo, binomial(hi - lo, density, rng), rng)) {
      by_row[static_cast<size_t>(r)].push_back(static_cast<int32_t>(lo + c));
    }
  }
  return from_rows("banded", rows, cols, std::move(by_row));
}

SparseMatrix dense_matrix(int64_t rows, int64_t cols) {
  std::vector<std::vector<int32_t>> by_row(static_cast<size_t>(rows));
  for (auto& row : by_row) {
    row.resize(static_cast<size_t>(cols));
    std::iota(row.begin(), row.end(), 0);
  }
  SparseMatrix m = from_rows("dense", rows, cols, std::move(by_row));
  m.dense_storage = true;
  return m;
}

}  // namespace tessera
