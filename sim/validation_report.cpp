#include "sim/validation_report.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/atomic_file.h"
#include "sim/numbers.h"
#include "sim/text_format.h"

namespace tessera {
namespace {

using nlohmann::ordered_json;

// At most this many causes of a layer's gap are named in the table; the JSON lists all.
constexpr size_t kTableCauses = 3;

std::string percent(double fraction) {
  return fixed(fraction * 100, 2);
}

// A whole number of cycles or bytes prints without a fraction, in JSON as in text.
bool is_whole(double v) {
  return v == std::floor(v) && std::abs(v) < 9e15;
}
std::string number_text(double v) {
  return is_whole(v) ? std::to_string(static_cast<int64_t>(v)) : shortest_text(v);
}
ordered_json number_json(double v) {
  return is_whole(v) ? ordered_json(static_cast<int64_t>(v)) : ordered_json(v);
}
ordered_json optional_json(const std::optional<double>& v) {
  return v ? number_json(*v) : ordered_json(nullptr);
}

std::string cause_name(CycleCause c) {
  return std::string(kCycleCauseNames[static_cast<size_t>(c)]);
}

// The causes that account for the gap, each with the part of the gap it covers (the last one
// covers what the larger ones left).
std::string gap_text(const LayerComparison& l) {
  const GapExplanation& g = l.gap;
  if (g.gap_cycles <= 0) return "-";
  if (l.cycles_by_cause.total() == 0) return "(no cycle causes recorded)";
  std::string text;
  double left = g.gap_cycles;
  for (size_t i = 0; i < g.accounting && i < kTableCauses; ++i) {
    const double part = std::min(left, static_cast<double>(g.causes[i].cycles));
    left -= part;
    text += (text.empty() ? "" : ", ") + cause_name(g.causes[i].cause) + " " +
            percent(part / g.gap_cycles) + "%";
  }
  if (g.accounting > kTableCauses) text += ", ...";
  if (g.unexplained > 0) {
    text += (text.empty() ? "" : ", ") + std::string("unexplained ") +
            percent(g.unexplained / g.gap_cycles) + "%";
  }
  return text;
}

std::string correlation_text(const std::optional<double>& v) {
  return v ? fixed(*v, 4) : "n/a (needs two or more layers whose values differ)";
}

std::string optional_text(const std::optional<double>& v) {
  return v ? number_text(*v) : "";
}

}  // namespace

std::string validation_table(const Validation& v) {
  std::vector<std::vector<std::string>> rows{
      {"layer", "predicted", "simulated", "error %", "causes of the cycles above the prediction"}};
  for (const LayerComparison& l : v.layers) {
    rows.push_back({printable(l.name), number_text(l.predicted_cycles),
                    std::to_string(l.simulated_cycles), percent(l.error), gap_text(l)});
  }
  std::string out = table(rows, {1, true, ""});
  const ValidationSummary& s = v.summary;
  out += "\nerror = (predicted - simulated) / simulated cycles\n";
  out += table(
      {{"layers", std::to_string(s.layers)},
       {"mean absolute percentage error", percent(s.mape) + " %"},
       {"bias (mean signed error)", percent(s.bias) + " %"},
       {"worst layer",
        s.layers == 0 ? "n/a" : printable(s.worst_layer) + " (" + percent(s.worst_error) + " %)"},
       {"Spearman rank correlation", correlation_text(s.spearman)},
       {"Kendall tau-b", correlation_text(s.kendall)}},
      {2, false, ""});
  return out;
}

std::string validation_json(const Validation& v) {
  ordered_json layers = ordered_json::array();
  for (const LayerComparison& l : v.layers) {
    ordered_json causes = ordered_json::object();
    for (size_t i = 0; i < kNumCycleCauses; ++i) {
      causes[std::string(kCycleCauseNames[i])] = l.cycles_by_cause.cycles[i];
    }
    ordered_json gap_causes = ordered_json::array();
    for (size_t i = 0; i < l.gap.causes.size(); ++i) {
      gap_causes.push_back({{"cause", cause_name(l.gap.causes[i].cause)},
                            {"cycles", l.gap.causes[i].cycles},
                            {"accounts_for_gap", i < l.gap.accounting}});
    }
    ordered_json layer = {{"name", l.name},
                          {"predicted_cycles", number_json(l.predicted_cycles)},
                          {"simulated_cycles", l.simulated_cycles},
                          {"error", l.error},
                          {"cycles_by_cause", causes},
                          {"gap_cycles", number_json(l.gap.gap_cycles)},
                          {"gap_causes", gap_causes},
                          {"unexplained_cycles", number_json(l.gap.unexplained)}};
    if (l.predicted_energy_pj) {
      layer["predicted_energy_pj"] = number_json(*l.predicted_energy_pj);
      layer["simulated_energy_pj"] = l.simulated_energy_pj;
      layer["energy_error"] = optional_json(l.energy_error);
    }
    if (l.predicted_dram_bytes) {
      layer["predicted_dram_bytes"] = number_json(*l.predicted_dram_bytes);
      layer["simulated_dram_bytes"] = l.simulated_dram_bytes;
      layer["dram_bytes_error"] = optional_json(l.dram_bytes_error);
    }
    layers.push_back(layer);
  }
  const ValidationSummary& s = v.summary;
  const ordered_json summary = {
      {"layers", s.layers},
      {"mape", s.mape},
      {"bias", s.bias},
      {"worst_layer", s.layers == 0 ? ordered_json(nullptr) : ordered_json(s.worst_layer)},
      {"worst_error", s.layers == 0 ? ordered_json(nullptr) : ordered_json(s.worst_error)},
      {"spearman", optional_json(s.spearman)},
      {"kendall", optional_json(s.kendall)}};
  const ordered_json j = {{"error_definition", "(predicted - simulated) / simulated"},
                          {"layers", layers},
                          {"summary", summary}};
  // Replacing invalid UTF-8 (a layer name can be any bytes) keeps the report writable.
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

std::string validation_csv(const Validation& v) {
  std::string out =
      "layer,predicted_cycles,simulated_cycles,error,predicted_energy_pj,simulated_energy_pj,"
      "energy_error,predicted_dram_bytes,simulated_dram_bytes,dram_bytes_error,gap_cycles,"
      "gap_accounted_by,unexplained_cycles";
  for (const std::string_view name : kCycleCauseNames) out += "," + std::string(name) + "_cycles";
  out += "\n";
  for (const LayerComparison& l : v.layers) {
    std::string accounted_by;
    for (size_t i = 0; i < l.gap.accounting; ++i) {
      accounted_by += (i > 0 ? ";" : "") + cause_name(l.gap.causes[i].cause);
    }
    out += csv_field(l.name) + "," + number_text(l.predicted_cycles) + "," +
           std::to_string(l.simulated_cycles) + "," + shortest_text(l.error) + "," +
           optional_text(l.predicted_energy_pj) + "," + shortest_text(l.simulated_energy_pj) + "," +
           optional_text(l.energy_error) + "," + optional_text(l.predicted_dram_bytes) + "," +
           std::to_string(l.simulated_dram_bytes) + "," + optional_text(l.dram_bytes_error) + "," +
           number_text(l.gap.gap_cycles) + "," + accounted_by + "," +
           number_text(l.gap.unexplained);
    for (const uint64_t c : l.cycles_by_cause.cycles) out += "," + std::to_string(c);
    out += "\n";
  }
  return out;
}

void write_validation_reports(const Validation& v, const std::optional<std::string>& json_path,
                              const std::optional<std::string>& csv_path) {
  if (json_path) write_file_atomically(*json_path, validation_json(v));
  if (csv_path) write_file_atomically(*csv_path, validation_csv(v));
}

}  // namespace tessera
