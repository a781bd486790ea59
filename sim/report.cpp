#include "sim/report.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/atomic_file.h"
#include "sim/numbers.h"
#include "sim/text_format.h"

namespace tessera {

namespace {

constexpr int kSchemaVersion = 1;

double ratio(double num, double den) {
  return den > 0 ? num / den : 0;
}

struct Totals {
  uint64_t cycles = 0, macs = 0, dram_read = 0, dram_written = 0;
  double energy_pj = 0, utilization = 0;
  CycleCauses causes;
};

Totals totals_of(const RunResult& r) {
  Totals t;
  t.cycles = r.cycles();
  t.macs = r.macs();
  t.energy_pj = r.energy_pj();
  t.utilization = ratio(static_cast<double>(t.macs),
                        static_cast<double>(t.cycles) * static_cast<double>(r.pes));
  for (const auto& l : r.layers) {
    t.dram_read += l.dram_bytes_read;
    t.dram_written += l.dram_bytes_written;
    t.causes += l.cycles_by_cause;
  }
  return t;
}

// Component names in report order: the run's components, then any that only some layer has.
std::vector<std::string> component_names(const RunResult& r) {
  std::vector<std::string> names;
  auto add = [&](const std::string& n) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  for (const auto& c : r.components) add(c.name);
  for (const auto& l : r.layers) {
    for (const auto& c : l.components) add(c.name);
  }
  return names;
}

double component_energy(const LayerResult& l, const std::string& name) {
  double pj = 0;
  for (const auto& c : l.components) {
    if (c.name == name) pj += c.energy_pj;
  }
  return pj;
}

std::string duration(double us) {
  if (us >= 1e6) return fixed(us / 1e6, 3) + " s";
  if (us >= 1e3) return fixed(us / 1e3, 3) + " ms";
  return fixed(us, 3) + " us";
}

// Replacing invalid UTF-8 (a layer name can be any bytes) keeps the report writable.
std::string dump(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

nlohmann::ordered_json causes_json(const CycleCauses& causes) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (size_t i = 0; i < kNumCycleCauses; ++i)
    j[std::string(kCycleCauseNames[i])] = causes.cycles[i];
  return j;
}

}  // namespace

std::string summary_text(const RunResult& r) {
  const Totals t = totals_of(r);
  std::string out = "tessera run: " + printable(r.trace_name) + "\n";
  out += table({{"trace", r.trace_file},
                {"architecture", r.arch_file},
                {"clock", shortest_text(r.clock_mhz) + " MHz, " + std::to_string(r.pes) + " PEs"},
                {"functional check", r.functional_checked ? "passed" : "not run"}},
               {2, false, "  "});

  const auto layer_row = [&r](size_t i) -> Row {
    if (i == 0) {
      return {"layer",  "cycles",      "stall",        "MACs",
              "util %", "DRAM read B", "DRAM write B", "energy uJ"};
    }
    const LayerResult& l = r.layers[i - 1];
    return {printable(l.name),
            std::to_string(l.cycles),
            std::to_string(l.stall_cycles),
            std::to_string(l.macs),
            fixed(l.utilization * 100, 1),
            std::to_string(l.dram_bytes_read),
            std::to_string(l.dram_bytes_written),
            microjoules(l.energy_pj())};
  };
  out += "\n" + table(r.layers.size() + 1, layer_row, {});

  std::string time = "n/a";
  if (r.clock_mhz > 0) {
    time = duration(static_cast<double>(t.cycles) / r.clock_mhz) + " at " +
           shortest_text(r.clock_mhz) + " MHz";
  }
  out += "\ntotals\n";
  out += table({{"cycles", std::to_string(t.cycles) + " (" + time + ")"},
                {"energy", microjoules(t.energy_pj) + " uJ"},
                {"EDP", scientific(t.energy_pj * static_cast<double>(t.cycles), 4) + " pJ*cycles"},
                {"area", fixed(r.area_mm2(), 4) + " mm^2 (40 nm; DRAM off chip)"},
                {"MACs", std::to_string(t.macs)},
                {"utilization", fixed(t.utilization * 100, 1) + " %"},
                {"DRAM read", std::to_string(t.dram_read) + " B"},
                {"DRAM written", std::to_string(t.dram_written) + " B"}},
               {2, false, "  "});

  out += "\nenergy and area by component\n";
  std::vector<std::vector<std::string>> comps;
  for (const auto& c : r.components) {
    const double pj = c.total_energy_pj();
    comps.push_back({c.name + " (" + c.impl + ")", microjoules(pj) + " uJ",
                     fixed(ratio(pj, t.energy_pj) * 100, 1) + " %",
                     fixed(c.area_mm2, 4) + " mm^2"});
  }
  out += comps.empty() ? "  (no component counted energy)\n" : table(comps, {1, false, "  "});

  out += "\ncycles by cause (sim/REPORTS.md defines them; causes with no cycles left out)\n";
  std::vector<std::vector<std::string>> causes;
  for (size_t i = 0; i < kNumCycleCauses; ++i) {
    const uint64_t c = t.causes.cycles[i];
    if (c == 0) continue;
    causes.push_back(
        {std::string(kCycleCauseNames[i]), std::to_string(c),
         fixed(ratio(static_cast<double>(c), static_cast<double>(t.cycles)) * 100, 1) + " %"});
  }
  out += causes.empty() ? "  (no cycles)\n" : table(causes, {1, false, "  "});
  return out;
}

void write_json_report(const RunResult& r, const TextSink& out) {
  using nlohmann::ordered_json;
  const Totals t = totals_of(r);
  ordered_json j;
  j["schema_version"] = kSchemaVersion;
  j["trace"] = r.trace_name;
  j["trace_file"] = r.trace_file;
  j["arch"] = r.arch_file;
  j["clock_mhz"] = r.clock_mhz;
  j["pes"] = r.pes;
  j["dram_peak_bytes_per_cycle"] = r.dram_peak_bytes_per_cycle;
  j["functional_checked"] = r.functional_checked;
  j["totals"] = {{"cycles", t.cycles},
                 {"energy_pj", t.energy_pj},
                 {"edp", t.energy_pj * static_cast<double>(t.cycles)},
                 {"area_mm2", r.area_mm2()},
                 {"macs", t.macs},
                 {"vector_ops", r.vector_ops()},
                 {"utilization", t.utilization},
                 {"dram_bytes_read", t.dram_read},
                 {"dram_bytes_written", t.dram_written},
                 {"cycles_by_cause", causes_json(t.causes)}};

  // The layers are written one at a time below: a tree of them all would take kilobytes per
  // layer, several times the text.
  j["layers"] = ordered_json::array();
  j["components"] = ordered_json::array();
  for (const auto& c : r.components) {
    ordered_json counters = ordered_json::object();
    for (const auto& counter : c.counters) counters[counter.name] = counter.value;
    // Actions in counter order, like the counters; any without a counter after them.
    ordered_json energy = ordered_json::object();
    for (const auto& counter : c.counters) {
      const auto it = c.energy_pj.find(counter.name);
      if (it != c.energy_pj.end()) energy[it->first] = it->second;
    }
    for (const auto& [action, pj] : c.energy_pj) {
      if (!energy.contains(action)) energy[action] = pj;
    }
    energy["total"] = c.total_energy_pj();
    j["components"].push_back({{"name", c.name},
                               {"impl", c.impl},
                               {"counters", counters},
                               {"energy_pj", energy},
                               {"area_mm2", c.area_mm2}});
  }
  // Only the key can read so: a trace name's quotes and line breaks are escaped.
  const std::string head = dump(j), no_layers = "\n  \"layers\": []";
  const size_t at = head.find(no_layers);
  out(std::string_view(head).substr(0, at));
  out("\n  \"layers\": [");
  std::string text;
  for (const auto& l : r.layers) {
    ordered_json breakdown = ordered_json::object();
    for (const auto& c : l.components) breakdown[c.name] = c.energy_pj;
    const ordered_json layer = {{"name", l.name},
                                {"op", l.op},
                                {"cycles", l.cycles},
                                {"stall_cycles", l.stall_cycles},
                                {"cycles_by_cause", causes_json(l.cycles_by_cause)},
                                {"energy_pj", l.energy_pj()},
                                {"macs", l.macs},
                                {"vector_ops", l.vector_ops},
                                {"utilization", l.utilization},
                                {"dram_bytes_read", l.dram_bytes_read},
                                {"dram_bytes_written", l.dram_bytes_written},
                                {"tiles", l.tiles},
                                {"energy_breakdown_pj", breakdown}};
    // Indented as an element of "layers"; JSON strings hold no line breaks.
    text = &l == &r.layers.front() ? "\n    " : ",\n    ";
    for (const char c : dump(layer)) {
      if (c == '\n') {
        text += "\n    ";
      } else {
        text += c;
      }
    }
    out(text);
  }
  out(r.layers.empty() ? "]" : "\n  ]");
  out(std::string_view(head).substr(at + no_layers.size()));
  out("\n");
}

void write_csv_report(const RunResult& r, const TextSink& out) {
  const std::vector<std::string> comps = component_names(r);
  std::string text =
      "name,cycles,stall_cycles,macs,utilization,dram_bytes_read,dram_bytes_written,energy_pj";
  for (const auto& c : comps) text += "," + csv_field(c + "_energy_pj");
  for (const std::string_view cause : kCycleCauseNames) text += ",cycles_" + std::string(cause);
  out(text + "\n");
  for (const auto& l : r.layers) {
    text = csv_field(l.name) + "," + std::to_string(l.cycles) + "," +
           std::to_string(l.stall_cycles) + "," + std::to_string(l.macs) + "," +
           shortest_text(l.utilization) + "," + std::to_string(l.dram_bytes_read) + "," +
           std::to_string(l.dram_bytes_written) + "," + shortest_text(l.energy_pj());
    for (const auto& c : comps) text += "," + shortest_text(component_energy(l, c));
    for (const uint64_t cycles : l.cycles_by_cause.cycles) text += "," + std::to_string(cycles);
    out(text + "\n");
  }
}

std::string json_report(const RunResult& result) {
  std::string text;
  write_json_report(result, [&text](std::string_view piece) { text += piece; });
  return text;
}

std::string csv_report(const RunResult& result) {
  std::string text;
  write_csv_report(result, [&text](std::string_view piece) { text += piece; });
  return text;
}

void write_reports(const RunResult& result, const std::optional<std::string>& json_path,
                   const std::optional<std::string>& csv_path) {
  // Streamed to the files: a long trace's reports would be its largest part of memory.
  const auto write = [&result](const std::string& path, auto report) {
    AtomicFile file(path);
    report(result, [&file](std::string_view piece) { file.append(piece); });
    file.commit();
  };
  if (json_path) write(*json_path, write_json_report);
  if (csv_path) write(*csv_path, write_csv_report);
}

}  // namespace tessera
