// The sparse commands end to end: tailors behaves exactly like the buffet when every tile fits,
// `tessera spmspm` gives the same totals as `tessera run` on the equivalent trace plus the
// overbooking fields, `tessera tile` reports the chosen size with its timings on stderr, and bad
// matrices, operands and fractions give one clear error with exit code 2.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/files.h"
#include "tests/support/program.h"
#include "tests/support/reports.h"

namespace tessera::test {
namespace {

const std::string kSparseArch = kSourceDir + "/traces/arch/sparse.yaml";
const std::string kMatrices = kSourceDir + "/data/matrices/";

nlohmann::json component(const nlohmann::json& report, const std::string& name) {
  for (const auto& c : report["components"]) {
    if (c["name"] == name) return c;
  }
  ADD_FAILURE() << "no component " << name;
  return {};
}

std::string generated_trace(int seed, int tile) {
  return "tessera_trace: 1\nlayers:\n  - name: z\n    op: spmspm\n    operands:\n"
         "      A: {generate: power_law, rows: 300, cols: 200, nnz_per_row: 4, exponent: 1.0, "
         "seed: " +
         std::to_string(seed) +
         "}\n"
         "      B: {generate: uniform, rows: 200, cols: 250, density: 0.03, seed: " +
         std::to_string(seed + 100) + "}\n    mapping: {buffer_tile: {m: " + std::to_string(tile) +
         ", n: " + std::to_string(tile) + ", k: " + std::to_string(tile) + "}}\n";
}

TEST(CliSparse, TailorsWithTilesThatFitBehavesExactlyLikeTheBuffet) {
  TempDir dir;
  for (int seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE(seed);
    const std::string trace = dir.write("t.yaml", generated_trace(seed, 16 + 8 * seed));
    nlohmann::json reports[2];
    const char* buffers[2] = {"buffet", "tailors"};
    for (int i = 0; i < 2; ++i) {
      const std::string json = dir.path() + "/" + buffers[i] + ".json";
      std::string out;
      const std::string cmd = kBinary + " run " + quote(trace) + " --arch " + quote(kSparseArch) +
                              " -p buffer.impl=" + buffers[i] + " --json " + quote(json) + " -q";
      ASSERT_EQ(run(cmd, out), 0) << cmd << "\n" << out;
      reports[i] = read_json(json);
    }
    EXPECT_EQ(reports[0]["totals"], reports[1]["totals"]);
    EXPECT_EQ(reports[0]["layers"][0]["cycles"], reports[1]["layers"][0]["cycles"]);
    EXPECT_EQ(reports[0]["layers"][0]["stall_cycles"], reports[1]["layers"][0]["stall_cycles"]);
    for (const char* name : {"controller", "pe_array", "dram"}) {
      EXPECT_EQ(component(reports[0], name), component(reports[1], name)) << name;
    }
    const nlohmann::json buffet = component(reports[0], "buffer")["counters"];
    const nlohmann::json tailors = component(reports[1], "buffer")["counters"];
    for (const auto& [counter, value] : buffet.items()) {
      EXPECT_EQ(tailors[counter], value) << counter;
    }
    EXPECT_EQ(tailors["overbooked_tiles"], 0);
    EXPECT_EQ(tailors["bumped_words"], 0);
    EXPECT_EQ(tailors["refetched_bytes"], 0);
    EXPECT_GT(buffet["fills"], 10);
  }
}

TEST(CliSparse, SpmspmReportsTheTotalsOfRunAndTheOverbooking) {
  TempDir dir;
  const std::string a = kMatrices + "bcsstk13.mtx";
  const std::string trace = dir.write("t.yaml",
                                      "tessera_trace: 1\nlayers:\n  - name: z\n    op: spmspm\n"
                                      "    operands: {A: {file: " +
                                          a + "}, B: {transpose_of: A}}\n");
  const std::string run_json = dir.path() + "/run.json", spmspm_json = dir.path() + "/s.json";
  std::string out;
  ASSERT_EQ(run(kBinary + " run " + quote(trace) + " --arch " + quote(kSparseArch) +
                    " -p buffer.capacity_kib=16 -q --json " + quote(run_json),
                out),
            0)
      << out;
  ASSERT_EQ(run(kBinary + " spmspm " + quote(a) +
                    " --transpose --buffer tailors -p buffer.capacity_kib=16 --json " +
                    quote(spmspm_json),
                out),
            0)
      << out;
  EXPECT_NE(out.find("tile shape"), std::string::npos) << out;
  const nlohmann::json r = read_json(run_json), s = read_json(spmspm_json);
  EXPECT_EQ(r["totals"], s["totals"]);
  const nlohmann::json buffer = component(s, "buffer")["counters"];
  EXPECT_EQ(s["tiles"], r["layers"][0]["tiles"]);
  EXPECT_EQ(s["overbooked_tiles"], buffer["overbooked_tiles"]);
  EXPECT_EQ(s["bumped_words"], buffer["bumped_words"]);
  EXPECT_EQ(s["refetched_bytes"], buffer["refetched_bytes"]);
  EXPECT_GT(s["refetched_bytes"], 0);
  EXPECT_EQ(s["tile_shape"]["m"], s["tile_shape"]["n"]);
  EXPECT_EQ(s["buffer"], "tailors");
  EXPECT_EQ(s["a"]["nnz"], 83883);
}

TEST(CliSparse, SpmspmFunctionalChecksTheProductOnEveryBuffer) {
  for (const char* buffer : {"buffet", "prescient", "tailors"}) {
    std::string out;
    const std::string cmd = kBinary + " spmspm " + quote(kMatrices + "west0067.mtx") +
                            " --buffer " + buffer + " -p buffer.capacity_kib=2 --functional -q";
    EXPECT_EQ(run(cmd, out), 0) << cmd << "\n" << out;
  }
}

TEST(CliSparse, TileReportsSwiftilesAgainstTheExhaustiveSearch) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml",
                                      "tessera_trace: 1\nlayers:\n  - name: cage8\n    op: spmspm\n"
                                      "    operands: {A: {file: " +
                                          kMatrices + "cage8.mtx}, B: {same_as: A}}\n");
  std::string out, err;
  ASSERT_EQ(capture_stdout(kBinary + " tile --target 0.1 " + quote(trace) +
                               " -p buffer.capacity_kib=16 2>/dev/null",
                           out),
            0);
  EXPECT_NE(out.find("swiftiles_tile,shape_mxkxn,predicted_fraction,actual_fraction"),
            std::string::npos);
  EXPECT_NE(out.find("\ncage8,"), std::string::npos) << out;
  ASSERT_EQ(run_stderr(kBinary + " tile --target 0.1 " + quote(trace), err), 0);
  EXPECT_NE(err.find("wall-clock cage8: swiftiles estimate"), std::string::npos) << err;
}

