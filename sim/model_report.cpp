#include "sim/model_report.h"

#include "sim/area.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "sim/area.h"
#include "sim/atomic_file.h"
#include "sim/numbers.h"
#include "sim/text_format.h"

namespace tessera {
namespace {

double price(const EnergyTable& table, const std::string& component, const std::string& action,
             int64_t count) {
  const auto pj = table.pj(component, action);
  if (!pj) {
    throw InputError(table.where(component, action),
                     "the energy table has no entry for " + component + "." + action);
  }
  return *pj * static_cast<double>(count);
}

int64_t dram_bytes(const model::LayerEstimate& l) {
  return l.actions.dram_read_bytes + l.actions.dram_write_bytes;
}

// The levels every layer reports, in first-seen order.
std::vector<std::string> level_names(const ModelReport& r) {
  std::vector<std::string> names;
  for (const auto& l : r.layers) {
    for (const auto& level : l.levels) {
      if (std::find(names.begin(), names.end(), level.level) == names.end()) {
        names.push_back(level.level);
      }
    }
  }
  return names;
}

// Right-aligned in `width` columns, with at least one space before it.
std::string pad(std::string s, size_t width) {
  s.insert(0, s.size() < width ? width - s.size() : 1, ' ');
  return s;
}

}  // namespace

std::vector<double> model_energy(const EnergyTable& table,
                                 const std::vector<model::LayerEstimate>& layers) {
  std::vector<double> out;
  out.reserve(layers.size());
  for (const auto& l : layers) {
    const model::Actions& a = l.actions;
    out.push_back(price(table, "pe_array", "mac", a.macs) +
                  price(table, "pe_array", "idle_pe_cycle", a.idle_pe_cycles) +
                  price(table, "buffer", "read_word", a.buffer_read_words) +
                  price(table, "buffer", "write_word", a.buffer_write_words) +
                  price(table, "dram", "read_byte", a.dram_read_bytes) +
                  price(table, "dram", "write_byte", a.dram_write_bytes));
  }
  return out;
}

std::string model_summary_text(const ModelReport& r) {
  std::string s = "tessera model: " + r.trace_name + " (" + to_string(r.accounting) +
                  " accounting" + (r.fill_drain ? ", with fill and drain" : "") + ")\n";
  s += pad("layer", 24) + pad("cycles", 14) + pad("bound by", 10) + pad("energy_uJ", 16) +
       pad("dram_bytes", 14) + "\n";
  int64_t cycles = 0, bytes = 0;
  double energy = 0;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const auto& l = r.layers[i];
    s += pad(l.name, 24) + pad(std::to_string(l.cycles), 14) + pad(l.binding, 10) +
         pad(microjoules(r.energy_pj[i]), 16) + pad(std::to_string(dram_bytes(l)), 14) + "\n";
    cycles += l.cycles;
    bytes += dram_bytes(l);
    energy += r.energy_pj[i];
  }
  s += pad("total", 24) + pad(std::to_string(cycles), 14) + pad("", 10) +
       pad(microjoules(energy), 16) + pad(std::to_string(bytes), 14) + "\n";
  s += "area: " + fixed(total_area_mm2(r.area_mm2), 4) + " mm^2 (40 nm; DRAM off chip)\n";
  return s;
}

std::string model_json(const ModelReport& r) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["schema_version"] = 1;
  j["trace"] = r.trace_name;
  j["trace_file"] = r.trace_file;
  j["arch_file"] = r.arch_file;
  j["accounting"] = to_string(r.accounting);
  j["fill_drain"] = r.fill_drain;
  ordered_json layers = ordered_json::array();
  int64_t cycles = 0, bytes = 0, macs = 0;
  double energy = 0;
  std::map<std::string, int64_t> by_level;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const auto& l = r.layers[i];
    ordered_json o;
    o["name"] = l.name;
    o["cycles"] = l.cycles;
    o["bound_by"] = l.binding;
    ordered_json levels = ordered_json::object();
    ordered_json traffic = ordered_json::object();
    for (const auto& level : l.levels) {
      levels[level.level] = level.cycles;
      by_level[level.level] += level.cycles;
      if (level.level != "compute") traffic[level.level] = level.bytes;
    }
    o["cycles_by_level"] = levels;
    o["bytes_by_level"] = traffic;
    o["energy_pj"] = r.energy_pj[i];
    o["dram_bytes"] = dram_bytes(l);
    o["dram_bytes_read"] = l.actions.dram_read_bytes;
    o["dram_bytes_written"] = l.actions.dram_write_bytes;
    o["macs"] = l.actions.macs;
    o["buffer_read_words"] = l.actions.buffer_read_words;
    o["buffer_write_words"] = l.actions.buffer_write_words;
    o["tiles"] = l.tiles;
    o["buffer_tile"] = {{"m", l.plan.tile[0]}, {"n", l.plan.tile[1]}, {"k", l.plan.tile[2]}};
    o["loop_order"] = {to_string(l.plan.order[0]), to_string(l.plan.order[1]),
                       to_string(l.plan.order[2])};
    o["dataflow"] = to_string(l.plan.dataflow);
    layers.push_back(o);
    cycles += l.cycles;
    bytes += dram_bytes(l);
    macs += l.actions.macs;
    energy += r.energy_pj[i];
  }
  j["layers"] = layers;
  ordered_json levels = ordered_json::object();
  for (const std::string& name : level_names(r)) levels[name] = by_level[name];
  j["totals"] = {{"cycles", cycles},    {"cycles_by_level", levels},
                 {"energy_pj", energy}, {"dram_bytes", bytes},
                 {"macs", macs},        {"area_mm2", total_area_mm2(r.area_mm2)}};
  ordered_json areas = ordered_json::object();
  for (const auto& [family, mm2] : r.area_mm2) areas[family] = mm2;
  j["area_mm2_by_component"] = areas;
  return j.dump(2) + "\n";
}

std::string model_csv(const ModelReport& r) {
  const std::vector<std::string> levels = level_names(r);
  std::string s = "name,cycles,bound_by";
  for (const auto& name : levels) s += "," + name + "_cycles";
  s += ",energy_pj,dram_bytes,macs\n";
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const auto& l = r.layers[i];
    s += csv_field(l.name) + "," + std::to_string(l.cycles) + "," + l.binding;
    for (const auto& name : levels) {
      const auto it = std::find_if(l.levels.begin(), l.levels.end(),
                                   [&](const model::LevelCycles& c) { return c.level == name; });
      s += "," + std::to_string(it == l.levels.end() ? 0 : it->cycles);
    }
    s += "," + shortest_text(r.energy_pj[i]) + "," + std::to_string(dram_bytes(l)) + "," +
         std::to_string(l.actions.macs) + "\n";
  }
  return s;
}

void write_model_reports(const ModelReport& r, const std::optional<std::string>& json_path,
                         const std::optional<std::string>& csv_path) {
  // Both temporary files exist before either report appears: a destination that cannot be
  // written leaves neither report behind.
  std::optional<AtomicFile> json, csv;
  if (json_path) json.emplace(*json_path);
  if (csv_path) csv.emplace(*csv_path);
  if (json) json->append(model_json(r));
  if (csv) csv->append(model_csv(r));
  if (json) json->commit();
  if (csv) csv->commit();
}

}  // namespace tessera
