// How a sparse layer's data sit in memory and what one step moves. Each operand (A as `inputs`,
// B as `weights`, Z as `outputs`) is a flat array of 32-bit words holding its compressed tiles one
// after another (sparse/tiling.h), each array 4 KiB aligned. A tile is the 1-D box of its words,
// so the buffer and memory move it like any other box, and its modelled size is words x 4 bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "plan/architecture_facts.h"
#include "plan/tile_geometry.h"
#include "sparse/spmspm_plan.h"

namespace tessera {

struct SparseLayout {
  std::array<uint64_t, kNumTensors> base{};  // byte address of each operand's image
  std::array<int64_t, kNumTensors> words{};  // words in each image
  [[nodiscard]] Box box(Tensor t, int64_t offset, int64_t count) const;
  [[nodiscard]] Box whole(Tensor t) const { return box(t, 0, words[static_cast<size_t>(t)]); }
  [[nodiscard]] uint64_t address(Tensor t, int64_t offset) const {
    return base[static_cast<size_t>(t)] + static_cast<uint64_t>(offset * kWordBytes);
  }
};

[[nodiscard]] SparseLayout sparse_layout(const SpmspmPlan& plan);

// The loop nest the sparse controller replays for a sparse layer of the trace `file`: tiles of
// the mapping's buffer_tile, or sized by the buffer's tile policy. InputError when a given tile
// does not fit a buffer that cannot overbook, or no tile fits at all.
[[nodiscard]] SpmspmPlan plan_sparse_layer(const Layer& layer, const ArchitectureFacts& facts,
                                           const std::string& file);

// One step of the loop nest as the PE array sees it.
struct SparseTile {
  const SpmspmStep* step = nullptr;
  Box a, b, z_in, z_out;  // z_in is empty for a fresh output tile, z_out when nothing meets
  uint64_t a_address = 0, b_address = 0, z_address = 0;
  int64_t b_dense_cols = 0;  // spmm: B's tile is uncompressed and this many entries wide
};

[[nodiscard]] SparseTile sparse_tile(const SparseLayout& layout, const SpmspmStep& step);

}  // namespace tessera
