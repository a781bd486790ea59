// The prediction readers of `tessera validate` (traces/predictions/): Timeloop's stats file,
// SCALE-Sim's COMPUTE_REPORT.csv and a user's CSV, on good input and on each kind of bad input,
// and the pairing of predictions with a trace's layers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "sim/error.h"
#include "tests/support/files.h"
#include "tests/support/parsing.h"
#include "traces/predictions/prediction_sources.h"
#include "traces/predictions/predictions_csv.h"
#include "traces/predictions/scalesim_compute_report.h"
#include "traces/predictions/timeloop_stats.h"
#include "traces/text_file.h"

namespace tessera {
namespace {

using tessera::test::input_error_of;

const std::string kTimeloopData = std::string(TESSERA_SOURCE_DIR) + "/tests/data/timeloop/";

std::string stats_path(const std::string& name) {
  return kTimeloopData + name + "/timeloop-model.stats.txt";
}

Trace trace_of(const std::vector<std::string>& names) {
  Trace t;
  t.name = "net";
  t.file = "net.yaml";
  for (const std::string& n : names) {
    Layer l;
    l.name = n;
    t.layers.push_back(l);
  }
  return t;
}

// ---- Timeloop ----

// alexnet_fc6 is DRAM-bound (tests/data/timeloop: README): every weight (C 9216 x M 4096), every
// input (9216) and every output (4096) crosses DRAM once, 8-bit words, at 25.6 words a cycle.
TEST(TimeloopStats, DramBoundLayerGivesItsTrafficAndCycles) {
  const Predictions p = read_timeloop_stats(stats_path("alexnet_fc6_dram_ws16"));
  ASSERT_EQ(p.layers.size(), 1U);
  EXPECT_FALSE(p.matched_by_name);
  const double words = 9216.0 * 4096 + 9216 + 4096;
  EXPECT_EQ(p.layers[0].cycles, std::ceil(words / 25.6));
  ASSERT_TRUE(p.layers[0].dram_bytes);
  EXPECT_EQ(*p.layers[0].dram_bytes, words * 8 / 8);
}

// A compute-bound layer takes its MACs over the array's PEs, one MAC per PE per cycle.
TEST(TimeloopStats, ComputeBoundLayersTakeTheirMacsOverThePes) {
  struct Case {
    const char* name;
    double macs, pes;
  };
  for (const Case& c : {Case{"gpt2_qkv_ws32", 1024.0 * 3072 * 256, 1024},
                        Case{"resnet18_conv2_ws32", 64.0 * 64 * 3 * 3 * 56 * 56, 1024},
                        Case{"vgg02_conv1x1_ws8", 256.0 * 256 * 56 * 56, 64}}) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(read_timeloop_stats(stats_path(c.name)).layers.at(0).cycles, c.macs / c.pes);
  }
}

// The summary's energy in uJ agrees with its per-compute breakdown (fJ per compute times the
// computes) to the two decimals it is printed with.
TEST(TimeloopStats, EnergyIsTheSummarysInPicojoules) {
  const Predictions p = read_timeloop_stats(stats_path("alexnet_fc6_dram_ws16"));
  ASSERT_TRUE(p.layers[0].energy_pj);
  const double from_breakdown_pj = 130468.97 * 37748736 / 1000;
  EXPECT_NEAR(*p.layers[0].energy_pj, from_breakdown_pj, 0.005e6);
}

TEST(TimeloopStats, EveryCaseReadsWithCyclesEnergyAndTraffic) {
  for (const char* name : {"alexnet_conv1_s4_ws32", "alexnet_fc6_dram_ws16", "gpt2_qkv_ws32",
                           "resnet18_conv2_ws32", "resnet18_conv5_glb_ws32", "vgg02_conv1x1_ws8"}) {
    SCOPED_TRACE(name);
    const LayerPrediction l = read_timeloop_stats(stats_path(name)).layers.at(0);
    EXPECT_GT(l.cycles, 0);
    EXPECT_GT(l.energy_pj.value_or(0), 0);
    EXPECT_GT(l.dram_bytes.value_or(0), 0);
  }
}

// A small file in Timeloop's layout: the outermost level's accesses count over all instances.
TEST(TimeloopStats, OutermostLevelTrafficCountsWordBitsAndInstances) {
  const std::string text =
      "Level 0\n-------\n=== MAC ===\n    Word bits : 8\n    Instances : 4 (2*2)\n"
      "Level 1\n-------\n=== DRAM ===\n    SPECS\n        Word bits : 16\n"
      "        Instances : 2 (2*1)\n    STATS\n    Weights:\n"
      "        Scalar reads (per-instance) : 10\n        Scalar fills (per-instance) : 0\n"
      "        Scalar updates (per-instance) : 0\n    Outputs:\n"
      "        Scalar reads (per-instance) : 1\n        Scalar updates (per-instance) : 5\n"
      "        Scalar fills (per-instance) : 2\n"
      "Networks\n--------\n    Word bits : 64\n        Scalar reads (per-instance) : 1000\n"
      "Summary Stats\n-------------\nCycles: 42\nEnergy: 1.5 nJ\n";
  const LayerPrediction l = parse_timeloop_stats(text, "small.txt").layers.at(0);
  EXPECT_EQ(l.cycles, 42);
  EXPECT_EQ(l.energy_pj, 1.5 * 1000);
  EXPECT_EQ(l.dram_bytes, (10.0 + 1 + 5 + 2) * 2 * 16 / 8);
  const std::string before_cycles = text.substr(0, text.find("Cycles:"));
  EXPECT_EQ(l.line, std::count(before_cycles.begin(), before_cycles.end(), '\n') + 1);
}

TEST(TimeloopStats, WithoutLevelsThereIsNoTrafficAndWithoutEnergyNoEnergy) {
  const LayerPrediction l = parse_timeloop_stats("Cycles: 7\n", "s.txt").layers.at(0);
  EXPECT_EQ(l.cycles, 7);
  EXPECT_FALSE(l.energy_pj);
  EXPECT_FALSE(l.dram_bytes);
}

TEST(TimeloopStats, BadInputNamesFileLineAndField) {
  // Only per-level Cycles lines (indented) are not the summary's.
  EXPECT_EQ(input_error_of([] {
              (void)parse_timeloop_stats("Level 0\n    Cycles : 5\nUtilization: 1\n", "s.txt");
            }),
            "s.txt:3: field 'Cycles': no summary 'Cycles:' line (is this timeloop-model's stats "
            "file?)");
  EXPECT_EQ(input_error_of([] { (void)parse_timeloop_stats("", "s.txt"); }),
            "s.txt: field 'Cycles': no summary 'Cycles:' line (is this timeloop-model's stats "
            "file?)");
  EXPECT_EQ(input_error_of([] { (void)parse_timeloop_stats("Cycles: many\n", "s.txt"); }),
            "s.txt:1: field 'Cycles': 'many' is not a number");
  EXPECT_EQ(input_error_of([] { (void)parse_timeloop_stats("Cycles: -3\n", "s.txt"); }),
            "s.txt:1: field 'Cycles': must not be negative, got -3");
  EXPECT_EQ(input_error_of([] { (void)parse_timeloop_stats("Cycles: 1\nCycles: 2\n", "s.txt"); }),
            "s.txt:2: field 'Cycles': appears twice (first on line 1)");
  EXPECT_EQ(
      input_error_of([] { (void)parse_timeloop_stats("Cycles: 1\nEnergy: 2 kWh\n", "s.txt"); }),
      "s.txt:2: field 'Energy': unit 'kWh' is none of pJ, nJ, uJ, mJ, J");
  EXPECT_EQ(input_error_of([] {
              (void)parse_timeloop_stats(
                  "Level 3\n=== DRAM ===\n    Scalar reads (per-instance) : 4\nCycles: 1\n",
                  "s.txt");
            }),
            "s.txt:1: field 'Word bits': the outermost level counts accesses but not its word "
            "size");
}

// Each count is a finite number, but their product in pJ or bytes need not be.
TEST(TimeloopStats, NumbersBeyondADoubleAreErrors) {
  EXPECT_EQ(
      input_error_of([] { (void)parse_timeloop_stats("Cycles: 1\nEnergy: 1e300 J\n", "s.txt"); }),
      "s.txt:2: field 'Energy': 1e300 J is too large");
  EXPECT_EQ(input_error_of([] {
              (void)parse_timeloop_stats(
                  "Level 1\n  Word bits : 1e300\n  Scalar reads (per-instance) : 1e300\n"
                  "Cycles: 1\n",
                  "s.txt");
            }),
            "s.txt:1: field 'Scalar reads (per-instance)': the outermost level's traffic is too "
            "large");
}

TEST(TimeloopStats, MissingFileIsAnInputError) {
  EXPECT_NE(input_error_of([] {
              (void)read_timeloop_stats("/nonexistent/stats.txt");
            }).find("/nonexistent/stats.txt: field 'predictions': cannot open the file"),
            std::string::npos);
}

// A stats file is one layer: it pairs with a one-layer trace only, and the error names both.
TEST(TimeloopStats, PairsOnlyWithAOneLayerTrace) {
  const Predictions p = parse_timeloop_stats("Cycles: 9\n", "s.txt");
  const std::vector<LayerPrediction> one = match_to_trace(p, trace_of({"conv"}));
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0].name, "conv");
  EXPECT_EQ(one[0].cycles, 9);
  EXPECT_EQ(input_error_of([&] {
              (void)match_to_trace(p, trace_of({"a", "b"}));
            }),
            "s.txt: predicts 1 layer(s), but trace 'net' (net.yaml) has 2");
}

