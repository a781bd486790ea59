#include "traces/scalesim_import.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "sim/error.h"
#include "traces/scalesim_text.h"

namespace tessera {

using scalesim_detail::lower;
using scalesim_detail::positive_int;
using scalesim_detail::read_lines;
using scalesim_detail::split;
using scalesim_detail::trim;

namespace {

constexpr const char* kArchSection = "architecture_presets";

struct CfgEntry {
  std::string key;  // as written
  std::string value;
  int line = 0;
};

struct CfgSection {
  std::string name;
  int line = 0;
  std::vector<CfgEntry> entries;
};

std::vector<CfgSection> parse_ini(const std::string& path) {
  const std::vector<std::string> lines = read_lines(path, "cfg");
  std::vector<CfgSection> sections;
  for (size_t i = 0; i < lines.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    const std::string text = trim(lines[i]);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    if (text.front() == '[') {
      if (text.back() != ']') throw InputError({path, line, text}, "section header lacks ']'");
      sections.push_back({trim(text.substr(1, text.size() - 2)), line, {}});
      continue;
    }
    const size_t delim = text.find_first_of(":=");
    if (delim == std::string::npos || delim == 0) {
      throw InputError({path, line, text}, "expected 'key: value' or 'key = value'");
    }
    CfgEntry entry{trim(text.substr(0, delim)), trim(text.substr(delim + 1)), line};
    if (sections.empty()) {
      throw InputError({path, line, entry.key}, "key before any [section] header");
    }
    for (const CfgEntry& e : sections.back().entries) {
      if (lower(e.key) == lower(entry.key)) {
        throw InputError({path, line, entry.key}, "key repeated in [" + sections.back().name +
                                                      "] (first on line " + std::to_string(e.line) +
                                                      ")");
      }
    }
    sections.back().entries.push_back(std::move(entry));
  }
  return sections;
}

}  // namespace

ScaleSimConfig read_scalesim_config(const std::string& path) {
  const std::vector<CfgSection> sections = parse_ini(path);
  ScaleSimConfig cfg;
  cfg.file = path;

  struct Required {
    const char* key;
    int64_t* target;
  };
  const Required ints[] = {{"ArrayHeight", &cfg.array_height},
                           {"ArrayWidth", &cfg.array_width},
                           {"IfmapSramSzkB", &cfg.ifmap_sram_kb},
                           {"FilterSramSzkB", &cfg.filter_sram_kb},
                           {"OfmapSramSzkB", &cfg.ofmap_sram_kb}};
  std::map<std::string, bool> seen;  // lower-case required key -> found
  for (const Required& r : ints) seen[lower(r.key)] = false;
  seen["dataflow"] = false;

  const CfgSection* arch = nullptr;
  for (const CfgSection& section : sections) {
    const bool is_arch = lower(section.name) == kArchSection;
    const bool is_general = lower(section.name) == "general";
    if (is_arch && arch == nullptr) arch = &section;
    for (const CfgEntry& e : section.entries) {
      const std::string key = lower(e.key);
      const SourceLocation where{path, e.line, e.key};
      if (is_general && key == "run_name") {
        cfg.run_name = e.value;
        continue;
      }
      if (!is_arch) {
        cfg.ignored_keys.push_back(e.key);
        continue;
      }
      const auto required = std::find_if(std::begin(ints), std::end(ints),
                                         [&](const Required& r) { return lower(r.key) == key; });
      if (required != std::end(ints)) {
        *required->target = positive_int(e.value, where);
        seen[key] = true;
      } else if (key == "dataflow") {
        const std::optional<Dataflow> df = parse_dataflow(lower(e.value));
        if (!df) throw InputError(where, "'" + e.value + "' is not one of os, ws, is");
        cfg.dataflow = *df;
        seen[key] = true;
      } else if (key == "bandwidth") {
        // One number, or one per memory interface separated by commas.
        cfg.bandwidth_words.clear();
        for (const std::string& part : split(e.value, ',')) {
          cfg.bandwidth_words.push_back(positive_int(part, where));
        }
        if (cfg.bandwidth_words.empty()) throw InputError(where, "missing value");
      } else {
        cfg.ignored_keys.push_back(e.key);
      }
    }
  }
  const int arch_line = arch != nullptr ? arch->line : 1;
  for (const Required& r : ints) {
    if (!seen[lower(r.key)]) {
      throw InputError({path, arch_line, r.key},
                       std::string("missing required key in [") + kArchSection + "]");
    }
  }
  if (!seen["dataflow"]) {
    throw InputError({path, arch_line, "Dataflow"},
                     std::string("missing required key in [") + kArchSection + "]");
  }
  return cfg;
}

namespace {

// "  key: value", with the comment (if any) aligned in one column.
std::string entry(const std::string& key, const std::string& value, const std::string& comment) {
  std::string line = "  " + key + ": " + value;
  if (comment.empty()) return line + "\n";
  line.resize(std::max<size_t>(line.size() + 1, 26), ' ');
  return line + "# " + comment + "\n";
}

std::string entry(const std::string& key, int64_t value, const std::string& comment) {
  return entry(key, std::to_string(value), comment);
}

}  // namespace

std::string scalesim_arch_yaml(const ScaleSimConfig& cfg) {
  const int64_t rows = cfg.array_height, cols = cfg.array_width;
  std::string bandwidth;
  for (int64_t b : cfg.bandwidth_words) {
    bandwidth += (bandwidth.empty() ? "" : ", ") + std::to_string(b);
  }
  const std::string source =
      cfg.file.empty()
          ? std::string("the defaults of SCALE-Sim's configs/scale.cfg")
          : "SCALE-Sim configuration " + std::filesystem::path(cfg.file).filename().string();
  std::ostringstream y;
  y << "# tessera architecture from " << source << "\n";
  if (!cfg.run_name.empty()) y << "# run_name: " << cfg.run_name << "\n";
  y << "# Reproduces SCALE-Sim's compute cycles: its fold accounting, and memory that never\n"
    << "# stalls the array.\n"
    << "system:\n"
    << entry("clock_mhz", 1000, "") << "controller:\n"
    << entry("impl", "tiled", "") << "pe_array:\n"
    << entry("impl", "systolic", "") << entry("rows", rows, "ArrayHeight")
    << entry("cols", cols, "ArrayWidth") << entry("dataflow", to_string(cfg.dataflow), "Dataflow")
    << entry("timing", "scalesim", "every fold costs a full array's fill and drain") << "buffer:\n"
    << entry("impl", "buffet", "")
    << entry("capacity_kib", cfg.buffer_kib(),
             "IfmapSramSzkB + FilterSramSzkB + OfmapSramSzkB = " +
                 std::to_string(cfg.ifmap_sram_kb) + " + " + std::to_string(cfg.filter_sram_kb) +
                 " + " + std::to_string(cfg.ofmap_sram_kb))
    << entry("banks", 1, "")
    << entry("bank_width_bytes", 2 * (rows + cols),
             "2 x (rows + cols) 8-bit words a cycle: reads never stall the array")
    << entry("double_buffered", "true", "") << "sparse:\n"
    << entry("impl", "dense", "") << "dram:\n"
    << entry("impl", "ideal", "")
    << entry("bandwidth_gbps", 0, "unlimited, as SCALE-Sim's compute cycles assume")
    << "  # (the configuration's Bandwidth: " << bandwidth << " words/cycle)\n"
    << entry("latency_ns", 0, "") << "crypto:\n"
    << entry("impl", "none", "");
  return y.str();
}

}  // namespace tessera
