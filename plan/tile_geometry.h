// Which data a GEMM-view tile touches, as boxes in each tensor's storage layout.
//
// Storage layouts (row-major, last dimension fastest):
//   inputs   [batch][in_h][in_w][channels]              (NHWC)
//   weights  [channels][filter_h][filter_w][filters]     (k x n, k flattened as c,r,s)
//   outputs  [1][1][m][n]                                (m flattened as batch,out_h,out_w)
// A tile's inputs are the bounding box of the input pixels and channels its m and k ranges
// reach (padding rows outside the input are zeros that are never stored or fetched).
// A grouped layer's tensors hold its groups one after another, each in the layout above of one
// group (Layer::group_slice): inputs [groups * batch][in_h][in_w][channels / groups], weights
// [channels][filter_h][filter_w][filters / groups], outputs [1][groups][m][filters / groups].
// The boxes below are of a dense layer; a grouped one is cut into its groups first.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "traces/layer.h"

namespace tessera {

enum class Tensor { inputs = 0, weights = 1, outputs = 2 };
inline constexpr int kNumTensors = 3;
// A tensor's place in per-tensor arrays.
[[nodiscard]] constexpr size_t tensor_index(Tensor t) {
  return static_cast<size_t>(t);
}
[[nodiscard]] const char* to_string(Tensor t);

// A half-open box [lo, hi) in a 4-D tensor of extent `shape`.
struct Box {
  std::array<int64_t, 4> shape{1, 1, 1, 1};
  std::array<int64_t, 4> lo{0, 0, 0, 0};
  std::array<int64_t, 4> hi{0, 0, 0, 0};
  [[nodiscard]] int64_t volume() const;
  [[nodiscard]] bool empty() const { return volume() == 0; }
  [[nodiscard]] bool operator==(const Box& o) const {
    return shape == o.shape && lo == o.lo && hi == o.hi;
  }
  [[nodiscard]] bool contains(const std::array<int64_t, 4>& at) const;
  // Row-major index of `at` inside the box (at must be contained).
  [[nodiscard]] int64_t offset_of(const std::array<int64_t, 4>& at) const;
  // Row-major index of the box's first element in the whole tensor.
  [[nodiscard]] int64_t first_element() const;
};

// Half-open ranges of a GEMM tile.
struct GemmRange {
  int64_t m0 = 0, m1 = 0, n0 = 0, n1 = 0, k0 = 0, k1 = 0;
  [[nodiscard]] int64_t m() const { return m1 - m0; }
  [[nodiscard]] int64_t n() const { return n1 - n0; }
  [[nodiscard]] int64_t k() const { return k1 - k0; }
};

[[nodiscard]] Box whole_tensor(const Layer& layer, Tensor t);
[[nodiscard]] Box input_box(const Layer& layer, const GemmRange& r);
[[nodiscard]] Box weight_box(const Layer& layer, const GemmRange& r);
[[nodiscard]] Box output_box(const Layer& layer, const GemmRange& r);
[[nodiscard]] Box tensor_box(const Layer& layer, Tensor t, const GemmRange& r);
// A vector-unit layer's tensors are flat: inputs [1][1][1][reads] (all operands one after
// another), outputs [1][1][1][elements], no weights. A chunk is the output range [m0, m1) and the
// inputs in proportion.
[[nodiscard]] Box vector_box(const Layer& layer, Tensor t, const GemmRange& r);

// Bytes a box occupies at `bits` per element (rounded up to whole bytes).
[[nodiscard]] int64_t box_bytes(const Box& box, int bits);

// Buffer bytes a tile of (up to) these extents needs: inputs + weights + outputs, for the tile
// anchored at the origin (the largest input box of any tile of that size).
[[nodiscard]] int64_t tile_footprint_bytes(const Layer& layer, const GemmExtents& tile);

// im2col: the input coordinate [b, h, w, c] that lowered element (m, k) reads, or false when it
// falls in the zero padding.
[[nodiscard]] bool input_coordinate(const Layer& layer, int64_t m, int64_t k,
                                    std::array<int64_t, 4>& at);

// DRAM layout of a layer's tensors: inputs, weights, outputs from address 0, each 4 KiB aligned
// (dense size, an upper bound for compressed tensors).
[[nodiscard]] uint64_t dram_base(const Layer& layer, Tensor t);
// The first 4 KiB-aligned address after the layer's tensors; off-chip metadata (authentication
// tags) is placed from here on, so it stays inside a DRAM that holds the layer.
[[nodiscard]] uint64_t dram_data_end(const Layer& layer);

}  // namespace tessera
