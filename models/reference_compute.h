// Arithmetic of a layer on real values: what the PE array computes for a tile in functional
// mode, and a direct (un-tiled, un-lowered) convolution to check the whole run against.
#pragma once

#include <cstdint>
#include <vector>

#include "plan/tile_geometry.h"
#include "traces/layer.h"

namespace tessera {

// out (the tile's output box values) += the tile's products, reading inputs and weights from the
// values of their boxes. Throws std::logic_error if an operand the tile needs is outside its box.
void accumulate_tile(const Layer& layer, const GemmRange& r, const Box& in_box,
                     const std::vector<int32_t>& in, const Box& w_box,
                     const std::vector<int32_t>& w, std::vector<int32_t>& out);

// The layer's outputs in the outputs layout of tile_geometry.h, by direct convolution.
[[nodiscard]] std::vector<int32_t> reference_outputs(const Layer& layer,
                                                     const std::vector<int32_t>& inputs,
                                                     const std::vector<int32_t>& weights);

}  // namespace tessera
