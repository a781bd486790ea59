// SCALE-Sim v2's COMPUTE_REPORT.csv: a header row (`LayerID, Total Cycles, Stall Cycles,
// Overall Util %, Mapping Efficiency %, Compute Util %,`, each line ending in a comma), then one
// row per layer. Layers are paired with the trace's by position: LayerID must count 0, 1, 2, ...
// The prediction is `Total Cycles`; the other columns are not read.
#pragma once

#include <string>

#include "traces/predictions/prediction.h"

namespace tessera {

[[nodiscard]] Predictions parse_scalesim_compute_report(const std::string& text,
                                                        const std::string& file);
[[nodiscard]] Predictions read_scalesim_compute_report(const std::string& path);

}  // namespace tessera
