// Tiles and the spmspm plan, checked against brute force on many random matrices: every tile's
// nonzeros and rows, the compressed images, the effectual multiplies of every step and the
// partial output tiles, and the seeded generators.
#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "sparse/generators.h"
#include "sparse/reference.h"
#include "sparse/spmspm_plan.h"
#include "sparse/tiling.h"

namespace tessera {
namespace {

SparseMatrix random_matrix(std::mt19937_64& rng, int64_t rows, int64_t cols) {
  switch (rng() % 3) {
    case 0: return generate_uniform(rows, cols, 0.02 + 0.3 * (rng() % 100) / 100.0, rng());
    case 1: return generate_power_law(rows, cols, 1 + static_cast<double>(rng() % 4), 1.0, rng());
    default: return generate_banded(rows, cols, static_cast<int64_t>(rng() % 4), 0.7, rng());
  }
}

bool has(const SparseMatrix& m, int64_t r, int64_t c) {
  for (int64_t i = m.row_ptr[static_cast<size_t>(r)]; i < m.row_ptr[static_cast<size_t>(r + 1)];
       ++i) {
    if (m.col_idx[static_cast<size_t>(i)] == c) return true;
  }
  return false;
}

TEST(Tiling, GridCountsEveryTileLikeBruteForce) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t rows = 1 + static_cast<int64_t>(rng() % 30);
    const int64_t cols = 1 + static_cast<int64_t>(rng() % 30);
    const SparseMatrix m = random_matrix(rng, rows, cols);
    const int64_t tr = 1 + static_cast<int64_t>(rng() % 8),
                  tc = 1 + static_cast<int64_t>(rng() % 8);
    const TileGrid g = tile_grid(m, tr, tc);
    const std::vector<int32_t> values = seeded_values(m, 3);
    int64_t tiles = 0, offset = 0;
    for (int64_t ti = 0; ti * tr < rows; ++ti) {
      std::map<int64_t, TileStats> want;
      for (int64_t tj = 0; tj * tc < cols; ++tj) {
        TileStats s;
        for (int64_t r = ti * tr; r < std::min(rows, (ti + 1) * tr); ++r) {
          int64_t in_row = 0;
          for (int64_t c = tj * tc; c < std::min(cols, (tj + 1) * tc); ++c) in_row += has(m, r, c);
          s.nnz += in_row;
          s.rows += in_row > 0;
        }
        if (s.nnz > 0) want[tj] = s;
      }
      const auto& got = g.by_row[static_cast<size_t>(ti)];
      ASSERT_EQ(got.size(), want.size());
      for (const auto& [tj, s] : got) {
        ASSERT_EQ(s.nnz, want[tj].nnz);
        ASSERT_EQ(s.rows, want[tj].rows);
        ASSERT_EQ(s.offset, offset);
        const auto image = encode_tile(m, values, ti * tr, (ti + 1) * tr, tj * tc, (tj + 1) * tc);
        ASSERT_EQ(static_cast<int64_t>(image.size()), s.words());
        const auto entries = decode_tile(image.data(), static_cast<int64_t>(image.size()));
        ASSERT_EQ(static_cast<int64_t>(entries.size()), s.nnz);
        for (const TileEntry& e : entries) ASSERT_TRUE(has(m, ti * tr + e.row, tj * tc + e.col));
        offset += s.words();
        ++tiles;
      }
    }
    EXPECT_EQ(g.tiles, tiles);
    EXPECT_EQ(g.total_words, offset);
  }
}

