// Bad input on the command line: every case must exit with code 2, print exactly one
// `tessera: error: FILE:LINE: field 'FIELD': ...` line on stderr naming where the problem is, and
// leave no report (or imported trace) behind, since input is checked before anything is written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/program.h"

namespace {

using tessera::test::quote;
using tessera::test::run_stderr;
using tessera::test::TempDir;

namespace fs = std::filesystem;

using tessera::test::kBinary;
using tessera::test::kDefaultArch;

// A valid one-layer trace; cases replace or append lines. Line numbers are 1-based.
const std::vector<std::string> kGoodTrace = {
    "tessera_trace: 1",    // 1
    "name: bad",           // 2
    "layers:",             // 3
    "  - name: L1",        // 4
    "    op: conv",        // 5
    "    input: [8, 8]",   // 6
    "    channels: 4",     // 7
    "    filters: 4",      // 8
    "    filter: [3, 3]",  // 9
};

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

// The trace with line `line` (1-based) replaced by `text` (or appended when past the end).
std::string with_line(int line, const std::string& text) {
  std::vector<std::string> lines = kGoodTrace;
  if (line > static_cast<int>(lines.size())) {
    lines.push_back(text);
  } else {
    lines[static_cast<size_t>(line - 1)] = text;
  }
  return join(lines);
}

struct Expect {
  std::string file;   // must appear in the message
  int line = 0;       // 0: the message has no line
  std::string field;  // must appear as field 'FIELD'
  std::string also;   // extra text the message must contain (empty: none)
};

// Runs `args` with --json/--csv into `dir` and checks the one-line error and that no report
// exists afterwards.
void expect_bad_input(const TempDir& dir, const std::string& args, const Expect& e) {
  const std::string json = dir.path() + "/out.json";
  const std::string csv = dir.path() + "/out.csv";
  const std::string command =
      kBinary + " run " + args + " --json " + quote(json) + " --csv " + quote(csv);
  std::string err;
  EXPECT_EQ(run_stderr(command, err), 2) << command << "\n" << err;
  ASSERT_FALSE(err.empty()) << command;
  EXPECT_EQ(err.back(), '\n') << err;
  EXPECT_EQ(err.find('\n'), err.size() - 1) << "more than one line:\n" << err;
  std::string prefix = "tessera: error: " + e.file;
  if (e.line > 0) prefix += ":" + std::to_string(e.line);
  EXPECT_EQ(err.rfind(prefix, 0), 0u) << "expected prefix: " << prefix << "\ngot: " << err;
  if (!e.field.empty()) {
    EXPECT_NE(err.find("field '" + e.field + "': "), std::string::npos)
        << "expected field '" << e.field << "'\ngot: " << err;
  }
  if (!e.also.empty()) {
    EXPECT_NE(err.find(e.also), std::string::npos) << err;
  }
  EXPECT_FALSE(fs::exists(json)) << command;
  EXPECT_FALSE(fs::exists(csv)) << command;
}

// A bad trace: `text` is written to trace.yaml and run on the default architecture.
void expect_bad_trace(const std::string& text, int line, const std::string& field,
                      const std::string& extra_args = "", const std::string& also = "") {
  TempDir dir;
  const std::string trace = dir.write("trace.yaml", text);
  expect_bad_input(dir, quote(trace) + " --arch " + quote(kDefaultArch) + " " + extra_args,
                   {trace, line, field, also});
}

// A bad architecture: `arch` is written to arch.yaml and runs the good trace.
void expect_bad_arch(const std::string& arch, int line, const std::string& field,
                     const std::string& also = "") {
  TempDir dir;
  const std::string trace = dir.write("trace.yaml", join(kGoodTrace));
  const std::string arch_file = dir.write("arch.yaml", arch);
  expect_bad_input(dir, quote(trace) + " --arch " + quote(arch_file),
                   {arch_file, line, field, also});
}

// A bad -p override: the message names the override and the field.
void expect_bad_override(const std::string& override_text, const std::string& field,
                         const std::string& also = "") {
  TempDir dir;
  const std::string trace = dir.write("trace.yaml", join(kGoodTrace));
  expect_bad_input(dir, quote(trace) + " -p " + quote(override_text),
                   {"-p " + override_text, 0, field, also});
}

TEST(CliBadInput, GoodTraceRuns) {
  // Guards the cases below: they must fail because of their one change, not the base trace.
  TempDir dir;
  const std::string trace = dir.write("trace.yaml", join(kGoodTrace));
  std::string err;
  EXPECT_EQ(run_stderr(kBinary + " run " + quote(trace) + " -q", err), 0) << err;
}

TEST(CliBadInput, MalformedYaml) {
  // The bracket is left open on the last line, so the parser notices it on that line.
  expect_bad_trace(with_line(9, "    filter: [3, 3"), 9, "layers.filter");
}

TEST(CliBadInput, UnknownLayerKey) {
  expect_bad_trace(with_line(7, "    chanels: 4"), 7, "layers[0].chanels");
}

TEST(CliBadInput, RepeatedLayerKey) {
  expect_bad_trace(with_line(10, "    channels: 8"), 10, "layers[0].channels", "", "appears twice");
}

TEST(CliBadInput, UnknownOp) {
  expect_bad_trace(with_line(5, "    op: upsample"), 5, "layers[0].op");
}

TEST(CliBadInput, MissingRequiredField) {
  std::vector<std::string> lines = kGoodTrace;
  lines.erase(lines.begin() + 7);  // filters
  expect_bad_trace(join(lines), 4, "layers[0].filters");
}

TEST(CliBadInput, ZeroDimension) {
  expect_bad_trace(with_line(7, "    channels: 0"), 7, "layers[0].channels");
}

TEST(CliBadInput, NegativeDimension) {
  expect_bad_trace(with_line(6, "    input: [8, -8]"), 6, "layers[0].input");
}

TEST(CliBadInput, NonIntegerDimension) {
  expect_bad_trace(with_line(8, "    filters: 2.5"), 8, "layers[0].filters");
}

TEST(CliBadInput, FilterLargerThanInput) {
  expect_bad_trace(with_line(9, "    filter: [9, 3]"), 9, "layers[0].filter");
}

TEST(CliBadInput, OutputTooLarge) {
  // 8x8 input, 3x3 filter, stride 1: at most 6 outputs per side.
  expect_bad_trace(with_line(10, "    output: [7, 6]"), 10, "layers[0].output");
}

TEST(CliBadInput, BufferTileLargerThanLayer) {
  // GEMM view: m = 36, n = 4, k = 36.
  std::vector<std::string> lines = kGoodTrace;
  lines.emplace_back("    mapping:");                             // 10
  lines.emplace_back("      buffer_tile: {m: 36, n: 5, k: 36}");  // 11
  expect_bad_trace(join(lines), 11, "layers[0].mapping.buffer_tile.n");
}

TEST(CliBadInput, TileDoesNotFitBufferViaCapacity) {
  // A 1 KiB buffer holds no tile of a layer whose smallest tile is larger than 512 bytes: use a
  // layer with a large filter so that even one output pixel needs a big input window.
  std::vector<std::string> lines = kGoodTrace;
  lines[5] = "    input: [40, 40]";
  lines[6] = "    channels: 64";
  lines[8] = "    filter: [20, 20]";
  // The tile depends on the architecture, so the tiler reports it at the layer, naming it.
  expect_bad_trace(join(lines), 4, "mapping", "-p buffer.capacity_kib=1", "layer 'L1'");
}

TEST(CliBadInput, TileDoesNotFitBufferViaMapping) {
  std::vector<std::string> lines = kGoodTrace;
  lines.emplace_back("    mapping:");                             // 10
  lines.emplace_back("      buffer_tile: {m: 36, n: 4, k: 36}");  // 11
  // Whether it fits depends on the architecture: the tiler reports it at the layer.
  expect_bad_trace(join(lines), 4, "mapping.buffer_tile", "-p buffer.capacity_kib=1", "layer 'L1'");
}

TEST(CliBadInput, BadLoopOrder) {
  std::vector<std::string> lines = kGoodTrace;
  lines.emplace_back("    mapping:");                 // 10
  lines.emplace_back("      loop_order: [m, m, k]");  // 11
  expect_bad_trace(join(lines), 11, "layers[0].mapping.loop_order");
}

TEST(CliBadInput, DuplicateLayerNames) {
  std::vector<std::string> lines = kGoodTrace;
  for (int i = 3; i < 9; ++i) lines.push_back(kGoodTrace[static_cast<size_t>(i)]);  // 10..15
  expect_bad_trace(join(lines), 10, "layers[1].name", "", "duplicate");
}

TEST(CliBadInput, WrongVersion) {
  expect_bad_trace(with_line(1, "tessera_trace: 2"), 1, "tessera_trace");
}

TEST(CliBadInput, SparsityOfAnotherTensor) {
  expect_bad_trace(with_line(10, "    sparsity: {inputs: {density: 0.5}}"), 10,
                   "layers[0].sparsity.inputs", "", "unknown key");
}

TEST(CliBadInput, ImpossibleSparsityPattern) {
  expect_bad_trace(with_line(10, "    sparsity: {weights: {hss: [\"2:4\", \"5:4\"]}}"), 10,
                   "layers[0].sparsity.weights.hss[1]", "", "impossible");
}

TEST(CliBadInput, SparsityBlocksNotDividingTheReduction) {
  // k = 4 channels x 3 x 3 = 36, not a multiple of the 16-value rank-1 block.
  expect_bad_trace(with_line(10, "    sparsity: {weights: {hss: [\"2:4\", \"3:4\"]}}"), 10,
                   "layers[0].sparsity.weights.hss", "", "not a multiple");
}

TEST(CliBadInput, MissingTraceFile) {
  TempDir dir;
  const std::string missing = dir.path() + "/no_such_trace.yaml";
  expect_bad_input(dir, quote(missing), {missing, 0, "", "cannot open"});
}

TEST(CliBadInput, ArchUnknownModule) {
  expect_bad_arch("pe_array:\n  rows: 8\nscratchpad:\n  impl: sram\n", 3, "scratchpad",
                  "unknown module");
}

TEST(CliBadInput, ArchUnknownImpl) {
  expect_bad_arch("buffer:\n  capacity_kib: 64\npe_array:\n  impl: tpu\n", 4, "pe_array.impl",
                  "systolic");
}

TEST(CliBadInput, ArchRepeatedParameter) {
  expect_bad_arch("pe_array:\n  rows: 8\n  rows: 16\n", 3, "pe_array.rows", "appears twice");
}

TEST(CliBadInput, ArchRepeatedModule) {
  expect_bad_arch("buffer:\n  banks: 4\nbuffer:\n  banks: 8\n", 3, "buffer", "appears twice");
}

TEST(CliBadInput, ArchMisspeltParameter) {
  expect_bad_arch("pe_array:\n  impl: systolic\n  rowz: 8\n", 3, "pe_array.rowz");
}

// Values of the right type that the module itself rejects are named where they were given too.
TEST(CliBadInput, ModuleRejectsAParameterValue) {
  expect_bad_arch("buffer:\n  capacity_kib: 64\ndram:\n  impl: ddr\n  channels: 3\n", 5,
                  "dram.channels", "power of two");
  expect_bad_arch("sparse:\n  impl: nm\n  pattern: 5:4\n", 3, "sparse.pattern", "5:4");
  expect_bad_arch("buffer:\n  impl: tailors\n  overbook_target: 1\n", 3, "buffer.overbook_target",
                  "(0, 1)");
  expect_bad_override("dram.channels=6", "dram.channels", "power of two");
  // The DDR controller's policies are registered names: a name nobody registered is named with
  // the ones that are.
  expect_bad_arch("dram:\n  impl: ddr\n  scheduler: oldest\n", 3, "dram.scheduler",
                  "unknown ddr_scheduler implementation 'oldest' (known: fcfs, frfcfs)");
  expect_bad_arch("dram:\n  impl: ddr\n  page_policy: shut\n", 3, "dram.page_policy",
                  "unknown ddr_page_policy implementation 'shut' (known: closed, open)");
  expect_bad_arch("dram:\n  impl: ddr\n  refresh_policy: never\n", 3, "dram.refresh_policy",
                  "unknown ddr_refresh_policy implementation 'never'");
  // A scheduler chooses among queued requests; the streams controller has none to choose.
  expect_bad_arch("dram:\n  impl: ddr\n  scheduler: fcfs\n", 3, "dram.scheduler",
                  "set controller: queue to use one");
}

TEST(CliBadInput, OverrideNotAnInteger) {
  expect_bad_override("pe_array.rows=abc", "pe_array.rows", "abc");
}

TEST(CliBadInput, OverrideBadChoice) {
  expect_bad_override("pe_array.dataflow=xx", "pe_array.dataflow", "xx");
}

TEST(CliBadInput, OverrideUnknownModule) {
  expect_bad_override("scratchpad.size=4", "scratchpad", "unknown module");
}

TEST(CliBadInput, MissingEnergyFile) {
  TempDir dir;
  const std::string trace = dir.write("trace.yaml", join(kGoodTrace));
  const std::string missing = dir.path() + "/no_such_energy.yaml";
  expect_bad_input(dir, quote(trace) + " --energy " + quote(missing), {missing, 0, "", ""});
}

// A table without a row for an action a module declares is refused once the modules are built,
// before anything runs: no report is written.
TEST(CliBadInput, EnergyTableWithoutAnActionsRow) {
  TempDir dir;
  const std::string trace = dir.write("trace.yaml", join(kGoodTrace));
  std::string table =
      tessera::test::read_file(std::string(TESSERA_SOURCE_DIR) + "/sim/energy/default.yaml");
  const size_t at = table.find("    write_word:");
  ASSERT_NE(at, std::string::npos);
  table.replace(at, std::string("    write_word:").size(), "    write_wrd:");
  const std::string energy = dir.write("energy.yaml", table);
  const std::string json = dir.path() + "/out.json";
  std::string err;
  EXPECT_EQ(run_stderr(kBinary + " run " + quote(trace) + " -q --energy " + quote(energy) +
                           " --json " + quote(json),
                       err),
            2)
      << err;
  EXPECT_NE(err.find("field 'components.buffer.write_word': energy table 'default-65nm' has no "
                     "entry for action 'write_word' of component 'buffer'"),
            std::string::npos)
      << err;
  EXPECT_FALSE(fs::exists(json));
}

TEST(CliBadInput, JsonInMissingFolder) {
  TempDir dir;
  const std::string trace = dir.write("trace.yaml", join(kGoodTrace));
  const std::string json = dir.path() + "/no_such_folder/out.json";
  const std::string command = kBinary + " run " + quote(trace) + " -q --json " + quote(json);
  std::string err;
  EXPECT_EQ(run_stderr(command, err), 2) << command << "\n" << err;
  EXPECT_EQ(err.rfind("tessera: error: ", 0), 0u) << err;
  EXPECT_NE(err.find("no_such_folder"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir.path() + "/no_such_folder"));
  // Nothing else (no temporary file) was left in the folder.
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    left.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(left, std::vector<std::string>{"trace.yaml"});
}

TEST(CliBadInput, ScaleSimNonNumericField) {
  TempDir dir;
  const std::string csv = dir.write(
      "topology.csv",
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
      "Strides,\n"
      "C1, 12, 12, 3, 3, 2, 6, 1,\n"
      "C2, 11, eleven, 3, 3, 3, 10, 2,\n");
  const std::string out = dir.path() + "/imported";
  const std::string command = kBinary + " import scalesim " + quote(csv) + " -o " + quote(out);
  std::string err;
  EXPECT_EQ(run_stderr(command, err), 2) << command << "\n" << err;
  EXPECT_EQ(err.find('\n'), err.size() - 1) << "more than one line:\n" << err;
  EXPECT_EQ(err.rfind("tessera: error: " + csv + ":3: field 'IFMAP Width'", 0), 0u) << err;
  EXPECT_NE(err.find("eleven"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(out + "/trace.yaml"));
  EXPECT_FALSE(fs::exists(out + "/arch.yaml"));
}

}  // namespace
