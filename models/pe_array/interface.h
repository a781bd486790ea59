// The PE-array family: computes tiles. Receives `compute` transactions from the controller and
// reads/writes its operands in the buffer through the sparse decoder.
#pragma once

#include <string>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/component.h"
#include "models/payload.h"
#include "plan/systolic_timing.h"

namespace tessera {

class PeArray : public Component {
 public:
  static constexpr const char* kFamily = "pe_array";

  tlm_utils::simple_target_socket<PeArray> compute;
  tlm_utils::simple_initiator_socket<PeArray> operands;

  PeArray(const sc_core::sc_module_name& name, ParamValues params)
      : Component(name, std::move(params)), compute("compute"), operands("operands") {
    compute.register_b_transport(this, &PeArray::b_transport);
  }

  [[nodiscard]] virtual systolic::ArrayShape shape() const = 0;
  [[nodiscard]] virtual Dataflow dataflow() const = 0;
  // Throws InputError, naming the layer in `trace_file`, when this array cannot compute it.
  // Called for every layer before anything is simulated.
  virtual void check_layer(const Layer& layer, const std::string& trace_file) const = 0;

  // The multiply-accumulates computed so far, which the reports' `macs` are made of. Every array
  // names the counter it counts them in with counts_macs_in(), in its constructor; the top level
  // refuses one that does not, before anything runs.
  [[nodiscard]] bool counts_macs() const { return macs_ != nullptr; }
  [[nodiscard]] uint64_t macs() const { return *macs_; }

 protected:
  void counts_macs_in(const uint64_t& counter) { macs_ = &counter; }

  virtual void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) = 0;

 private:
  const uint64_t* macs_ = nullptr;
};

}  // namespace tessera
