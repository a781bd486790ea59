// The per-layer `security` key: read, written back by the trace writer, and read again unchanged.
#include <gtest/gtest.h>

#include "traces/trace_reader.h"
#include "traces/trace_writer.h"

namespace tessera {
namespace {

TEST(SecurityKey, RoundTripsThroughTheWriter) {
  const Trace t = parse_trace(R"(tessera_trace: 1
layers:
  - name: a
    op: conv
    input: [8, 8]
    channels: 4
    filters: 4
    filter: [3, 3]
    security:
      inputs: {auth_block: 13}
      outputs: {auth_block: tile}
  - name: b
    op: gemm
    m: 4
    n: 4
    k: 4
)",
                              "t.yaml");
  ASSERT_TRUE(t.layers[0].security.has_value());
  EXPECT_EQ(t.layers[0].security->auth_block_words,
            (std::array<int64_t, 3>{13, Security::kTileBlocks, Security::kTileBlocks}));
  EXPECT_FALSE(t.layers[1].security.has_value());
  const Trace back = parse_trace(write_trace_yaml(t), "written.yaml");
  ASSERT_TRUE(back.layers[0].security.has_value());
  EXPECT_EQ(back.layers[0].security->auth_block_words, t.layers[0].security->auth_block_words);
  EXPECT_FALSE(back.layers[1].security.has_value());
}

}  // namespace
}  // namespace tessera
