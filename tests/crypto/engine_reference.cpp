#include "tests/crypto/engine_reference.h"

#include <algorithm>

namespace tessera::reference {

uint64_t message_cycles(uint64_t aes_cycles, uint64_t gf_cycles, uint64_t data_blocks) {
  const uint64_t ops = data_blocks + 1;  // AES: counter blocks, then E(K, J0); GHASH: ciphertext
                                         // blocks, then the length block
  uint64_t aes_started = 0, aes_done = 0, aes_left = 0;
  uint64_t gf_started = 0, gf_done = 0, gf_left = 0;
  uint64_t cycle = 0;
  while (aes_done < ops || gf_done < ops) {
    // At the start of a cycle, an idle unit takes its next operation if its input is there:
    // GHASH multiplies ciphertext block j once AES has produced it; the length block needs none.
    if (aes_left == 0 && aes_started < ops) {
      ++aes_started;
      aes_left = aes_cycles;
    }
    const bool input_ready = gf_started == data_blocks || aes_done > gf_started;
    if (gf_left == 0 && gf_started < ops && input_ready) {
      ++gf_started;
      gf_left = gf_cycles;
    }
    ++cycle;
    if (aes_left > 0 && --aes_left == 0) ++aes_done;
    if (gf_left > 0 && --gf_left == 0) ++gf_done;
  }
  return cycle;
}

uint64_t pool_cycles(uint64_t aes_cycles, uint64_t gf_cycles, int64_t engines,
                     const std::vector<uint64_t>& message_blocks) {
  std::vector<uint64_t> busy(static_cast<size_t>(engines), 0);
  for (size_t i = 0; i < message_blocks.size(); ++i) {
    busy[i % busy.size()] += message_cycles(aes_cycles, gf_cycles, message_blocks[i]);
  }
  return *std::max_element(busy.begin(), busy.end());
}

}  // namespace tessera::reference