TEST(Tiling, PlanCountsWorkAndPartialOutputsLikeBruteForce) {
  std::mt19937_64 rng(12);
  for (int trial = 0; trial < 150; ++trial) {
    const int64_t m = 1 + static_cast<int64_t>(rng() % 24),
                  k = 1 + static_cast<int64_t>(rng() % 24),
                  n = 1 + static_cast<int64_t>(rng() % 24);
    const SparseMatrix a = random_matrix(rng, m, k), b = random_matrix(rng, k, n);
    const TileShape shape{1 + static_cast<int64_t>(rng() % 7), 1 + static_cast<int64_t>(rng() % 7),
                          1 + static_cast<int64_t>(rng() % 7)};
    const SpmspmPlan p = plan_spmspm(a, b, shape);
    int64_t effectual = 0;
    int64_t last_nt = -1, last_kt = -1;
    for (const SpmspmStep& s : p.steps) {
      // Loop order n, k, m.
      ASSERT_TRUE(s.nt > last_nt || (s.nt == last_nt && s.kt >= last_kt));
      last_nt = s.nt;
      last_kt = s.kt;
      int64_t want = 0;
      std::set<std::pair<int64_t, int64_t>> before, after;
      for (int64_t i = s.mt * shape.m; i < std::min(m, (s.mt + 1) * shape.m); ++i) {
        for (int64_t j = s.nt * shape.n; j < std::min(n, (s.nt + 1) * shape.n); ++j) {
          for (int64_t kk = 0; kk < std::min(k, (s.kt + 1) * shape.k); ++kk) {
            if (!has(a, i, kk) || !has(b, kk, j)) continue;
            if (kk >= s.kt * shape.k) ++want;
            (kk < s.kt * shape.k ? before : after).insert({i, j});
          }
        }
      }
      after.insert(before.begin(), before.end());
      const auto words = [](const std::set<std::pair<int64_t, int64_t>>& z) {
        std::set<int64_t> rows;
        for (const auto& e : z) rows.insert(e.first);
        return compressed_words(static_cast<int64_t>(z.size()), static_cast<int64_t>(rows.size()));
      };
      ASSERT_EQ(s.effectual, want);
      ASSERT_EQ(s.z_in_words, words(before));
      ASSERT_EQ(s.z_out_words, words(after));
      effectual += s.effectual;
    }
    EXPECT_EQ(effectual, p.effectual);
    const int64_t largest_output =
        p.z_final.empty() ? 0 : *std::max_element(p.z_final.begin(), p.z_final.end());
    EXPECT_EQ(max_output_tile_words(a, b, shape), largest_output);
  }
}

TEST(Tiling, DenseOperandsAreStoredUncompressed) {
  const SparseMatrix d = dense_matrix(7, 5);
  const TileGrid g = tile_grid(d, 3, 2);
  EXPECT_EQ(g.tiles, 3 * 3);
  EXPECT_EQ(g.by_row[2][2].second.words(), 1 * 1);  // the corner tile: 1 x 1
  EXPECT_EQ(g.by_row[0][0].second.words(), 3 * 2);
  EXPECT_EQ(g.total_words, 7 * 5);
  const auto values = seeded_values(d, 1);
  const auto image = encode_tile(d, values, 3, 6, 2, 4);
  ASSERT_EQ(image.size(), 6u);
  const auto entries = decode_dense_tile(image.data(), 6, 2);
  for (const TileEntry& e : entries) {
    EXPECT_EQ(e.value, values[static_cast<size_t>((3 + e.row) * 5 + 2 + e.col)]);
  }
}

TEST(Generators, AreSeededAndHitTheirParameters) {
  const SparseMatrix u1 = generate_uniform(400, 300, 0.05, 7),
                     u2 = generate_uniform(400, 300, 0.05, 7);
  EXPECT_EQ(u1.col_idx, u2.col_idx);
  EXPECT_NE(u1.col_idx, generate_uniform(400, 300, 0.05, 8).col_idx);
  EXPECT_NEAR(static_cast<double>(u1.nnz()) / (400.0 * 300.0), 0.05, 0.005);

  const SparseMatrix p = generate_power_law(1000, 1000, 6, 1.2, 3);
  EXPECT_NEAR(static_cast<double>(p.nnz()) / 1000.0, 6, 1.0);
  int64_t longest = 0;
  for (int64_t r = 0; r < p.rows; ++r) {
    longest = std::max(longest,
                       p.row_ptr[static_cast<size_t>(r + 1)] - p.row_ptr[static_cast<size_t>(r)]);
  }
  EXPECT_GT(longest, 60);  // the head of the power law

  const SparseMatrix band = generate_banded(50, 50, 2, 1.0, 1);
  EXPECT_EQ(band.nnz(), 50 * 5 - 2 * 3);
  for (int64_t r = 0; r < band.rows; ++r) {
    for (int64_t i = band.row_ptr[static_cast<size_t>(r)];
         i < band.row_ptr[static_cast<size_t>(r + 1)]; ++i) {
      EXPECT_LE(std::abs(band.col_idx[static_cast<size_t>(i)] - r), 2);
    }
  }
}

}  // namespace
}  // namespace tessera
