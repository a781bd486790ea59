#include "traces/predictions/prediction_sources.h"

#include "traces/predictions/predictions_csv.h"
#include "traces/predictions/scalesim_compute_report.h"
#include "traces/predictions/timeloop_stats.h"

namespace tessera {
namespace {

const PredictionSource kPredictionSources[] = {
    {"timeloop", "timeloop-model's stats file (timeloop-model.stats.txt) for a one-layer trace",
     read_timeloop_stats},
    {"scalesim", "SCALE-Sim v2's COMPUTE_REPORT.csv, layers in trace order",
     read_scalesim_compute_report},
    {"csv", "a CSV of layer,cycles[,energy_pj][,dram_bytes] matched by layer name",
     read_predictions_csv},
};

}  // namespace

const PredictionSource* find_prediction_source(std::string_view kind) {
  for (const PredictionSource& s : kPredictionSources) {
    if (s.kind == kind) return &s;
  }
  return nullptr;
}

std::string prediction_sources_help() {
  std::string text;
  for (const PredictionSource& s : kPredictionSources) {
    text += "  " + std::string(s.kind) + ": " + std::string(s.description) + "\n";
  }
  return text;
}

}  // namespace tessera
