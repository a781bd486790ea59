#include "sparse/swiftiles.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "sim/numbers.h"
#include "sparse/tiling.h"

namespace tessera {
namespace {

struct Sample {
  double nnz, rows;
};

double fraction_over(const std::vector<Sample>& samples, double f, double growth, int64_t t0,
                     int64_t region_words, bool uncompressed) {
  if (samples.empty()) return 0;
  int64_t over = 0;
  for (const Sample& s : samples) {
    const double rows = std::min(s.rows * f, static_cast<double>(t0) * f);
    const double nnz = s.nnz * std::pow(f, growth);
    const double words = uncompressed ? nnz : 1 + 2 * rows + 2 * nnz;
    over += words > static_cast<double>(region_words) ? 1 : 0;
  }
  return static_cast<double>(over) / static_cast<double>(samples.size());
}

}  // namespace

SwiftilesEstimate swiftiles(const SparseMatrix& m, int64_t region_words, double target,
                            uint64_t seed) {
  SwiftilesEstimate e;
  const int64_t largest = std::max(m.rows, m.cols);
  const double density =
      static_cast<double>(m.nnz()) / (static_cast<double>(m.rows) * static_cast<double>(m.cols));
  // An average tile of side t holds density * t^2 nonzeros, about 2 words each.
  const double t0 = density > 0 ? std::sqrt(static_cast<double>(region_words) / (2 * density))
                                : static_cast<double>(largest);
  e.probe = std::clamp<int64_t>(static_cast<int64_t>(t0), 1, largest);

  std::mt19937_64 rng(seed);
  const int64_t row_tiles = ceil_div(m.rows, e.probe), col_tiles = ceil_div(m.cols, e.probe);
  std::vector<Sample> samples;
  double quarter_nnz = 0, sampled_nnz = 0;
  for (int64_t attempt = 0;
       attempt < 4 * kSwiftilesSamples && static_cast<int64_t>(samples.size()) < kSwiftilesSamples;
       ++attempt) {
    const auto ti = static_cast<int64_t>(rng() % static_cast<uint64_t>(row_tiles));
    const auto tj = static_cast<int64_t>(rng() % static_cast<uint64_t>(col_tiles));
    const int64_t c0 = tj * e.probe, c1 = std::min(m.cols, c0 + e.probe);
    const int64_t r0 = ti * e.probe, r1 = std::min(m.rows, r0 + e.probe);
    const int64_t half_c = c0 + (c1 - c0 + 1) / 2, half_r = r0 + (r1 - r0 + 1) / 2;
    Sample s{0, 0};
    double quarter = 0;
    for (int64_t r = r0; r < r1; ++r) {
      const auto begin = m.col_idx.begin() + m.row_ptr[static_cast<size_t>(r)];
      const auto end = m.col_idx.begin() + m.row_ptr[static_cast<size_t>(r + 1)];
      const auto first = std::lower_bound(begin, end, c0);
      const auto n = std::lower_bound(first, end, c1) - first;
      s.nnz += static_cast<double>(n);
      s.rows += n > 0 ? 1 : 0;
      if (r < half_r) quarter += static_cast<double>(std::lower_bound(first, end, half_c) - first);
    }
    if (s.nnz > 0) {
      samples.push_back(s);
      sampled_nnz += s.nnz;
      quarter_nnz += quarter;
    }
  }
  e.samples = static_cast<int64_t>(samples.size());
  // How occupancy grows with the side: the same sample's top-left quarter tiles hold
  // 2^-growth of its nonzeros (growth 2 for uniformly spread nonzeros, 1 along a band).
  e.growth = quarter_nnz > 0 && e.probe > 1
                 ? std::clamp(std::log2(sampled_nnz / quarter_nnz), 1.0, 2.0)
                 : 2.0;

  // The overbooked fraction grows with f: bisect for the largest f within the target.
  double lo = 1.0 / static_cast<double>(e.probe),
         hi = static_cast<double>(largest) / static_cast<double>(e.probe);
  if (fraction_over(samples, hi, e.growth, e.probe, region_words, m.dense_storage) <= target) {
    lo = hi;
  } else {
    for (int i = 0; i < 60; ++i) {
      const double mid = std::sqrt(lo * hi);
      if (fraction_over(samples, mid, e.growth, e.probe, region_words, m.dense_storage) <= target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
  }
  e.tile = std::clamp<int64_t>(static_cast<int64_t>(std::floor(lo * static_cast<double>(e.probe))),
                               1, largest);
  e.predicted_fraction =
      fraction_over(samples, static_cast<double>(e.tile) / static_cast<double>(e.probe), e.growth,
                    e.probe, region_words, m.dense_storage);
  return e;
}

int64_t exhaustive_tile(const SparseMatrix& m, int64_t region_words, double target) {
  const int64_t largest = std::max(m.rows, m.cols);
  int64_t best = 1;
  for (int64_t t = 1; t <= largest; ++t) {
    if (tile_grid(m, t, t).fraction_over(region_words) <= target) best = t;
  }
  return best;
}

}  // namespace tessera
