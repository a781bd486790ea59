#include "plan/systolic_timing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/pe_array/systolic_reference.h"
#include "traces/layer.h"

namespace tessera::systolic {
namespace {

using reference::Matrix;

constexpr TimingModel kPhysical = TimingModel::physical;
constexpr TimingModel kScaleSim = TimingModel::scalesim;
constexpr Dataflow kDataflows[] = {Dataflow::ws, Dataflow::os, Dataflow::is};

Matrix matmul(const Matrix& a, const Matrix& b) {
  Matrix c(a.rows, b.cols);
  for (int64_t i = 0; i < a.rows; ++i) {
    for (int64_t j = 0; j < b.cols; ++j) {
      for (int64_t x = 0; x < a.cols; ++x) c(i, j) += a(i, x) * b(x, j);
    }
  }
  return c;
}

Matrix random_matrix(std::mt19937_64& rng, int64_t rows, int64_t cols) {
  std::uniform_int_distribution<int64_t> value(-9, 9);
  Matrix m(rows, cols);
  for (int64_t& v : m.data) v = value(rng);
  return m;
}

Matrix slice(const Matrix& m, int64_t i0, int64_t rows, int64_t j0, int64_t cols) {
  Matrix s(rows, cols);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) s(i, j) = m(i0 + i, j0 + j);
  }
  return s;
}

// Cycles of the register-level reference for a tile with random operands; also checks the
// outputs it computed.
int64_t reference_cycles(ArrayShape array, Dataflow df, GemmTile tile) {
  std::mt19937_64 rng(static_cast<uint64_t>(tile.m * 1000003 + tile.n * 1009 + tile.k));
  const Matrix a = random_matrix(rng, tile.m, tile.k);
  const Matrix b = random_matrix(rng, tile.k, tile.n);
  const reference::Result r = reference::run_tile(array, df, a, b);
  EXPECT_EQ(r.out, matmul(a, b));
  return r.cycles;
}

int64_t cycles(ArrayShape array, Dataflow df, TimingModel model, GemmTile tile,
               StreamPosition pos = {}) {
  return tile_cycles(array, df, model, tile, pos).cycles;
}

// ---- SCALE-Sim accounting, worked out by hand ----

TEST(SystolicScaleSim, ResNetConv1On32x32) {
  const ArrayShape array{32, 32};
  const GemmTile tile{12100, 64, 147};
  // os: rows m = 12100 -> ceil(12100/32) = 379, cols n = 64 -> 2: 758 folds of
  // T + R + C - 2 = 147 + 32 + 32 - 2 = 209 cycles = 158422.
  const TileCycles os = tile_cycles(array, Dataflow::os, kScaleSim, tile);
  EXPECT_EQ(os.folds, 758);
  EXPECT_EQ(os.cycles, 158422);
  EXPECT_EQ(os.macs, 12100 * 64 * 147);
  EXPECT_EQ(os.pe_cycles, 1024 * 158422);
  // ws: rows k = 147 -> 5, cols n = 64 -> 2: 10 folds of 2R + C + T - 2 = 64 + 32 + 12100 - 2 =
  // 12194 cycles = 121940.
  const TileCycles ws = tile_cycles(array, Dataflow::ws, kScaleSim, tile);
  EXPECT_EQ(ws.folds, 10);
  EXPECT_EQ(ws.cycles, 121940);
  // is: rows k = 147 -> 5, cols m = 12100 -> 379: 1895 folds of 64 + 32 + 64 - 2 = 158 cycles =
  // 299410.
  const TileCycles is = tile_cycles(array, Dataflow::is, kScaleSim, tile);
  EXPECT_EQ(is.folds, 1895);
  EXPECT_EQ(is.cycles, 299410);
}

