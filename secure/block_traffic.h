// Off-chip traffic of a layer's tensors under a choice of authentication blocks, in closed form:
// the loop-nest walker (plan/loop_nest.h) says how often each tile is fetched and written back,
// and each distinct box is priced with the closed-form block count.
#pragma once

#include <cstdint>
#include <vector>

#include "models/sparse_tile.h"
#include "plan/tile_geometry.h"
#include "plan/tiler.h"

namespace tessera {

struct BlockTraffic {
  int64_t requested_read = 0, block_read = 0;    // bytes asked for / bytes of whole blocks read
  int64_t rmw_read = 0;                          // bytes of partly written blocks read back
  int64_t requested_write = 0, block_write = 0;  // bytes written / bytes of whole blocks written
  int64_t tag_read = 0, tag_write = 0;           // tag bytes
  int64_t redundant() const {
    return block_read - requested_read + block_write - requested_write + rmw_read;
  }
  int64_t tags() const { return tag_read + tag_write; }
  int64_t extra() const { return redundant() + tags(); }
};

// The boxes of one tensor a layer moves, with how many times each is read and written.
struct TensorTransfers {
  Tensor tensor = Tensor::inputs;
  struct Moves {
    Box box;
    int64_t reads = 0, writes = 0;
  };
  std::vector<Moves> boxes;  // distinct boxes
};

// Every box of the layer's tiles under `plan`, the first one the tile at the origin.
[[nodiscard]] std::vector<TensorTransfers> layer_transfers(const Layer& layer,
                                                           const TilePlan& plan);

// The same for a sparse layer: the boxes of its compressed streams (A, B, Z) the sparse controller
// moves on this plan (the tiles that change from one step to the next; a revisited output tile's
// partial sums read back, and written back when the loop leaves it). The tailors buffer's
// re-fetched bumped tails and spilled output tails are not among them.
[[nodiscard]] std::vector<TensorTransfers> sparse_layer_transfers(const SpmspmPlan& plan,
                                                                  const SparseLayout& layout);

// Traffic of one tensor's transfers with blocks of `words` elements (Security::kTileBlocks: one
// block per tile) and tags of `tag_bytes`.
[[nodiscard]] BlockTraffic block_traffic(const Layer& layer, const TensorTransfers& transfers,
                                         int64_t words, int64_t tag_bytes);

// Bytes of DRAM traffic to re-encrypt a whole tensor from one block size to another: read it and
// its tags, write it back with the new tags.
[[nodiscard]] int64_t reencryption_bytes(const Layer& layer, const TensorTransfers& transfers,
                                         int64_t from_words, int64_t to_words, int64_t tag_bytes);

}  // namespace tessera
