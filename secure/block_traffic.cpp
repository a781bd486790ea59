#include "secure/block_traffic.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "plan/auth_blocks.h"
#include "plan/loop_nest.h"
#include "sim/numbers.h"

namespace tessera {

namespace {
int64_t bytes_of(int64_t elements, int bits) {
  return ceil_div(elements * bits, 8);
}

// One more read or write of `box`, counted under its entry (one entry per distinct box).
void add_move(TensorTransfers& t, std::map<std::array<int64_t, 8>, size_t>& index, const Box& box,
              int64_t reads, int64_t writes) {
  std::array<int64_t, 8> key{};
  std::copy(box.lo.begin(), box.lo.end(), key.begin());
  std::copy(box.hi.begin(), box.hi.end(), key.begin() + 4);
  const auto [it, fresh] = index.emplace(key, t.boxes.size());
  if (fresh) t.boxes.push_back({box, 0, 0});
  t.boxes[it->second].reads += reads;
  t.boxes[it->second].writes += writes;
}
}  // namespace

std::vector<TensorTransfers> layer_transfers(const Layer& layer, const TilePlan& plan) {
  const GemmExtents g = layer.gemm();
  const GemmExtents tiles = tile_counts(g, plan.tile);
  std::vector<TensorTransfers> out;
  for (Tensor t : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
    const TileMoves moves = tile_moves(plan.order, tiles, t);
    TensorTransfers transfers;
    transfers.tensor = t;
    // Tiles whose boxes coincide move the same data: one entry each box.
    std::map<std::array<int64_t, 8>, size_t> index;
    const auto [a, b] = depends_on(t);
    TileIndex idx{};
    for (int64_t i = 0; i < tiles[dim_index(a)]; ++i) {
      idx[dim_index(a)] = i;
      for (int64_t j = 0; j < tiles[dim_index(b)]; ++j) {
        idx[dim_index(b)] = j;
        add_move(transfers, index, tensor_box(layer, t, tile_range(idx, plan.tile, g)),
                 moves.fetched + moves.read_back, moves.written);
      }
    }
    out.push_back(std::move(transfers));
  }
  return out;
}

std::vector<TensorTransfers> sparse_layer_transfers(const SpmspmPlan& plan,
                                                    const SparseLayout& layout) {
  std::vector<TensorTransfers> out(kNumTensors);
  std::array<std::map<std::array<int64_t, 8>, size_t>, kNumTensors> index;
  for (Tensor t : {Tensor::inputs, Tensor::weights, Tensor::outputs})
    out[tensor_index(t)].tensor = t;
  using Key = std::pair<int64_t, int64_t>;
  auto key = [](const SpmspmStep& s, Tensor t) {
    return t == Tensor::inputs    ? Key{s.mt, s.kt}
           : t == Tensor::weights ? Key{s.kt, s.nt}
                                  : Key{s.mt, s.nt};
  };
  const std::vector<SpmspmStep>& steps = plan.steps;
  for (size_t i = 0; i < steps.size(); ++i) {
    const SpmspmStep& s = steps[i];
    for (Tensor t : {Tensor::inputs, Tensor::weights}) {
      if (i > 0 && key(steps[i - 1], t) == key(s, t)) continue;  // still resident
      const TileStats& tile = t == Tensor::inputs ? s.a : s.b;
      add_move(out[tensor_index(t)], index[tensor_index(t)],
               layout.box(t, tile.offset, tile.words()), 1, 0);
    }
    const size_t z = tensor_index(Tensor::outputs);
    const bool entered = i == 0 || key(steps[i - 1], Tensor::outputs) != key(s, Tensor::outputs);
    if (entered && s.z_in_words > 0) {
      add_move(out[z], index[z], layout.box(Tensor::outputs, s.z_offset, s.z_in_words), 1, 0);
    }
    const bool leaves =
        i + 1 == steps.size() || key(steps[i + 1], Tensor::outputs) != key(s, Tensor::outputs);
    if (leaves && s.z_out_words > 0) {
      add_move(out[z], index[z], layout.box(Tensor::outputs, s.z_offset, s.z_out_words), 0, 1);
    }
  }
  return out;
}

BlockTraffic block_traffic(const Layer& layer, const TensorTransfers& transfers, int64_t words,
                           int64_t tag_bytes) {
  const int bits = layer.precision_bits;
  BlockTraffic t;
  for (const auto& m : transfers.boxes) {
    const int64_t asked = bytes_of(m.box.volume(), bits);
    int64_t blocks = 1, whole = asked, partial = 0, partial_blocks = 0;
    if (words != Security::kTileBlocks) {
      const BlockCount c = count_auth_blocks(m.box, words);
      blocks = c.blocks;
      whole = bytes_of(c.block_elements, bits);
      partial_blocks = c.blocks - c.full_blocks;
      partial = bytes_of(c.block_elements - c.full_block_elements, bits);
    }
    t.requested_read += m.reads * asked;
    t.block_read += m.reads * whole;
    t.tag_read += m.reads * blocks * tag_bytes;
    t.requested_write += m.writes * asked;
    t.block_write += m.writes * whole;
    t.tag_write += m.writes * blocks * tag_bytes;
    t.rmw_read += m.writes * partial;
    t.tag_read += m.writes * partial_blocks * tag_bytes;
  }
  return t;
}

int64_t reencryption_bytes(const Layer& layer, const TensorTransfers& transfers, int64_t from_words,
                           int64_t to_words, int64_t tag_bytes) {
  const Box whole = whole_tensor(layer, transfers.tensor);
  const int64_t elements = whole.volume();
  auto tags = [&](int64_t words) {
    return (words == Security::kTileBlocks ? static_cast<int64_t>(transfers.boxes.size())
                                           : ceil_div(elements, words)) *
           tag_bytes;
  };
  return 2 * bytes_of(elements, layer.precision_bits) + tags(from_words) + tags(to_words);
}

}  // namespace tessera