TEST(SystolicScaleSim, OneByOneArray) {
  const ArrayShape array{1, 1};
  const GemmTile tile{3, 4, 5};
  // os: 3 * 4 = 12 folds of T + 1 + 1 - 2 = T = 5: 60, one cycle per MAC.
  EXPECT_EQ(cycles(array, Dataflow::os, kScaleSim, tile), 60);
  // ws: k * n = 20 folds of 2 + 1 + T - 2 = T + 1 = 4 (T = m = 3): 80.
  EXPECT_EQ(cycles(array, Dataflow::ws, kScaleSim, tile), 80);
  // is: k * m = 15 folds of T + 1 = 5 (T = n = 4): 75.
  EXPECT_EQ(cycles(array, Dataflow::is, kScaleSim, tile), 75);
}

TEST(SystolicScaleSim, SingleStreamedElement) {
  // os 4x4, tile 4x4 with k = 1: 1 + 4 + 4 - 2 = 7.
  EXPECT_EQ(cycles({4, 4}, Dataflow::os, kScaleSim, {4, 4, 1}), 7);
  // ws 4x4, m = 1: 8 + 4 + 1 - 2 = 11.
  EXPECT_EQ(cycles({4, 4}, Dataflow::ws, kScaleSim, {1, 4, 4}), 11);
}

TEST(SystolicScaleSim, TileSmallerThanArrayPaysTheFullArray) {
  // 8x8 array, tile m = 3, n = 2, k = 5: one fold, padded to 8x8.
  // ws (T = m = 3): 16 + 8 + 3 - 2 = 25; os (T = k = 5): 5 + 8 + 8 - 2 = 19;
  // is (T = n = 2): 16 + 8 + 2 - 2 = 24.
  EXPECT_EQ(cycles({8, 8}, Dataflow::ws, kScaleSim, {3, 2, 5}), 25);
  EXPECT_EQ(cycles({8, 8}, Dataflow::os, kScaleSim, {3, 2, 5}), 19);
  EXPECT_EQ(cycles({8, 8}, Dataflow::is, kScaleSim, {3, 2, 5}), 24);
}

TEST(SystolicScaleSim, NonSquareArray) {
  // 8 rows x 4 cols, ws, tile m = 10, n = 9, k = 20: rows k -> ceil(20/8) = 3, cols n ->
  // ceil(9/4) = 3: 9 folds of 16 + 4 + 10 - 2 = 28 = 252.
  const TileCycles t = tile_cycles({8, 4}, Dataflow::ws, kScaleSim, {10, 9, 20});
  EXPECT_EQ(t.folds, 9);
  EXPECT_EQ(t.cycles, 252);
}

TEST(SystolicScaleSim, ChunkedStreamSumsToOneFold) {
  // ws 32x32, k = n = 32 (one fold), m = 100 streamed as 40 + 60.
  // First chunk: fill R = 32 + 40 = 72. Last: 60 + drain R + C - 2 = 62 -> 122. Sum 194 =
  // 2 * 32 + 32 + 100 - 2.
  EXPECT_EQ(cycles({32, 32}, Dataflow::ws, kScaleSim, {40, 32, 32}, {true, false}), 72);
  EXPECT_EQ(cycles({32, 32}, Dataflow::ws, kScaleSim, {60, 32, 32}, {false, true}), 122);
  EXPECT_EQ(cycles({32, 32}, Dataflow::ws, kScaleSim, {100, 32, 32}), 194);
  // os: no fill, a middle chunk costs T only.
  EXPECT_EQ(cycles({32, 32}, Dataflow::os, kScaleSim, {32, 32, 50}, {false, false}), 50);
}

// ---- Physical model, worked out by hand and replayed on the register-level reference ----

