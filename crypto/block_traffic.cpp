#include "crypto/block_traffic.h"

#include <optional>

#include "crypto/auth_blocks.h"
#include "sim/numbers.h"

namespace tessera {

namespace {
constexpr std::array<std::array<GemmDim, 2>, kNumTensors> kDependsOn{
    {{GemmDim::m, GemmDim::k}, {GemmDim::k, GemmDim::n}, {GemmDim::m, GemmDim::n}}};

int64_t bytes_of(int64_t elements, int bits) {
  return ceil_div(elements * bits, 8);
}
}  // namespace

std::vector<TensorTransfers> layer_transfers(const Layer& layer, const TilePlan& plan) {
  const GemmExtents g = layer.gemm();
  const std::array<int64_t, 3> nt{ceil_div(g[0], plan.tile[0]), ceil_div(g[1], plan.tile[1]),
                                  ceil_div(g[2], plan.tile[2])};
  std::vector<TensorTransfers> out(kNumTensors);
  std::array<std::map<std::array<int64_t, 8>, size_t>, kNumTensors> index;
  auto record = [&](Tensor t, const GemmRange& r, bool write) {
    const Box box = tensor_box(layer, t, r);
    std::array<int64_t, 8> key{};
    std::copy(box.lo.begin(), box.lo.end(), key.begin());
    std::copy(box.hi.begin(), box.hi.end(), key.begin() + 4);
    auto& ix = index[static_cast<size_t>(t)];
    auto& boxes = out[static_cast<size_t>(t)].boxes;
    auto [it, fresh] = ix.emplace(key, boxes.size());
    if (fresh) boxes.push_back({box, 0, 0});
    (write ? boxes[it->second].writes : boxes[it->second].reads)++;
  };
  for (size_t t = 0; t < kNumTensors; ++t) out[t].tensor = static_cast<Tensor>(t);

  std::array<std::optional<std::array<int64_t, 3>>, kNumTensors> resident;
  std::array<int64_t, 3> idx{};
  const int64_t total = nt[0] * nt[1] * nt[2];
  for (int64_t i = 0; i < total; ++i) {
    GemmRange r;
    r.m0 = idx[0] * plan.tile[0];
    r.m1 = std::min(g[0], r.m0 + plan.tile[0]);
    r.n0 = idx[1] * plan.tile[1];
    r.n1 = std::min(g[1], r.n0 + plan.tile[1]);
    r.k0 = idx[2] * plan.tile[2];
    r.k1 = std::min(g[2], r.k0 + plan.tile[2]);
    for (size_t t = 0; t < kNumTensors; ++t) {
      const auto& dims = kDependsOn[t];
      const bool here = resident[t] &&
                        (*resident[t])[dim_index(dims[0])] == idx[dim_index(dims[0])] &&
                        (*resident[t])[dim_index(dims[1])] == idx[dim_index(dims[1])];
      if (!here) resident[t] = idx;
      // Outputs come back only when revisited (partial sums); the rest when not resident.
      const bool fresh_outputs =
          static_cast<Tensor>(t) == Tensor::outputs && idx[dim_index(GemmDim::k)] == 0;
      if (here || fresh_outputs) continue;
      record(static_cast<Tensor>(t), r, false);
    }
    const std::array<int64_t, 3> current = idx;
    for (int level = 2; level >= 0; --level) {
      const size_t d = dim_index(plan.order[static_cast<size_t>(level)]);
      if (++idx[d] < nt[d]) break;
      idx[d] = 0;
    }
    const bool last = i + 1 == total;
    if (last || idx[0] != current[0] || idx[1] != current[1]) record(Tensor::outputs, r, true);
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
