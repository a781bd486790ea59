// What a scheduler or cost model predicted for a trace's layers, read from its own output file,
// and how those predictions are paired with the trace's layers. `tessera validate` compares them
// with simulated cycles (sim/validation.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "traces/layer.h"

namespace tessera {

struct LayerPrediction {
  std::string name;  // the layer's name; empty where the file identifies layers by position
  int line = 0;      // the line of the file it came from, for errors
  double cycles = 0;
  std::optional<double> energy_pj;
  std::optional<double> dram_bytes;  // read plus written
};

struct Predictions {
  std::string file;
  bool matched_by_name = false;  // otherwise by position: the file's first layer is the trace's
  std::vector<LayerPrediction> layers;
};

// The predictions in the trace's layer order, one per layer. Throws InputError naming the
// predictions file: a trace layer without a prediction, a prediction for no trace layer, or (by
// position) a different number of layers.
[[nodiscard]] std::vector<LayerPrediction> match_to_trace(const Predictions& predictions,
                                                          const Trace& trace);

}  // namespace tessera
