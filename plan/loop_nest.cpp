#include "plan/loop_nest.h"

#include <algorithm>
#include <array>

#include "sim/numbers.h"

namespace tessera {
namespace {

// The position in `order` of the innermost loop a tensor's tiles turn over with: the innermost
// of its dims, skipping loops of one tile when reuse follows the key (-1: the tensor has one
// tile).
int innermost_loop(const LoopOrder& order, const GemmExtents& tiles, Tensor t, Reuse reuse) {
  const auto [a, b] = depends_on(t);
  int innermost = -1;
  for (int i = 0; i < 3; ++i) {
    const GemmDim d = order[static_cast<size_t>(i)];
    const bool turns = reuse == Reuse::loop_iteration || tiles[dim_index(d)] > 1;
    if ((d == a || d == b) && turns) innermost = i;
  }
  return innermost;
}

}  // namespace

std::array<GemmDim, 2> depends_on(Tensor t) {
  switch (t) {
    case Tensor::inputs: return {GemmDim::m, GemmDim::k};
    case Tensor::weights: return {GemmDim::k, GemmDim::n};
    case Tensor::outputs: break;
  }
  return {GemmDim::m, GemmDim::n};
}

GemmExtents tile_counts(const GemmExtents& extents, const GemmExtents& tile) {
  return {ceil_div(extents[0], tile[0]), ceil_div(extents[1], tile[1]),
          ceil_div(extents[2], tile[2])};
}

GemmRange tile_range(const TileIndex& index, const GemmExtents& tile, const GemmExtents& extents) {
  GemmRange r;
  r.m0 = index[0] * tile[0];
  r.m1 = std::min(extents[0], r.m0 + tile[0]);
  r.n0 = index[1] * tile[1];
  r.n1 = std::min(extents[1], r.n0 + tile[1]);
  r.k0 = index[2] * tile[2];
  r.k1 = std::min(extents[2], r.k0 + tile[2]);
  return r;
}

int64_t tensor_tiles(const GemmExtents& tiles, Tensor t) {
  const auto [a, b] = depends_on(t);
  return tiles[dim_index(a)] * tiles[dim_index(b)];
}

bool streams_across_tiles(const LoopOrder& order, const GemmExtents& tiles, Dataflow dataflow) {
  const GemmDim streamed = fold_dims(dataflow).streamed;
  return order[2] == streamed && tiles[dim_index(streamed)] > 1;
}

TileMoves tile_moves(const LoopOrder& order, const GemmExtents& tiles, Tensor t, Reuse reuse) {
  const auto [a, b] = depends_on(t);
  const int innermost = innermost_loop(order, tiles, t, reuse);
  int64_t visits = 1;
  for (int i = 0; i < innermost; ++i) {
    const GemmDim d = order[static_cast<size_t>(i)];
    if (d != a && d != b) visits *= tiles[dim_index(d)];
  }
  if (t != Tensor::outputs) return {visits, 0, 0};
  // Only the first visit starts at k index 0; every later one reads the partial sums back.
  return {0, visits - 1, visits};
}

LoopWalk::LoopWalk(const LoopOrder& order, const GemmExtents& tiles, Reuse reuse)
    : order_(order), tiles_(tiles), reuse_(reuse) {}

TileIndex LoopWalk::tile_index(int64_t step) const {
  TileIndex idx{};
  for (int level = 2; level >= 0; --level) {
    const size_t d = dim_index(order_[static_cast<size_t>(level)]);
    idx[d] = step % tiles_[d];
    step /= tiles_[d];
  }
  return idx;
}

TileKey LoopWalk::tile_key(int64_t step, Tensor t) const {
  const TileIndex idx = tile_index(step);
  const auto [a, b] = depends_on(t);
  return {idx[dim_index(a)], idx[dim_index(b)]};
}

bool LoopWalk::accumulates(int64_t step) const {
  return tile_index(step)[dim_index(GemmDim::k)] > 0;
}

// Under loop_iteration a tile serves while every loop index from the outermost to the innermost
// loop the tensor depends on stays the same.
bool LoopWalk::same_tile(int64_t a, int64_t b, Tensor t) const {
  if (reuse_ == Reuse::same_key) return tile_key(a, t) == tile_key(b, t);
  const TileIndex ia = tile_index(a), ib = tile_index(b);
  const int innermost = innermost_loop(order_, tiles_, t, reuse_);
  for (int i = 0; i <= innermost; ++i) {
    const size_t d = dim_index(order_[static_cast<size_t>(i)]);
    if (ia[d] != ib[d]) return false;
  }
  return true;
}

WalkStep LoopWalk::step(int64_t step) const {
  WalkStep s;
  s.index = tile_index(step);
  for (Tensor t : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
    s.enters[tensor_index(t)] = step == 0 || !same_tile(step - 1, step, t);
  }
  s.accumulates = accumulates(step);
  s.reads_back = s.enters[tensor_index(Tensor::outputs)] && s.accumulates;
  s.writes_back = step + 1 == steps() || !same_tile(step, step + 1, Tensor::outputs);
  return s;
}

}  // namespace tessera

