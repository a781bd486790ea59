#include "sim/validation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/error.h"
#include "sim/rank_correlation.h"

namespace tessera {
namespace {

bool is_ideal(CycleCause c) {
  return c == CycleCause::compute || c == CycleCause::array_underuse;
}

std::optional<double> optional_error(const std::optional<double>& predicted, double simulated) {
  if (!predicted || simulated == 0) return std::nullopt;
  return relative_error(*predicted, simulated);
}

LayerComparison compare_layer(const LayerPrediction& p, const LayerResult& l) {
  if (l.cycles == 0) {
    throw SimulationError("layer '" + l.name + "' was simulated in 0 cycles: no relative error");
  }
  LayerComparison c;
  c.name = l.name;
  c.predicted_cycles = p.cycles;
  c.simulated_cycles = l.cycles;
  c.error = relative_error(p.cycles, static_cast<double>(l.cycles));
  c.cycles_by_cause = l.cycles_by_cause;
  c.gap = explain_gap(p.cycles, l.cycles, l.cycles_by_cause);
  c.predicted_energy_pj = p.energy_pj;
  c.simulated_energy_pj = l.energy_pj();
  c.energy_error = optional_error(p.energy_pj, c.simulated_energy_pj);
  c.predicted_dram_bytes = p.dram_bytes;
  c.simulated_dram_bytes = l.dram_bytes_read + l.dram_bytes_written;
  c.dram_bytes_error = optional_error(p.dram_bytes, static_cast<double>(c.simulated_dram_bytes));
  return c;
}

ValidationSummary summarize(const std::vector<LayerComparison>& layers) {
  ValidationSummary s;
  s.layers = layers.size();
  if (layers.empty()) return s;
  std::vector<double> predicted, simulated;
  for (const LayerComparison& l : layers) {
    s.mape += std::abs(l.error);
    s.bias += l.error;
    if (s.worst_layer.empty() || std::abs(l.error) > std::abs(s.worst_error)) {
      s.worst_layer = l.name;
      s.worst_error = l.error;
    }
    predicted.push_back(l.predicted_cycles);
    simulated.push_back(static_cast<double>(l.simulated_cycles));
  }
  s.mape /= static_cast<double>(layers.size());
  s.bias /= static_cast<double>(layers.size());
  s.spearman = spearman_rho(predicted, simulated);
  s.kendall = kendall_tau_b(predicted, simulated);
  return s;
}

}  // namespace

double relative_error(double predicted, double simulated) {
  if (simulated == 0) throw std::invalid_argument("relative error against 0");
  return (predicted - simulated) / simulated;
}

GapExplanation explain_gap(double predicted_cycles, uint64_t simulated_cycles,
                           const CycleCauses& causes) {
  GapExplanation g;
  g.gap_cycles = static_cast<double>(simulated_cycles) - predicted_cycles;
  for (size_t i = 0; i < kNumCycleCauses; ++i) {
    const auto cause = static_cast<CycleCause>(i);
    if (!is_ideal(cause) && causes[cause] > 0) g.causes.push_back({cause, causes[cause]});
  }
  // Largest first; equal ones in the order of CycleCause.
  std::stable_sort(g.causes.begin(), g.causes.end(),
                   [](const auto& a, const auto& b) { return a.cycles > b.cycles; });
  if (g.gap_cycles <= 0) return g;
  double covered = 0;
  while (g.accounting < g.causes.size() && covered < g.gap_cycles) {
    covered += static_cast<double>(g.causes[g.accounting++].cycles);
  }
  g.unexplained = std::max(0.0, g.gap_cycles - covered);
  return g;
}

Validation compare(const std::vector<LayerPrediction>& predicted, const RunResult& simulated) {
  if (predicted.size() != simulated.layers.size()) {
    throw std::invalid_argument("compare: one prediction per simulated layer");
  }
  Validation v;
  for (size_t i = 0; i < predicted.size(); ++i) {
    v.layers.push_back(compare_layer(predicted[i], simulated.layers[i]));
  }
  v.summary = summarize(v.layers);
  return v;
}

}  // namespace tessera
