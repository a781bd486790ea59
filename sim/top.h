// The top level: builds the modules an architecture names, binds their sockets, replays a trace
// through them and collects per-layer and per-component results with energy.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/controller/interface.h"
#include "models/crypto/attack.h"
#include "sim/arch_config.h"
#include "sim/energy_table.h"
#include "sim/result.h"
#include "sim/timeline/timeline.h"
#include "traces/layer.h"

namespace tessera {

struct RunOptions {
  bool functional = false;
  uint64_t seed = 1;
  std::vector<Attack> attacks;  // on protected off-chip data (needs functional)
  // Told once the trace is known (a TraceMaker makes it during the run): its layer count.
  std::function<void(size_t layers)> on_trace;
  // Told after each layer: how many layers are done and the cycles simulated so far.
  std::function<void(size_t layers_done, uint64_t cycles)> on_layer_done;
  // Told after each step (tile) of a layer: steps done of the layer's total.
  std::function<void(uint64_t steps_done, uint64_t steps)> on_step;
  // When set, what the modules do is recorded for the layers `timeline_layers` selects (by
  // index; all when empty), up to `timeline_limit` events.
  std::shared_ptr<TimelineWriter> timeline;
  std::vector<bool> timeline_layers;
  uint64_t timeline_limit = 2'000'000;
};

// What the controller plans with (array, buffer, DRAM), read from the modules the architecture
// names. Elaborates them, so it cannot be combined with simulate() in one process.
[[nodiscard]] ArchitectureFacts architecture_facts(const ArchConfig& arch);

// Elaborates and simulates. SystemC allows this once per process. Throws InputError for a
// workload the architecture cannot run and SimulationError when the simulation finds an error.
[[nodiscard]] RunResult simulate(const Trace& trace, const ArchConfig& arch,
                                 const EnergyTable& energy, const RunOptions& options);

// The same for a trace made once the modules are elaborated, from what the controller plans
// with: a trace planned for this very architecture (candidate schedules, say). The trace must
// outlive the call; an exception `make_trace` throws leaves before anything is simulated.
using TraceMaker = std::function<const Trace&(const ArchitectureFacts&)>;
[[nodiscard]] RunResult simulate(const TraceMaker& make_trace, const ArchConfig& arch,
                                 const EnergyTable& energy, const RunOptions& options);

}  // namespace tessera
