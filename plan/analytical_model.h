// tessera's analytical estimate of a layer: what the tiled controller, the systolic array and the
// slotted buffer would do, counted in closed form per class of equal tiles instead of simulated.
// docs/model.md gives the equations.
//
// Levels: `compute` (the folds the mapping puts on the array), `buffer` (PE-side port traffic),
// `dram` (the loop nest's fetches and write-backs) and `crypto` (the same bytes, where an engine
// is configured). A layer takes as long as its slowest level.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plan/architecture_facts.h"
#include "plan/tiler.h"
#include "traces/layer.h"

namespace tessera::model {

// How accesses and level cycles are counted:
//  tessera:  as the simulator's modules count them; the buffer's PE-side read and write ports
//            each move `buffer_port_bytes_per_cycle`, per tile, fills use the memory-side port.
//  timeloop: as timeloop-model v3.0.3: every access of a level (PE reads and updates, fills from
//            DRAM) shares one bandwidth, averaged over the layer.
enum class Accounting { tessera, timeloop };
[[nodiscard]] const char* to_string(Accounting a);

struct Options {
  Accounting accounting = Accounting::tessera;
  bool fill_drain = false;  // add each fold's fill and drain to the compute cycles
};

// The actions the energy table prices, in the units the modules count them.
struct Actions {
  int64_t macs = 0;
  int64_t idle_pe_cycles = 0;  // PE-cycles of a computing array without a MAC
  int64_t buffer_read_words = 0, buffer_write_words = 0;  // 64-bit words
  int64_t dram_read_bytes = 0, dram_write_bytes = 0;
};

struct LevelCycles {
  std::string level;  // compute, buffer, dram, crypto
  int64_t cycles = 0;
  int64_t bytes = 0;  // the traffic the level's cycles come from (0 for compute)
};

struct LayerEstimate {
  std::string name;
  TilePlan plan;
  int64_t tiles = 0;
  int64_t cycles = 0;
  std::string binding;              // the level whose cycles the layer takes (the first on ties)
  std::vector<LevelCycles> levels;  // compute first
  Actions actions;
};

// One layer under its plan (plan_layer's). Dense layers only.
[[nodiscard]] LayerEstimate estimate_layer(const Layer& layer, const TilePlan& plan,
                                           const ArchitectureFacts& facts, const Options& options);

// Every layer of a trace, each planned as the tiled controller plans it. Throws InputError
// (naming the trace file, the layer's line and the field) for a layer the model cannot estimate
// or a mapping the tiler rejects.
[[nodiscard]] std::vector<LayerEstimate> estimate_trace(const Trace& trace,
                                                        const ArchitectureFacts& facts,
                                                        const Options& options);

// Cycles to move `bytes` at `bytes_per_cycle` (0: unlimited), rounded up; a quotient within a
// relative 1e-12 of a whole number counts as that number, so 25.6 B/cycle divides exactly.
[[nodiscard]] int64_t transfer_cycles(int64_t bytes, double bytes_per_cycle);

}  // namespace tessera::model
