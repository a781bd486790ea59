// The DRAM family: off-chip memory. A target for `memory` transactions (one per box).
//
// A DRAM answers a transfer at once (the delay to its last data, TileExtension::transfer_time),
// or, when the transaction has may_defer set, may queue it and defer its completion
// (models/payload.h, Completion), so that the transfers in flight together compete for it. Its
// counters are complete once every deferred completion has been settled.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include "models/component.h"
#include "models/payload.h"

namespace tessera {

class Dram : public Component {
 public:
  static constexpr const char* kFamily = "dram";

  tlm_utils::simple_target_socket<Dram> port;

  Dram(const sc_core::sc_module_name& name, ParamValues params)
      : Component(name, std::move(params)), port("port") {
    port.register_b_transport(this, &Dram::b_transport);
    port.register_transport_dbg(this, &Dram::debug_transport);
  }

  // Peak bytes per accelerator cycle, for planning; 0 means unlimited.
  [[nodiscard]] virtual double peak_bytes_per_cycle() const = 0;

  // The bytes read and written so far, which the reports' DRAM bytes are made of. Every DRAM
  // names the counters it counts them in with counts_bytes_in(), in its constructor; the top
  // level refuses one that does not, before anything runs.
  [[nodiscard]] bool counts_bytes() const { return read_ != nullptr && written_ != nullptr; }
  [[nodiscard]] uint64_t bytes_read() const { return *read_; }
  [[nodiscard]] uint64_t bytes_written() const { return *written_; }

 protected:
  void counts_bytes_in(const uint64_t& read, const uint64_t& written) {
    read_ = &read;
    written_ = &written;
  }

  virtual void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) = 0;
  virtual unsigned debug_transport(tlm::tlm_generic_payload& p) = 0;

 private:
  const uint64_t* read_ = nullptr;
  const uint64_t* written_ = nullptr;
};

}  // namespace tessera