// ---- SCALE-Sim ----

// As SCALE-Sim v2 writes it: ", " between fields and a comma at the end of every line.
const char* kComputeReport =
    "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n"
    "0, 121124, 0, 50.5, 60.25, 70.0,\n"
    "1, 334831, 7, 1.5, 2.5, 3.5,\n";

TEST(ScaleSimComputeReport, ReadsTotalCyclesInLayerOrder) {
  const Predictions p = parse_scalesim_compute_report(kComputeReport, "COMPUTE_REPORT.csv");
  EXPECT_FALSE(p.matched_by_name);
  ASSERT_EQ(p.layers.size(), 2U);
  EXPECT_EQ(p.layers[0].cycles, 121124);
  EXPECT_EQ(p.layers[1].cycles, 334831);
  EXPECT_EQ(p.layers[1].line, 3);
  const std::vector<LayerPrediction> m = match_to_trace(p, trace_of({"Conv1", "Conv2"}));
  EXPECT_EQ(m[1].name, "Conv2");
  EXPECT_EQ(m[1].cycles, 334831);
  EXPECT_EQ(input_error_of([&] { (void)match_to_trace(p, trace_of({"Conv1"})); }),
            "COMPUTE_REPORT.csv: predicts 2 layer(s), but trace 'net' (net.yaml) has 1");
}

