// Inputs the fuzz targets (fuzz/) found to crash, hang or allocate without bound: each must now be
// one InputError naming what is wrong.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "models/dram/ddr/device.h"
#include "models/dram/ddr/trace_replay.h"
#include "sim/error.h"
#include "sim/run_plot.h"
#include "tests/support/files.h"
#include "tests/support/parsing.h"
#include "traces/onnx/onnx_import.h"
#include "traces/sparsity.h"
#include "traces/trace_reader.h"

namespace tessera {
namespace {

using tessera::test::input_error_of;

const std::string kDramData = std::string(TESSERA_SOURCE_DIR) + "/data/dram/";

std::string repeated(const std::string& item, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += (i ? "," : "") + item;
  return out;
}

// Twelve ranks of 1:64 span 64^12 = 2^72 values: the span overflowed before it was checked, and a
// wrapped span of 0 later divided by zero.
TEST(FuzzRegression, SparsitySpanOverflowIsAnError) {
  const std::string spec = "hss:" + repeated("1:64", 12);
  EXPECT_NE(input_error_of([&] {
              (void)parse_sparsity_spec(spec, {"x", 0, "spec"});
            }).find("blocks larger than 2^20 values"),
            std::string::npos);
}

// The trace reader checked the same span only after all ranks: the product overflowed, and in a
// release build the wrapped span of 0 divided by zero.
TEST(FuzzRegression, TraceSparsitySpanOverflowIsAnError) {
  const std::string trace =
      "tessera_trace: 1\nname: t\nlayers:\n"
      "  - {name: fc, op: gemm, m: 64, n: 48, k: 96, precision: 16,\n"
      "     sparsity: {weights: {hss: [" +
      repeated("\"1:64\"", 12) + "]}}}\n";
  EXPECT_NE(input_error_of([&] { (void)parse_trace(trace, "t.yaml"); })
                .find("t.yaml:5: field 'layers[0].sparsity.weights.hss[3]': rank 3 (1:64) makes "
                      "blocks of 16777216 values"),
            std::string::npos);
}

// The shipped DDR4 device file with `key = value` lines replaced.
std::string ddr4_with(const std::vector<std::pair<std::string, std::string>>& changes) {
  std::string text = test::read_file(kDramData + "DDR4_8Gb_x8_3200.ini");
  for (const auto& [key, value] : changes) {
    const size_t at = text.find("\n" + key + " = ");
    EXPECT_NE(at, std::string::npos) << key;
    const size_t end = text.find('\n', at + 1);
    text = text.substr(0, at + 1) + key + " = " + value + text.substr(end);
  }
  return text;
}

std::string ini_error_of(const std::vector<std::pair<std::string, std::string>>& changes) {
  return input_error_of([&] { (void)ddr::parse_device_ini(ddr4_with(changes), "dev.ini"); });
}

// A queue size beyond int was truncated (2^32 + 1 became a queue of 1).
TEST(FuzzRegression, DramQueueSizeIsBounded) {
  EXPECT_NE(ini_error_of({{"trans_queue_size", "4294967297"}})
                .find("dev.ini:62: field 'system.trans_queue_size': must be at most"),
            std::string::npos);
}

// Rows x columns x ... overflowed int64 while the rank size was computed.
TEST(FuzzRegression, DramHugeOrganisationIsAnError) {
  EXPECT_NE(ini_error_of({{"rows", "4611686018427387904"}, {"columns", "4611686018427387904"}})
                .find("field 'dram_structure.rows': must be at most"),
            std::string::npos);
  EXPECT_NE(ini_error_of({{"rows", "16777216"},
                          {"columns", "16777216"},
                          {"device_width", "65536"},
                          {"bus_width", "65536"}})
                .find("field 'dram_structure.rows': a rank of this organisation would hold more "
                      "than 2^62 bytes"),
            std::string::npos);
}

// tRAS + tRP overflowed int.
TEST(FuzzRegression, DramTimingIsBounded) {
  EXPECT_NE(ini_error_of({{"tRAS", "2147483647"}, {"tRP", "2147483647"}})
                .find("field 'timing.tRP': must be at most"),
            std::string::npos);
}

// 2^25 channels (a small address each) were accepted, and the memory system allocated them all.
TEST(FuzzRegression, DramSystemSizeIsBounded) {
  EXPECT_NE(ini_error_of({{"channels", "33554432"}, {"rows", "1024"}})
                .find("field 'system.channels': must be at most 1024"),
            std::string::npos);
  EXPECT_NE(ini_error_of({{"channels", "1024"}, {"channel_size", "16777216"}, {"rows", "1024"}})
                .find("field 'system.channel_size': the memory system would have"),
            std::string::npos);
}

// A burst of 2^24 beats on a 2^24-bit bus overflowed the burst's byte count.
TEST(FuzzRegression, DramBurstIsBounded) {
  EXPECT_NE(ini_error_of({{"BL", "16777216"}, {"columns", "16777216"}})
                .find("field 'dram_structure.BL': must be at most"),
            std::string::npos);
}

// A subnormal tCK gave an infinite peak bandwidth.
TEST(FuzzRegression, DramClockIsBounded) {
  EXPECT_NE(ini_error_of({{"tCK", "1e-320"}}).find("field 'timing.tCK': must be at least 0.01 ns"),
            std::string::npos);
}

// One request at cycle 10^12 made replay issue 10^8 refreshes first: minutes for one line.
TEST(FuzzRegression, DramTraceArrivalIsBounded) {
  EXPECT_NE(input_error_of([] {
              ddr::TraceReader trace("0x40 READ 1000000000000\n", "t.trace", 1 << 20);
              ddr::TraceRequest request;
              (void)trace.next(request);
            }).find("t.trace:1: field 'cycle': arrival 1000000000000 is beyond cycle"),
            std::string::npos);
}

// A banded generator without its bandwidth read the missing key: yaml-cpp threw its own
// exception, which ended the program.
TEST(FuzzRegression, BandedGeneratorWithoutBandwidthIsAnError) {
  EXPECT_EQ(input_error_of([] {
              (void)parse_trace(
                  "tessera_trace: 1\nlayers:\n  - name: banded\n    op: spmspm\n"
                  "    operands:\n      A: {generate: banded, rows: 30, cols: 30, density: 0.2}\n"
                  "      B: {same_as: A}\n",
                  "t.yaml");
            }),
            "t.yaml:6: field 'layers[0].operands.A.bandwidth': missing");
}

// A number beyond a double's range made nlohmann::json throw out_of_range, which only parse
// errors were caught for: the program ended.
TEST(FuzzRegression, RunReportNumberBeyondADoubleIsAnError) {
  EXPECT_EQ(input_error_of([] {
              (void)parse_run_report("{\"schema_version\": 1,\n\"pes\": 2e400}", "r.json");
            }),
            "r.json:2: not JSON tessera can read: [json.exception.out_of_range.406] number "
            "overflow parsing '2e400'");
}

// A MatMul whose leading dims and rows multiplied past 64 bits (the fuzzer's input, kept as a
// seed): signed overflow. Shapes are now bounded where the importer reads them.
TEST(FuzzRegression, OnnxShapesAreBounded) {
  const std::string model = test::read_file(std::string(TESSERA_SOURCE_DIR) +
                                            "/fuzz/seeds/onnx_model/overflowing_matmul.onnx");
  const std::string error =
      input_error_of([&] { (void)onnx_import::import_bytes(model, "m.onnx", {}); });
  EXPECT_NE(error.find("m.onnx: field 'node "), std::string::npos) << error;
  EXPECT_NE(error.find("' has "), std::string::npos) << error;
}

}  // namespace
}  // namespace tessera
