// A per-cycle model of AES-GCM engines, the reference for plan/crypto_engine_timing.h: one AES unit
// and one GHASH unit per engine, stepped one clock cycle at a time.
#pragma once

#include <cstdint>
#include <vector>

namespace tessera::reference {

// Cycles one engine takes for a GCM message of `data_blocks` 128-bit blocks.
[[nodiscard]] uint64_t message_cycles(uint64_t aes_cycles, uint64_t gf_cycles,
                                      uint64_t data_blocks);

// Cycles `engines` engines take for messages of the given sizes, dealt out in order, round
// robin, each engine working through its own one after another.
[[nodiscard]] uint64_t pool_cycles(uint64_t aes_cycles, uint64_t gf_cycles, int64_t engines,
                                   const std::vector<uint64_t>& message_blocks);

}  // namespace tessera::reference