namespace tessera::model {
namespace {

// A run of tile indices along one dim with equal extent and position: index 0, the middle ones,
// the last one.
struct Segment {
  int64_t extent = 0, count = 0;
  bool first = false, last = false;
};

std::vector<Segment> segments(int64_t extent, int64_t tile) {
  const int64_t n = ceil_div(extent, tile);
  if (n == 1) return {{extent, 1, true, true}};
  std::vector<Segment> out{{tile, 1, true, false}};
  if (n > 2) out.push_back({tile, n - 2, false, false});
  out.push_back({extent - (n - 1) * tile, 1, false, true});
  return out;
}

// The sum of one tensor's tile sizes over every tile of the tensor (its two dims' indices).
Transfers every_tile(const Layer& layer, const TilePlan& plan, const LoopNest& nest, Tensor t) {
  const auto [a, b] = depends_on(t);
  Transfers sum;
  TileIndex idx{};
  for (int64_t i = 0; i < nest.tiles[dim_index(a)]; ++i) {
    idx[dim_index(a)] = i;
    for (int64_t j = 0; j < nest.tiles[dim_index(b)]; ++j) {
      idx[dim_index(b)] = j;
      const GemmRange r = tile_range(idx, plan.tile, nest.extents);
      sum.add(box_bytes(tensor_box(layer, t, r), layer.precision_bits), 1);
    }
  }
  return sum;
}

}  // namespace

void Transfers::add(int64_t transfer_bytes, int64_t times) {
  bytes += transfer_bytes * times;
  words += ceil_div(transfer_bytes, kEnergyWordBytes) * times;
}

LoopNest loop_nest(const Layer& layer, const TilePlan& plan) {
  LoopNest nest;
  nest.extents = layer.gemm();
  nest.tiles = tile_counts(nest.extents, plan.tile);
  const bool chunked = streams_across_tiles(plan.order, nest.tiles, plan.dataflow);
  const size_t s = dim_index(fold_dims(plan.dataflow).streamed);
  const auto m = segments(nest.extents[0], plan.tile[0]);
  const auto n = segments(nest.extents[1], plan.tile[1]);
  const auto k = segments(nest.extents[2], plan.tile[2]);
  for (const Segment& sm : m) {
    for (const Segment& sn : n) {
      for (const Segment& sk : k) {
        const std::array<const Segment*, 3> seg{&sm, &sn, &sk};
        TileClass c;
        c.tile = {sm.extent, sn.extent, sk.extent};
        c.count = sm.count * sn.count * sk.count;
        c.first_k = sk.first;
        if (chunked) c.stream = {seg[s]->first, seg[s]->last};
        nest.classes.push_back(c);
      }
    }
  }
  return nest;
}

DramTraffic dram_traffic(const Layer& layer, const TilePlan& plan, const LoopNest& nest) {
  DramTraffic t;
  const auto add_all = [](Transfers& to, const Transfers& each, int64_t times) {
    to.bytes += each.bytes * times;
    to.words += each.words * times;
  };
  for (Tensor tensor : {Tensor::inputs, Tensor::weights}) {
    add_all(t.fetched, every_tile(layer, plan, nest, tensor),
            tile_moves(plan.order, nest.tiles, tensor).fetched);
  }
  const Transfers outputs = every_tile(layer, plan, nest, Tensor::outputs);
  const TileMoves moves = tile_moves(plan.order, nest.tiles, Tensor::outputs);
  add_all(t.written, outputs, moves.written);
  add_all(t.fetched, outputs, moves.read_back);
  t.refills = tensor_tiles(nest.tiles, Tensor::outputs) * moves.read_back;
  return t;
}

}  // namespace tessera::model
