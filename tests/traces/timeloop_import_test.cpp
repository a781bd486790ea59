// Timeloop import: the six reference cases made with timeloop-model v3.0.3 (tests/data/timeloop;
// docs/timeloop.md says how they were made) imported and run, and one located error for every
// kind of input tessera cannot express.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sim/error.h"
#include "tests/support/files.h"
#include "tests/support/program.h"
#include "traces/timeloop/timeloop_import.h"
#include "traces/trace_reader.h"

namespace tessera {
namespace {

using test::quote;
using test::TempDir;

namespace fs = std::filesystem;

const std::string kData = std::string(TESSERA_SOURCE_DIR) + "/tests/data/timeloop";
using tessera::test::kBinary;

struct Expected {
  std::string name;
  Op op;
  // The problem (C M R S P Q, strides) as tessera's layer: input = (P-1)*stride + R.
  int64_t channels, filters, filter, out_h, out_w, stride, in_h, in_w;
  GemmExtents tile;  // {m, n, k}: the problem's extents over the DRAM temporal factors
  LoopOrder order;   // the DRAM permutation reversed (outermost first), split dims first
  int64_t array;     // rows = cols = the PE mesh side (meshX; PE[0..side^2-1])
};

constexpr GemmDim m = GemmDim::m, n = GemmDim::n, k = GemmDim::k;

// Worked out by hand from each case's problem.yaml and mapping.yaml:
const std::vector<Expected> kCases = {
    // C64 M64 3x3 P=Q=56, stride 1: input 55+3 = 58. DRAM factors all 1: the whole layer,
    // m = 56*56 = 3136, k = 64*9 = 576. DRAM QPNSRCMG reversed: G M C R S N P Q -> n, k, m.
    {"resnet18_conv2_ws32", Op::conv, 64, 64, 3, 56, 56, 1, 58, 58, {3136, 64, 576}, {n, k, m}, 32},
    // C3 M96 11x11 P=Q=55 stride 4: input 54*4+11 = 227. Whole layer: m = 3025, k = 3*121 = 363.
    // DRAM QPNSRCM reversed: M C R S N P Q -> n, k, m.
    {"alexnet_conv1_s4_ws32",
     Op::conv,
     3,
     96,
     11,
     55,
     55,
     4,
     227,
     227,
     {3025, 96, 363},
     {n, k, m},
     32},
    // C256 M256 1x1 P=Q=56 on 8x8. DRAM M2 P4: m = 56/4*56 = 784, n = 128, k = 256.
    // DRAM MPCRSNQ reversed: Q N S R C P M; split P (m) outside M (n), then k.
    {"vgg02_conv1x1_ws8", Op::conv, 256, 256, 1, 56, 56, 1, 56, 56, {784, 128, 256}, {m, n, k}, 8},
    // C1024 M3072 P256 (R=S=Q=1): a matmul m=256 n=3072 k=1024. DRAM M24: n = 128.
    // DRAM MCRSNPQG reversed: G Q P N S R C M; split M (n), then Q (m), then C (k).
    {"gpt2_qkv_ws32", Op::gemm, 1024, 3072, 1, 256, 1, 1, 256, 1, {256, 128, 1024}, {n, m, k}, 32},
    // C512 M512 3x3 P=Q=7: input 9. DRAM M16: n = 32, m = 49, k = 512*9 = 4608; order as gpt2.
    {"resnet18_conv5_glb_ws32",
     Op::conv,
     512,
     512,
     3,
     7,
     7,
     1,
     9,
     9,
     {49, 32, 4608},
     {n, m, k},
     32},
    // C9216 M4096 P=Q=1: a matmul m=1. DRAM M128: n = 32; order as gpt2; 16x16 array.
    {"alexnet_fc6_dram_ws16", Op::gemm, 9216, 4096, 1, 1, 1, 1, 1, 1, {1, 32, 9216}, {n, m, k}, 16},
};

timeloop::Import import_case(const std::string& dir) {
  return timeloop::import_timeloop(dir + "/problem.yaml", dir + "/arch.yaml",
                                   dir + "/mapping.yaml");
}

std::string import_command(const std::string& dir, const std::string& out) {
  return kBinary + " import timeloop --problem " + quote(dir + "/problem.yaml") + " --arch " +
         quote(dir + "/arch.yaml") + " --mapping " + quote(dir + "/mapping.yaml") + " -o " +
         quote(out);
}

TEST(TimeloopImport, EveryCaseGivesItsLayerAndMapping) {
  for (const Expected& e : kCases) {
    SCOPED_TRACE(e.name);
    const timeloop::Import imported = import_case(kData + "/" + e.name);
    const Trace trace = parse_trace(imported.trace_yaml, e.name + "/trace.yaml");
    ASSERT_EQ(trace.layers.size(), 1U);
    const Layer& l = trace.layers[0];
    EXPECT_EQ(l.name, e.name);
    EXPECT_EQ(l.op, e.op);
    EXPECT_EQ(l.shape.channels, e.channels);
    EXPECT_EQ(l.shape.filters, e.filters);
    EXPECT_EQ(l.shape.filter_h, e.filter);
    EXPECT_EQ(l.shape.filter_w, e.filter);
    EXPECT_EQ(l.shape.out_h, e.out_h);
    EXPECT_EQ(l.shape.out_w, e.out_w);
    EXPECT_EQ(l.shape.stride_h, e.stride);
    EXPECT_EQ(l.shape.stride_w, e.stride);
    EXPECT_EQ(l.shape.in_h, e.in_h);
    EXPECT_EQ(l.shape.in_w, e.in_w);
    EXPECT_EQ(l.shape.batch, 1);
    EXPECT_EQ(l.precision_bits, 8);  // word-bits 8 at every level
    ASSERT_TRUE(l.mapping.buffer_tile && l.mapping.loop_order && l.mapping.dataflow);
    EXPECT_EQ(*l.mapping.buffer_tile, e.tile);
    EXPECT_EQ(*l.mapping.loop_order, e.order);
    EXPECT_EQ(*l.mapping.dataflow, Dataflow::ws);

    const YAML::Node arch = YAML::Load(imported.arch_yaml);
    EXPECT_EQ(arch["pe_array"]["impl"].as<std::string>(), "systolic");
    EXPECT_EQ(arch["pe_array"]["rows"].as<int64_t>(), e.array);
    EXPECT_EQ(arch["pe_array"]["cols"].as<int64_t>(), e.array);
    EXPECT_EQ(arch["pe_array"]["dataflow"].as<std::string>(), "ws");
    EXPECT_EQ(arch["pe_array"]["timing"].as<std::string>(), "physical");
    // GlobalBuffer depth 4096 x width 1024 bits = 512 KiB; 128 words/cycle x 1 byte over
    // n_banks 16 = 8 bytes per bank.
    EXPECT_EQ(arch["buffer"]["impl"].as<std::string>(), "buffet");
    EXPECT_EQ(arch["buffer"]["capacity_kib"].as<int64_t>(), 512);
    EXPECT_EQ(arch["buffer"]["banks"].as<int64_t>(), 16);
    EXPECT_EQ(arch["buffer"]["bank_width_bytes"].as<int64_t>(), 8);
    EXPECT_FALSE(arch["buffer"]["double_buffered"].as<bool>());
    // DRAM shared_bandwidth 25.6 words/cycle x 1 byte x 1 GHz = 25.6 GB/s, no latency.
    EXPECT_EQ(arch["dram"]["impl"].as<std::string>(), "ideal");
    EXPECT_DOUBLE_EQ(arch["dram"]["bandwidth_gbps"].as<double>(), 25.6);
    EXPECT_EQ(arch["dram"]["latency_ns"].as<double>(), 0);
    EXPECT_EQ(arch["system"]["clock_mhz"].as<double>(), 1000);
    EXPECT_EQ(arch["crypto"]["impl"].as<std::string>(), "none");
  }
}

// Only alexnet_conv1 uses fewer array rows than tessera's folds would (C3 of 32): a warning.
TEST(TimeloopImport, WarnsWhereTesseraFoldsDiffer) {
  for (const Expected& e : kCases) {
    SCOPED_TRACE(e.name);
    const timeloop::Import imported = import_case(kData + "/" + e.name);
    if (e.name != "alexnet_conv1_s4_ws32") {
      EXPECT_TRUE(imported.warnings.empty());
      continue;
    }
    ASSERT_EQ(imported.warnings.size(), 1U);
    // Timeloop: R11 x S11 passes of 3 rows; tessera: ceil(363 / 32) = 12 folds.
    EXPECT_NE(imported.warnings[0].find("121 times"), std::string::npos);
    EXPECT_NE(imported.warnings[0].find("in 12 folds"), std::string::npos);
  }
}

TEST(TimeloopImport, EveryCaseRunsWithTheProblemsMacs) {
  TempDir dir;
  for (const Expected& e : kCases) {
    SCOPED_TRACE(e.name);
    const std::string out = dir.path() + "/" + e.name;
    std::string output;
    ASSERT_EQ(test::run(import_command(kData + "/" + e.name, out), output), 0) << output;
    const std::string json = out + "/result.json";
    const std::string command = kBinary + " run " + quote(out + "/trace.yaml") + " --arch " +
                                quote(out + "/arch.yaml") + " --json " + quote(json);
    ASSERT_EQ(test::run(command, output), 0) << command << "\n" << output;
    std::ifstream in(json);
    const nlohmann::json result = nlohmann::json::parse(in);
    // MACs = N x P x Q x M x C x R x S of the problem.
    const int64_t macs = e.out_h * e.out_w * e.filters * e.channels * e.filter * e.filter;
    EXPECT_EQ(result["layers"][0]["macs"].get<int64_t>(), macs);
  }
}

// ---- Bad input -------------------------------------------------------------------------------

// A copy of resnet18_conv2_ws32 with text replaced in one of its files.
struct TimeloopBadCase {
  std::string what;
  std::string file;  // problem.yaml, arch.yaml or mapping.yaml
  std::vector<std::pair<std::string, std::string>> edits;
  int line;  // where the error must point (the files' own line numbers)
  std::string field;
  std::string message;     // a fragment of it
  std::string error_file;  // where the error points, when not `file`
};

const std::vector<TimeloopBadCase> kBadCases = {
    // The flow list opened on line 8 is still open when line 9 starts a key.
    {"malformed YAML",
     "problem.yaml",
     {{"    C: 64", "    C: [64"}},
     9,
     "problem.instance.G",
     "malformed YAML",
     ""},
    // timeloopfe's spelling, which v3.0.3 does not read.
    {"data_spaces",
     "problem.yaml",
     {{"    data-spaces:", "    data_spaces:"}},
     38,
     "problem.shape.data_spaces",
     "reads 'data-spaces'",
     ""},
    // Timeloop ignores the misspelt key and keeps stride 1.
    {"misspelt stride",
     "problem.yaml",
     {{"    Hstride: 1", "    HStride: 1"}},
     13,
     "problem.instance.HStride",
     "without a word; did you mean 'Hstride'?",
     ""},
    // P: GlobalBuffer 28 x DRAM 1 = 28, not 56; reported at the outermost level, DRAM (line 31).
    {"factors not the bound",
     "mapping.yaml",
     {{"P=56 Q=56", "P=28 Q=56"}},
     31,
     "mapping[5].factors",
     "multiply to 28",
     ""},
    // C64 on X (meshX 32), products kept: GlobalBuffer temporal C1 M4.
    {"spatial larger than the array",
     "mapping.yaml",
     {{"factors: C=32 M=32", "factors: C=64 M=16"}, {"factors: C=2 M=2", "factors: C=1 M=4"}},
     16,
     "mapping[2].factors",
     "multiply to 64, more than the 32 PEs",
     ""},
    // Q 56 = GlobalBuffer 14 x DRAM 4 while the tile keeps all of P: m ranges not contiguous.
    {"DRAM split of Q",
     "mapping.yaml",
     {{"P=56 Q=56", "P=56 Q=14"},
      {"factors: C=1 M=1 R=1 S=1 N=1 P=1 Q=1 G=1\n  permutation: QPNSRCMG\n"
       "- target: DRAM",
       "factors: C=1 M=1 R=1 S=1 N=1 P=1 Q=4 G=1\n  permutation: QPNSRCMG\n"
       "- target: DRAM"}},
     31,
     "mapping[5].factors",
     "DRAM splits Q (4)",
     ""},
    {"DRAM split of R",
     "mapping.yaml",
     {{"R=3 S=3 N=1 P=56", "R=1 S=3 N=1 P=56"},
      {"factors: C=1 M=1 R=1 S=1 N=1 P=1 Q=1 G=1\n  permutation: QPNSRCMG\n- target: DRAM",
       "factors: C=1 M=1 R=3 S=1 N=1 P=1 Q=1 G=1\n  permutation: QPNSRCMG\n- target: DRAM"}},
     31,
     "mapping[5].factors",
     "DRAM splits R (3)",
     ""},
    // The second keep list (line 26) is the GlobalBuffer's; its entry starts on line 23.
    {"bypassed global buffer",
     "mapping.yaml",
     {{"  keep:\n  - Weights\n  - Inputs\n  - Outputs\n- target: DRAM",
       "  keep:\n  - Weights\n  - Outputs\n  bypass:\n  - Inputs\n- target: DRAM"}},
     23,
     "mapping[4].bypass",
     "bypasses Inputs",
     ""},
    // Without the bypass lists the depth-1 register would hold all three tensors.
    {"PE register keeping inputs",
     "mapping.yaml",
     {{"  keep:\n  - Weights\n  bypass:\n  - Inputs\n  - Outputs\n", ""}},
     7,
     "mapping[1].bypass",
     "PEWeightReg keeps Inputs, Outputs",
     ""},
    // No bypass entry at all: Timeloop keeps every tensor; the error names the level's entry.
    {"PE register without bypass",
     "mapping.yaml",
     {{"- target: PEWeightReg\n  type: bypass\n  keep:\n  - Weights\n  bypass:\n  - Inputs\n  - "
       "Outputs\n",
       ""}},
     3,
     "mapping[0]",
     "(no bypass entry: Timeloop keeps everything)",
     ""},
    // P inside S: the weight would change while the output plane streams.
    {"global-buffer order",
     "mapping.yaml",
     {{"permutation: QPNSRCMG\n- target: GlobalBuffer\n  type: bypass",
       "permutation: QSNPRCMG\n- target: GlobalBuffer\n  type: bypass"}},
     22,
     "mapping[3].permutation",
     "outside its loop over S",
     ""},
    // Hdilation is S's coefficient in this projection (S*Hdilation + Q*Hstride).
    {"dilation",
     "problem.yaml",
     {{"    Hdilation: 1", "    Hdilation: 2"}},
     12,
     "problem.instance.Hdilation",
     "no dilated convolution",
     ""},
    // Half the capacity (depth 2048 x 1024 bits = 262144 words) for the whole layer:
    // inputs 64*58*58 = 215296 + weights 576*64 = 36864 + outputs 3136*64 = 200704 = 452864.
    {"tile larger than the global buffer",
     "arch.yaml",
     {{"depth: 4096", "depth: 2048"}},
     31,
     "mapping[5].factors",
     "is 452864 words, more than its 262144",
     "mapping.yaml"},
    // A second chip-level buffer (line 31, after the GlobalBuffer's attributes).
    {"second on-chip level",
     "arch.yaml",
     {{"          shared_bandwidth: 128\n",
       "          shared_bandwidth: 128\n      - name: InputBuffer\n        class: SRAM\n"
       "        attributes:\n          depth: 16\n          width: 64\n          word-bits: 8\n"}},
     31,
     "InputBuffer",
     "tessera has one global buffer",
     ""},
    {"misspelt arch attribute",
     "arch.yaml",
     {{"          n_banks: 16", "          n_bank: 16"}},
     27,
     "architecture.subtree[0].subtree[0].local[0].attributes.n_bank",
     "unknown key",
     ""},
};

using Edits = std::vector<std::pair<std::string, std::string>>;

// Writes a copy of resnet18_conv2_ws32 into `dir` with every occurrence of each `from` replaced,
// per file; returns the folder.
std::string write_edited_case(const TempDir& dir, const std::map<std::string, Edits>& edits) {
  const std::string src = kData + "/resnet18_conv2_ws32";
  std::string out = dir.path() + "/case";
  fs::create_directories(out);
  for (const char* name : {"problem.yaml", "arch.yaml", "mapping.yaml"}) {
    std::string text = test::read_file(src + "/" + name);
    const auto it = edits.find(name);
    for (const auto& [from, to] : it == edits.end() ? Edits{} : it->second) {
      size_t at = text.find(from);
      if (at == std::string::npos) throw std::runtime_error("no '" + from + "' in " + name);
      for (; at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
      }
    }
    std::ofstream(out + "/" + name, std::ios::binary) << text;
  }
  return out;
}

TEST(TimeloopImport, EachBadInputIsOneLocatedError) {
  for (const TimeloopBadCase& c : kBadCases) {
    SCOPED_TRACE(c.what);
    TempDir dir;
    const std::string folder = write_edited_case(dir, {{c.file, c.edits}});
    const std::string file = folder + "/" + (c.error_file.empty() ? c.file : c.error_file);
    try {
      (void)import_case(folder);
      ADD_FAILURE() << "no InputError";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().file, file);
      EXPECT_EQ(e.where().line, c.line) << e.what();
      EXPECT_EQ(e.where().field, c.field) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
    }
    // The program: exit 2, the same located message, nothing written.
    std::string err;
    const std::string out = dir.path() + "/out";
    EXPECT_EQ(test::run_stderr(import_command(folder, out), err), 2);
    const std::string at = file + ":" + std::to_string(c.line) + ": field '" + c.field + "'";
    EXPECT_EQ(err.rfind("tessera: error: " + at, 0), 0U) << err;
    EXPECT_FALSE(fs::exists(out));
  }
}

TEST(TimeloopImport, MissingFileIsAnError) {
  TempDir dir;
  const std::string folder = kData + "/resnet18_conv2_ws32";
  const std::string missing = dir.path() + "/no_such_problem.yaml";
  const std::string out = dir.path() + "/out";
  std::string err;
  const std::string command = kBinary + " import timeloop --problem " + quote(missing) +
                              " --arch " + quote(folder + "/arch.yaml") + " --mapping " +
                              quote(folder + "/mapping.yaml") + " -o " + quote(out);
  EXPECT_EQ(test::run_stderr(command, err), 2);
  EXPECT_EQ(err.rfind("tessera: error: " + missing + ": field 'problem'", 0), 0U) << err;
  EXPECT_FALSE(fs::exists(out));
}

// The scalesim form still works and the usage names both formats.
TEST(TimeloopImport, UsageNamesBothFormats) {
  std::string err;
  EXPECT_EQ(test::run_stderr(kBinary + " import timeloop --problem x.yaml -o out", err), 1);
  EXPECT_NE(err.find("tessera import scalesim TOPOLOGY.csv"), std::string::npos) << err;
  EXPECT_NE(err.find("tessera import timeloop --problem P.yaml --arch A.yaml --mapping M.yaml"),
            std::string::npos)
      << err;
}

}  // namespace
}  // namespace tessera

