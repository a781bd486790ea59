// The loop-nest walker: its closed-form counts equal what its step-by-step walk moves, on random
// layers, tiles and every loop order under both reuse rules, and both equal counts made by hand.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "plan/loop_nest.h"

namespace tessera {
namespace {

// What the walk moves of one tensor, per tile key.
std::map<TileKey, TileMoves> walk_moves(const LoopWalk& walk, Tensor t) {
  std::map<TileKey, TileMoves> per_tile;
  for (int64_t i = 0; i < walk.steps(); ++i) {
    const WalkStep s = walk.step(i);
    TileMoves& m = per_tile[walk.tile_key(i, t)];
    if (t != Tensor::outputs) {
      m.fetched += s.enters[tensor_index(t)] ? 1 : 0;
      continue;
    }
    m.read_back += s.reads_back ? 1 : 0;
    m.written += s.writes_back ? 1 : 0;
  }
  return per_tile;
}

// Every tile of the tensor moves as the closed form says.
void expect_walk_matches(const LoopOrder& order, const GemmExtents& tiles, Reuse reuse) {
  const LoopWalk walk(order, tiles, reuse);
  for (Tensor t : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
    const TileMoves want = tile_moves(order, tiles, t, reuse);
    const std::map<TileKey, TileMoves> got = walk_moves(walk, t);
    ASSERT_EQ(static_cast<int64_t>(got.size()), tensor_tiles(tiles, t));
    for (const auto& [key, m] : got) {
      SCOPED_TRACE(std::string(to_string(t)) + " tile (" + std::to_string(key.first) + ", " +
                   std::to_string(key.second) + ")");
      EXPECT_EQ(m.fetched, want.fetched);
      EXPECT_EQ(m.read_back, want.read_back);
      EXPECT_EQ(m.written, want.written);
    }
  }
}

TEST(LoopNestWalker, ClosedFormEqualsTheWalkOnRandomLayers) {
  std::mt19937_64 rng(20261204);
  const auto between = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int layer = 0; layer < 300; ++layer) {
    GemmExtents extents{}, tile{};
    for (size_t d = 0; d < 3; ++d) {
      extents[d] = between(1, 40);
      // Often the whole extent: loops of one tile are where the two rules differ.
      tile[d] = between(0, 3) == 0 ? extents[d] : between(1, extents[d]);
    }
    const GemmExtents tiles = tile_counts(extents, tile);
    for (const LoopOrder& order : kLoopOrders) {
      for (Reuse reuse : {Reuse::same_key, Reuse::loop_iteration}) {
        SCOPED_TRACE("layer " + std::to_string(layer) + " order " + to_string(order[0]) +
                     to_string(order[1]) + to_string(order[2]) +
                     (reuse == Reuse::same_key ? " same_key" : " loop_iteration"));
        expect_walk_matches(order, tiles, reuse);
        if (HasFailure()) return;
      }
    }
  }
}

// The walk visits every tile once, each step's ranges are that tile's, and a step that stays on
// its output tile always accumulates.
TEST(LoopNestWalker, WalkCoversEveryTileOnce) {
  const GemmExtents extents{7, 5, 9}, tile{3, 5, 2};
  const GemmExtents tiles = tile_counts(extents, tile);
  EXPECT_EQ(tiles, (GemmExtents{3, 1, 5}));
  for (const LoopOrder& order : kLoopOrders) {
    const LoopWalk walk(order, tiles);
    std::map<TileIndex, int> seen;
    int64_t volume = 0;
    for (int64_t i = 0; i < walk.steps(); ++i) {
      const WalkStep s = walk.step(i);
      ++seen[s.index];
      const GemmRange r = tile_range(s.index, tile, extents);
      volume += r.m() * r.n() * r.k();
      EXPECT_EQ(s.accumulates, s.index[dim_index(GemmDim::k)] > 0);
      EXPECT_TRUE(s.enters[tensor_index(Tensor::outputs)] || s.accumulates);
    }
    EXPECT_EQ(static_cast<int64_t>(seen.size()), walk.steps());
    EXPECT_EQ(volume, extents[0] * extents[1] * extents[2]);
  }
}

// 2 x 3 x 2 tiles, counted by hand.
TEST(LoopNestWalker, SmallCaseByHand) {
  const GemmExtents tiles{2, 3, 2};
  // k innermost: every step fetches both operands, output tiles are finished in one visit.
  const LoopOrder mnk{GemmDim::m, GemmDim::n, GemmDim::k};
  EXPECT_EQ(tile_moves(mnk, tiles, Tensor::inputs).fetched, 3);   // once per n tile
  EXPECT_EQ(tile_moves(mnk, tiles, Tensor::weights).fetched, 2);  // once per m tile
  const TileMoves mnk_out = tile_moves(mnk, tiles, Tensor::outputs);
  EXPECT_EQ(mnk_out.written, 1);
  EXPECT_EQ(mnk_out.read_back, 0);

  // k outermost: each output tile is entered once per k tile, read back all but the first time.
  const LoopOrder knm{GemmDim::k, GemmDim::n, GemmDim::m};
  EXPECT_EQ(tile_moves(knm, tiles, Tensor::inputs).fetched, 3);
  EXPECT_EQ(tile_moves(knm, tiles, Tensor::weights).fetched, 1);
  const TileMoves knm_out = tile_moves(knm, tiles, Tensor::outputs);
  EXPECT_EQ(knm_out.written, 2);
  EXPECT_EQ(knm_out.read_back, 1);

  // Step by step: step 6 starts the second k tile at m 0, n 0.
  const LoopWalk walk(knm, tiles);
  EXPECT_EQ(walk.tile_index(1), (TileIndex{1, 0, 0}));
  EXPECT_EQ(walk.tile_index(6), (TileIndex{0, 0, 1}));
  const WalkStep first = walk.step(0), sixth = walk.step(5), seventh = walk.step(6);
  EXPECT_TRUE(first.enters[tensor_index(Tensor::weights)]);
  EXPECT_FALSE(first.accumulates);
  EXPECT_FALSE(first.reads_back);
  EXPECT_TRUE(first.writes_back);  // the next step is m 1
  EXPECT_TRUE(sixth.writes_back);
  EXPECT_TRUE(seventh.enters[tensor_index(Tensor::weights)]);
  EXPECT_TRUE(seventh.accumulates);
  EXPECT_TRUE(seventh.reads_back);
  EXPECT_EQ(walk.tile_key(6, Tensor::weights), (TileKey{1, 0}));  // (k, n)
}

// A loop of one tile moves nothing under the tile key and does under the tiler's cruder rule.
TEST(LoopNestWalker, SingleTileLoopsOnlyCountForTheTilersRule) {
  const GemmExtents tiles{2, 3, 1};
  const LoopOrder mnk{GemmDim::m, GemmDim::n, GemmDim::k};
  EXPECT_EQ(tile_moves(mnk, tiles, Tensor::inputs, Reuse::same_key).fetched, 1);
  EXPECT_EQ(tile_moves(mnk, tiles, Tensor::inputs, Reuse::loop_iteration).fetched, 3);
  const LoopOrder mkn{GemmDim::m, GemmDim::k, GemmDim::n};
  const GemmExtents whole_n{2, 1, 4};
  EXPECT_EQ(tile_moves(mkn, whole_n, Tensor::outputs, Reuse::same_key).written, 1);
  EXPECT_EQ(tile_moves(mkn, whole_n, Tensor::outputs, Reuse::loop_iteration).written, 4);
  EXPECT_EQ(tile_moves(mkn, whole_n, Tensor::outputs, Reuse::loop_iteration).read_back, 3);
}

}  // namespace
}  // namespace tessera
