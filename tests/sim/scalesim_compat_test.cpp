// End to end: `tessera import scalesim` then `tessera run` must report, layer by layer, the compute
// cycles SCALE-Sim v2 reports. The expected numbers are worked out by hand below from SCALE-Sim's
// accounting, independently of the simulator:
//   E = output pixels (out_h x out_w), F = filters, W = filter_h x filter_w x channels
//   array R rows (ArrayHeight) x C columns (ArrayWidth); mapping of the GEMM onto the array:
//     os: rows E, cols F, T W    per fold T + R + C - 2
//     ws: rows W, cols F, T E    per fold 2R + C + T - 2
//     is: rows W, cols E, T F    per fold 2R + C + T - 2
//   folds = ceil(rows / R) x ceil(cols / C); a layer reports folds x per_fold - 1.
//   SCALE-Sim's output size: ceil((ifmap - filter + stride) / stride), no padding.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/files.h"

namespace {

using tessera::test::quote;
using tessera::test::run;
using tessera::test::TempDir;

namespace fs = std::filesystem;

struct Expected {
  const char* layer;
  std::array<int64_t, 3> cycles;  // os, ws, is
};

enum DataflowIndex { kOs = 0, kWs = 1, kIs = 2 };
const char* const kDataflowNames[] = {"os", "ws", "is"};

// Array of 8 rows x 4 columns (R = 8, C = 4): 2R + C - 2 = 18, R + C - 2 = 10.
const char* kSmallConv =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
    "Strides,\n"
    "C1, 12, 12, 3, 3, 2, 6, 1,\n"
    "C2, 11, 11, 3, 3, 3, 10, 2,\n"
    "C3, 10, 10, 3, 3, 4, 5, 4,\n";

const Expected kSmallConvCycles[] = {
    // C1: out 12 - 3 + 1 = 10 -> E = 100, F = 6, W = 3*3*2 = 18
    //   os: ceil(100/8) = 13 x ceil(6/4) = 2 -> 26 folds x (18 + 10 = 28) = 728 - 1 = 727
    //   ws: ceil(18/8) = 3 x ceil(6/4) = 2 -> 6 folds x (100 + 18 = 118) = 708 - 1 = 707
    //   is: ceil(18/8) = 3 x ceil(100/4) = 25 -> 75 folds x (6 + 18 = 24) = 1800 - 1 = 1799
    {"C1", {727, 707, 1799}},
    // C2: out ceil((11 - 3 + 2) / 2) = 5 -> E = 25, F = 10, W = 27
    //   os: ceil(25/8) = 4 x ceil(10/4) = 3 -> 12 x (27 + 10 = 37) = 444 - 1 = 443
    //   ws: ceil(27/8) = 4 x 3 -> 12 x (25 + 18 = 43) = 516 - 1 = 515
    //   is: 4 x ceil(25/4) = 7 -> 28 x (10 + 18 = 28) = 784 - 1 = 783
    {"C2", {443, 515, 783}},
    // C3: out ceil((10 - 3 + 4) / 4) = ceil(2.75) = 3 (the last window overhangs) -> E = 9,
    //     F = 5, W = 36
    //   os: ceil(9/8) = 2 x ceil(5/4) = 2 -> 4 x (36 + 10 = 46) = 184 - 1 = 183
    //   ws: ceil(36/8) = 5 x 2 -> 10 x (9 + 18 = 27) = 270 - 1 = 269
    //   is: 5 x ceil(9/4) = 3 -> 15 x (5 + 18 = 23) = 345 - 1 = 344
    {"C3", {183, 269, 344}},
};

// GEMM rows M, N, K: E = M, F = N, W = K.
const char* kSmallGemm = "Layer, M, N, K,\nG1, 20, 9, 30,\nG2, 64, 16, 8,\nG3, 16, 8, 500,\n";

const Expected kSmallGemmCycles[] = {
    // G1: os: ceil(20/8) = 3 x ceil(9/4) = 3 -> 9 x (30 + 10 = 40) = 360 - 1 = 359
    //     ws: ceil(30/8) = 4 x 3 -> 12 x (20 + 18 = 38) = 456 - 1 = 455
    //     is: 4 x ceil(20/4) = 5 -> 20 x (9 + 18 = 27) = 540 - 1 = 539
    {"G1", {359, 455, 539}},
    // G2: os: ceil(64/8) = 8 x ceil(16/4) = 4 -> 32 x (8 + 10 = 18) = 576 - 1 = 575
    //     ws: ceil(8/8) = 1 x 4 -> 4 x (64 + 18 = 82) = 328 - 1 = 327
    //     is: 1 x ceil(64/4) = 16 -> 16 x (16 + 18 = 34) = 544 - 1 = 543
    {"G2", {575, 327, 543}},
    // G3 (a long reduction: with 1 kB SRAMs the os stream of 500 is cut into buffer chunks that
    // must still count as one stream):
    //     os: ceil(16/8) = 2 x ceil(8/4) = 2 -> 4 x (500 + 10 = 510) = 2040 - 1 = 2039
    //     ws: ceil(500/8) = 63 x 2 -> 126 x (16 + 18 = 34) = 4284 - 1 = 4283
    //     is: 63 x ceil(16/4) = 4 -> 252 x (8 + 18 = 26) = 6552 - 1 = 6551
    {"G3", {2039, 4283, 6551}},
};

// alexnet.csv on SCALE-Sim's default 32 x 32 array: R + C - 2 = 62, 2R + C - 2 = 94.
const Expected kAlexnetCycles[] = {
    // Conv1: out ceil((224 - 11 + 4) / 4) = 55 -> E = 3025, F = 96, W = 11*11*3 = 363
    //   os: ceil(3025/32) = 95 x ceil(96/32) = 3 -> 285 x (363 + 62 = 425) = 121125 - 1
    //   ws: ceil(363/32) = 12 x 3 -> 36 x (3025 + 94 = 3119) = 112284 - 1
    //   is: 12 x 95 -> 1140 x (96 + 94 = 190) = 216600 - 1
    {"Conv1", {121124, 112283, 216599}},
    // Conv2: out 27 - 5 + 1 = 23 -> E = 529, F = 256, W = 5*5*96 = 2400
    //   os: ceil(529/32) = 17 x 8 -> 136 x (2400 + 62 = 2462) = 334832 - 1
    //   ws: ceil(2400/32) = 75 x 8 -> 600 x (529 + 94 = 623) = 373800 - 1
    //   is: 75 x 17 -> 1275 x (256 + 94 = 350) = 446250 - 1
    {"Conv2", {334831, 373799, 446249}},
    // Conv3: out 13 - 3 + 1 = 11 -> E = 121, F = 384, W = 3*3*256 = 2304
    //   os: ceil(121/32) = 4 x 12 -> 48 x (2304 + 62 = 2366) = 113568 - 1
    //   ws: 2304/32 = 72 x 12 -> 864 x (121 + 94 = 215) = 185760 - 1
    //   is: 72 x 4 -> 288 x (384 + 94 = 478) = 137664 - 1
    {"Conv3", {113567, 185759, 137663}},
    // Conv4: E = 121, F = 384, W = 3*3*384 = 3456
    //   os: 4 x 12 -> 48 x (3456 + 62 = 3518) = 168864 - 1
    //   ws: 3456/32 = 108 x 12 -> 1296 x 215 = 278640 - 1
    //   is: 108 x 4 -> 432 x 478 = 206496 - 1
    {"Conv4", {168863, 278639, 206495}},
    // Conv5: E = 121, F = 256, W = 3456
    //   os: 4 x 8 -> 32 x 3518 = 112576 - 1
    //   ws: 108 x 8 -> 864 x 215 = 185760 - 1
    //   is: 108 x 4 -> 432 x (256 + 94 = 350) = 151200 - 1
    {"Conv5", {112575, 185759, 151199}},
};

std::string cfg_text(const char* dataflow, int rows, int cols, int sram_kb) {
  const std::string kb = std::to_string(sram_kb);
  return "[general]\nrun_name = compat\n\n[architecture_presets]\nArrayHeight: " +
         std::to_string(rows) + "\nArrayWidth: " + std::to_string(cols) + "\nIfmapSramSzkB: " + kb +
         "\nFilterSramSzkB: " + kb + "\nOfmapSramSzkB: " + kb +
         "\nIfmapOffset: 0\nFilterOffset: 10000000\nOfmapOffset: 20000000\nBandwidth : 10\n"
         "Dataflow : " +
         dataflow + "\nMemoryBanks: 1\n\n[run_presets]\nInterfaceBandwidth: CALC\n";
}

// Imports `topology` (with `cfg`, or SCALE-Sim's defaults when empty), runs it, and checks every
// layer's cycles against `expected` for dataflow `df`.
void import_run_and_compare(const TempDir& dir, const std::string& topology, bool gemm,
                            const std::string& cfg, const std::vector<Expected>& expected,
                            DataflowIndex df) {
  const std::string out = dir.path() + "/" + fs::path(topology).stem().string();
  fs::create_directories(out);
  std::string log;
  std::string import = std::string(TESSERA_BINARY) + " import scalesim " + quote(topology) +
                       (cfg.empty() ? "" : " --cfg " + quote(cfg)) + (gemm ? " --gemm" : "") +
                       " -o " + quote(out);
  ASSERT_EQ(run(import, log), 0) << import << "\n" << log;
  const std::string json_path = out + "/result.json";
  const std::string simulate = std::string(TESSERA_BINARY) + " run " + quote(out + "/trace.yaml") +
                               " --arch " + quote(out + "/arch.yaml") + " --json " +
                               quote(json_path);
  ASSERT_EQ(run(simulate, log), 0) << simulate << "\n" << log;

  std::ifstream in(json_path);
  ASSERT_TRUE(in) << json_path;
  const nlohmann::json result = nlohmann::json::parse(in);
  const nlohmann::json& layers = result.at("layers");
  ASSERT_EQ(layers.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(layers[i].at("name").get<std::string>(), expected[i].layer);
    EXPECT_EQ(layers[i].at("cycles").get<int64_t>(), expected[i].cycles[df])
        << topology << " " << expected[i].layer << " " << kDataflowNames[df];
  }
}

// Small conv and GEMM layers on an 8 x 4 array; the SRAM size must not change the cycles (1 kB
// each forces streams to be cut into many buffer tiles).
class SmallLayers : public ::testing::TestWithParam<std::tuple<DataflowIndex, int>> {};

TEST_P(SmallLayers, MatchScaleSimCycles) {
  const auto [df, sram_kb] = GetParam();
  TempDir dir;
  const std::string cfg = dir.write("compat.cfg", cfg_text(kDataflowNames[df], 8, 4, sram_kb));
  const std::string conv = dir.write("small_conv.csv", kSmallConv);
  const std::string gemm = dir.write("small_gemm.csv", kSmallGemm);
  import_run_and_compare(dir, conv, false, cfg,
                         {std::begin(kSmallConvCycles), std::end(kSmallConvCycles)}, df);
  import_run_and_compare(dir, gemm, true, cfg,
                         {std::begin(kSmallGemmCycles), std::end(kSmallGemmCycles)}, df);
}

INSTANTIATE_TEST_SUITE_P(Dataflows, SmallLayers,
                         ::testing::Combine(::testing::Values(kOs, kWs, kIs),
                                            ::testing::Values(1, 64)),
                         [](const auto& info) {
                           return std::string(kDataflowNames[std::get<0>(info.param)]) + "_" +
                                  std::to_string(std::get<1>(info.param)) + "kB";
                         });

// The real alexnet.csv on a 32 x 32 array with scale.cfg's 64 kB SRAMs. os runs without --cfg,
// so SCALE-Sim's defaults are used.
class Alexnet : public ::testing::TestWithParam<DataflowIndex> {};

TEST_P(Alexnet, MatchesScaleSimCycles) {
  const DataflowIndex df = GetParam();
  TempDir dir;
  const std::string cfg =
      df == kOs ? std::string() : dir.write("compat.cfg", cfg_text(kDataflowNames[df], 32, 32, 64));
  import_run_and_compare(
      dir, std::string(TESSERA_SOURCE_DIR) + "/tests/data/scalesim/conv_nets/alexnet.csv", false,
      cfg, {std::begin(kAlexnetCycles), std::end(kAlexnetCycles)}, df);
}

INSTANTIATE_TEST_SUITE_P(Dataflows, Alexnet, ::testing::Values(kOs, kWs, kIs),
                         [](const auto& info) { return std::string(kDataflowNames[info.param]); });

}  // namespace
