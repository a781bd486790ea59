#include "secure/secure_schedule.h"

#include <algorithm>
#include <limits>

#include "plan/auth_blocks.h"

namespace tessera {

std::vector<int64_t> auth_block_sizes(const Layer& layer, const TensorTransfers& transfers) {
  const int64_t elements = layer.sparse ? tensor_elements(transfers.boxes.front().box)
                                        : whole_tensor(layer, transfers.tensor).volume();
  std::vector<int64_t> sizes;
  for (int64_t w = layer.sparse ? 2 : 8; w < elements; w *= 2) sizes.push_back(w);
  int64_t row = row_layout(transfers.boxes.front().box).length;
  if (layer.sparse) {
    std::vector<int64_t> lengths;
    for (const auto& m : transfers.boxes) lengths.push_back(m.box.volume());
    std::nth_element(lengths.begin(), lengths.begin() + static_cast<ptrdiff_t>(lengths.size() / 2),
                     lengths.end());
    row = lengths[lengths.size() / 2];
  }
  for (int64_t w = row; w > 0 && w < elements; w *= 2) sizes.push_back(w);
  sizes.push_back(elements);
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  sizes.insert(sizes.begin(), Security::kTileBlocks);
  return sizes;
}

namespace {

// The cheapest candidate from index `first` on (1 skips tile blocks).
size_t cheapest(const TensorBlocks& t, size_t first) {
  size_t best = first;
  for (size_t i = first + 1; i < t.candidates.size(); ++i) {
    if (t.candidates[i].traffic.extra() < t.candidates[best].traffic.extra()) best = i;
  }
  return best;
}

bool consumes(const Layer& producer, const Layer& consumer) {
  if (producer.sparse || consumer.sparse) return false;  // compressed tensors are not passed on
  const GemmExtents g = producer.gemm();
  const ConvShape& s = consumer.shape;
  return s.batch * s.in_h * s.in_w == g[0] && s.channels == g[1];
}

// Tile blocks follow each layer's own tiles, so they never line up across layers.
bool blocks_match(int64_t a, int64_t b) {
  return a == b && a != Security::kTileBlocks;
}

}  // namespace

const char* to_string(Matching m) {
  switch (m) {
    case Matching::none: return "tile";
    case Matching::per_layer: return "per-layer";
    case Matching::cross_layer: return "cross-layer";
  }
  return "?";
}

int64_t SecureSchedule::redundant_bytes() const {
  int64_t sum = 0;
  for (const auto& l : layers) {
    for (const auto& t : l.tensors) sum += t.choice().traffic.redundant();
  }
  return sum;
}

int64_t SecureSchedule::tag_bytes_moved() const {
  int64_t sum = 0;
  for (const auto& l : layers) {
    for (const auto& t : l.tensors) sum += t.choice().traffic.tags();
  }
  return sum;
}

int64_t SecureSchedule::reencryption_bytes() const {
  int64_t sum = 0;
  for (const auto& l : layers) sum += l.reencryption_bytes;
  return sum;
}

SecureSchedule plan_secure_schedule(const Trace& trace, const ArchitectureFacts& facts,
                                    int64_t tag_bytes, Matching matching) {
  SecureSchedule s;
  s.matching = matching;
  s.tag_bytes = tag_bytes;
  std::vector<std::vector<TensorTransfers>> transfers;
  for (const Layer& layer : trace.layers) {
    if (layer.sparse) {
      const SpmspmPlan plan = plan_sparse_layer(layer, facts, trace.file);
      transfers.push_back(sparse_layer_transfers(plan, sparse_layout(plan)));
    } else {
      transfers.push_back(layer_transfers(layer, plan_layer(layer, facts, trace.file)));
    }
    LayerBlocks l;
    l.name = layer.name;
    l.sparse = static_cast<bool>(layer.sparse);
    for (const TensorTransfers& t : transfers.back()) {
      TensorBlocks b;
      b.tensor = t.tensor;
      if (t.boxes.empty()) {  // an empty operand or product moves nothing
        b.candidates.push_back({Security::kTileBlocks, {}});
        l.tensors.push_back(std::move(b));
        continue;
      }
      for (int64_t w : auth_block_sizes(layer, t)) {
        b.candidates.push_back({w, block_traffic(layer, t, w, tag_bytes)});
      }
      b.chosen = matching == Matching::none ? 0 : cheapest(b, 0);
      l.tensors.push_back(std::move(b));
    }
    s.layers.push_back(std::move(l));
  }
  auto reencryption = [&](size_t consumer, int64_t from, int64_t to) {
    if (blocks_match(from, to)) return int64_t{0};
    return reencryption_bytes(trace.layers[consumer - 1],
                              transfers[consumer - 1][static_cast<size_t>(Tensor::outputs)], from,
                              to, tag_bytes);
  };
  for (size_t i = 1; i < trace.layers.size(); ++i) {
    LayerBlocks& consumer = s.layers[i];
    consumer.consumes_previous = consumes(trace.layers[i - 1], trace.layers[i]);
    if (!consumer.consumes_previous) continue;
    TensorBlocks& out = s.layers[i - 1].tensors[static_cast<size_t>(Tensor::outputs)];
    TensorBlocks& in = consumer.tensors[static_cast<size_t>(Tensor::inputs)];
    if (matching == Matching::per_layer) {
      // A tensor passed between layers needs a layout of its own, not one layer's tiles.
      out.chosen = cheapest(out, 1);
      in.chosen = cheapest(in, 1);
    } else if (matching == Matching::cross_layer) {
      int64_t best = std::numeric_limits<int64_t>::max();
      for (size_t a = 0; a < out.candidates.size(); ++a) {
        for (size_t b = 0; b < in.candidates.size(); ++b) {
          const int64_t cost = out.candidates[a].traffic.extra() +
                               in.candidates[b].traffic.extra() +
                               reencryption(i, out.candidates[a].words, in.candidates[b].words);
          if (cost < best) {
            best = cost;
            out.chosen = a;
            in.chosen = b;
          }
        }
      }
    }
    consumer.reencryption_bytes = reencryption(i, out.choice().words, in.choice().words);
  }
  return s;
}

Trace with_auth_blocks(const Trace& trace, const SecureSchedule& schedule) {
  Trace out = trace;
  for (size_t i = 0; i < out.layers.size(); ++i) {
    Security sec;
    for (size_t t = 0; t < kNumTensors; ++t) {
      sec.auth_block_words[t] = schedule.layers[i].tensors[t].choice().words;
    }
    out.layers[i].security = sec;
  }
  return out;
}

}  // namespace tessera
