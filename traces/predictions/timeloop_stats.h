// timeloop-model's stats file (timeloop-model.stats.txt, as Timeloop v3.0.3 writes it): one
// layer's predicted cycles (the summary's `Cycles:` line), energy (`Energy: X uJ`) and, where the
// per-level statistics are there, DRAM traffic: the outermost storage level's scalar reads, fills
// and updates over all its instances, times its word bits / 8.
#pragma once

#include <string>

#include "traces/predictions/prediction.h"

namespace tessera {

[[nodiscard]] Predictions parse_timeloop_stats(const std::string& text, const std::string& file);
[[nodiscard]] Predictions read_timeloop_stats(const std::string& path);

}  // namespace tessera