TEST(SystolicPhysical, WeightStationaryPartialFold) {
  // 8x8, m = 3, n = 2, k = 5: r = 5, c = 2, T = 3. Preload in cycles 0-4. The last element
  // x(2, 4) is driven into row 4 in cycle 5 + 2 + 4 = 11, reaches column 1 in 12; its partial sum
  // reaches row 7 in 15 and the output register in 16: 17 cycles = 5 + 3 + (8 + 2 - 1).
  const FoldCycles f = fold_cycles({8, 8}, Dataflow::ws, kPhysical, 5, 2, 3);
  EXPECT_EQ(f.fill, 5);
  EXPECT_EQ(f.steady, 3);
  EXPECT_EQ(f.drain, 9);
  EXPECT_EQ(cycles({8, 8}, Dataflow::ws, kPhysical, {3, 2, 5}), 17);
  EXPECT_EQ(reference_cycles({8, 8}, Dataflow::ws, {3, 2, 5}), 17);
}

TEST(SystolicPhysical, OutputStationaryPartialFold) {
  // 8 rows x 4 cols, m = 3, n = 2, k = 5: r = 3, c = 2, T = 5. The last MAC is at PE(2, 1) in
  // cycle 4 + 2 + 1 = 7; the accumulators shift down in cycles 8-15 and row 0's result is in the
  // output register in 15: 16 cycles = 5 + 3 + 2 - 2 + 8.
  const FoldCycles f = fold_cycles({8, 4}, Dataflow::os, kPhysical, 3, 2, 5);
  EXPECT_EQ(f.fill, 0);
  EXPECT_EQ(f.drain, 11);
  EXPECT_EQ(cycles({8, 4}, Dataflow::os, kPhysical, {3, 2, 5}), 16);
  EXPECT_EQ(reference_cycles({8, 4}, Dataflow::os, {3, 2, 5}), 16);
}

TEST(SystolicPhysical, InputStationaryTwoFolds) {
  // 4x4, m = 6, n = 3, k = 2: rows k = 2, cols m = 6 -> folds 2x4 and 2x2, T = n = 3:
  // (2 + 3 + 4 + 4 - 1) + (2 + 3 + 4 + 2 - 1) = 12 + 10 = 22.
  const TileCycles t = tile_cycles({4, 4}, Dataflow::is, kPhysical, {6, 3, 2});
  EXPECT_EQ(t.folds, 2);
  EXPECT_EQ(t.cycles, 22);
  EXPECT_EQ(reference_cycles({4, 4}, Dataflow::is, {6, 3, 2}), 22);
}

TEST(SystolicPhysical, AllFourFoldSizes) {
  // os 4x4, m = 10, n = 7, k = 3: rows 10 = 4 + 4 + 2, cols 7 = 4 + 3. Per fold T + r + c - 2 + 4:
  // 4x4: 13 (x2), 4x3: 12 (x2), 2x4: 11, 2x3: 10 -> 26 + 24 + 11 + 10 = 71 in 6 folds.
  const TileCycles t = tile_cycles({4, 4}, Dataflow::os, kPhysical, {10, 7, 3});
  EXPECT_EQ(t.folds, 6);
  EXPECT_EQ(t.cycles, 71);
  EXPECT_EQ(t.pe_cycles, 16 * 71);
  EXPECT_EQ(reference_cycles({4, 4}, Dataflow::os, {10, 7, 3}), 71);
}

TEST(SystolicPhysical, SmallestCases) {
  // 1x1, one MAC. os: the MAC in cycle 0, out in 1. ws: preload in 0, MAC in 1, out in 2.
  EXPECT_EQ(cycles({1, 1}, Dataflow::os, kPhysical, {1, 1, 1}), 2);
  EXPECT_EQ(cycles({1, 1}, Dataflow::ws, kPhysical, {1, 1, 1}), 3);
  EXPECT_EQ(cycles({1, 1}, Dataflow::is, kPhysical, {1, 1, 1}), 3);
  for (Dataflow df : kDataflows) {
    EXPECT_EQ(reference_cycles({1, 1}, df, {1, 1, 1}), cycles({1, 1}, df, kPhysical, {1, 1, 1}));
  }
}

