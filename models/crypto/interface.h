// The crypto family: protects off-chip data. Sits between the buffer and DRAM.
//
// Deferred completions (models/payload.h, Completion): a buffer's transfer may arrive with
// may_defer set. An engine that passes the payload to DRAM unchanged passes the DRAM's deferred
// completion back with it. One that times itself from the DRAM's answer clears may_defer first,
// or adds its time with Completion::then(); one that issues its own DRAM transfers may defer them
// and settle them before it answers.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <vector>

#include "models/component.h"
#include "models/crypto/attack.h"
#include "models/payload.h"
#include "traces/layer.h"

namespace tessera {

// What an engine needs to know of the tensor a memory transfer moves, to find its authentication
// blocks: the layer the tensor belongs to (its shapes, precision and `security:` blocks), the
// layer's buffer tile (tile blocks follow it), and for a sparse layer's compressed tensor where
// each of its tiles starts. The controller attaches it to its fetches, write-backs, loads and
// compute commands; the modules in between forward it to the transfers they make for them.
struct StoredTensor : tlm::tlm_extension<StoredTensor> {
  const Layer* layer = nullptr;
  GemmExtents buffer_tile{};
  // Loads of a sparse layer's compressed tensor: the word each of its tiles starts at; null or
  // empty for an output.
  const std::vector<int64_t>* tile_starts = nullptr;

  [[nodiscard]] tlm::tlm_extension_base* clone() const override { return new StoredTensor(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const StoredTensor&>(other);
  }
};

class CryptoEngine : public Component {
 public:
  static constexpr const char* kFamily = "crypto";

  struct Facts {
    // Whether the engine authenticates what it protects (tags in DRAM, attacks detected). An
    // authenticating engine declares the parameter `tag_bits`, the length of its tags.
    bool authenticates = false;
  };

  tlm_utils::simple_target_socket<CryptoEngine> from_buffer;
  tlm_utils::simple_initiator_socket<CryptoEngine> to_dram;

  CryptoEngine(const sc_core::sc_module_name& name, ParamValues params)
      : Component(name, std::move(params)), from_buffer("from_buffer"), to_dram("to_dram") {
    from_buffer.register_b_transport(this, &CryptoEngine::b_transport);
    from_buffer.register_transport_dbg(this, &CryptoEngine::debug_transport);
  }

  // Bytes per cycle the engines encrypt or decrypt at best (the analytical model's bound); 0 when
  // the engine does no work on the data.
  [[nodiscard]] virtual double peak_bytes_per_cycle() const { return 0; }

  // Attacks to apply to protected tensors as they are loaded (functional mode). An engine that
  // does not authenticate data has nothing to attack and refuses them (InputError).
  virtual void set_attacks(std::vector<Attack> attacks) {
    if (!attacks.empty()) {
      throw InputError({to_string(attacks.front().kind), 0, attacks.front().spec},
                       "the architecture's crypto engine does not authenticate data (use "
                       "crypto: aes_gcm)");
    }
  }

 protected:
  virtual void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) = 0;
  virtual unsigned debug_transport(tlm::tlm_generic_payload& p) = 0;
};

}  // namespace tessera
