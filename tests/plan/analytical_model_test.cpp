// The analytical model's equations on layers small enough to count by hand: compute cycles with
// and without fill and drain, the buffer ports' cycles, the DRAM traffic of the residency rule
// (refills included), both accountings and the level that binds.
#include <gtest/gtest.h>

#include "plan/analytical_model.h"
#include "plan/loop_nest.h"

namespace tessera::model {
namespace {

// A GEMM layer m x n x k, stored as a 1x1 convolution over an m x 1 input.
Layer gemm(int64_t m, int64_t n, int64_t k) {
  Layer l;
  l.name = "g";
  l.op = Op::gemm;
  l.shape.in_h = l.shape.out_h = m;
  l.shape.channels = k;
  l.shape.filters = n;
  return l;
}

ArchitectureFacts facts_2x2(int64_t port, double dram) {
  ArchitectureFacts f;
  f.array = {2, 2};
  f.buffer_capacity_bytes = 1 << 20;
  f.buffer_port_bytes_per_cycle = port;
  f.dram_bytes_per_cycle = dram;
  return f;
}

TilePlan plan_of(GemmExtents tile, LoopOrder order) {
  TilePlan p;
  p.tile = tile;
  p.order = order;
  p.dataflow = Dataflow::ws;
  return p;
}

int64_t level(const LayerEstimate& e, const std::string& name) {
  for (const auto& l : e.levels) {
    if (l.level == name) return l.cycles;
  }
  ADD_FAILURE() << "no level " << name;
  return -1;
}

// One 8 x 4 x 6 tile on a 2 x 2 array, weight stationary: k = 6 over 2 rows and n = 4 over 2
// columns make 3 x 2 folds, each streaming m = 8.
TEST(AnalyticalModel, OneTileEveryLevelByHand) {
  constexpr int64_t m = 8, n = 4, k = 6, rows = 2, cols = 2, port = 4, dram = 2;
  const Layer layer = gemm(m, n, k);
  const TilePlan plan = plan_of({m, n, k}, {GemmDim::n, GemmDim::m, GemmDim::k});
  const int64_t row_folds = k / rows, folds = row_folds * (n / cols);
  const LayerEstimate e = estimate_layer(layer, plan, facts_2x2(port, dram), {});
  EXPECT_EQ(level(e, "compute"), folds * m);

  // Per tile: weights k*n once; inputs m*k once per column fold; partial sums written m*n per
  // row fold and read back for all but the first. Reads share the read port, one access each.
  const int64_t weights = k * n, inputs = m * k * (n / cols), psum_writes = m * n * row_folds,
                psum_reads = m * n * (row_folds - 1);
  const int64_t read_port = weights / port + inputs / port + psum_reads / port;
  EXPECT_EQ(level(e, "buffer"), std::max(read_port, psum_writes / port));

  // DRAM: inputs m*k and weights k*n fetched once, outputs m*n written once, at 2 B/cycle.
  const int64_t fetched = m * k + k * n, written = m * n;
  EXPECT_EQ(e.actions.dram_read_bytes, fetched);
  EXPECT_EQ(e.actions.dram_write_bytes, written);
  EXPECT_EQ(level(e, "dram"), (fetched + written) / dram);
  EXPECT_EQ(e.cycles, (fetched + written) / dram);
  EXPECT_EQ(e.binding, "dram");
  EXPECT_EQ(e.actions.macs, m * n * k);
  // 64-bit words per access: PE reads and write-backs read, PE writes and fills write.
  const auto words = [](int64_t bytes) { return (bytes + 7) / 8; };
  EXPECT_EQ(e.actions.buffer_read_words,
            words(weights) + words(inputs) + words(psum_reads) + words(written));
  EXPECT_EQ(e.actions.buffer_write_words, words(psum_writes) + words(m * k) + words(k * n));

  // With fill and drain: each 2 x 2 fold fills 2 rows and drains R + c - 1 = 3.
  Options fd;
  fd.fill_drain = true;
  EXPECT_EQ(level(estimate_layer(layer, plan, facts_2x2(port, dram), fd), "compute"),
            folds * (rows + m + (rows + cols - 1)));

  // Timeloop accounting: every access of the buffer, fills included, over one shared 4 B/cycle;
  // a level never takes fewer cycles than compute.
  Options tl;
  tl.accounting = Accounting::timeloop;
  const LayerEstimate t = estimate_layer(layer, plan, facts_2x2(port, dram), tl);
  const int64_t accesses = weights + inputs + psum_reads + psum_writes + fetched;
  EXPECT_EQ(level(t, "buffer"), accesses / port);
  EXPECT_EQ(level(t, "dram"), (fetched + written) / dram);
  EXPECT_EQ(t.cycles, accesses / port);
  EXPECT_EQ(t.binding, "buffer");
  const LayerEstimate fast = estimate_layer(layer, plan, facts_2x2(1 << 10, 1 << 10), tl);
  EXPECT_EQ(level(fast, "buffer"), folds * m);
  EXPECT_EQ(level(fast, "dram"), folds * m);
  EXPECT_EQ(fast.binding, "compute");
}

// A reduction loop outside an output loop: every output tile is entered once per k tile, written
// back each time and read back all but the first.
TEST(AnalyticalModel, PartialSumsComeBackWhenKIsOutside) {
  constexpr int64_t m = 4, n = 4, k = 8, tn = 2, tk = 4;
  const Layer layer = gemm(m, n, k);
  const TilePlan plan = plan_of({m, tn, tk}, {GemmDim::k, GemmDim::n, GemmDim::m});
  const LoopNest nest = loop_nest(layer, plan);
  EXPECT_EQ(nest.steps(), (n / tn) * (k / tk));
  EXPECT_EQ(tile_moves(plan.order, nest.tiles, Tensor::outputs).written, k / tk);
  EXPECT_EQ(tile_moves(plan.order, nest.tiles, Tensor::inputs).fetched, 1);
  EXPECT_EQ(tile_moves(plan.order, nest.tiles, Tensor::weights).fetched, 1);
  const DramTraffic d = dram_traffic(layer, plan, nest);
  const int64_t outputs = m * n;
  EXPECT_EQ(d.written.bytes, (k / tk) * outputs);
  EXPECT_EQ(d.fetched.bytes, m * k + k * n + (k / tk - 1) * outputs);
  EXPECT_EQ(d.refills, (n / tn) * (k / tk - 1));
}

// Loops of one tile do not count: with m and k whole, inputs stay whatever loop is outside.
TEST(AnalyticalModel, SingleTileLoopsDoNotCauseRefetches) {
  const GemmExtents tiles{1, 4, 1};
  EXPECT_EQ(tile_moves({GemmDim::n, GemmDim::m, GemmDim::k}, tiles, Tensor::inputs).fetched, 1);
  EXPECT_EQ(tile_moves({GemmDim::m, GemmDim::k, GemmDim::n}, tiles, Tensor::weights).fetched, 1);
  const GemmExtents more{3, 4, 1};
  // Weights (k, n) with n inside m: refetched for every m tile.
  EXPECT_EQ(tile_moves({GemmDim::m, GemmDim::n, GemmDim::k}, more, Tensor::weights).fetched, 3);
  EXPECT_EQ(tile_moves({GemmDim::n, GemmDim::m, GemmDim::k}, more, Tensor::weights).fetched, 1);
}

// Consecutive m chunks of one fold share its fill and drain: two chunks of 3 cost what one fold
// streaming 6 costs. A remainder tile is a class of its own.
TEST(AnalyticalModel, ChunkedStreamPaysFillAndDrainOnce) {
  Options fd;
  fd.fill_drain = true;
  const LayerEstimate chunked =
      estimate_layer(gemm(6, 2, 2), plan_of({3, 2, 2}, {GemmDim::n, GemmDim::k, GemmDim::m}),
                     facts_2x2(64, 0), fd);
  EXPECT_EQ(level(chunked, "compute"), 2 + 6 + (2 + 2 - 1));
  // m outside: every tile is its own stream.
  const LayerEstimate apart =
      estimate_layer(gemm(6, 2, 2), plan_of({3, 2, 2}, {GemmDim::m, GemmDim::n, GemmDim::k}),
                     facts_2x2(64, 0), fd);
  EXPECT_EQ(level(apart, "compute"), 2 * (2 + 3 + 3));
  // 7 = 3 + 3 + 1: the last chunk streams one row.
  const LoopNest nest =
      loop_nest(gemm(7, 2, 2), plan_of({3, 2, 2}, {GemmDim::n, GemmDim::k, GemmDim::m}));
  int64_t total = 0, rows = 0;
  for (const TileClass& c : nest.classes) {
    total += c.count;
    rows += c.count * c.tile.m;
  }
  EXPECT_EQ(total, 3);
  EXPECT_EQ(rows, 7);
}

// A crypto engine is one more level the same DRAM bytes pass through; without one there is no
// such level.
TEST(AnalyticalModel, CryptoLevelCarriesTheDramBytes) {
  constexpr int64_t m = 8, n = 4, k = 6, crypto = 3;
  const Layer layer = gemm(m, n, k);
  const TilePlan plan = plan_of({m, n, k}, {GemmDim::n, GemmDim::m, GemmDim::k});
  ArchitectureFacts f = facts_2x2(64, 0);
  for (const auto& l : estimate_layer(layer, plan, f, {}).levels) EXPECT_NE(l.level, "crypto");
  f.crypto_bytes_per_cycle = crypto;
  const LayerEstimate e = estimate_layer(layer, plan, f, {});
  const int64_t bytes = m * k + k * n + m * n;
  EXPECT_EQ(level(e, "crypto"), (bytes + crypto - 1) / crypto);
  EXPECT_EQ(level(e, "dram"), 0);  // unlimited
  const int64_t compute = (k / 2) * (n / 2) * m;
  EXPECT_EQ(e.cycles, std::max(compute, (bytes + crypto - 1) / crypto));
}

TEST(AnalyticalModel, TransferCyclesRoundUpButDivideExactly) {
  EXPECT_EQ(transfer_cycles(37762048, 25.6), 1475080);  // 25.6 is not exact in binary
  EXPECT_EQ(transfer_cycles(257, 25.6), 11);
  EXPECT_EQ(transfer_cycles(100, 0), 0);  // unlimited
  EXPECT_EQ(transfer_cycles(0, 3), 0);
}

}  // namespace
}  // namespace tessera::model
