// Layers reuse DRAM addresses: a later layer's larger tensor covers where an earlier layer kept a
// smaller one. Its transfers must reach its own values, not the stale tensor's.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/files.h"

namespace tessera {
namespace {

TEST(FunctionalStoreReuse, ALargerTensorReplacesTheStaleOnesInside) {
  test::TempDir dir;
  // small: inputs at 0, weights at 4096; big: inputs of 16 KiB from 0, fetched in tiles.
  const std::string trace = dir.write("reuse.yaml", R"(tessera_trace: 1
layers:
  - name: small
    op: gemm
    m: 4
    n: 4
    k: 4
  - name: big
    op: conv
    input: [64, 64]
    channels: 4
    filters: 8
    filter: [3, 3]
    mapping:
      buffer_tile: {m: 256, n: 8, k: 36}
)");
  for (const char* crypto : {"none", "aes_gcm"}) {
    std::string out;
    EXPECT_EQ(test::run(std::string(TESSERA_BINARY) + " run " + test::quote(trace) +
                            " -q --functional -p crypto.impl=" + crypto,
                        out),
              0)
        << crypto << "\n"
        << out;
  }
}

}  // namespace
}  // namespace tessera
