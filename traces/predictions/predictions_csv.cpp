#include "traces/predictions/predictions_csv.h"

#include "sim/error.h"
#include "traces/predictions/prediction_text.h"
#include "traces/text_file.h"

namespace tessera {
namespace {

enum PredictionColumn : size_t {
  kPredictionLayer,
  kPredictionCycles,
  kPredictionEnergy,
  kPredictionDram
};
// The first two are required.
const std::vector<const char*> kPredictionColumns{"layer", "cycles", "energy_pj", "dram_bytes"};

}  // namespace

Predictions parse_predictions_csv(const std::string& text, const std::string& file) {
  Predictions out;
  out.file = file;
  out.matched_by_name = true;
  for (const auto& row : prediction_detail::read_named_csv(text, file, kPredictionColumns, 2)) {
    const auto at = [&](PredictionColumn c) {
      return SourceLocation{file, row.line, kPredictionColumns[c]};
    };
    LayerPrediction p;
    p.line = row.line;
    p.name = *row.fields[kPredictionLayer];
    if (p.name.empty()) throw InputError(at(kPredictionLayer), "missing layer name");
    p.cycles =
        prediction_detail::non_negative(*row.fields[kPredictionCycles], at(kPredictionCycles));
    for (const auto& [c, target] :
         {std::pair{kPredictionEnergy, &p.energy_pj}, {kPredictionDram, &p.dram_bytes}}) {
      if (row.fields[c] && !row.fields[c]->empty()) {
        *target = prediction_detail::non_negative(*row.fields[c], at(c));
      }
    }
    out.layers.push_back(std::move(p));
  }
  return out;
}

Predictions read_predictions_csv(const std::string& path) {
  return parse_predictions_csv(read_text_file(path, "predictions"), path);
}

}  // namespace tessera
