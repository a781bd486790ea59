// `tessera plot`: a run's report drawn as three pictures; anything that is not a tessera run
// report of a known schema version is one located error, exit 2, and nothing is written.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sim/error.h"
#include "sim/run_plot.h"
#include "tests/support/files.h"
#include "tests/support/program.h"

namespace {

using tessera::test::quote;
using tessera::test::run;
using tessera::test::run_stderr;
using tessera::test::TempDir;

namespace fs = std::filesystem;

using tessera::test::kBinary;
using tessera::test::kSourceDir;

TEST(CliPlot, DrawsCausesEnergyAndRooflineOfARun) {
  TempDir dir;
  const std::string json = dir.path() + "/run.json", pictures = dir.path() + "/plots";
  std::string out;
  ASSERT_EQ(run(kBinary + " run " + quote(kSourceDir + "/traces/samples/alexnet.yaml") +
                    " -q --json " + quote(json),
                out),
            0)
      << out;
  ASSERT_EQ(run(kBinary + " plot " + quote(json) + " -o " + quote(pictures), out), 0) << out;
  for (const char* png : {"causes.png", "energy.png", "roofline.png"}) {
    EXPECT_GT(fs::file_size(pictures + "/" + png), 1000U) << png;
  }
  // One roofline point per layer with DRAM traffic: alexnet's five.
  const std::string points = tessera::test::read_file(pictures + "/roofline.dat");
  EXPECT_EQ(std::count(points.begin(), points.end(), '\n'), 6);
}

void expect_rejected(const std::string& name, const std::string& text, const std::string& want) {
  TempDir dir;
  const std::string report = dir.write(name, text), pictures = dir.path() + "/plots";
  std::string err;
  EXPECT_EQ(run_stderr(kBinary + " plot " + quote(report) + " -o " + quote(pictures), err), 2)
      << err;
  EXPECT_NE(err.find(want), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(pictures));
}

TEST(CliPlot, RejectsWhatIsNotATesseraRunReport) {
  expect_rejected("broken.json", "{\n  \"schema_version\": 1,\n  \"layers\": [\n", "broken.json:4");
  expect_rejected("other.json", "{\"name\": \"something else\"}\n",
                  "other.json: field 'schema_version': not a tessera run report");
  expect_rejected("newer.json", "{\"schema_version\": 2, \"layers\": []}\n",
                  "field 'schema_version': schema version 2; this tessera reads version 1");
  expect_rejected("no_causes.json",
                  "{\"schema_version\": 1, \"pes\": 4, \"dram_peak_bytes_per_cycle\": 8, "
                  "\"layers\": [{\"name\": \"a\", \"cycles\": 5, \"macs\": 1, "
                  "\"dram_bytes_read\": 1, \"dram_bytes_written\": 0}], \"components\": []}\n",
                  "field 'layers[0].cycles_by_cause'");
  // A number beyond a double's range is named at its line.
  expect_rejected("huge.json",
                  "{\n  \"schema_version\": 1,\n  \"pes\": 1e999,\n  \"layers\": []\n}\n",
                  "huge.json:3: not JSON tessera can read");
}

TEST(RunPlot, ReadsTheReportsFigures) {
  const tessera::RunPlotData d = tessera::parse_run_report(
      R"({"schema_version": 1, "trace": "t", "pes": 16, "dram_peak_bytes_per_cycle": 8,
          "layers": [{"name": "a", "cycles": 100, "macs": 800, "dram_bytes_read": 30,
                      "dram_bytes_written": 10,
                      "cycles_by_cause": {"compute": 50, "array_underuse": 0, "fill_drain": 20,
                        "buffer_port_stall": 0, "dram_bandwidth_stall": 10,
                        "dram_latency_stall": 0, "crypto_stall": 0, "overbook_refetch": 0,
                        "sparse_imbalance": 0, "reencryption": 0, "layer_start": 15,
                        "layer_end": 5}}],
          "components": [{"name": "dram", "energy_pj": {"total": 2000000}}]})",
      "r.json");
  ASSERT_EQ(d.layers.size(), 1U);
  EXPECT_EQ(d.layers[0].dram_bytes, 40);
  EXPECT_EQ(d.layers[0].causes[2], 20);
  EXPECT_EQ(d.dram_peak, 8);
  ASSERT_EQ(d.energy_pj.size(), 1U);
  EXPECT_EQ(d.energy_pj[0].second, 2e6);
}

}  // namespace
