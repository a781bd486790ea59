// Skipping zero inputs as well as pruned weights (highlight: whole input blocks; dstc: single
// values), against per-cycle references on many random small tiles:
// - a lane-by-lane stepping of every output of a tile, cycle by cycle, over real weight and input
//   masks: its products are the dense product, and its multiplies and slowest lane are what the
//   decoders' closed forms (models/sparse/input_skipping.h) charge, which draw on the densities
//   only (the masks differ from row to row, so the closed forms agree on average, checked over
//   many tiles within 3 % for multiplies and 8 % for the slowest lane, and are bounded on
//   every tile);
// - the register-level systolic array fed only the reduction positions both operands keep
//   (inputs whose zeros all rows share): the dense product in exactly the cycles of the closed
//   form over those rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "models/sparse/input_skipping.h"
#include "models/sparse/weight_tensor.h"
#include "plan/systolic_timing.h"
#include "tests/pe_array/systolic_reference.h"
#include "tests/support/parsing.h"
#include "traces/sparsity.h"

namespace tessera {
namespace {

using tessera::test::spec;

using systolic::reference::Matrix;

// One tile stepped lane by lane: each output (i, j) steps through the kept weights of column j,
// one multiply per cycle, and skips (in no cycle) those whose input `skipped(i, x)` says so.
struct LaneRun {
  int64_t cycles = 0;  // of the slowest lane
  int64_t macs = 0;
  Matrix out;
};

template <typename Skipped>
LaneRun step_lanes(const Matrix& a, const Matrix& w, Skipped skipped) {
  const int64_t m = a.rows, k = a.cols, n = w.cols;
  LaneRun run;
  run.out = Matrix(m, n);
  std::vector<int64_t> next(static_cast<size_t>(m * n), 0);  // each lane's next position of k
  for (bool busy = true; busy;) {
    busy = false;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        int64_t& x = next[static_cast<size_t>(i * n + j)];
        while (x < k && (w(x, j) == 0 || skipped(i, x))) ++x;  // the metadata looks ahead
        if (x == k) continue;
        busy = true;
        run.out(i, j) += a(i, x) * w(x, j);
        ++run.macs;
        ++x;
      }
    }
    if (busy) ++run.cycles;
  }
  return run;
}

Matrix product(const Matrix& a, const Matrix& w) {
  Matrix out(a.rows, w.cols);
  for (int64_t i = 0; i < a.rows; ++i) {
    for (int64_t j = 0; j < w.cols; ++j) {
      for (int64_t x = 0; x < a.cols; ++x) out(i, j) += a(i, x) * w(x, j);
    }
  }
  return out;
}

// k x cols values conforming to `s` (column by column), as a matrix; `transpose` gives cols x k.
Matrix sparse_matrix(const SparsitySpec& s, int64_t k, int64_t cols, bool transpose,
                     std::mt19937_64& rng) {
  const std::vector<int32_t> v = generate_sparse_weights(s, k, cols, rng());
  Matrix out = transpose ? Matrix(cols, k) : Matrix(k, cols);
  for (int64_t x = 0; x < k; ++x) {
    for (int64_t c = 0; c < cols; ++c) {
      const int32_t value = v[static_cast<size_t>(x * cols + c)];
      (transpose ? out(c, x) : out(x, c)) = value;
    }
  }
  return out;
}

struct Totals {
  double ref_macs = 0, model_macs = 0, ref_cycles = 0, model_rows = 0;

  // The closed forms against the reference over all tiles; printed, as the README quotes them.
  void check(const char* what) const {
    std::cout << what << ": multiplies " << model_macs / ref_macs << ", slowest lane "
              << model_rows / ref_cycles << " of the reference's\n";
    EXPECT_NEAR(model_macs / ref_macs, 1.0, 0.03);
    EXPECT_NEAR(model_rows / ref_cycles, 1.0, 0.08);
  }
};

