// The engine's closed-form timing against the per-cycle reference, on the three engine kinds and
// on random AES/GHASH latencies, message sizes and engine counts.
#include <gtest/gtest.h>

#include <random>

#include "plan/crypto_engine_timing.h"
#include "tests/crypto/engine_reference.h"

namespace tessera {
namespace {

TEST(EngineTiming, KindsMatchThePerCycleModel) {
  for (const char* name : {"pipelined", "parallel", "serial"}) {
    const EngineKind& k = *find_engine_kind(name);
    for (uint64_t n = 0; n <= 70; ++n) {
      ASSERT_EQ(message_cycles(k, n), reference::message_cycles(k.aes_cycles, k.gf_cycles, n))
          << name << " " << n;
    }
  }
  EXPECT_EQ(find_engine_kind("turbo"), nullptr);
}

TEST(EngineTiming, RandomEnginesAndPoolsMatchThePerCycleModel) {
  std::mt19937_64 rng(11);
  auto between = [&](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
  };
  for (int c = 0; c < 3000; ++c) {
    const EngineKind k{"random", between(1, 40), between(1, 40)};
    const uint64_t blocks = between(0, 30);
    const uint64_t last = between(0, blocks);
    const auto engines = static_cast<int64_t>(between(1, 5));
    const auto messages = static_cast<int64_t>(between(1, 12));
    ASSERT_EQ(message_cycles(k, blocks),
              reference::message_cycles(k.aes_cycles, k.gf_cycles, blocks))
        << k.aes_cycles << "/" << k.gf_cycles << " " << blocks;
    std::vector<uint64_t> sizes(static_cast<size_t>(messages), blocks);
    sizes.back() = last;
    ASSERT_EQ(pool_cycles(k, engines, messages, blocks, last),
              reference::pool_cycles(k.aes_cycles, k.gf_cycles, engines, sizes))
        << "case " << c;
  }
}

// Messages of different sizes (tile blocks of a compressed stream).
TEST(EngineTiming, MessagesOfAnySizeMatchThePerCycleModel) {
  std::mt19937_64 rng(12);
  auto between = [&](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
  };
  for (int c = 0; c < 3000; ++c) {
    const EngineKind k{"random", between(1, 40), between(1, 40)};
    const auto engines = static_cast<int64_t>(between(1, 5));
    std::vector<uint64_t> sizes(static_cast<size_t>(between(0, 12)));
    for (uint64_t& s : sizes) s = between(0, 30);
    ASSERT_EQ(pool_cycles(k, engines, sizes),
              reference::pool_cycles(k.aes_cycles, k.gf_cycles, engines, sizes))
        << "case " << c;
  }
}

}  // namespace
}  // namespace tessera
