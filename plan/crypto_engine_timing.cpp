#include "plan/crypto_engine_timing.h"

#include <algorithm>

namespace tessera {

namespace {
constexpr EngineKind kKinds[] = {{"pipelined", 1, 1}, {"parallel", 11, 8}, {"serial", 336, 128}};
}

const EngineKind* find_engine_kind(const std::string& name) {
  for (const EngineKind& k : kKinds) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

uint64_t message_cycles(const EngineKind& k, uint64_t data_blocks) {
  const uint64_t a = k.aes_cycles, g = k.gf_cycles, n = data_blocks;
  // The last ciphertext multiply ends when the slower unit's chain does: AES-bound from the
  // first block on, or GHASH-bound after waiting for the first block.
  const uint64_t last_data = n == 0 ? 0 : std::max(a * n + g, a + g * n);
  return std::max(a * (n + 1), last_data + g);
}

uint64_t pool_cycles(const EngineKind& k, int64_t engines, int64_t messages, uint64_t blocks,
                     uint64_t last_blocks) {
  if (messages <= 0) return 0;
  const auto rounds = static_cast<uint64_t>((messages + engines - 1) / engines);
  const uint64_t full = message_cycles(k, blocks);
  // The engine holding the last message works through rounds-1 full ones before it; an engine
  // dealt a message earlier in the last round has rounds full ones.
  uint64_t longest = (rounds - 1) * full + message_cycles(k, last_blocks);
  if ((messages - 1) % engines > 0) longest = std::max(longest, rounds * full);
  return longest;
}

uint64_t pool_cycles(const EngineKind& k, int64_t engines,
                     const std::vector<uint64_t>& message_blocks) {
  std::vector<uint64_t> busy(static_cast<size_t>(engines), 0);
  for (size_t i = 0; i < message_blocks.size(); ++i) {
    busy[i % busy.size()] += message_cycles(k, message_blocks[i]);
  }
  return message_blocks.empty() ? 0 : *std::max_element(busy.begin(), busy.end());
}

}  // namespace tessera
