#include "sim/report.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/energy_table.h"
#include "sim/error.h"
#include "tests/support/files.h"

namespace tessera {
namespace {

using test::read_file;

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

constexpr uint64_t kPes = 256;

// A layer and, in `counted`, its components' counters (the simulator keeps only their energies).
LayerResult layer(const std::string& name, uint64_t cycles, uint64_t macs, uint64_t buffer_reads,
                  uint64_t dram_read, uint64_t dram_written,
                  std::vector<ComponentResult>& counted) {
  LayerResult l;
  l.name = name;
  l.cycles = cycles;
  l.stall_cycles = cycles / 10;
  l.macs = macs;
  l.utilization = static_cast<double>(macs) / static_cast<double>(cycles * kPes);
  l.dram_bytes_read = dram_read;
  l.dram_bytes_written = dram_written;
  l.tiles = 3;
  counted = {
      {"pe_array",
       "systolic",
       {{"mac", "MACs", "multiply-accumulates", macs, true},
        {"idle_pe_cycle", "PE cycles", "PE cycles without a MAC", cycles * kPes - macs, true},
        {"stall_cycles", "cycles", "cycles waiting for data", l.stall_cycles, false}},
       {}},
      {"buffer",
       "buffet",
       {{"read_word", "words", "", buffer_reads, true},
        {"write_word", "words", "", buffer_reads / 4, true}},
       {}},
      {"dram",
       "ideal",
       {{"read_byte", "bytes", "", dram_read, true},
        {"write_byte", "bytes", "", dram_written, true}},
       {}}};
  return l;
}

// A run whose whole-run components are the sums of its layers' components, as the simulator
// builds them, with energies from the built-in table.
RunResult sample_run() {
  RunResult r;
  r.trace_name = "tiny";
  r.trace_file = "traces/samples/tiny.yaml";
  r.arch_file = "arch/default.yaml";
  r.clock_mhz = 500;
  r.pes = kPes;
  r.functional_checked = true;
  std::vector<std::vector<ComponentResult>> counted(3);
  r.layers = {layer("conv1", 1000, 64000, 5000, 4096, 1024, counted[0]),
              layer("fc \"head\", 2", 700, 96000, 3000, 8192, 64, counted[1]),
              layer("two\nlines", 33, 1, 7, 3, 1, counted[2])};
  const EnergyTable table = EnergyTable::builtin();
  r.components = counted[0];
  for (auto& c : r.components)
    for (auto& counter : c.counters) counter.value = 0;
  for (size_t li = 0; li < r.layers.size(); ++li) {
    for (size_t i = 0; i < counted[li].size(); ++i) {
      ComponentResult& c = counted[li][i];
      apply_energy(table, c);
      r.layers[li].components.push_back({c.name, c.total_energy_pj()});
      for (size_t k = 0; k < c.counters.size(); ++k) {
        r.components[i].counters[k].value += c.counters[k].value;
      }
    }
  }
  for (auto& c : r.components) apply_energy(table, c);
  return r;
}

// The rows of a `| first cell | ... |` table in one `## ` section of sim/REPORTS.md: the
// backquoted names in the first column.
std::vector<std::string> documented(const std::string& section) {
  std::istringstream doc(read_file(TESSERA_SOURCE_DIR "/sim/REPORTS.md"));
  std::vector<std::string> names;
  bool inside = false;
  for (std::string line; std::getline(doc, line);) {
    if (line.rfind("## ", 0) == 0) inside = line == "## " + section;
    if (!inside || line.rfind("| `", 0) != 0) continue;
    names.push_back(line.substr(3, line.find('`', 3) - 3));
  }
  return names;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::istringstream in(s);
  for (std::string p; std::getline(in, p, sep);) parts.push_back(p);
  return parts;
}

// Whether a JSON leaf path such as layers[].energy_breakdown_pj.dram matches a documented one
// such as layers[].energy_breakdown_pj.<component>.
bool matches(const std::string& path, const std::string& pattern) {
  const auto a = split(path, '.'), b = split(pattern, '.');
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && b[i].front() != '<') return false;
  }
  return true;
}

void leaf_paths(const json& j, const std::string& prefix, std::set<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      leaf_paths(value, prefix.empty() ? key : prefix + "." + key, out);
    }
  } else if (j.is_array()) {
    for (const auto& value : j) leaf_paths(value, prefix + "[]", out);
  } else {
    out.insert(prefix);
  }
}

// RFC 4180 reader, enough to check what csv_report writes.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string& field = rows.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\n') {
      rows.emplace_back(1);
    } else {
      field += c;
    }
  }
  if (rows.back() == std::vector<std::string>(1)) rows.pop_back();  // after the last newline
  return rows;
}

TEST(JsonReport, HasEveryDocumentedFieldAndNothingElse) {
  const json j = json::parse(json_report(sample_run()));
  const std::vector<std::string> doc = documented("JSON report");
  ASSERT_GT(doc.size(), 20u);
  std::set<std::string> leaves;
  leaf_paths(j, "", leaves);
  for (const auto& pattern : doc) {
    bool found = false;
    for (const auto& leaf : leaves) found = found || matches(leaf, pattern);
    EXPECT_TRUE(found) << "documented but missing: " << pattern;
  }
  for (const auto& leaf : leaves) {
    bool found = false;
    for (const auto& pattern : doc) found = found || matches(leaf, pattern);
    EXPECT_TRUE(found) << "present but undocumented: " << leaf;
  }
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["trace"], "tiny");
  EXPECT_EQ(j["functional_checked"], true);
}

