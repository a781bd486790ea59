// Sparse inputs (activations) end to end through the tessera program: `--sparsify inputs=SPEC`
// beside `weights=SPEC`, multiplies and cycles that follow the work on both sides under highlight
// and dstc, inputs=relu on a producer's real outputs in functional runs, and the located errors
// for specs a decoder cannot use and for inputs=relu without --functional.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/files.h"
#include "tests/support/program.h"
#include "tests/support/reports.h"

namespace tessera::test {
namespace {

nlohmann::json run_inputs(const std::string& trace_text, const std::string& args) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", trace_text);
  const std::string json = dir.path() + "/r.json";
  std::string out;
  const int rc =
      run(kBinary + " run " + quote(trace) + " -q --json " + quote(json) + " " + args, out);
  EXPECT_EQ(rc, 0) << args << "\n" << out;
  return rc == 0 ? read_json(json) : nlohmann::json::object();
}

const std::string kGemms =
    "tessera_trace: 1\nlayers:\n"
    "  - name: A\n    op: gemm\n    m: 64\n    n: 32\n    k: 256\n"
    "  - name: B\n    op: gemm\n    m: 48\n    n: 40\n    k: 128\n"
    "    mapping: {dataflow: os, buffer_tile: {m: 16, n: 40, k: 64}}\n";

double macs(const nlohmann::json& r) {
  return r["totals"]["macs"].get<double>();
}
double cycles(const nlohmann::json& r) {
  return r["totals"]["cycles"].get<double>();
}

TEST(SparseInputsRun, HighlightSkipsPrunedInputBlocks) {
  const std::string weights = "--sparsify weights=hss:2:4,2:4 -p sparse.impl=highlight";
  const auto one = run_inputs(kGemms, weights);
  const auto both = run_inputs(kGemms, weights + " --sparsify inputs=hss:4:4,1:2");
  // Half the input blocks are pruned: half the weights' multiplies are left.
  EXPECT_NEAR(macs(both) / macs(one), 0.5, 0.01);
  EXPECT_LT(cycles(both), cycles(one));
  EXPECT_GT(counter(both, "sparse", "input_skipped_macs"), 0u);
  // The input blocks' positions are metadata the decoder reads.
  EXPECT_GT(counter(both, "sparse", "metadata_word"), counter(one, "sparse", "metadata_word"));
  EXPECT_LT(both["totals"]["energy_pj"].get<double>(), one["totals"]["energy_pj"].get<double>());
}

TEST(SparseInputsRun, HighlightSkipsOnlyAllZeroBlocksOfUnstructuredInputs) {
  const std::string weights = "--sparsify weights=hss:2:4 -p sparse.impl=highlight";
  const auto one = run_inputs(kGemms, weights);
  const auto both = run_inputs(kGemms, weights + " --sparsify inputs=density:0.5");
  // A block of 4 inputs is all zero with probability 0.5^4.
  EXPECT_NEAR(macs(both) / macs(one), 1 - 0.0625, 0.01);
}

TEST(SparseInputsRun, DstcMultipliesOnlyWhereBothOperandsAreNonzero) {
  const auto dense = run_inputs(kGemms, "-p sparse.impl=dense");
  const auto d = run_inputs(
      kGemms, "-p sparse.impl=dstc --sparsify weights=density:0.5 --sparsify inputs=density:0.5");
  EXPECT_NEAR(macs(d) / macs(dense), 0.25, 0.02);
  EXPECT_LT(cycles(d), cycles(dense));
  // Dense weights with sparse inputs: still compressed, the inputs' share of the work.
  const auto inputs_only = run_inputs(kGemms, "-p sparse.impl=dstc --sparsify inputs=density:0.3");
  EXPECT_NEAR(macs(inputs_only) / macs(dense), 0.3, 0.01);
  EXPECT_GT(counter(inputs_only, "sparse", "mask_popcount"), 0u);
}

TEST(SparseInputsRun, FunctionalRunsPassWithSparseInputs) {
  for (const char* args :
       {"-p sparse.impl=highlight --sparsify weights=hss:2:4 --sparsify inputs=hss:4:4,1:2",
        "-p sparse.impl=dstc --sparsify weights=hss:2:4 --sparsify inputs=density:0.4"}) {
    const auto r = run_inputs(kGemms, std::string("--functional ") + args);
    EXPECT_EQ(r.value("functional_checked", false), true) << args;
  }
}

TEST(SparseInputsRun, SparseMatrixLayersKeepTheirInputs) {
  const std::string src = TESSERA_SOURCE_DIR;
  std::string err;
  EXPECT_EQ(run_stderr(kBinary + " run " + quote(src + "/traces/sparse/suitesparse.yaml") +
                           " --arch " + quote(src + "/traces/arch/sparse.yaml") +
                           " -q -p sparse.impl=dstc --sparsify inputs=density:0.5",
                       err),
            0);
  EXPECT_NE(err.find("keeps its inputs as they are: its operands are sparse matrices"),
            std::string::npos)
      << err;
}

// Two GEMMs, the second reading the first's 64 x 128 outputs as its inputs.
const std::string kSparseChain =
    "tessera_trace: 1\nlayers:\n"
    "  - name: L1\n    op: gemm\n    m: 64\n    n: 128\n    k: 64\n"
    "  - name: L2\n    op: gemm\n    m: 64\n    n: 32\n    k: 128\n";

TEST(SparseInputsRun, ReluFeedsALayerItsProducersRealZeros) {
  const auto dense = run_inputs(kSparseChain, "--functional -p sparse.impl=dense");
  const auto d =
      run_inputs(kSparseChain, "--functional -p sparse.impl=dstc --sparsify inputs=relu");
  EXPECT_EQ(d.value("functional_checked", false), true);
  // L1 has no producer and runs dense; L2 multiplies only L1's positive outputs: about half
  // of them (sums of symmetric products), never all or none.
  EXPECT_EQ(d["layers"][0]["macs"], dense["layers"][0]["macs"]);
  const double share =
      d["layers"][1]["macs"].get<double>() / dense["layers"][1]["macs"].get<double>();
  EXPECT_GT(share, 0.3);
  EXPECT_LT(share, 0.7);
  EXPECT_LT(d["layers"][1]["cycles"].get<double>(), dense["layers"][1]["cycles"].get<double>());
  // highlight skips only the blocks of 4 that are all zero: a few.
  const std::string hl = "--functional -p sparse.impl=highlight --sparsify weights=hss:2:4";
  const auto w = run_inputs(kSparseChain, hl);
  const auto h = run_inputs(kSparseChain, hl + " --sparsify inputs=relu");
  EXPECT_EQ(h.value("functional_checked", false), true);
  EXPECT_LT(h["layers"][1]["macs"].get<double>(), w["layers"][1]["macs"].get<double>());
  EXPECT_GT(h["layers"][1]["macs"].get<double>(), 0.8 * w["layers"][1]["macs"].get<double>());
  // The first layer's note.
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kSparseChain);
  std::string err;
  EXPECT_EQ(run_stderr(kBinary + " run " + quote(trace) +
                           " -q --functional -p sparse.impl=dstc --sparsify inputs=relu",
                       err),
            0);
  EXPECT_NE(err.find("layer 'L1' has no producer (it is the first layer)"), std::string::npos)
      << err;
  // A decoder that cannot skip inputs refuses L2's.
  EXPECT_EQ(run_stderr(kBinary + " run " + quote(trace) +
                           " -q --functional -p sparse.impl=nm --sparsify inputs=relu",
                       err),
            2);
  EXPECT_NE(err.find("layer 'L2': the configured sparse decoder runs dense inputs only, not relu"),
            std::string::npos)
      << err;
}