// One buffer per test, so that the runs go side by side (buffet's, 1.8 M tiles of 64 KiB, is the
// suite's longest).
class CliSparseBuffer : public testing::TestWithParam<const char*> {};

TEST_P(CliSparseBuffer, RunsTheSampleSparseTrace) {
  TempDir dir;
  const std::string buffer = GetParam();
  const std::string json = dir.path() + "/" + buffer + ".json";
  std::string out;
  const std::string cmd =
      kBinary + " run " + quote(kSourceDir + "/traces/sparse/suitesparse.yaml") + " --arch " +
      quote(kSparseArch) + " -p buffer.capacity_kib=64 -p buffer.impl=" + buffer + " -q --json " +
      quote(json);
  ASSERT_EQ(run(cmd, out), 0) << cmd << "\n" << out;
  const nlohmann::json r = read_json(json);
  ASSERT_EQ(r["layers"].size(), 5u);
  for (const auto& layer : r["layers"]) EXPECT_GT(layer["macs"], 0);
}

INSTANTIATE_TEST_SUITE_P(EveryBuffer, CliSparseBuffer,
                         testing::Values("buffet", "prescient", "tailors"));

struct SparseCliBadCase {
  const char* name;
  // After the binary; {DIR} is the temp folder, {M} the shipped matrices' folder, {ARCH} the
  // sparse architecture.
  const char* args;
  const char* expect;  // in stderr
};

class CliSparseBadInput : public testing::TestWithParam<SparseCliBadCase> {};

