// The controller family: replays a trace through the rest of the accelerator.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>

#include <tlm_utils/simple_initiator_socket.h>

#include "models/component.h"
#include "models/payload.h"
#include "models/pe_array/systolic_timing.h"
#include "sim/cycle_causes.h"
#include "sparse/tile_choice.h"
#include "traces/layer.h"

namespace tessera {

// A weight tile stored compressed: its size (values and metadata) and the reduction values each
// output column steps through (on average: the tiler plans with it).
struct CompressedWeights {
  int64_t bytes = 0;
  int64_t rows = 0;
};

// Facts about the other modules the controller plans with (tile sizes, stream chunks). The top
// level gathers them from each module's description, so the controller never reaches into
// another module.
struct ArchitectureFacts {
  systolic::ArrayShape array;
  Dataflow dataflow = Dataflow::ws;
  int64_t buffer_capacity_bytes = 0;
  bool double_buffered = true;
  double dram_bytes_per_cycle = 0;  // peak; 0 means unlimited
  // A weight tile as the sparse decoder stores and feeds it when compressed; nothing when it is
  // dense. Empty: always dense.
  std::function<std::optional<CompressedWeights>(const Layer&, const GemmRange&)>
      compressed_weights;
  // How sparse layers' tiles are sized, and for swiftiles the fraction that may overbook.
  TilePolicy tile_policy = TilePolicy::worst_case;
  double overbook_target = 0;
};

// Told at every layer boundary, so the top level can take per-layer snapshots of all counters.
struct LayerEvents {
  std::function<void(const Layer&)> on_start;
  // `causes` adds up to `cycles`.
  std::function<void(const Layer&, uint64_t cycles, uint64_t stall_cycles, uint64_t tiles,
                     const CycleCauses& causes)>
      on_end;
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

  Controller(const sc_core::sc_module_name& name, ParamValues params)
      : Component(name, std::move(params)), to_buffer("to_buffer"), to_pe_array("to_pe_array") {}

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