void expect_refused(const std::string& args, const std::string& says) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kGemms);
  const std::string json = dir.path() + "/r.json";
  std::string err;
  EXPECT_EQ(
      run_stderr(kBinary + " run " + quote(trace) + " -q --json " + quote(json) + " " + args, err),
      2)
      << args;
  EXPECT_NE(err.find(says), std::string::npos) << err;
  EXPECT_FALSE(std::ifstream(json).good()) << args;
}

TEST(SparseInputsRun, SpecsADecoderCannotUseAndReluAreLocatedErrors) {
  expect_refused("-p sparse.impl=nm --sparsify inputs=density:0.5", "runs dense inputs only");
  expect_refused("-p sparse.impl=unstructured --sparsify inputs=hss:4:4,1:2",
                 "runs dense inputs only");
  expect_refused("-p sparse.impl=highlight --sparsify weights=hss:2:4 --sparsify inputs=hss:2:4",
                 "needs two-rank");
  expect_refused(
      "-p sparse.impl=highlight --sparsify weights=hss:2:4 --sparsify inputs=hss:2:2,1:2",
      "not a whole number of the weights' rank-0 blocks");
  expect_refused(
      "-p sparse.impl=highlight -p sparse.rank1_patterns=1:4 --sparsify "
      "inputs=hss:4:4,1:2",
      "at rank 1 is not supported");
  expect_refused("--sparsify inputs=relu", "needs --functional");
  expect_refused("--sparsify outputs=dense", "expected weights=SPEC or inputs=SPEC");
  expect_refused("--sparsify inputs=hss:5:4", "'--sparsify'");
}

}  // namespace
}  // namespace tessera::test
