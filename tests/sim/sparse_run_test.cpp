// Sparse weights end to end through the tessera program: functional results with pruned weights
// under every decoder, effectual multiplies equal to the pattern's count, compressed weights and
// their metadata in DRAM traffic, highlight against dense on dense layers, and bad patterns.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/files.h"
#include "tests/support/program.h"
#include "tests/support/reports.h"

namespace tessera::test {
namespace {

// Runs `trace_text` with extra arguments; returns the JSON report (fails the test on exit != 0).
nlohmann::json run_trace(const std::string& trace_text, const std::string& args) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", trace_text);
  const std::string json = dir.path() + "/r.json";
  std::string out;
  const int rc =
      run(kBinary + " run " + quote(trace) + " -q --json " + quote(json) + " " + args, out);
  EXPECT_EQ(rc, 0) << args << "\n" << out;
  return rc == 0 ? read_json(json) : nlohmann::json::object();
}

std::string gemm(const std::string& name, int m, int n, int k, const std::string& sparsity,
                 const std::string& mapping = "") {
  std::string s = "  - name: " + name + "\n    op: gemm\n    m: " + std::to_string(m) +
                  "\n    n: " + std::to_string(n) + "\n    k: " + std::to_string(k) + "\n";
  if (!sparsity.empty()) s += "    sparsity: {weights: " + sparsity + "}\n";
  if (!mapping.empty()) s += "    mapping: " + mapping + "\n";
  return s;
}

// Conv and GEMM layers with HSS weights, several tiles each (k tiles on block boundaries),
// partial-sum refills and every dataflow.
const std::string kHssTrace =
    "tessera_trace: 1\nlayers:\n"
    "  - name: C1\n    op: conv\n    input: [9, 9]\n    channels: 16\n    filters: 40\n"
    "    filter: [3, 3]\n    padding: 1\n    sparsity: {weights: {hss: [\"2:4\", \"3:4\"]}}\n"
    "    mapping: {buffer_tile: {m: 40, n: 16, k: 48}, loop_order: [m, k, n]}\n" +
    gemm("G1", 37, 21, 64, "{hss: [\"1:4\", \"2:4\"]}",
         "{dataflow: os, buffer_tile: {m: 20, n: 8, k: 32}}") +
    gemm("G2", 33, 19, 96, "{hss: [\"2:4\"]}",
         "{dataflow: is, buffer_tile: {m: 16, n: 19, k: 32}}") +
    gemm("G3", 30, 17, 64, "{hss: [\"3:4\", \"1:2\"]}") + gemm("G4", 20, 12, 40, "") +
    // k tiles of 8 cut every 16-value block in two.
    gemm("G5", 24, 10, 48, "{hss: [\"2:4\", \"1:4\"]}", "{buffer_tile: {m: 24, n: 10, k: 8}}");

// MACs the pattern implies for each layer of kHssTrace: m x n x k x density.
const std::vector<std::pair<std::string, double>> kImpliedMacs = {
    {"C1", 81.0 * 40 * 144 * 6 / 16}, {"G1", 37.0 * 21 * 64 / 8}, {"G2", 33.0 * 19 * 96 / 2},
    {"G3", 30.0 * 17 * 64 * 3 / 8},   {"G4", 20.0 * 12 * 40},     {"G5", 24.0 * 10 * 48 / 8}};

TEST(SparseRun, FunctionalResultsMatchTheReferenceWithPrunedWeightsUnderEveryDecoder) {
  for (const char* impl : {"dense", "nm", "unstructured", "highlight"}) {
    const auto r = run_trace(kHssTrace, std::string("--functional -p sparse.impl=") + impl);
    EXPECT_EQ(r.value("functional_checked", false), true) << impl;
  }
  // Unstructured weights too.
  const auto r = run_trace("tessera_trace: 1\nlayers:\n" + gemm("U", 30, 20, 50, "{density: 0.3}"),
                           "--functional -p sparse.impl=unstructured");
  EXPECT_EQ(r.value("functional_checked", false), true);
}

TEST(SparseRun, HighlightPerformsExactlyThePatternsEffectualMultiplies) {
  const auto r = run_trace(kHssTrace, "-p sparse.impl=highlight");
  ASSERT_EQ(r["layers"].size(), kImpliedMacs.size());
  for (size_t i = 0; i < kImpliedMacs.size(); ++i) {
    EXPECT_EQ(r["layers"][i]["name"], kImpliedMacs[i].first);
    EXPECT_EQ(r["layers"][i]["macs"].get<double>(), kImpliedMacs[i].second)
        << kImpliedMacs[i].first;
  }
  EXPECT_GT(counter(r, "sparse", "skipped_block"), 0u);  // G1's and G3's rank-1 pruning
}

TEST(SparseRun, NmExploitsOnlyPatternsWithinTwoOfFour) {
  const std::string layers = "tessera_trace: 1\nlayers:\n" +
                             gemm("A", 32, 32, 64, "{hss: [\"2:4\"]}") +
                             gemm("B", 32, 32, 64, "{hss: [\"1:4\", \"2:4\"]}") +
                             gemm("C", 32, 32, 64, "{hss: [\"3:4\"]}") +
                             gemm("D", 32, 32, 64, "{hss: [\"1:2\"]}") + gemm("E", 32, 32, 64, "");
  const auto r = run_trace(layers, "-p sparse.impl=nm");
  const double dense = 32.0 * 32 * 64;
  EXPECT_EQ(r["layers"][0]["macs"].get<double>(), dense / 2);  // 2:4 itself
  EXPECT_EQ(r["layers"][1]["macs"].get<double>(), dense / 2);  // fits 2:4; rank 1 unused
  EXPECT_EQ(r["layers"][2]["macs"].get<double>(), dense);      // 3:4 does not fit: dense
  EXPECT_EQ(r["layers"][3]["macs"].get<double>(), dense / 2);  // 1:2 fits 2:4
  EXPECT_EQ(r["layers"][4]["macs"].get<double>(), dense);
  EXPECT_LT(r["layers"][0]["cycles"].get<double>(), r["layers"][2]["cycles"].get<double>());
}

TEST(SparseRun, CompressedWeightsAndMetadataAreWhatDramMoves) {
  // One tile: 32 x 32 outputs, k = 64. Inputs 32 x 64 bytes; 2:4 weights keep 32 of 64 values
  // per column (1024 bytes) with 2-bit positions (32 x 32 x 2 bits = 256 bytes).
  const std::string trace =
      "tessera_trace: 1\nlayers:\n" + gemm("A", 32, 32, 64, "{hss: [\"2:4\"]}");
  const auto dense = run_trace(trace, "-p sparse.impl=dense");
  const auto hl = run_trace(trace, "-p sparse.impl=highlight");
  EXPECT_EQ(dense["totals"]["dram_bytes_read"], 32 * 64 + 64 * 32);
  EXPECT_EQ(hl["totals"]["dram_bytes_read"], 32 * 64 + 1024 + 256);
  EXPECT_EQ(counter(hl, "sparse", "metadata_word"), 256u * 8 / 64);
  const auto un = run_trace(trace, "-p sparse.impl=unstructured");
  EXPECT_EQ(un["totals"]["dram_bytes_read"], 32 * 64 + 1024 + 64 * 32 / 8);  // 1-bit mask
  EXPECT_EQ(counter(un, "sparse", "mask_popcount"), 64u * 32 / 64);
}

TEST(SparseRun, UnstructuredPaysForItsFullestColumn) {
  // 30% density: columns differ in their nonzero count and the tile lasts as long as the
  // fullest, so it takes longer than a dense layer with the mean number of values per column.
  const auto u = run_trace("tessera_trace: 1\nlayers:\n" + gemm("U", 64, 32, 256, "{density: 0.3}"),
                           "-p sparse.impl=unstructured");
  const double macs = u["layers"][0]["macs"].get<double>();
  EXPECT_NEAR(macs / (64.0 * 32 * 256), 0.3, 0.03);
  const int mean_k = static_cast<int>(std::ceil(macs / (64.0 * 32)));
  const auto even = run_trace("tessera_trace: 1\nlayers:\n" + gemm("E", 64, 32, mean_k, ""), "");
  EXPECT_GT(u["layers"][0]["cycles"].get<double>(), even["layers"][0]["cycles"].get<double>());
}

TEST(SparseRun, DenseDecoderIgnoresSparsityBitForBit) {
  const auto sparse = run_trace(kHssTrace, "-p sparse.impl=dense");
  std::string plain = kHssTrace;
  for (size_t at; (at = plain.find("    sparsity:")) != std::string::npos;) {
    plain.erase(at, plain.find('\n', at) - at + 1);
  }
  const auto dense = run_trace(plain, "-p sparse.impl=dense");
  EXPECT_EQ(sparse["totals"], dense["totals"]);
}

TEST(SparseRun, HighlightOnDenseResNet50IsWithinFivePercentOfDense) {
  const std::string trace = read_file(kSourceDir + "/traces/samples/resnet50.yaml");
  const auto dense = run_trace(trace, "-p sparse.impl=dense");
  const auto hl = run_trace(trace, "-p sparse.impl=highlight");
  for (const char* what : {"cycles", "energy_pj"}) {
    const double d = dense["totals"][what].get<double>(), h = hl["totals"][what].get<double>();
    EXPECT_LE(std::abs(h - d), 0.05 * d) << what;
  }
}

TEST(SparseRun, SweepingAWholeNetworkSpeedsItUp) {
  const std::string trace = read_file(kSourceDir + "/traces/samples/resnet50.yaml");
  const auto dense = run_trace(trace, "-p sparse.impl=dense");
  const auto hl = run_trace(trace, "-p sparse.impl=highlight --sparsify weights=hss:2:4,2:4");
  EXPECT_LT(hl["totals"]["cycles"].get<double>(), 0.7 * dense["totals"]["cycles"].get<double>());
  EXPECT_LT(hl["totals"]["energy_pj"].get<double>(), dense["totals"]["energy_pj"].get<double>());
  // Every layer but Conv1 (k = 147) runs at a quarter of its MACs.
  const auto& dl = dense["layers"];
  const auto& hll = hl["layers"];
  for (size_t i = 0; i < dl.size(); ++i) {
    const double want =
        dl[i]["name"] == "Conv1" ? dl[i]["macs"].get<double>() : dl[i]["macs"].get<double>() / 4;
    EXPECT_EQ(hll[i]["macs"].get<double>(), want) << dl[i]["name"];
  }
}

TEST(SparseRun, TilesArePlannedForCompressedWeights) {
  // Metadata can outweigh what it saves: at density 1 a bitmask makes every weight tile larger
  // than dense, and the tiler must leave room for it (the buffer rejects an overfull slot).
  const std::string resnet = read_file(kSourceDir + "/traces/samples/resnet50.yaml");
  const auto full = run_trace(resnet, "-p sparse.impl=unstructured --sparsify weights=density:1");
  EXPECT_GT(full["totals"]["dram_bytes_read"].get<double>(), 0);
  // Short k tiles of sparse weights are not free: a GEMM sped up, never slowed down.
  const std::string gemm_trace = "tessera_trace: 1\nlayers:\n" + gemm("L", 1024, 1600, 1600, "");
  const auto dense = run_trace(gemm_trace, "-p sparse.impl=dense");
  for (const char* args : {"-p sparse.impl=unstructured --sparsify weights=density:0.375",
                           "-p sparse.impl=highlight --sparsify weights=hss:3:4,2:4"}) {
    const auto sparse = run_trace(gemm_trace, args);
    EXPECT_LT(sparse["totals"]["cycles"].get<double>(), dense["totals"]["cycles"].get<double>())
        << args;
  }
}

// A bad pattern or one the configured hardware cannot run: exit 2, one message, no report.
void expect_rejected(const std::string& trace_text, const std::string& args,
                     const std::string& says) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", trace_text);
  const std::string json = dir.path() + "/r.json";
  std::string err;
  EXPECT_EQ(
      run_stderr(kBinary + " run " + quote(trace) + " -q --json " + quote(json) + " " + args, err),
      2)
      << args;
  EXPECT_NE(err.find(says), std::string::npos) << err;
  EXPECT_FALSE(std::ifstream(json).good()) << args;
}

