// Compressed weights on the register-level array: when the columns of a tile keep the same
// positions, feeding the array the kept weights (and each row the input its weight needs) is a
// dense GEMM over the kept rows. The per-cycle reference must then give the dense product with
// the pruned weights, in exactly the cycles the simulator charges for a compressed tile: the
// closed form over the rows the sparsity spec keeps (kept_before / most_kept), never k.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "models/sparse/weight_tensor.h"
#include "plan/systolic_timing.h"
#include "tests/pe_array/systolic_reference.h"
#include "traces/sparsity.h"

namespace tessera {
namespace {

using systolic::reference::Matrix;

TEST(CompressedFold, KeptRowsGiveThePrunedProductInTheChargedCycles) {
  const std::vector<std::string> patterns = {"nm:2:4",      "nm:1:4",      "hss:3:4",
                                             "hss:2:4,3:4", "hss:1:4,2:4", "hss:2:8,1:2"};
  const Dataflow dataflows[] = {Dataflow::ws, Dataflow::os, Dataflow::is};
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 120; ++trial) {
    const SparsitySpec spec =
        parse_sparsity_spec(patterns[rng() % patterns.size()], {"<test>", 0, "spec"});
    const int64_t k = spec.top_span() * static_cast<int64_t>(1 + rng() % 3);
    const int64_t m = 1 + static_cast<int64_t>(rng() % 9), n = 1 + static_cast<int64_t>(rng() % 6);
    const systolic::ArrayShape array{2 + static_cast<int64_t>(rng() % 4),
                                     2 + static_cast<int64_t>(rng() % 4)};
    const Dataflow df = dataflows[rng() % 3];

    // One column's pattern, shared by every column; nonzero values everywhere it keeps.
    const std::vector<int32_t> pattern = generate_sparse_weights(spec, k, 1, rng());
    std::vector<int64_t> kept_rows;
    for (int64_t i = 0; i < k; ++i) {
      if (pattern[static_cast<size_t>(i)] != 0) kept_rows.push_back(i);
    }
    const auto rows = static_cast<int64_t>(kept_rows.size());
    ASSERT_EQ(rows, kept_before(spec, k));
    ASSERT_EQ(rows, most_kept(spec, 0, k));

    Matrix a(m, k), w(k, n);
    std::uniform_int_distribution<int64_t> value(1, 9);
    for (int64_t& v : a.data) v = value(rng);
    for (int64_t i : kept_rows) {
      for (int64_t j = 0; j < n; ++j) w(i, j) = value(rng) * (rng() % 2 ? 1 : -1);
    }
    // What the decoder hands the array: kept weights; each row's input picked by position.
    Matrix a_kept(m, rows), w_kept(rows, n);
    for (int64_t x = 0; x < rows; ++x) {
      for (int64_t i = 0; i < m; ++i) a_kept(i, x) = a(i, kept_rows[static_cast<size_t>(x)]);
      for (int64_t j = 0; j < n; ++j) w_kept(x, j) = w(kept_rows[static_cast<size_t>(x)], j);
    }
    Matrix want(m, n);
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        for (int64_t x = 0; x < k; ++x) want(i, j) += a(i, x) * w(x, j);
      }
    }
    const auto got = systolic::reference::run_tile(array, df, a_kept, w_kept);
    EXPECT_EQ(got.out, want) << spec.text();
    const auto charged = systolic::tile_cycles(array, df, systolic::TimingModel::physical,
                                               {m, n, most_kept(spec, 0, k)});
    EXPECT_EQ(got.cycles, charged.cycles)
        << spec.text() << " m=" << m << " n=" << n << " k=" << k << " " << to_string(df);
  }
}

}  // namespace
}  // namespace tessera
