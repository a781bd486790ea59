// AES-GCM engine kinds and how long they take. Figures per 128-bit block, 40 nm (Banerjee, as
// used by the SecureLoop artifact; energies in sim/energy/default.yaml).
//
// A GCM message of N 128-bit data blocks takes N+1 AES operations (the N counter blocks, then the
// tag mask E(K, J0)) and N+1 GF(2^128) multiplies (the N ciphertext blocks, then the length
// block). The engine has one AES unit and one GHASH unit, each taking `aes_cycles` and
// `gf_cycles` per operation, one operation at a time. The AES unit works through its operations
// back to back; the GHASH unit multiplies ciphertext block j as soon as AES has produced it and
// the previous multiply is done. The tag is ready when both units are done:
//   ghash(N) = max(aes*N + gf, aes + gf*N) + gf   (0 + gf for N = 0)
//   cycles(N) = max(aes * (N+1), ghash(N))
// The per-cycle model in tests/crypto/engine_reference.cpp gives the same counts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

struct EngineKind {
  const char* name;
  uint64_t aes_cycles, gf_cycles;
};

// pipelined, parallel or serial; nullptr for anything else.
[[nodiscard]] const EngineKind* find_engine_kind(const std::string& name);

[[nodiscard]] uint64_t message_cycles(const EngineKind& k, uint64_t data_blocks);

// Cycles `engines` engines take for `messages` messages dealt out in order, round robin, each
// engine working through its own one after another: every message has `blocks` data blocks but
// the last, which has `last_blocks`.
[[nodiscard]] uint64_t pool_cycles(const EngineKind& k, int64_t engines, int64_t messages,
                                   uint64_t blocks, uint64_t last_blocks);
// The same for messages of any sizes (`message_blocks`: data blocks of each, in order).
[[nodiscard]] uint64_t pool_cycles(const EngineKind& k, int64_t engines,
                                   const std::vector<uint64_t>& message_blocks);

}  // namespace tessera
