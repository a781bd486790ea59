#include "traces/predictions/prediction.h"

#include <map>

#include "sim/error.h"

namespace tessera {
namespace {

std::string trace_text(const Trace& trace) {
  return "trace '" + trace.name + "' (" + trace.file + ")";
}

std::vector<LayerPrediction> match_by_position(const Predictions& p, const Trace& trace) {
  if (p.layers.size() != trace.layers.size()) {
    throw InputError({p.file, 0, ""}, "predicts " + std::to_string(p.layers.size()) +
                                          " layer(s), but " + trace_text(trace) + " has " +
                                          std::to_string(trace.layers.size()));
  }
  std::vector<LayerPrediction> out = p.layers;
  for (size_t i = 0; i < out.size(); ++i) out[i].name = trace.layers[i].name;
  return out;
}

std::vector<LayerPrediction> match_by_name(const Predictions& p, const Trace& trace) {
  std::map<std::string, const LayerPrediction*> by_name;
  for (const LayerPrediction& l : p.layers) {
    const auto [it, added] = by_name.emplace(l.name, &l);
    if (!added) {
      throw InputError({p.file, l.line, "layer"}, "layer '" + l.name +
                                                      "' is predicted twice (first on line " +
                                                      std::to_string(it->second->line) + ")");
    }
  }
  std::vector<LayerPrediction> out;
  for (const Layer& layer : trace.layers) {
    const auto it = by_name.find(layer.name);
    if (it == by_name.end()) {
      throw InputError({p.file, 0, "layer"},
                       "no prediction for layer '" + layer.name + "' of " + trace_text(trace));
    }
    out.push_back(*it->second);
    by_name.erase(it);
  }
  if (!by_name.empty()) {
    // Report the extra row that comes first in the file.
    const LayerPrediction* first = by_name.begin()->second;
    for (const auto& [name, l] : by_name) {
      if (l->line < first->line) first = l;
    }
    throw InputError({p.file, first->line, "layer"},
                     "layer '" + first->name + "' is not in " + trace_text(trace));
  }
  return out;
}

}  // namespace

std::vector<LayerPrediction> match_to_trace(const Predictions& predictions, const Trace& trace) {
  return predictions.matched_by_name ? match_by_name(predictions, trace)
                                     : match_by_position(predictions, trace);
}

}  // namespace tessera