TEST(SparseRun, BadPatternsAreInputErrors) {
  const std::string plain = "tessera_trace: 1\nlayers:\n" + gemm("A", 16, 16, 64, "");
  expect_rejected(plain, "--sparsify weights=hss:5:4", "'--sparsify': pattern '5:4' is impossible");
  expect_rejected(plain, "--sparsify weights=nm:2:4,1:2", "exactly one pattern");
  expect_rejected(plain, "--sparsify 2:4", "expected weights=SPEC");
  expect_rejected(
      plain, "--sparsify weights=hss:1:4 -p sparse.impl=highlight -p sparse.rank0_patterns=2:4",
      "pattern 1:4 at rank 0 is not supported");
  expect_rejected(
      plain, "--sparsify weights=hss:2:4,1:8 -p sparse.impl=highlight -p sparse.rank1_patterns=G:4",
      "pattern 1:8 at rank 1 is not supported");
  expect_rejected(plain, "--sparsify weights=hss:2:4,1:2,1:2 -p sparse.impl=highlight", "3 ranks");
  expect_rejected(plain, "--sparsify weights=density:0.5 -p sparse.impl=highlight",
                  "hierarchical structured sparsity only");
  expect_rejected(plain, "-p sparse.impl=nm -p sparse.pattern=5:4", "impossible");
  // A block span that does not divide k, written in the trace.
  expect_rejected(
      "tessera_trace: 1\nlayers:\n" + gemm("A", 16, 16, 24, "{hss: [\"2:4\", \"1:4\"]}"), "",
      "not a multiple of the 16-value block of rank 1");
}

}  // namespace
}  // namespace tessera::test