TEST(JsonReport, TotalsAreSumsOverLayers) {
  const RunResult run = sample_run();
  const json j = json::parse(json_report(run));
  uint64_t cycles = 0, macs = 0, read = 0, written = 0;
  double energy = 0;
  for (const auto& l : j["layers"]) {
    cycles += l["cycles"].get<uint64_t>();
    macs += l["macs"].get<uint64_t>();
    read += l["dram_bytes_read"].get<uint64_t>();
    written += l["dram_bytes_written"].get<uint64_t>();
    energy += l["energy_pj"].get<double>();
    double breakdown = 0;
    for (const auto& [component, pj] : l["energy_breakdown_pj"].items())
      breakdown += pj.get<double>();
    EXPECT_NEAR(breakdown, l["energy_pj"].get<double>(), 1e-9 * breakdown);
  }
  const json& t = j["totals"];
  EXPECT_EQ(t["cycles"].get<uint64_t>(), cycles);
  EXPECT_EQ(t["macs"].get<uint64_t>(), macs);
  EXPECT_EQ(t["dram_bytes_read"].get<uint64_t>(), read);
  EXPECT_EQ(t["dram_bytes_written"].get<uint64_t>(), written);
  EXPECT_NEAR(t["energy_pj"].get<double>(), energy, 1e-9 * energy);
  EXPECT_DOUBLE_EQ(t["edp"].get<double>(), t["energy_pj"].get<double>() * cycles);
  EXPECT_DOUBLE_EQ(t["utilization"].get<double>(),
                   static_cast<double>(macs) / static_cast<double>(cycles * kPes));

  double components = 0;
  for (const auto& c : j["components"]) components += c["energy_pj"]["total"].get<double>();
  EXPECT_DOUBLE_EQ(t["energy_pj"].get<double>(), components);
  // Whole-run MAC energy is MACs x the built-in 0.208 pJ.
  EXPECT_DOUBLE_EQ(j["components"][0]["energy_pj"]["mac"].get<double>(), macs * 0.208);
}

TEST(JsonReport, EmptyRunHasNoDivisionByZero) {
  RunResult r;
  r.trace_name = "empty";
  const json j = json::parse(json_report(r));
  EXPECT_EQ(j["totals"]["utilization"], 0.0);
  EXPECT_EQ(j["totals"]["edp"], 0.0);
  EXPECT_TRUE(j["layers"].empty());
  EXPECT_NE(summary_text(r).find("n/a"), std::string::npos);
}

TEST(CsvReport, OneRowPerLayerWithRfc4180Quoting) {
  const RunResult run = sample_run();
  const std::string csv = csv_report(run);
  EXPECT_NE(csv.find("\n\"fc \"\"head\"\", 2\","), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n\"two\nlines\","), std::string::npos) << csv;

  const auto rows = parse_csv(csv);
  ASSERT_EQ(rows.size(), run.layers.size() + 1);
  for (size_t i = 0; i < run.layers.size(); ++i) {
    EXPECT_EQ(rows[i + 1].size(), rows[0].size());
    EXPECT_EQ(rows[i + 1][0], run.layers[i].name);
    EXPECT_EQ(rows[i + 1][1], std::to_string(run.layers[i].cycles));
  }
}

TEST(CsvReport, ColumnsAreTheDocumentedOnes) {
  const RunResult run = sample_run();
  const auto header = parse_csv(csv_report(run)).at(0);
  std::vector<std::string> expected;
  for (const auto& column : documented("CSV report")) {
    if (column == "<component>_energy_pj") {
      for (const auto& c : run.components) expected.push_back(c.name + "_energy_pj");
    } else if (column == "cycles_<cause>") {
      for (const auto cause : kCycleCauseNames) expected.push_back("cycles_" + std::string(cause));
    } else {
      expected.push_back(column);
    }
  }
  EXPECT_EQ(header, expected);
}

TEST(SummaryText, NamesLayersTotalsAndComponentShares) {
  const RunResult run = sample_run();
  const std::string text = summary_text(run);
  for (const char* s : {"tessera run: tiny", "\nconv1 ", "\nfc \"head\", 2 ",
                        "\ntwo\\nlines ",  // a line break in a name must not break the table
                        "arch/default.yaml", "500 MHz, 256 PEs", "functional check  passed", "EDP",
                        "pe_array (systolic)", "dram (ideal)", "1733 (3.466 us at 500 MHz)"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s << "\n" << text;
  }
}

TEST(Reports, AreDeterministic) {
  const RunResult a = sample_run();
  const RunResult b = sample_run();
  EXPECT_EQ(summary_text(a), summary_text(b));
  EXPECT_EQ(json_report(a), json_report(a));
  EXPECT_EQ(json_report(a), json_report(b));
  EXPECT_EQ(csv_report(a), csv_report(b));
}

TEST(WriteReports, MissingFolderThrowsAndLeavesNothing) {
  const test::TempDir tmp;
  const std::string& dir = tmp.path();
  EXPECT_THROW(write_reports(sample_run(), dir + "/missing/run.json", std::nullopt), InputError);
  EXPECT_THROW(write_reports(sample_run(), std::nullopt, dir + "/missing/run.csv"), InputError);
  EXPECT_TRUE(files_in(dir).empty());
}

TEST(WriteReports, ReplacesAnExistingFileWhole) {
  const test::TempDir tmp;
  const std::string& dir = tmp.path();
  const std::string json_path = dir + "/run.json", csv_path = dir + "/run.csv";
  const std::string old(100000, 'x');  // longer than the reports, so leftovers would show
  std::ofstream(json_path) << old;
  std::ofstream(csv_path) << old;
  const RunResult run = sample_run();
  write_reports(run, json_path, csv_path);
  EXPECT_EQ(read_file(json_path), json_report(run));
  EXPECT_EQ(read_file(csv_path), csv_report(run));
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"run.csv", "run.json"}));
}

}  // namespace
}  // namespace tessera