TEST(DualSideLanes, HighlightBlockSkippingMatchesTheClosedForm) {
  const std::vector<std::string> weights = {"hss:2:4", "hss:2:4,1:2", "hss:1:4,2:4", "hss:3:4"};
  const std::vector<std::string> inputs = {"hss:4:4,1:2", "hss:4:4,1:4", "hss:8:8,3:4",
                                           "hss:4:4,2:2", "density:0.3", "density:0.6"};
  std::mt19937_64 rng(19);
  Totals t;
  for (int trial = 0; trial < 400; ++trial) {
    const SparsitySpec ws = spec(weights[rng() % weights.size()]);
    const SparsitySpec in = spec(inputs[rng() % inputs.size()]);
    const int64_t span = std::max(ws.top_span(), in.top_span());
    const int64_t k = span * static_cast<int64_t>(1 + rng() % 8);
    const int64_t m = 1 + static_cast<int64_t>(rng() % 12),
                  n = 1 + static_cast<int64_t>(rng() % 12);
    const Matrix w = sparse_matrix(ws, k, n, false, rng);
    const Matrix a = sparse_matrix(in, k, m, true, rng);
    // An input block is skipped when all its values are zero: rank 1 pruned it, or, for a
    // density, a weight-block-sized block happens to be all zero.
    const bool structured = in.kind == SparsitySpec::Kind::hss;
    const int64_t block = structured ? in.block_span(0) : ws.ranks[0].h;
    const auto skipped = [&](int64_t i, int64_t x) {
      const int64_t first = x / block * block;
      for (int64_t y = first; y < first + block; ++y) {
        if (a(i, y) != 0) return false;
      }
      return true;
    };
    const LaneRun run = step_lanes(a, w, skipped);
    ASSERT_EQ(run.out, product(a, w)) << ws.text() << " x " << in.text();
    // What the decoder charges: the weights' exact work, then the input blocks' share.
    const int64_t rows = most_kept(ws, 0, k), effectual = kept_before(ws, k) * n;
    const double kept_blocks =
        structured ? static_cast<double>(in.ranks[1].g) / static_cast<double>(in.ranks[1].h)
                   : 1 - std::pow(1 - in.kept, static_cast<double>(block));
    const DualWork d = skip_input_blocks(rows, effectual, ws.ranks[0].g, kept_blocks,
                                         structured ? k / block : 0, m);
    // Bounds on every tile: never more than the weights alone.
    ASSERT_LE(run.cycles, rows);
    ASSERT_LE(d.rows, rows);
    ASSERT_LE(run.macs, m * effectual);
    t.ref_macs += static_cast<double>(run.macs);
    t.model_macs += static_cast<double>(d.macs);
    t.ref_cycles += static_cast<double>(run.cycles);
    t.model_rows += static_cast<double>(d.rows);
  }
  t.check("highlight");
}

TEST(DualSideLanes, DstcValueSkippingMatchesTheClosedForm) {
  const std::vector<std::string> weights = {"hss:2:4", "hss:2:4,1:2", "density:0.3", "density:0.6",
                                            "dense"};
  const std::vector<double> densities = {0.25, 0.5, 0.7, 0.9};
  std::mt19937_64 rng(23);
  Totals t;
  for (int trial = 0; trial < 400; ++trial) {
    const SparsitySpec ws = spec(weights[rng() % weights.size()]);
    const double p = densities[rng() % densities.size()];
    const SparsitySpec in = spec("density:" + std::to_string(p));
    const int64_t k = ws.top_span() * static_cast<int64_t>(4 + rng() % 32);
    const int64_t m = 1 + static_cast<int64_t>(rng() % 12),
                  n = 1 + static_cast<int64_t>(rng() % 12);
    const Matrix w = sparse_matrix(ws, k, n, false, rng);
    const Matrix a = sparse_matrix(in, k, m, true, rng);
    const LaneRun run = step_lanes(a, w, [&](int64_t i, int64_t x) { return a(i, x) == 0; });
    ASSERT_EQ(run.out, product(a, w));
    // The weights' work as the unstructured decoders count it: the real columns' counts.
    int64_t rows = 0, effectual = 0;
    for (int64_t j = 0; j < n; ++j) {
      int64_t column = 0;
      for (int64_t x = 0; x < k; ++x) column += w(x, j) != 0 ? 1 : 0;
      rows = std::max(rows, column);
      effectual += column;
    }
    const DualWork d = skip_input_values(rows, effectual, p, m);
    ASSERT_LE(run.cycles, rows);
    ASSERT_LE(d.rows, rows);
    t.ref_macs += static_cast<double>(run.macs);
    t.model_macs += static_cast<double>(d.macs);
    t.ref_cycles += static_cast<double>(run.cycles);
    t.model_rows += static_cast<double>(d.rows);
  }
  t.check("dstc");
}

