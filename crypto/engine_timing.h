// AES-GCM engine kinds and how long they take. Figures per 128-bit block, 40 nm (Banerjee, as
// used by the SecureLoop artifact; see NOTICE.md and sim/energy/default.yaml for the energies).
//
// A GCM message of N 128-bit data blocks needs N+1 AES operations (the data's counter blocks and
// the tag mask E(K, J0)) and N+1 GF(2^128) multiplies (the data blocks and the length block).
// The AES unit and the GHASH unit work side by side, one block apart, so a message takes
//   (N + 1) * max(aes, gf) + min(aes, gf)  cycles:
// every block passes through the slower unit, and the last one also through the faster one.
#pragma once

#include <cstdint>
#include <string>

namespace tessera {

struct EngineKind {
  const char* name;
  uint64_t aes_cycles, gf_cycles;
};

// pipelined, parallel or serial; nullptr for anything else.
[[nodiscard]] const EngineKind* find_engine_kind(const std::string& name);

[[nodiscard]] uint64_t message_cycles(const EngineKind& k, uint64_t data_blocks);

}  // namespace tessera
