// The DRAM family: off-chip memory. A target for `memory` transactions (one per box).
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

 protected:
  virtual void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) = 0;
  virtual unsigned debug_transport(tlm::tlm_generic_payload& p) = 0;
};

}  // namespace tessera