namespace tessera {
namespace {

// A 16 x 32 mesh (PE[0..511], meshX 16): the axis the mapping puts C on becomes tessera's rows.
TEST(TimeloopImport, ArrayAxesFollowTheMapping) {
  const Edits mesh = {{"PE[0..1023]", "PE[0..511]"}, {"meshX: 32", "meshX: 16"}};
  struct Axes {
    Edits mapping;
    int64_t rows, cols;
  };
  const std::vector<Axes> cases = {
      // C16 on X (meshX 16), M32 on Y (512 / 16 = 32); the global buffer loops C4 M2.
      {{{"factors: C=32 M=32", "factors: C=16 M=32"}, {"factors: C=2 M=2", "factors: C=4 M=2"}},
       16,
       32},
      // split 1 with M first: M16 on X, C32 on Y; the global buffer loops C2 M4.
      {{{"factors: C=32 M=32 R=1 S=1 N=1 P=1 Q=1 G=1\n  permutation: CMRSNPQG",
         "factors: C=32 M=16 R=1 S=1 N=1 P=1 Q=1 G=1\n  permutation: MCRSNPQG"},
        {"factors: C=2 M=2", "factors: C=2 M=4"}},
       32,
       16},
  };
  for (const Axes& c : cases) {
    SCOPED_TRACE(c.rows);
    TempDir dir;
    const std::string folder =
        write_edited_case(dir, {{"arch.yaml", mesh}, {"mapping.yaml", c.mapping}});
    const timeloop::Import imported = import_case(folder);
    const YAML::Node arch = YAML::Load(imported.arch_yaml);
    EXPECT_EQ(arch["pe_array"]["rows"].as<int64_t>(), c.rows);
    EXPECT_EQ(arch["pe_array"]["cols"].as<int64_t>(), c.cols);
    // Timeloop's passes equal tessera's folds: k 576 / rows = C x R x S loops, n 64 / cols = M.
    EXPECT_TRUE(imported.warnings.empty());
  }
}

}  // namespace
}  // namespace tessera