TEST(SystolicPhysical, ChunkedStream) {
  // ws 4x4, k = 3, n = 4 (one fold, r = 3, c = 4), m streamed as 5 + 2 + 7.
  // First: fill 3 + 5 = 8; middle: 2; last: 7 + drain (4 + 4 - 1) = 14. Sum 24 = 3 + 14 + 7.
  const ArrayShape array{4, 4};
  EXPECT_EQ(cycles(array, Dataflow::ws, kPhysical, {5, 4, 3}, {true, false}), 8);
  EXPECT_EQ(cycles(array, Dataflow::ws, kPhysical, {2, 4, 3}, {false, false}), 2);
  EXPECT_EQ(cycles(array, Dataflow::ws, kPhysical, {7, 4, 3}, {false, true}), 14);
  EXPECT_EQ(reference_cycles(array, Dataflow::ws, {14, 4, 3}), 24);
}

TEST(SystolicPhysical, MultiFoldTileIgnoresStreamPosition) {
  // k = 5 needs two row folds on a 4x4 array: each pays its fill and drain.
  const GemmTile tile{6, 4, 5};
  EXPECT_EQ(cycles({4, 4}, Dataflow::ws, kPhysical, tile, {false, false}),
            cycles({4, 4}, Dataflow::ws, kPhysical, tile));
  EXPECT_EQ(tile_cycles({4, 4}, Dataflow::ws, kPhysical, tile).folds, 2);
}

// ---- Errors ----

TEST(SystolicTiming, RejectsNonsense) {
  for (Dataflow df : kDataflows) {
    for (TimingModel model : {kPhysical, kScaleSim}) {
      EXPECT_THROW((void)tile_cycles({4, 4}, df, model, {0, 4, 4}), std::invalid_argument);
      EXPECT_THROW((void)tile_cycles({4, 4}, df, model, {4, -1, 4}), std::invalid_argument);
      EXPECT_THROW((void)tile_cycles({4, 4}, df, model, {4, 4, 0}), std::invalid_argument);
      EXPECT_THROW((void)tile_cycles({0, 4}, df, model, {4, 4, 4}), std::invalid_argument);
      EXPECT_THROW((void)tile_cycles({4, -2}, df, model, {4, 4, 4}), std::invalid_argument);
      EXPECT_THROW((void)fold_cycles({4, 4}, df, model, 0, 1, 1), std::invalid_argument);
      EXPECT_THROW((void)fold_cycles({4, 4}, df, model, 1, 1, 0), std::invalid_argument);
      EXPECT_THROW((void)fold_cycles({4, 4}, df, model, 5, 1, 1), std::invalid_argument);
      EXPECT_THROW((void)fold_cycles({4, 4}, df, model, 1, 5, 1), std::invalid_argument);
    }
    EXPECT_THROW((void)fold_space(df, {1, 0, 1}), std::invalid_argument);
  }
}

TEST(SystolicTiming, FoldSpaceTable) {
  const GemmTile tile{2, 3, 5};
  EXPECT_EQ(fold_space(Dataflow::os, tile).rows, 2);
  EXPECT_EQ(fold_space(Dataflow::os, tile).t, 5);
  EXPECT_EQ(fold_space(Dataflow::ws, tile).rows, 5);
  EXPECT_EQ(fold_space(Dataflow::ws, tile).cols, 3);
  EXPECT_EQ(fold_space(Dataflow::ws, tile).t, 2);
  EXPECT_EQ(fold_space(Dataflow::is, tile).cols, 2);
  EXPECT_EQ(fold_space(Dataflow::is, tile).t, 3);
}

