// A user's own predictions as CSV: a header row naming the columns `layer` and `cycles` and,
// optionally, `energy_pj` and `dram_bytes`, in any order; then one row per layer, matched to the
// trace's layers by name. An empty optional cell means no prediction for that layer.
#pragma once

#include <string>

#include "traces/predictions/prediction.h"

namespace tessera {

[[nodiscard]] Predictions parse_predictions_csv(const std::string& text, const std::string& file);
[[nodiscard]] Predictions read_predictions_csv(const std::string& path);

}  // namespace tessera
