// The layers the crypto tests run, as trace text for a `layers:` list; each test adds its own
// padding, mapping and security keys under them. conv2's input is conv1's output (10x10 pixels,
// 16 channels) when conv1 has no padding.
#pragma once

#include <string>

namespace tessera::test {

// 12x12 pixels, 8 channels, 16 3x3 filters.
inline const std::string kConv1Layer = R"(  - name: conv1
    op: conv
    input: [12, 12]
    channels: 8
    filters: 16
    filter: [3, 3]
)";

// 10x10 pixels, 16 channels, 8 3x3 filters.
inline const std::string kConv2Layer = R"(  - name: conv2
    op: conv
    input: [10, 10]
    channels: 16
    filters: 8
    filter: [3, 3]
)";

// A 30 x 50 by 50 x 20 GEMM in 16 x 8 x 20 tiles, k in the middle: partial sums are revisited.
inline const std::string kFcLayer = R"(  - name: fc
    op: gemm
    m: 30
    n: 20
    k: 50
    mapping:
      buffer_tile: {m: 16, n: 8, k: 20}
      loop_order: [m, k, n]
)";

}  // namespace tessera::test