// The O(1) fold counting agrees with walking every fold.
TEST(SystolicTiming, CountingMatchesWalkingEveryFold) {
  std::mt19937_64 rng(7);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int iter = 0; iter < 2000; ++iter) {
    const ArrayShape array{pick(1, 64), pick(1, 64)};
    const GemmTile tile{pick(1, 500), pick(1, 500), pick(1, 500)};
    const Dataflow df = kDataflows[iter % 3];
    const TimingModel model = iter % 2 ? kPhysical : kScaleSim;
    const FoldSpace space = fold_space(df, tile);
    int64_t folds = 0, total = 0;
    for (int64_t r0 = 0; r0 < space.rows; r0 += array.rows) {
      for (int64_t c0 = 0; c0 < space.cols; c0 += array.cols) {
        const int64_t r = std::min(array.rows, space.rows - r0);
        const int64_t c = std::min(array.cols, space.cols - c0);
        total += fold_cycles(array, df, model, r, c, space.t).total();
        ++folds;
      }
    }
    const TileCycles t = tile_cycles(array, df, model, tile);
    ASSERT_EQ(t.folds, folds);
    ASSERT_EQ(t.cycles, total);
    ASSERT_EQ(t.pe_cycles, array.rows * array.cols * total);
  }
}

// ---- Random layers: fast model against the register-level reference, tile by tile ----

Layer random_layer(std::mt19937_64& rng) {
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  Layer layer;
  ConvShape& s = layer.shape;
  if (pick(0, 1) == 0) {
    layer.op = Op::conv;
    s.batch = pick(1, 2);
    s.in_h = pick(3, 12);
    s.in_w = pick(3, 12);
    s.filter_h = pick(1, 3);
    s.filter_w = pick(1, 3);
    s.stride_h = pick(1, 2);
    s.stride_w = pick(1, 2);
    s.channels = pick(1, 6);
    s.filters = pick(1, 10);
    s.out_h = (s.in_h - s.filter_h) / s.stride_h + 1;
    s.out_w = (s.in_w - s.filter_w) / s.stride_w + 1;
  } else {
    layer.op = Op::gemm;
    s.in_h = s.out_h = pick(1, 40);  // m
    s.channels = pick(1, 40);        // k
    s.filters = pick(1, 40);         // n
  }
  return layer;
}

GemmDim streamed_dim(Dataflow df) {
  switch (df) {
    case Dataflow::os: return GemmDim::k;
    case Dataflow::ws: return GemmDim::m;
    case Dataflow::is: return GemmDim::n;
  }
  return GemmDim::k;
}

int dim(GemmDim d) {
  return static_cast<int>(d);
}

GemmTile to_tile(const GemmExtents& e) {
  return {e[0], e[1], e[2]};
}

// One layer's buffer tiles, visited by the loop nest.
struct LayerRun {
  ArrayShape array;
  Dataflow df;
  GemmExtents extents, tile;
  LoopOrder order;
  Matrix a, b;  // the layer's operands, m x k and k x n

  int64_t fast_total = 0, reference_total = 0;
  int tiles = 0, streams = 0, multi_fold_tiles = 0;

  // Reference cycles of the sub-GEMM at `origin` of size `size`, with its outputs checked.
  int64_t reference(const GemmExtents& origin, const GemmExtents& size) const {
    const Matrix sa = slice(a, origin[0], size[0], origin[2], size[2]);
    const Matrix sb = slice(b, origin[2], size[2], origin[1], size[1]);
    const reference::Result r = reference::run_tile(array, df, sa, sb);
    EXPECT_EQ(r.out, matmul(sa, sb));
    return r.cycles;
  }

