// The controller family: replays a trace through the rest of the accelerator.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>

#include <tlm_utils/simple_initiator_socket.h>

#include "models/component.h"
#include "models/payload.h"
#include "plan/architecture_facts.h"
#include "sim/cycle_causes.h"
#include "traces/layer.h"

namespace tessera {

// Told at every layer boundary, so the top level can take per-layer snapshots of all counters.
struct LayerEvents {
  std::function<void(const Layer&)> on_start;
  // `causes` adds up to `cycles`.
  std::function<void(const Layer&, uint64_t cycles, uint64_t stall_cycles, uint64_t tiles,
                     const CycleCauses& causes)>
      on_end;
  // After each step of the layer being replayed: steps done of its total (progress lines).
  std::function<void(uint64_t done, uint64_t total)> on_step;
};

struct Workload {
  const Trace* trace = nullptr;
  ArchitectureFacts facts;
  bool functional = false;  // move real values and check the outputs
  uint64_t seed = 1;
  LayerEvents events;
};

class Controller : public Component {
 public:
  static constexpr const char* kFamily = "controller";

  tlm_utils::simple_initiator_socket<Controller> to_buffer;
  tlm_utils::simple_initiator_socket<Controller> to_pe_array;
  tlm_utils::simple_initiator_socket<Controller> to_vector;

  Controller(const sc_core::sc_module_name& name, ParamValues params)
      : Component(name, std::move(params)),
        to_buffer("to_buffer"),
        to_pe_array("to_pe_array"),
        to_vector("to_vector") {}

  // Plans every layer; must be called before the simulation starts. Throws InputError for a
  // mapping that cannot work, so nothing is simulated.
  virtual void set_workload(Workload workload) = 0;

  // A failure inside the simulation thread (which cannot throw into the kernel), rethrown by the
  // top level after sc_start returns.
  [[nodiscard]] std::exception_ptr failure() const { return failure_; }

 protected:
  std::exception_ptr failure_;
};

}  // namespace tessera
