#include "plan/loop_nest.h"

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "sim/numbers.h"

namespace tessera::model {
namespace {

constexpr int64_t kEnergyWordBytes = 8;  // the buffer counts energy per 64-bit word

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

// The half-open range of tile `index` along a dim.
std::pair<int64_t, int64_t> range_of(int64_t index, int64_t tile, int64_t extent) {
  return {index * tile, std::min(extent, (index + 1) * tile)};
}

GemmRange gemm_range(const std::array<int64_t, 3>& idx, const GemmExtents& tile,
                     const GemmExtents& g) {
  GemmRange r;
  std::tie(r.m0, r.m1) = range_of(idx[0], tile[0], g[0]);
  std::tie(r.n0, r.n1) = range_of(idx[1], tile[1], g[1]);
  std::tie(r.k0, r.k1) = range_of(idx[2], tile[2], g[2]);
  return r;
}

// The sum of one tensor's tile sizes over every tile of the tensor (its two dims' indices).
Transfers every_tile(const Layer& layer, const TilePlan& plan, const LoopNest& nest, Tensor t,
                     GemmDim a, GemmDim b) {
  Transfers sum;
  std::array<int64_t, 3> idx{};
  for (int64_t i = 0; i < nest.tiles[dim_index(a)]; ++i) {
    idx[dim_index(a)] = i;
    for (int64_t j = 0; j < nest.tiles[dim_index(b)]; ++j) {
      idx[dim_index(b)] = j;
      const GemmRange r = gemm_range(idx, plan.tile, nest.extents);
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
  for (size_t d = 0; d < 3; ++d) nest.tiles[d] = ceil_div(nest.extents[d], plan.tile[d]);
  // Consecutive tiles along the streamed dim share one fold's fill and drain only when that dim
  // is the innermost loop (models/controller/tiled.cpp).
  const GemmDim streamed = fold_dims(plan.dataflow).streamed;
  const bool chunked = plan.order[2] == streamed && nest.tiles[dim_index(streamed)] > 1;
  const size_t s = dim_index(streamed);
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

int64_t visits(const LoopOrder& order, const GemmExtents& tiles, GemmDim a, GemmDim b) {
  int innermost = -1;
  for (int i = 0; i < 3; ++i) {
    const GemmDim d = order[static_cast<size_t>(i)];
    if ((d == a || d == b) && tiles[dim_index(d)] > 1) innermost = i;
  }
  int64_t v = 1;
  for (int i = 0; i < innermost; ++i) {
    const GemmDim d = order[static_cast<size_t>(i)];
    if (d != a && d != b) v *= tiles[dim_index(d)];
  }
  return v;
}

DramTraffic dram_traffic(const Layer& layer, const TilePlan& plan, const LoopNest& nest) {
  DramTraffic t;
  const LoopOrder& o = plan.order;
  const auto add_all = [](Transfers& to, const Transfers& each, int64_t times) {
    to.bytes += each.bytes * times;
    to.words += each.words * times;
  };
  add_all(t.fetched, every_tile(layer, plan, nest, Tensor::inputs, GemmDim::m, GemmDim::k),
          visits(o, nest.tiles, GemmDim::m, GemmDim::k));
  add_all(t.fetched, every_tile(layer, plan, nest, Tensor::weights, GemmDim::k, GemmDim::n),
          visits(o, nest.tiles, GemmDim::k, GemmDim::n));
  const Transfers outputs = every_tile(layer, plan, nest, Tensor::outputs, GemmDim::m, GemmDim::n);
  const int64_t out_visits = visits(o, nest.tiles, GemmDim::m, GemmDim::n);
  add_all(t.written, outputs, out_visits);
  // Every visit but the first (k index 0) reads the partial sums back.
  add_all(t.fetched, outputs, out_visits - 1);
  t.refills = nest.tiles[0] * nest.tiles[1] * (out_visits - 1);
  return t;
}

}  // namespace tessera::model