  // The innermost loop at fixed outer indices.
  void inner_loop(GemmExtents origin, GemmExtents size) {
    const int d = dim(order[2]);
    std::vector<GemmExtents> chunks;
    for (origin[d] = 0; origin[d] < extents[d]; origin[d] += tile[d]) {
      size[d] = std::min(tile[d], extents[d] - origin[d]);
      chunks.push_back(size);
    }
    const FoldSpace space = fold_space(df, to_tile(size));
    if (order[2] == streamed_dim(df) && space.rows <= array.rows && space.cols <= array.cols) {
      // One stream split into chunks: the same stationary data, a single fold.
      int64_t fast = 0;
      for (size_t i = 0; i < chunks.size(); ++i) {
        fast +=
            tile_cycles(array, df, kPhysical, to_tile(chunks[i]), {i == 0, i + 1 == chunks.size()})
                .cycles;
      }
      origin[d] = 0;
      size[d] = extents[d];
      const int64_t ref = reference(origin, size);
      EXPECT_EQ(fast, ref) << "stream of " << chunks.size() << " chunks";
      fast_total += fast;
      reference_total += ref;
      tiles += static_cast<int>(chunks.size());
      if (chunks.size() > 1) ++streams;
      return;
    }
    origin[d] = 0;
    for (const GemmExtents& chunk : chunks) {
      const TileCycles t = tile_cycles(array, df, kPhysical, to_tile(chunk));
      const int64_t ref = reference(origin, chunk);
      EXPECT_EQ(t.cycles, ref) << "tile " << chunk[0] << "x" << chunk[1] << "x" << chunk[2];
      fast_total += t.cycles;
      reference_total += ref;
      ++tiles;
      if (t.folds > 1) ++multi_fold_tiles;
      origin[d] += chunk[d];
    }
  }

  void run() {
    GemmExtents origin{}, size{};
    const int d0 = dim(order[0]), d1 = dim(order[1]);
    for (origin[d0] = 0; origin[d0] < extents[d0]; origin[d0] += tile[d0]) {
      size[d0] = std::min(tile[d0], extents[d0] - origin[d0]);
      for (origin[d1] = 0; origin[d1] < extents[d1]; origin[d1] += tile[d1]) {
        size[d1] = std::min(tile[d1], extents[d1] - origin[d1]);
        inner_loop(origin, size);
      }
    }
  }
};

class SystolicRandomLayers : public testing::TestWithParam<Dataflow> {};

TEST_P(SystolicRandomLayers, FastModelMatchesRegisterLevelReference) {
  const Dataflow df = GetParam();
  std::mt19937_64 rng(1000 + static_cast<uint64_t>(df));
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  int tiles = 0, streams = 0, multi_fold_tiles = 0;
  for (int l = 0; l < 100; ++l) {
    const Layer layer = random_layer(rng);
    LayerRun run;
    run.array = {pick(1, 8), pick(1, 8)};
    run.df = df;
    run.extents = layer.gemm();
    for (int d = 0; d < 3; ++d) {
      // Half the tiles small enough to be a single fold now and then.
      run.tile[d] = pick(1, pick(0, 1) ? run.extents[d] : std::min<int64_t>(run.extents[d], 8));
    }
    run.order = {GemmDim::m, GemmDim::n, GemmDim::k};
    std::shuffle(run.order.begin(), run.order.end(), rng);
    run.a = random_matrix(rng, run.extents[0], run.extents[2]);
    run.b = random_matrix(rng, run.extents[2], run.extents[1]);
    SCOPED_TRACE(std::string("layer ") + std::to_string(l) + " " + to_string(layer.op) + " gemm " +
                 std::to_string(run.extents[0]) + "x" + std::to_string(run.extents[1]) + "x" +
                 std::to_string(run.extents[2]) + " array " + std::to_string(run.array.rows) + "x" +
                 std::to_string(run.array.cols) + " tile " + std::to_string(run.tile[0]) + "x" +
                 std::to_string(run.tile[1]) + "x" + std::to_string(run.tile[2]) + " order " +
                 to_string(run.order[0]) + to_string(run.order[1]) + to_string(run.order[2]));
    run.run();
    EXPECT_EQ(run.fast_total, run.reference_total);
    tiles += run.tiles;
    streams += run.streams;
    multi_fold_tiles += run.multi_fold_tiles;
  }
  // The run exercised every path.
  EXPECT_GT(streams, 0);
  EXPECT_GT(multi_fold_tiles, 0);
  EXPECT_GT(tiles, 1000);
}

INSTANTIATE_TEST_SUITE_P(AllDataflows, SystolicRandomLayers, testing::ValuesIn(kDataflows),
                         [](const testing::TestParamInfo<Dataflow>& info) {
                           return std::string(to_string(info.param));
                         });

}  // namespace
}  // namespace tessera::systolic