TEST(ScaleSimComputeReport, BadInputNamesFileLineAndField) {
  const std::string header =
      "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util "
      "%,\n";
  const auto error = [](const std::string& text) {
    return input_error_of([&] { (void)parse_scalesim_compute_report(text, "r.csv"); });
  };
  EXPECT_EQ(error(""), "r.csv: field 'Total Cycles': no header row: the file is empty");
  EXPECT_EQ(error("LayerID, Cycles,\n0, 5,\n"),
            "r.csv:1: field 'Total Cycles': the header lacks this column (is this SCALE-Sim's "
            "COMPUTE_REPORT.csv?)");
  EXPECT_EQ(error(header), "r.csv:1: field 'Total Cycles': no layer rows after the header");
  EXPECT_EQ(error(header + "1, 5, 0, 1, 1, 1,\n"),
            "r.csv:2: field 'LayerID': expected 0 (layers count up from 0), got '1'");
  EXPECT_EQ(error(header + "0, -5, 0, 1, 1, 1,\n"),
            "r.csv:2: field 'Total Cycles': must not be negative, got -5");
  EXPECT_EQ(error(header + "0, lots, 0, 1, 1, 1,\n"),
            "r.csv:2: field 'Total Cycles': 'lots' is not a number");
  EXPECT_EQ(error(header + "0, 5, 0,\n"),
            "r.csv:2: field 'Overall Util %': missing: the row has 3 field(s), the header 6");
}

// ---- CSV ----

TEST(PredictionsCsv, ColumnsInAnyOrderOptionalOnesMayBeEmpty) {
  const Predictions p = parse_predictions_csv(
      "dram_bytes,cycles,layer,energy_pj\n"
      "100,12.5,conv1,\n"
      ",30,\"fc, last\",7e3\n"
      "\n",
      "p.csv");
  EXPECT_TRUE(p.matched_by_name);
  ASSERT_EQ(p.layers.size(), 2U);
  EXPECT_EQ(p.layers[0].name, "conv1");
  EXPECT_EQ(p.layers[0].cycles, 12.5);
  EXPECT_EQ(p.layers[0].dram_bytes, 100);
  EXPECT_FALSE(p.layers[0].energy_pj);
  EXPECT_EQ(p.layers[1].name, "fc, last");
  EXPECT_EQ(p.layers[1].line, 3);
  EXPECT_EQ(p.layers[1].energy_pj, 7000);
  EXPECT_FALSE(p.layers[1].dram_bytes);

  // Paired by name, in the trace's order.
  const std::vector<LayerPrediction> m = match_to_trace(p, trace_of({"fc, last", "conv1"}));
  EXPECT_EQ(m[0].cycles, 30);
  EXPECT_EQ(m[1].cycles, 12.5);
}

