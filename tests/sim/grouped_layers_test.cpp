// Grouped convolutions (depthwise among them) and batched GEMMs: run as their groups' GEMMs, each
// over its own data. A depthwise layer moves its inputs, weights and outputs once, not the
// weights of a dense layer; the simulation agrees with the analytical model cycle for cycle; a
// group is the dense layer of one group repeated; the format round-trips.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/files.h"
#include "tests/support/program.h"
#include "tests/support/reports.h"
#include "traces/trace_reader.h"
#include "traces/trace_writer.h"

namespace {

using tessera::test::quote;
using tessera::test::read_json;
using tessera::test::run;
using tessera::test::TempDir;

using tessera::test::kBinary;
using tessera::test::kIdealDram;
using tessera::test::kSourceDir;

const std::string kGrouped = R"(tessera_trace: 1
layers:
  - name: depthwise
    op: conv
    input: [56, 56]
    channels: 64
    filters: 64
    groups: 64
    filter: [3, 3]
    padding: 1
  - name: grouped
    op: conv
    input: [28, 28]
    channels: 128
    filters: 256
    groups: 4
    filter: [3, 3]
    padding: 1
  - name: heads
    op: gemm
    batch: 12
    m: 197
    n: 197
    k: 64
)";

// One group of `grouped` as a dense layer.
const std::string kOneGroup = R"(tessera_trace: 1
layers:
  - name: one_group
    op: conv
    input: [28, 28]
    channels: 32
    filters: 64
    filter: [3, 3]
    padding: 1
)";

nlohmann::json run_grouped(const TempDir& dir, const std::string& trace, const std::string& options,
                           const std::string& command = "run") {
  const std::string json = dir.path() + "/" + command + ".json";
  std::string out;
  const std::string cmd =
      kBinary + " " + command + " " + quote(trace) + options + " -q --json " + json;
  EXPECT_EQ(run(cmd, out), 0) << cmd << "\n" << out;
  return read_json(json);
}

TEST(GroupedLayers, MacsAreThoseOfTheGroups) {
  TempDir dir;
  const nlohmann::json r = run_grouped(dir, dir.write("g.yaml", kGrouped), "");
  EXPECT_EQ(r["layers"][0]["macs"], 56 * 56 * 64 * 9);
  EXPECT_EQ(r["layers"][1]["macs"], 28 * 28 * 256 * (128 / 4) * 9);
  EXPECT_EQ(r["layers"][2]["macs"], 12 * 197 * 197 * 64);
}

TEST(GroupedLayers, DepthwiseMovesEachTensorOnce) {
  TempDir dir;
  const nlohmann::json r = run_grouped(dir, dir.write("g.yaml", kGrouped), "");
  const auto& dw = r["layers"][0];
  // 8-bit inputs 56x56x64 and weights 64x3x3 in, outputs 56x56x64 out: a dense layer of the
  // same channels would read 64 times the weights.
  EXPECT_EQ(dw["dram_bytes_read"], 56 * 56 * 64 + 64 * 9);
  EXPECT_EQ(dw["dram_bytes_written"], 56 * 56 * 64);
}

TEST(GroupedLayers, SimulationEqualsTheModel) {
  TempDir dir;
  const std::string trace = dir.write("g.yaml", kGrouped);
  const nlohmann::json s = run_grouped(dir, trace, kIdealDram);
  const nlohmann::json m = run_grouped(dir, trace, kIdealDram + " --fill-drain", "model");
  ASSERT_EQ(s["layers"].size(), m["layers"].size());
  for (size_t i = 0; i < s["layers"].size(); ++i) {
    SCOPED_TRACE(s["layers"][i]["name"].get<std::string>());
    EXPECT_EQ(m["layers"][i]["cycles"], s["layers"][i]["cycles"]);
    EXPECT_EQ(m["layers"][i]["dram_bytes_read"], s["layers"][i]["dram_bytes_read"]);
    EXPECT_EQ(m["layers"][i]["dram_bytes_written"], s["layers"][i]["dram_bytes_written"]);
  }
}

TEST(GroupedLayers, AGroupedLayerIsItsGroupRepeated) {
  TempDir dir;
  const nlohmann::json all = run_grouped(dir, dir.write("g.yaml", kGrouped), kIdealDram);
  const nlohmann::json one = run_grouped(dir, dir.write("one.yaml", kOneGroup), kIdealDram);
  const auto& g = all["layers"][1];
  const auto& o = one["layers"][0];
  EXPECT_EQ(g["macs"], 4 * o["macs"].get<int64_t>());
  EXPECT_EQ(g["dram_bytes_read"], 4 * o["dram_bytes_read"].get<int64_t>());
  EXPECT_EQ(g["dram_bytes_written"], 4 * o["dram_bytes_written"].get<int64_t>());
  EXPECT_EQ(g["cycles"], 4 * o["cycles"].get<int64_t>());
}

TEST(GroupedLayers, FormatRoundTrips) {
  TempDir dir;
  const tessera::Trace t = tessera::read_trace_file(dir.write("g.yaml", kGrouped));
  EXPECT_EQ(t.layers[0].shape.groups, 64);
  EXPECT_EQ(t.layers[2].shape.groups, 12);
  EXPECT_EQ(t.layers[2].gemm(), (tessera::GemmExtents{197, 197, 64}));
  const std::string again = dir.write("again.yaml", tessera::write_trace_yaml(t));
  const tessera::Trace u = tessera::read_trace_file(again);
  EXPECT_EQ(tessera::write_trace_yaml(u), tessera::write_trace_yaml(t));
  EXPECT_EQ(u.layers[2].macs(), t.layers[2].macs());
}

TEST(GroupedLayers, GroupsMustDivideChannelsAndFilters) {
  TempDir dir;
  std::string bad = kOneGroup + "    groups: 3\n";
  std::string err;
  EXPECT_EQ(run(kBinary + " run " + quote(dir.write("bad.yaml", bad)), err), 2);
  EXPECT_NE(err.find("bad.yaml:10: field 'layers[0].groups'"), std::string::npos) << err;
}

}  // namespace