TEST(DualSideLanes, DenseInputsLeaveTheWeightsWorkExactly) {
  for (const int64_t rows : {0, 1, 7, 64}) {
    for (const int64_t m : {1, 5, 32}) {
      const DualWork b = skip_input_blocks(rows, rows * 3, 1, 1.0, 0, m);
      const DualWork v = skip_input_values(rows, rows * 3, 1.0, m);
      EXPECT_EQ(b.rows, rows);
      EXPECT_EQ(v.rows, rows);
      EXPECT_EQ(b.macs, m * rows * 3);
      EXPECT_EQ(v.macs, m * rows * 3);
    }
  }
}

TEST(DualSideFold, BothSidesKeptRowsGiveTheDenseProductInTheChargedCycles) {
  const std::vector<std::string> weights = {"nm:2:4", "hss:2:4,3:4", "hss:1:4,2:4", "hss:3:4"};
  const std::vector<std::string> inputs = {"hss:4:4,1:2", "hss:4:4,1:4", "density:0.5",
                                           "hss:8:8,3:4"};
  const Dataflow dataflows[] = {Dataflow::ws, Dataflow::os, Dataflow::is};
  std::mt19937_64 rng(29);
  for (int trial = 0; trial < 120; ++trial) {
    const SparsitySpec ws = spec(weights[rng() % weights.size()]);
    const SparsitySpec in = spec(inputs[rng() % inputs.size()]);
    const int64_t k = std::max(ws.top_span(), in.top_span()) * static_cast<int64_t>(1 + rng() % 3);
    const int64_t m = 1 + static_cast<int64_t>(rng() % 9), n = 1 + static_cast<int64_t>(rng() % 6);
    const systolic::ArrayShape array{2 + static_cast<int64_t>(rng() % 4),
                                     2 + static_cast<int64_t>(rng() % 4)};
    const Dataflow df = dataflows[rng() % 3];
    // One weight pattern for every column and one input pattern for every row: the case where
    // the array's lockstep folds lose nothing to imbalance.
    const std::vector<int32_t> wp = generate_sparse_weights(ws, k, 1, rng());
    const std::vector<int32_t> ip = generate_sparse_weights(in, k, 1, rng());
    std::vector<int64_t> both;
    for (int64_t x = 0; x < k; ++x) {
      if (wp[static_cast<size_t>(x)] != 0 && ip[static_cast<size_t>(x)] != 0) both.push_back(x);
    }
    const auto rows = static_cast<int64_t>(both.size());
    Matrix a(m, k), w(k, n);
    std::uniform_int_distribution<int64_t> value(1, 9);
    for (int64_t x = 0; x < k; ++x) {
      for (int64_t i = 0; i < m; ++i) {
        if (ip[static_cast<size_t>(x)] != 0) a(i, x) = value(rng);
      }
      for (int64_t j = 0; j < n; ++j) {
        if (wp[static_cast<size_t>(x)] != 0) w(x, j) = value(rng) * (rng() % 2 ? 1 : -1);
      }
    }
    Matrix a_kept(m, rows), w_kept(rows, n);
    for (int64_t y = 0; y < rows; ++y) {
      const int64_t x = both[static_cast<size_t>(y)];
      for (int64_t i = 0; i < m; ++i) a_kept(i, y) = a(i, x);
      for (int64_t j = 0; j < n; ++j) w_kept(y, j) = w(x, j);
    }
    if (rows == 0) continue;
    const auto got = systolic::reference::run_tile(array, df, a_kept, w_kept);
    EXPECT_EQ(got.out, product(a, w)) << ws.text() << " x " << in.text();
    const auto charged =
        systolic::tile_cycles(array, df, systolic::TimingModel::physical, {m, n, rows});
    EXPECT_EQ(got.cycles, charged.cycles)
        << ws.text() << " x " << in.text() << " m=" << m << " n=" << n << " k=" << k;
  }
}

}  // namespace
}  // namespace tessera