TEST(PredictionsCsv, BadInputNamesFileLineAndField) {
  const auto error = [](const std::string& text) {
    return input_error_of([&] { (void)parse_predictions_csv(text, "p.csv"); });
  };
  EXPECT_EQ(error(""), "p.csv: field 'layer': no header row: the file is empty");
  EXPECT_EQ(error("layer,cycles,power\n"),
            "p.csv:1: field 'power': unknown column; the columns are layer, cycles, energy_pj "
            "and dram_bytes");
  EXPECT_EQ(error("layer,energy_pj\n"), "p.csv:1: field 'cycles': the header lacks this column");
  EXPECT_EQ(error("cycles,layer,cycles\n"), "p.csv:1: field 'cycles': column appears twice");
  EXPECT_EQ(error("layer,cycles\na,-1\n"), "p.csv:2: field 'cycles': must not be negative, got -1");
  EXPECT_EQ(error("layer,cycles\na,ten\n"), "p.csv:2: field 'cycles': 'ten' is not a number");
  EXPECT_EQ(error("layer,cycles\na,\n"), "p.csv:2: field 'cycles': missing value");
  EXPECT_EQ(error("layer,cycles,energy_pj\na,1,-2\n"),
            "p.csv:2: field 'energy_pj': must not be negative, got -2");
  EXPECT_EQ(error("layer,cycles\n,1\n"), "p.csv:2: field 'layer': missing layer name");
  EXPECT_EQ(
      error("layer,cycles\na,1,2\n"),
      "p.csv:2: field 'field 3': no column has this field: the row has 3 field(s), the header "
      "2");
  EXPECT_EQ(error("cycles,layer\n1\n"),
            "p.csv:2: field 'layer': missing: the row has 1 field(s), the header 2");
  EXPECT_EQ(error("layer,cycles\n\"a,1\n"), "p.csv:2: a quoted field is not closed");
}

TEST(PredictionsCsv, MissingExtraAndDuplicateLayersAreErrors) {
  const Trace trace = trace_of({"a", "b"});
  const auto error = [&](const std::string& text) {
    return input_error_of(
        [&] { (void)match_to_trace(parse_predictions_csv(text, "p.csv"), trace); });
  };
  EXPECT_EQ(error("layer,cycles\na,1\n"),
            "p.csv: field 'layer': no prediction for layer 'b' of trace 'net' (net.yaml)");
  EXPECT_EQ(error("layer,cycles\na,1\nz,3\nb,2\ny,4\n"),
            "p.csv:3: field 'layer': layer 'z' is not in trace 'net' (net.yaml)");
  EXPECT_EQ(error("layer,cycles\na,1\nb,2\n\na,3\n"),
            "p.csv:5: field 'layer': layer 'a' is predicted twice (first on line 2)");
}

// ---- the kinds --against names ----

TEST(PredictionSources, EachKindReadsItsFormat) {
  test::TempDir dir;
  const std::string csv = dir.write("p.csv", "layer,cycles\nx,5\n");
  const std::string report = dir.write("r.csv", kComputeReport);
  ASSERT_NE(find_prediction_source("csv"), nullptr);
  EXPECT_EQ(find_prediction_source("csv")->read(csv).layers.at(0).cycles, 5);
  ASSERT_NE(find_prediction_source("scalesim"), nullptr);
  EXPECT_EQ(find_prediction_source("scalesim")->read(report).layers.size(), 2U);
  ASSERT_NE(find_prediction_source("timeloop"), nullptr);
  EXPECT_EQ(find_prediction_source("timeloop")->read(stats_path("gpt2_qkv_ws32")).layers.size(),
            1U);
  EXPECT_EQ(find_prediction_source("model"), nullptr);
  EXPECT_EQ(find_prediction_source("CSV"), nullptr);
}

}  // namespace
}  // namespace tessera
