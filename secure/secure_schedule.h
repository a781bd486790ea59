// Choosing authentication blocks (SecureLoop, Lee et al., MICRO 2023): for each layer and tensor,
// the off-chip traffic each candidate block size adds (redundant block bytes, read-modify-write
// reads, tags) in closed form, the best size, and the matching of a producer's output blocks with
// its consumer's input blocks. Where they differ the tensor must be re-encrypted between the
// layers (read with one block size, written back with the other), which costs traffic too.
//
// A layer consumes its predecessor's outputs when its input tensor is exactly that tensor
// (outputs [m][n] and inputs NHWC share their layout when m = batch*in_h*in_w and n = channels).
// Each such producer/consumer pair is coupled only to itself, so choosing the pair's two sizes
// together (every combination of candidates) gives the exact optimum of the whole chain.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plan/architecture_facts.h"
#include "secure/block_traffic.h"
#include "traces/layer.h"

namespace tessera {

// Tile blocks cost a layer nothing beyond one tag per transfer, but they follow that layer's own
// tiles, so a tensor passed from one layer to the next must be re-encrypted between them (the
// two tilings differ). A size in elements is a layout of the tensor itself that both layers can
// share.
enum class Matching {
  none,         // tile blocks everywhere (the baseline), re-encrypting every passed tensor
  per_layer,    // each layer's best sizes for itself; passed tensors get sizes in elements
  cross_layer,  // producer/consumer pairs chosen together, re-encryption included
};

struct BlockCandidate {
  int64_t words = 0;  // Security::kTileBlocks for one block per tile
  BlockTraffic traffic;
};

struct TensorBlocks {
  Tensor tensor = Tensor::inputs;
  std::vector<BlockCandidate> candidates;  // candidates[0] is `tile`
  size_t chosen = 0;
  [[nodiscard]] const BlockCandidate& choice() const { return candidates[chosen]; }
};

struct LayerBlocks {
  std::string name;
  bool sparse = false;  // tensors A, B, Z: compressed streams, sizes in words of 4 bytes
  std::vector<TensorBlocks> tensors;  // inputs, weights, outputs
  bool consumes_previous = false;
  int64_t reencryption_bytes = 0;  // re-encrypting its inputs from the producer's blocks
};

struct SecureSchedule {
  Matching matching = Matching::cross_layer;
  int64_t tag_bytes = 8;
  std::vector<LayerBlocks> layers;
  [[nodiscard]] int64_t redundant_bytes() const;
  [[nodiscard]] int64_t tag_bytes_moved() const;
  [[nodiscard]] int64_t reencryption_bytes() const;
};

[[nodiscard]] SecureSchedule plan_secure_schedule(const Trace& trace,
                                                  const ArchitectureFacts& facts, int64_t tag_bytes,
                                                  Matching matching);

// Block sizes worth trying for a tensor: powers of two, the length of the rows its tiles read and
// their power-of-two multiples (blocks aligned with rows), and the whole tensor; tile blocks
// (Security::kTileBlocks) first. A compressed stream's transfers are single rows of different
// lengths: its row is their median.
[[nodiscard]] std::vector<int64_t> auth_block_sizes(const Layer& layer,
                                                    const TensorTransfers& transfers);

// The trace with each layer's `security` set to the schedule's choices.
[[nodiscard]] Trace with_auth_blocks(const Trace& trace, const SecureSchedule& schedule);

[[nodiscard]] const char* to_string(Matching m);

}  // namespace tessera
