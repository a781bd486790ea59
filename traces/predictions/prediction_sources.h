// The kinds of prediction file `tessera validate --against KIND FILE` reads. Adding a source is
// one reader function and one entry in kPredictionSources.
#pragma once

#include <string>
#include <string_view>

#include "traces/predictions/prediction.h"

namespace tessera {

struct PredictionSource {
  std::string_view kind;         // as given to --against
  std::string_view description;  // for --help
  Predictions (*read)(const std::string& path);
};

// nullptr for an unknown kind.
[[nodiscard]] const PredictionSource* find_prediction_source(std::string_view kind);

// "KIND: description" lines, one per source.
[[nodiscard]] std::string prediction_sources_help();

}  // namespace tessera
