// The `tessera` program on good input: the default run, every shipped sample trace, determinism,
// `config --dump` and its overrides, and --functional on small layers that exercise strides,
// padding, batches, many tiles and partial-sum refills under every dataflow.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/program.h"
#include "traces/trace_reader.h"

namespace {

using tessera::test::quote;
using tessera::test::read_file;
using tessera::test::run;
using tessera::test::TempDir;

namespace fs = std::filesystem;

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

using tessera::test::kBinary;
using tessera::test::kDefaultArch;
using tessera::test::kSourceDir;

TEST(CliRun, NoArgumentsRunsBuiltInResNet50) {
  std::string out;
  ASSERT_EQ(run(kBinary, out), 0) << out;
  EXPECT_NE(out.find("Conv1"), std::string::npos) << out;
  EXPECT_NE(out.find("cycles"), std::string::npos) << out;
  EXPECT_NE(out.find("energy"), std::string::npos) << out;
}

TEST(CliRun, EverySampleTraceRuns) {
  std::vector<fs::path> samples;
  for (const auto& e : fs::directory_iterator(kSourceDir + "/traces/samples")) {
    if (e.path().extension() == ".yaml") samples.push_back(e.path());
  }
  ASSERT_FALSE(samples.empty());
  TempDir dir;
  for (const fs::path& sample : samples) {
    SCOPED_TRACE(sample.string());
    const size_t layers = tessera::read_trace_file(sample.string()).layers.size();
    const std::string json = dir.path() + "/" + sample.stem().string() + ".json";
    const std::string csv = dir.path() + "/" + sample.stem().string() + ".csv";
    const std::string command = kBinary + " run " + quote(sample.string()) + " --arch " +
                                quote(kDefaultArch) + " -p pe_array.dataflow=os --json " +
                                quote(json) + " --csv " + quote(csv);
    std::string out;
    ASSERT_EQ(run(command, out), 0) << command << "\n" << out;
    const nlohmann::json result = read_json(json);
    EXPECT_GT(result.at("totals").at("cycles").get<int64_t>(), 0);
    EXPECT_EQ(result.at("layers").size(), layers);
    for (const auto& layer : result.at("layers")) {
      uint64_t causes = 0;
      for (const auto& [cause, cycles] : layer.at("cycles_by_cause").items()) {
        causes += cycles.get<uint64_t>();
      }
      EXPECT_EQ(causes, layer.at("cycles").get<uint64_t>()) << layer.at("name");
    }
    const std::string csv_text = read_file(csv);
    const auto lines = static_cast<size_t>(std::count(csv_text.begin(), csv_text.end(), '\n'));
    EXPECT_EQ(lines, layers + 1);
    EXPECT_EQ(csv_text.back(), '\n');
  }
}

TEST(CliRun, SameRunTwiceGivesIdenticalReports) {
  TempDir dir;
  const std::string trace = kSourceDir + "/traces/samples/resnet50.yaml";
  std::vector<std::string> reports;
  for (int i = 0; i < 2; ++i) {
    // Same output paths both times: the report records the file names it was given.
    const std::string json = dir.path() + "/run.json";
    const std::string csv = dir.path() + "/run.csv";
    const std::string command =
        kBinary + " run " + quote(trace) + " -q --json " + quote(json) + " --csv " + quote(csv);
    std::string out;
    ASSERT_EQ(run(command, out), 0) << command << "\n" << out;
    reports.push_back(read_file(json) + "\n--- csv ---\n" + read_file(csv));
    fs::remove(json);
    fs::remove(csv);
  }
  EXPECT_FALSE(reports[0].empty());
  EXPECT_EQ(reports[0], reports[1]);
}

TEST(CliRun, ConfigDumpListsEveryFamily) {
  std::string out;
  ASSERT_EQ(run(kBinary + " config --dump", out), 0) << out;
  for (const char* family :
       {"system:", "controller:", "pe_array:", "buffer:", "sparse:", "dram:", "crypto:"}) {
    EXPECT_NE(out.find(std::string("\n") + family + "\n"), std::string::npos) << family;
  }
  // Each parameter line carries its description as a comment.
  EXPECT_NE(out.find("rows: 32"), std::string::npos) << out;
  EXPECT_NE(out.find("# array rows"), std::string::npos) << out;
  EXPECT_NE(out.find("impl: systolic"), std::string::npos) << out;
}

// Cycles of a sample run with extra arguments.
int64_t total_cycles(const TempDir& dir, const std::string& extra) {
  const std::string json = dir.path() + "/cycles.json";
  const std::string command = kBinary + " run " +
                              quote(kSourceDir + "/traces/samples/alexnet.yaml") + " -q " + extra +
                              " --json " + quote(json);
  std::string out;
  EXPECT_EQ(run(command, out), 0) << command << "\n" << out;
  const int64_t cycles = read_json(json).at("totals").at("cycles").get<int64_t>();
  fs::remove(json);
  return cycles;
}

TEST(CliRun, OverrideChangesDumpAndCycles) {
  std::string out;
  ASSERT_EQ(run(kBinary + " config --dump -p pe_array.rows=16", out), 0) << out;
  EXPECT_NE(out.find("rows: 16"), std::string::npos) << out;
  EXPECT_EQ(out.find("rows: 32"), std::string::npos) << out;
  TempDir dir;
  const int64_t base = total_cycles(dir, "");
  const int64_t half = total_cycles(dir, "-p pe_array.rows=16");
  EXPECT_GT(base, 0);
  EXPECT_NE(base, half);
  EXPECT_GT(half, base);  // half the PEs cannot be faster on a compute-bound network
}

// A small multi-layer trace for --functional. `dataflow` is put in every mapping when not empty.
// Buffer tiles are small so that a 2 KiB buffer splits each layer into many tiles; loop orders
// with k outermost revisit every output tile, so partial sums are written and read back.
std::string functional_trace(const std::string& dataflow) {
  const std::string df = dataflow.empty() ? "" : "      dataflow: " + dataflow + "\n";
  return "tessera_trace: 1\n"
         "name: functional\n"
         "layers:\n"
         "  - name: conv_s2_p1\n"  // out 5x5, m = 2*25 = 50, n = 5, k = 27
         "    op: conv\n"
         "    batch: 2\n"
         "    input: [9, 9]\n"
         "    channels: 3\n"
         "    filters: 5\n"
         "    filter: [3, 3]\n"
         "    stride: 2\n"
         "    padding: 1\n"
         "    mapping:\n" +
         df +
         "      buffer_tile: {m: 8, n: 3, k: 9}\n"
         "      loop_order: [k, m, n]\n"
         "  - name: conv_tiler\n"  // left to the built-in tiler
         "    op: conv\n"
         "    batch: 2\n"
         "    input: [7, 6]\n"
         "    channels: 6\n"
         "    filters: 7\n"
         "    filter: [3, 2]\n"
         "    stride: [2, 1]\n"
         "    padding: [1, 0]\n" +
         (dataflow.empty() ? "" : "    mapping:\n" + df) +
         "  - name: gemm_k_outer\n"
         "    op: gemm\n"
         "    m: 20\n"
         "    n: 12\n"
         "    k: 40\n"
         "    mapping:\n" +
         df +
         "      buffer_tile: {m: 7, n: 5, k: 16}\n"
         "      loop_order: [k, n, m]\n"
         "  - name: gemm_default_order\n"
         "    op: gemm\n"
         "    m: 33\n"
         "    n: 9\n"
         "    k: 70\n"
         "    mapping:\n" +
         df + "      buffer_tile: {m: 11, n: 4, k: 32}\n";
}

void expect_functional_pass(const std::string& trace_text, const std::string& extra) {
  TempDir dir;
  const std::string trace = dir.write("functional.yaml", trace_text);
  const std::string json = dir.path() + "/functional.json";
  const std::string command = kBinary + " run " + quote(trace) +
                              " --functional -q -p buffer.capacity_kib=2 " + extra + " --json " +
                              quote(json);
  std::string out;
  ASSERT_EQ(run(command, out), 0) << command << "\n" << out;
  const nlohmann::json result = read_json(json);
  EXPECT_TRUE(result.at("functional_checked").get<bool>()) << command;
  ASSERT_EQ(result.at("layers").size(), 4u);
  for (const auto& layer : result.at("layers")) {
    EXPECT_GT(layer.at("tiles").get<int64_t>(), 1) << layer.at("name");
  }
  // gemm_k_outer: 3 k-tiles outside the output loops write each 20 x 12 output three times.
  EXPECT_EQ(result.at("layers")[2].at("dram_bytes_written").get<int64_t>(), 3 * 20 * 12);
}

class Functional : public ::testing::TestWithParam<const char*> {};

TEST_P(Functional, DataflowFromOverride) {
  expect_functional_pass(functional_trace(""), std::string("-p pe_array.dataflow=") + GetParam());
}

TEST_P(Functional, DataflowFromMapping) {
  // The override names another dataflow, so the mapping's must win.
  const std::string other = std::string(GetParam()) == "ws" ? "os" : "ws";
  expect_functional_pass(functional_trace(GetParam()), "-p pe_array.dataflow=" + other);
}

INSTANTIATE_TEST_SUITE_P(Dataflows, Functional, ::testing::Values("ws", "os", "is"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
