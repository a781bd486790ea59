#include "plan/tiler.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "plan/loop_nest.h"
#include "plan/tile_geometry.h"
#include "sim/error.h"
#include "sim/numbers.h"

namespace tessera {
namespace {

// The search tries every loop order.
constexpr const std::array<LoopOrder, 6>& kOrders = kLoopOrders;

// Spatial granule of each GEMM dim under a dataflow: the array dimension it is folded onto
// (1 for the streamed dim).
std::array<int64_t, 3> granules(Dataflow df, const systolic::ArrayShape& a) {
  const FoldDims d = fold_dims(df);
  std::array<int64_t, 3> g{1, 1, 1};
  g[dim_index(d.rows)] = a.rows;
  g[dim_index(d.cols)] = a.cols;
  return g;
}

std::vector<int64_t> candidates(int64_t extent, int64_t granule, int64_t also) {
  std::vector<int64_t> out{extent};
  for (int64_t base : {granule, also}) {
    for (int64_t v = base; v < extent; v *= 2) out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// A weight tile the sparse decoder stores compressed; nothing when it is dense.
std::optional<CompressedWeights> compressed(const Layer& layer, const GemmRange& r,
                                            const ArchitectureFacts& f) {
  return f.compressed_weights ? f.compressed_weights(layer, r) : std::nullopt;
}

// Compute cycles of the whole layer: tiles come in at most 8 shapes (full or edge per dim).
int64_t compute_cycles(const Layer& layer, const GemmExtents& tile, const ArchitectureFacts& f,
                       Dataflow df) {
  const GemmExtents g = layer.gemm();
  int64_t total = 0;
  for (int mask = 0; mask < 8; ++mask) {
    int64_t count = 1;
    std::array<int64_t, 3> size{};
    for (size_t d = 0; d < 3; ++d) {
      const bool edge = (mask >> d) & 1;
      const int64_t full = g[d] / tile[d];
      const int64_t rest = g[d] % tile[d];
      count *= edge ? (rest > 0 ? 1 : 0) : full;
      size[d] = edge ? rest : tile[d];
    }
    if (count == 0) continue;
    // Compressed weights: the array steps through the kept values only.
    const auto c = compressed(layer, {0, size[0], 0, size[1], 0, size[2]}, f);
    const int64_t rows = c ? c->rows : size[2];
    if (rows == 0) continue;
    total += count * systolic::tile_cycles(f.array, df, systolic::TimingModel::physical,
                                           {size[0], size[1], rows})
                         .cycles;
  }
  return total;
}

struct Candidate {
  GemmExtents tile;
  LoopOrder order;
  int64_t time;
  int64_t traffic;
};

// Bytes by which the largest stored weight tile of this size differs from the largest dense
// one: negative when compression saves room, positive when metadata outweighs what it saves.
int64_t weight_bytes_change(const Layer& layer, const GemmExtents& tile,
                            const ArchitectureFacts& f) {
  const GemmExtents g = layer.gemm();
  const int64_t n1 = std::min(g[1], tile[1]);
  if (!compressed(layer, {0, 1, 0, n1, 0, std::min(g[2], tile[2])}, f)) return 0;
  int64_t stored = 0, dense = 0;
  for (int64_t k0 = 0; k0 < g[2]; k0 += tile[2]) {
    const GemmRange r{0, 1, 0, n1, k0, std::min(g[2], k0 + tile[2])};
    stored = std::max(stored, compressed(layer, r, f)->bytes);
    dense = std::max(dense, box_bytes(weight_box(layer, r), layer.precision_bits));
  }
  return stored - dense;
}

// Weight bytes of the tile at the origin as stored, minus its dense box.
int64_t origin_weight_bytes_change(const Layer& layer, const GemmExtents& tile,
                                   const ArchitectureFacts& f) {
  const GemmExtents g = layer.gemm();
  const GemmRange r{0, 1, 0, std::min(g[1], tile[1]), 0, std::min(g[2], tile[2])};
  const auto c = compressed(layer, r, f);
  return c ? c->bytes - box_bytes(weight_box(layer, r), layer.precision_bits) : 0;
}

SourceLocation where(const std::string& file, const Layer& layer, const std::string& field) {
  return {file, layer.line, field};
}

// The bytes of a tile's operands at the origin and the tile counts: what the DRAM estimate of
// every loop order is made of, computed once per tile size.
struct OriginTileBytes {
  GemmExtents nt{};
  int64_t in = 0, w = 0, out = 0;
};

OriginTileBytes origin_tile_bytes(const Layer& layer, const GemmExtents& tile,
                                  int64_t weight_bytes_change) {
  const GemmExtents g = layer.gemm();
  const GemmRange r{0, tile[0], 0, tile[1], 0, tile[2]};
  const int bits = layer.precision_bits;
  OriginTileBytes b;
  b.nt = tile_counts(g, tile);
  b.in = box_bytes(input_box(layer, r), bits);
  b.w = box_bytes(weight_box(layer, r), bits) + weight_bytes_change;
  b.out = box_bytes(output_box(layer, r), bits);
  return b;
}

// Every tile of a tensor moves alike: moves per tile, times tiles, times a tile's bytes.
int64_t dram_bytes(const OriginTileBytes& b, const LoopOrder& order) {
  const auto bytes = [&](Tensor t, int64_t tile_bytes) {
    const TileMoves m = tile_moves(order, b.nt, t, Reuse::loop_iteration);
    return (m.fetched + m.read_back + m.written) * tensor_tiles(b.nt, t) * tile_bytes;
  };
  return bytes(Tensor::inputs, b.in) + bytes(Tensor::weights, b.w) + bytes(Tensor::outputs, b.out);
}

}  // namespace

int64_t estimated_dram_bytes(const Layer& layer, const GemmExtents& tile, const LoopOrder& order) {
  return estimated_dram_bytes(layer, tile, order, 0);
}

int64_t estimated_dram_bytes(const Layer& layer, const GemmExtents& tile, const LoopOrder& order,
                             int64_t weight_bytes_change) {
  return dram_bytes(origin_tile_bytes(layer, tile, weight_bytes_change), order);
}

int64_t max_tile_footprint(const Layer& layer, const GemmExtents& tile) {
  const GemmExtents g = layer.gemm();
  const int bits = layer.precision_bits;
  int64_t in = 0, w = 0;
  for (int64_t k0 = 0; k0 < g[2]; k0 += tile[2]) {
    const int64_t k1 = std::min(g[2], k0 + tile[2]);
    w = std::max(w, box_bytes(weight_box(layer, {0, 1, 0, std::min(g[1], tile[1]), k0, k1}), bits));
    for (int64_t m0 = 0; m0 < g[0]; m0 += tile[0]) {
      const int64_t m1 = std::min(g[0], m0 + tile[0]);
      in = std::max(in, box_bytes(input_box(layer, {m0, m1, 0, 1, k0, k1}), bits));
    }
  }
  const GemmRange r{0, std::min(g[0], tile[0]), 0, std::min(g[1], tile[1]), 0, 1};
  return in + w + box_bytes(output_box(layer, r), bits);
}

TilePlan plan_layer(const Layer& layer, const ArchitectureFacts& f, const std::string& file) {
  return ranked_plans(layer, f, file, 1).front().plan;
}

std::vector<RankedPlan> ranked_plans(const Layer& layer, const ArchitectureFacts& f,
                                     const std::string& file, size_t count) {
  const GemmExtents g = layer.gemm();
  TilePlan plan;
  plan.dataflow = layer.mapping.dataflow.value_or(f.dataflow);
  const int64_t slot = f.double_buffered ? f.buffer_capacity_bytes / 2 : f.buffer_capacity_bytes;
  const auto time_of = [&](const GemmExtents& tile, int64_t traffic) {
    const int64_t compute = compute_cycles(layer, tile, f, plan.dataflow);
    const int64_t memory =
        f.dram_bytes_per_cycle > 0 ? static_cast<int64_t>(traffic / f.dram_bytes_per_cycle) : 0;
    return std::max(compute, memory);
  };
  const auto best_order = [&](const GemmExtents& tile, int64_t weight_change) {
    const OriginTileBytes bytes = origin_tile_bytes(layer, tile, weight_change);
    LoopOrder best = kOrders[0];
    int64_t best_bytes = std::numeric_limits<int64_t>::max();
    for (const LoopOrder& o : kOrders) {
      const int64_t b = dram_bytes(bytes, o);
      if (b < best_bytes) best_bytes = b, best = o;
    }
    return best;
  };

  if (layer.mapping.buffer_tile) {
    plan.tile = *layer.mapping.buffer_tile;
    for (size_t d = 0; d < 3; ++d) {
      if (plan.tile[d] < 1 || plan.tile[d] > g[d]) {
        throw InputError(
            where(file, layer,
                  std::string("mapping.buffer_tile.") + to_string(static_cast<GemmDim>(d))),
            "layer '" + layer.name + "': tile size " + std::to_string(plan.tile[d]) +
                " must be between 1 and the layer's extent " + std::to_string(g[d]));
      }
    }
    const int64_t need =
        max_tile_footprint(layer, plan.tile) + weight_bytes_change(layer, plan.tile, f);
    if (need > slot) {
      throw InputError(where(file, layer, "mapping.buffer_tile"),
                       "layer '" + layer.name + "': a tile needs " + std::to_string(need) +
                           " bytes but a buffer slot holds " + std::to_string(slot) +
                           (f.double_buffered ? " (half the capacity: double-buffered)" : ""));
    }
    const int64_t change = origin_weight_bytes_change(layer, plan.tile, f);
    plan.order = layer.mapping.loop_order.value_or(best_order(plan.tile, change));
    const int64_t traffic = estimated_dram_bytes(layer, plan.tile, plan.order, change);
    return {{plan, time_of(plan.tile, traffic), traffic}};
  }

  const std::array<int64_t, 3> gran = granules(plan.dataflow, f.array);
  const int64_t filter_area = layer.shape.filter_h * layer.shape.filter_w;
  const std::vector<int64_t> ms = candidates(g[0], gran[0], layer.shape.out_w);
  const std::vector<int64_t> ns = candidates(g[1], gran[1], gran[1]);
  const std::vector<int64_t> ks = candidates(g[2], gran[2], filter_area);
  std::vector<Candidate> fitting;
  for (int64_t m : ms) {
    for (int64_t n : ns) {
      for (int64_t k : ks) {
        const GemmExtents tile{m, n, k};
        const int64_t change = origin_weight_bytes_change(layer, tile, f);
        if (tile_footprint_bytes(layer, tile) + change > slot) continue;
        const LoopOrder order = layer.mapping.loop_order.value_or(best_order(tile, change));
        const int64_t traffic = estimated_dram_bytes(layer, tile, order, change);
        fitting.push_back({tile, order, time_of(tile, traffic), traffic});
      }
    }
  }
  std::sort(fitting.begin(), fitting.end(), [](const Candidate& a, const Candidate& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.traffic != b.traffic) return a.traffic < b.traffic;
    return a.tile[0] * a.tile[1] * a.tile[2] > b.tile[0] * b.tile[1] * b.tile[2];
  });
  std::vector<RankedPlan> ranked;
  for (const Candidate& c : fitting) {
    if (ranked.size() == count) break;
    if (max_tile_footprint(layer, c.tile) + weight_bytes_change(layer, c.tile, f) <= slot) {
      plan.tile = c.tile;
      plan.order = c.order;
      ranked.push_back({plan, c.time, c.traffic});
    }
  }
  if (!ranked.empty()) return ranked;
  throw InputError(where(file, layer, "mapping"), "layer '" + layer.name +
                                                      "': no tile fits a buffer slot of " +
                                                      std::to_string(slot) + " bytes");
}

PlanKey plan_key(const Layer& layer) {
  const ConvShape& s = layer.shape;
  const Mapping& m = layer.mapping;
  PlanKey key{static_cast<int64_t>(layer.op),
              s.batch,
              s.in_h,
              s.in_w,
              s.channels,
              s.filters,
              s.filter_h,
              s.filter_w,
              s.stride_h,
              s.stride_w,
              s.pad_h,
              s.pad_w,
              s.out_h,
              s.out_w,
              layer.precision_bits,
              s.groups};
  key.push_back(m.buffer_tile ? 1 : 0);
  if (m.buffer_tile) key.insert(key.end(), m.buffer_tile->begin(), m.buffer_tile->end());
  key.push_back(m.loop_order ? 1 : 0);
  if (m.loop_order) {
    for (GemmDim d : *m.loop_order) key.push_back(static_cast<int64_t>(d));
  }
  key.push_back(m.dataflow ? 1 + static_cast<int64_t>(*m.dataflow) : 0);
  // Compressed weights are planned from the sparsity spec (the decoder is the same for all).
  const SparsitySpec& sparsity = layer.weight_sparsity;
  key.push_back(static_cast<int64_t>(sparsity.kind));
  for (const GH& r : sparsity.ranks) key.insert(key.end(), {r.g, r.h});
  int64_t kept_bits = 0;
  static_assert(sizeof kept_bits == sizeof sparsity.kept);
  std::memcpy(&kept_bits, &sparsity.kept, sizeof kept_bits);
  key.push_back(kept_bits);
  // So are skipped zero inputs.
  const SparsitySpec& inputs = layer.input_sparsity;
  key.insert(key.end(),
             {static_cast<int64_t>(inputs.kind), static_cast<int64_t>(inputs.ranks.size())});
  for (const GH& r : inputs.ranks) key.insert(key.end(), {r.g, r.h});
  std::memcpy(&kept_bits, &inputs.kept, sizeof kept_bits);
  key.push_back(kept_bits);
  return key;
}

}  // namespace tessera