TEST_P(CliSparseBadInput, ExitsWithOneClearError) {
  TempDir dir;
  dir.write("truncated.mtx", "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1\n");
  dir.write("range.mtx", "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 7 1\n");
  dir.write("nobanner.mtx", "3 3 1\n1 1 1\n");
  dir.write("wide.mtx", "%%MatrixMarket matrix coordinate pattern general\n4 5 1\n1 1\n");
  dir.write("bad_gen.yaml",
            "tessera_trace: 1\nlayers:\n  - name: z\n    op: spmspm\n    operands:\n"
            "      A: {generate: uniform, rows: 10, cols: 10, density: 1.5}\n"
            "      B: {same_as: A}\n");
  dir.write("bad_dims.yaml",
            "tessera_trace: 1\nlayers:\n  - name: z\n    op: spmspm\n    operands:\n"
            "      A: {file: wide.mtx}\n      B: {same_as: A}\n");
  dir.write("bad_ref.yaml",
            "tessera_trace: 1\nlayers:\n  - name: z\n    op: spmspm\n    operands:\n"
            "      A: {transpose_of: B}\n      B: {file: wide.mtx}\n");
  dir.write("dense_arch.yaml",
            "tessera_trace: 1\nlayers:\n  - name: z\n    op: spmspm\n    operands:\n"
            "      A: {file: wide.mtx}\n      B: {transpose_of: A}\n");
  const std::string layer =
      "tessera_trace: 1\nlayers:\n  - name: z\n    op: OP\n    operands:\n"
      "      A: {file: wide.mtx}\n      B: B_SPEC\n";
  const auto sparse_trace = [&](const std::string& name, const std::string& op,
                                const std::string& b) {
    std::string text = layer;
    text.replace(text.find("OP"), 2, op);
    text.replace(text.find("B_SPEC"), 6, b);
    dir.write(name, text);
  };
  sparse_trace("spmm_sparse_b.yaml", "spmm", "{transpose_of: A}");
  sparse_trace("spmspm_dense_b.yaml", "spmspm", "{dense: [5, 3]}");
  sparse_trace("spmm_dims.yaml", "spmm", "{dense: [4, 3]}");
  sparse_trace("spmm_huge.yaml", "spmm", "{dense: [5, 99999999]}");
  dir.write("huge_generator.yaml",
            "tessera_trace: 1\nlayers:\n  - name: z\n    op: spmspm\n    operands:\n"
            "      A: {generate: uniform, rows: 16000000, cols: 16000000, density: 0.5}\n"
            "      B: {same_as: A}\n");
  dir.write("heavy_product.yaml",
            "tessera_trace: 1\nlayers:\n  - name: z\n    op: spmspm\n    operands:\n"
            "      A: {generate: uniform, rows: 3000, cols: 3000, density: 1}\n"
            "      B: {same_as: A}\n");
  dir.write("dense_layer.yaml",
            "tessera_trace: 1\nlayers:\n  - {name: d, op: gemm, m: 4, n: 4, k: 4}\n");
  dir.write("too_big_tile.yaml",
            "tessera_trace: 1\nlayers:\n  - name: z\n    op: spmspm\n    operands:\n"
            "      A: {generate: uniform, rows: 300, cols: 300, density: 0.5}\n"
            "      B: {same_as: A}\n    mapping: {buffer_tile: {m: 300, n: 300, k: 300}}\n");
  std::string args = GetParam().args;
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"{DIR}", dir.path()},
                                   {"{M}", kMatrices},
                                   {"{ARCH}", kSparseArch}}) {
    for (size_t at = args.find(key); at != std::string::npos; at = args.find(key)) {
      args.replace(at, key.size(), value);
    }
  }
  std::string err;
  EXPECT_EQ(run_stderr(kBinary + " " + args, err), 2) << args << "\n" << err;
  EXPECT_NE(err.find(GetParam().expect), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), err.size() - 1) << "one line: " << err;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliSparseBadInput,
    testing::Values(
        SparseCliBadCase{"truncated", "spmspm {DIR}/truncated.mtx --buffer tailors",
                         "truncated.mtx:3: field 'entries': truncated"},
        SparseCliBadCase{"out_of_range", "spmspm {DIR}/range.mtx --buffer buffet",
                         "range.mtx:3: field 'entry.col'"},
        SparseCliBadCase{"no_banner", "spmspm {DIR}/nobanner.mtx --buffer buffet",
                         "nobanner.mtx:1: field 'banner'"},
        SparseCliBadCase{"mismatched", "spmspm {DIR}/wide.mtx {DIR}/wide.mtx --buffer buffet",
                         "wide.mtx:2: field 'size.rows': mismatched dimensions"},
        SparseCliBadCase{"target_high", "spmspm {M}karate.mtx --buffer tailors --target 1.5",
                         "field '--target': '1.5' is not a fraction in (0, 1)"},
        SparseCliBadCase{"target_zero", "spmspm {M}karate.mtx --buffer tailors --target 0",
                         "field '--target'"},
        SparseCliBadCase{"target_not_tailors", "spmspm {M}karate.mtx --buffer buffet --target 0.2",
                         "applies only to a buffer whose tiles Swiftiles sizes"},
        SparseCliBadCase{"unknown_buffer", "spmspm {M}karate.mtx --buffer lfu",
                         "field '--buffer': unknown buffer implementation 'lfu'"},
        SparseCliBadCase{"target_param",
                         "spmspm {M}karate.mtx --buffer tailors -p buffer.overbook_target=1",
                         "field 'buffer.overbook_target'"},
        SparseCliBadCase{"tile_target", "tile --target 2 {DIR}/bad_dims.yaml", "field '--target'"},
        SparseCliBadCase{"generator", "run {DIR}/bad_gen.yaml",
                         "bad_gen.yaml:6: field 'layers[0].operands.A.density'"},
        SparseCliBadCase{"trace_dims", "run {DIR}/bad_dims.yaml",
                         "bad_dims.yaml:7: field 'layers[0].operands.B': mismatched dimensions"},
        SparseCliBadCase{"trace_reference", "run {DIR}/bad_ref.yaml",
                         "bad_ref.yaml:6: field 'layers[0].operands.A.transpose_of'"},
        SparseCliBadCase{
            "spmm_sparse_b", "run {DIR}/spmm_sparse_b.yaml",
            "spmm_sparse_b.yaml:7: field 'layers[0].operands.B': spmm multiplies by a dense B"},
        SparseCliBadCase{
            "spmspm_dense_b", "run {DIR}/spmspm_dense_b.yaml",
            "spmspm_dense_b.yaml:7: field 'layers[0].operands.B': a dense B makes the layer "
            "spmm"},
        SparseCliBadCase{"spmm_dims", "run {DIR}/spmm_dims.yaml",
                         "spmm_dims.yaml:7: field 'layers[0].operands.B': mismatched dimensions"},
        SparseCliBadCase{"spmm_huge", "run {DIR}/spmm_huge.yaml",
                         "spmm_huge.yaml:7: field 'layers[0].operands.B.dense': too large"},
        SparseCliBadCase{"huge_generator", "run {DIR}/huge_generator.yaml",
                         "huge_generator.yaml:6: field 'layers[0].operands.A': would make about"},
        SparseCliBadCase{"heavy_product", "run {DIR}/heavy_product.yaml",
                         "heavy_product.yaml:6: field 'layers[0].operands': the product needs"},
        SparseCliBadCase{
            "tile_does_not_fit",
            "run {DIR}/too_big_tile.yaml --arch {ARCH} -p buffer.impl=prescient",
            "too_big_tile.yaml:3: field 'mapping.buffer_tile': layer 'z': some A, B or output"},
        SparseCliBadCase{"dense_controller", "run {DIR}/dense_arch.yaml",
                         "dense_arch.yaml:3: field 'op': layer 'z' is spmspm; it needs controller "
                         "'sparse_tiled'"},
        SparseCliBadCase{"systolic_array",
                         "run {DIR}/dense_arch.yaml -p controller.impl=sparse_tiled",
                         "dense_arch.yaml:3: field 'op': layer 'z' is spmspm; it needs pe_array "
                         "'intersect'"},
        SparseCliBadCase{
            "intersect_array", "run {DIR}/dense_layer.yaml --arch {ARCH} -p controller.impl=tiled",
            "dense_layer.yaml:3: field 'op': layer 'd' is gemm; pe_array 'intersect' computes "
            "only spmspm and spmm layers"}),
    [](const testing::TestParamInfo<SparseCliBadCase>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace tessera::test
