// A cost model's or scheduler's per-layer predictions against simulated results: the error of
// each layer, what the simulation spent the cycles above the prediction on, and how well the
// predictions track the simulation over all layers. Plain data in, plain data out.
//
// Sign convention (sim/REPORTS.md): error = (predicted - simulated) / simulated, as a fraction.
// Negative: the prediction is optimistic (fewer cycles, less energy or traffic than simulated).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/cycle_causes.h"
#include "sim/result.h"
#include "traces/predictions/prediction.h"

namespace tessera {

// (predicted - simulated) / simulated; simulated must not be 0.
[[nodiscard]] double relative_error(double predicted, double simulated);

// The cycles a throughput-style prediction leaves out, by the layer's non-ideal causes (every
// cause but compute and array_underuse).
struct GapExplanation {
  double gap_cycles = 0;  // simulated - predicted; nothing to explain unless positive
  struct Part {
    CycleCause cause;
    uint64_t cycles;
  };
  std::vector<Part> causes;  // the non-ideal causes with cycles, largest first
  size_t accounting = 0;     // the gap's causes: the first `accounting`, the fewest that add up
                             // to the gap (all of them when even they do not)
  double unexplained = 0;    // gap beyond all non-ideal causes: the prediction is below even the
                             // layer's compute + array_underuse cycles
};
[[nodiscard]] GapExplanation explain_gap(double predicted_cycles, uint64_t simulated_cycles,
                                         const CycleCauses& causes);

struct LayerComparison {
  std::string name;
  double predicted_cycles = 0;
  uint64_t simulated_cycles = 0;
  double error = 0;
  CycleCauses cycles_by_cause;
  GapExplanation gap;
  // Where the prediction has them; an error only where the simulated value is not 0.
  std::optional<double> predicted_energy_pj, energy_error;
  double simulated_energy_pj = 0;
  std::optional<double> predicted_dram_bytes, dram_bytes_error;
  uint64_t simulated_dram_bytes = 0;  // read plus written
};

// Over all layers' cycle errors.
struct ValidationSummary {
  size_t layers = 0;
  double mape = 0;          // mean of |error|
  double bias = 0;          // mean of error
  std::string worst_layer;  // largest |error|, the first such layer in trace order
  double worst_error = 0;
  // Of predicted against simulated cycles; nothing for fewer than two layers or all-equal values.
  std::optional<double> spearman, kendall;
};

struct Validation {
  std::vector<LayerComparison> layers;
  ValidationSummary summary;
};

// `predicted` in the simulated layers' order, one each (as match_to_trace gives them). Throws
// SimulationError for a layer simulated in 0 cycles (its relative error has no meaning).
[[nodiscard]] Validation compare(const std::vector<LayerPrediction>& predicted,
                                 const RunResult& simulated);

}  // namespace tessera
