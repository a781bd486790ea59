#include "sim/area.h"

#include <cmath>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/error.h"
#include "sim/numbers.h"
#include "sim/text_format.h"
#include "traces/yaml_util.h"

namespace tessera {

namespace {

constexpr int kAreaFileVersion = 1;
constexpr const char* kBuiltinAreaFile = "data/area/area_40nm.yaml (built in)";
constexpr double kUm2PerMm2 = 1e6;

// Every figure the model uses; a table must give each, and nothing else.
const std::vector<std::string>& figure_keys() {
  static const std::vector<std::string> keys{"sram_bit_um2",
                                             "sram_array_efficiency",
                                             "nand2_um2",
                                             "nand2_node_nm",
                                             "node_nm",
                                             "aes_gcm_pipelined_kgates",
                                             "aes_gcm_parallel_kgates",
                                             "multiplier_32b_um2",
                                             "adder_32b_um2",
                                             "register_bit_um2",
                                             "comparator_32b_um2",
                                             "pe_multiplier_bits",
                                             "pe_accumulator_bits",
                                             "pe_register_bits",
                                             "vector_lane_bits"};
  return keys;
}

bool known(const std::string& key) {
  for (const auto& k : figure_keys()) {
    if (k == key) return true;
  }
  return false;
}

}  // namespace

AreaFigures AreaFigures::parse(const std::string& text, const std::string& file) {
  const yaml::Source src{file};
  const YAML::Node root = yaml::parse(text, file);
  if (!root.IsMap())
    throw InputError({file, 0, ""}, "expected a map with tessera_area and figures");
  yaml::require_known_keys(root, {"tessera_area", "name", "figures"}, src, "");
  if (yaml::to_int(root["tessera_area"], src, "tessera_area") != kAreaFileVersion) {
    throw InputError(src.at(root["tessera_area"], "tessera_area"),
                     "expected version " + std::to_string(kAreaFileVersion));
  }
  AreaFigures t;
  t.name_ = yaml::to_string(root["name"], src, "name");
  const YAML::Node figures = root["figures"];
  if (!figures.IsMap()) throw InputError(src.at(figures, "figures"), "expected a map of figures");
  yaml::require_unique_keys(figures, src, "figures");
  for (const auto& kv : figures) {
    const std::string key = kv.first.Scalar();
    const std::string field = "figures." + key;
    if (!known(key)) throw InputError(src.at(kv.first, field), "unknown figure '" + key + "'");
    const YAML::Node& f = kv.second;
    if (!f.IsMap()) {
      throw InputError(src.at(f, field), "expected {value: ..., unit: \"...\", source: \"...\"}");
    }
    yaml::require_known_keys(f, {"value", "unit", "source"}, src, field);
    Figure fig;
    fig.line = src.line(kv.first);
    const std::string v = yaml::scalar_text(f["value"], src, field + ".value");
    const std::optional<double> parsed = parse_real(v);
    if (!parsed || !(*parsed > 0)) {
      throw InputError(src.at(f["value"], field + ".value"),
                       "expected a positive number, got '" + v + "'");
    }
    fig.value = *parsed;
    fig.unit = yaml::to_string(f["unit"], src, field + ".unit");
    fig.source = yaml::to_string(f["source"], src, field + ".source");
    if (fig.source.empty())
      throw InputError(src.at(f, field + ".source"), "every figure needs its source");
    t.figures_[key] = fig;
  }
  for (const auto& k : figure_keys()) {
    if (t.figures_.count(k) == 0) throw InputError(src.at(figures, "figures." + k), "missing");
  }
  if (t.value("sram_array_efficiency") > 1) {
    throw InputError(
        {file, t.figures_.at("sram_array_efficiency").line, "figures.sram_array_efficiency.value"},
        "a fraction: at most 1");
  }
  return t;
}

AreaFigures AreaFigures::builtin() {
  static const AreaFigures table = parse(std::string(default_area_yaml()), kBuiltinAreaFile);
  return table;
}

double AreaFigures::gate_um2() const {
  const double shrink = value("node_nm") / value("nand2_node_nm");
  return value("nand2_um2") * shrink * shrink;
}

double AreaFigures::sram_mm2_per_kib() const {
  return 8.0 * 1024.0 * value("sram_bit_um2") / value("sram_array_efficiency") / kUm2PerMm2;
}

double AreaFigures::pe_mm2() const {
  const double mult_scale = value("pe_multiplier_bits") / 32.0;
  const double um2 = value("multiplier_32b_um2") * mult_scale * mult_scale +
                     value("adder_32b_um2") * value("pe_accumulator_bits") / 32.0 +
                     value("register_bit_um2") * value("pe_register_bits");
  return um2 / kUm2PerMm2;
}

double AreaFigures::vector_lane_mm2() const {
  const double bits = value("vector_lane_bits"), scale = bits / 32.0;
  const double um2 = value("multiplier_32b_um2") * scale * scale +
                     (value("adder_32b_um2") + value("comparator_32b_um2")) * scale +
                     value("register_bit_um2") * bits;
  return um2 / kUm2PerMm2;
}

std::optional<double> AreaFigures::engine_mm2(const std::string& kind) const {
  const auto it = figures_.find("aes_gcm_" + kind + "_kgates");
  if (it == figures_.end()) return std::nullopt;
  return it->second.value * 1000.0 * gate_um2() / kUm2PerMm2;
}

int64_t crypto_engine_count(const ArchConfig& arch) {
  const ModuleConfig& crypto = arch.module("crypto");
  if (crypto.impl != "aes_gcm") return 0;
  // A shared pool holds the per-tensor counts together (models/crypto/aes_gcm.cpp).
  return crypto.params.get_int("inputs_engines") + crypto.params.get_int("weights_engines") +
         crypto.params.get_int("outputs_engines");
}

std::map<std::string, double> component_area_mm2(const ArchConfig& arch,
                                                 const AreaFigures& figures) {
  std::map<std::string, double> area;
  for (const ModuleConfig& m : arch.modules) {
    double mm2 = 0;
    const ParamValues& p = m.params;
    if (m.family == "buffer" && p.declares("capacity_kib")) {
      mm2 = static_cast<double>(p.get_int("capacity_kib")) * figures.sram_mm2_per_kib();
    } else if (m.family == "pe_array" && p.declares("rows") && p.declares("cols")) {
      mm2 = static_cast<double>(p.get_int("rows") * p.get_int("cols")) * figures.pe_mm2();
    } else if (m.family == "crypto" && m.impl == "aes_gcm") {
      // An engine kind without a figure (serial) is reported as 0: not modelled.
      mm2 = static_cast<double>(crypto_engine_count(arch)) *
            figures.engine_mm2(p.get_string("engine")).value_or(0.0);
    } else if (m.family == "vector" && p.declares("lanes")) {
      mm2 = static_cast<double>(p.get_int("lanes")) * figures.vector_lane_mm2();
    }
    area[m.family] = mm2;
  }
  return area;
}

double total_area_mm2(const std::map<std::string, double>& areas) {
  double sum = 0;
  for (const auto& [family, mm2] : areas) sum += mm2;
  return sum;
}

BudgetSplit buffer_for_budget(const ArchConfig& arch, const AreaFigures& figures, double budget_mm2,
                              const std::string& option) {
  const ModuleConfig& crypto = arch.module("crypto");
  if (crypto.impl == "aes_gcm" && !figures.engine_mm2(crypto.params.get_string("engine"))) {
    throw InputError({option, 0, ""}, "the '" + crypto.params.get_string("engine") +
                                          "' AES-GCM engine has no area figure (" + figures.name() +
                                          ")");
  }
  if (!arch.module("buffer").params.declares("capacity_kib")) {
    throw InputError({option, 0, ""}, "the buffer implementation has no capacity_kib to size");
  }
  const std::map<std::string, double> areas = component_area_mm2(arch, figures);
  BudgetSplit s;
  s.budget_mm2 = budget_mm2;
  s.fixed_mm2 = total_area_mm2(areas) - areas.at("buffer");
  s.engines_mm2 = areas.at("crypto");
  const double left = budget_mm2 - s.fixed_mm2;
  const double per_kib = figures.sram_mm2_per_kib();
  // A hair of slack: a budget computed as the exact sum must give its own capacity back.
  s.buffer_kib = left > 0 ? static_cast<int64_t>(std::floor(left / per_kib * (1 + 1e-12))) : 0;
  if (s.buffer_kib < 1) {
    throw InputError({option, 0, ""},
                     shortest_text(budget_mm2) + " mm^2 does not cover the fixed parts (" +
                         fixed(s.fixed_mm2, 4) + " mm^2, of which " +
                         std::to_string(crypto_engine_count(arch)) + " AES-GCM engines " +
                         fixed(s.engines_mm2, 4) + " mm^2) and 1 KiB of buffer (" +
                         fixed(per_kib, 4) + " mm^2)");
  }
  s.buffer_mm2 = static_cast<double>(s.buffer_kib) * per_kib;
  return s;
}

}  // namespace tessera
