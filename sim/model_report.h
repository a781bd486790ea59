// The reports of `tessera model`: each layer's estimate priced with the energy table, as a
// summary table, JSON and CSV (schema in sim/REPORTS.md, "tessera model").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plan/analytical_model.h"
#include "sim/energy_table.h"

namespace tessera {

struct ModelReport {
  std::string trace_name, trace_file, arch_file;
  model::Accounting accounting = model::Accounting::tessera;
  bool fill_drain = false;
  std::vector<model::LayerEstimate> layers;
  std::vector<double> energy_pj;           // per layer
  std::map<std::string, double> area_mm2;  // per module family (sim/area.h)
};

// Prices every layer's actions. Throws InputError, naming the table, for a missing entry.
[[nodiscard]] std::vector<double> model_energy(const EnergyTable& table,
                                               const std::vector<model::LayerEstimate>& layers);

[[nodiscard]] std::string model_summary_text(const ModelReport& r);
[[nodiscard]] std::string model_json(const ModelReport& r);
[[nodiscard]] std::string model_csv(const ModelReport& r);

// Writes the reports asked for, each atomically; all are made before any is written.
void write_model_reports(const ModelReport& r, const std::optional<std::string>& json_path,
                         const std::optional<std::string>& csv_path);

}  // namespace tessera
