// `tessera validate` end to end: SCALE-Sim's own cycle counts against `timing: scalesim` give zero
// error on every layer; a CSV's predictions give the errors that the same trace's `tessera run`
// implies; bad predictions stop it with exit 2 before anything is written; --plot draws.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/program.h"
#include "tests/support/reports.h"
#include "traces/predictions/timeloop_stats.h"

namespace {

using tessera::test::quote;
using tessera::test::read_file;
using tessera::test::read_json;
using tessera::test::run;
using tessera::test::run_stderr;
using tessera::test::TempDir;

namespace fs = std::filesystem;

using tessera::test::kBinary;
using tessera::test::kSourceDir;

int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

// SCALE-Sim v2's compute cycles of one layer, by the rule tests/sim/scalesim_compat_test.cpp
// states and checks against hand-worked counts: the GEMM is E output pixels x F filters x W
// (filter window x channels), folded onto R rows x C columns; os folds E x F and streams W,
// ws folds W x F and streams E, is folds W x E and streams F.
struct Gemm {
  int64_t e, f, w;
};
int64_t scalesim_cycles(const Gemm& g, const std::string& dataflow, int64_t r, int64_t c) {
  if (dataflow == "os") return ceil_div(g.e, r) * ceil_div(g.f, c) * (g.w + r + c - 2) - 1;
  if (dataflow == "ws") return ceil_div(g.w, r) * ceil_div(g.f, c) * (2 * r + c + g.e - 2) - 1;
  return ceil_div(g.w, r) * ceil_div(g.e, c) * (2 * r + c + g.f - 2) - 1;
}

// A conv layer's GEMM with SCALE-Sim's output size, ceil((in - filter + stride) / stride).
Gemm conv_gemm(int64_t in_h, int64_t in_w, int64_t fh, int64_t fw, int64_t ch, int64_t filters,
               int64_t stride) {
  const int64_t oh = ceil_div(in_h - fh + stride, stride),
                ow = ceil_div(in_w - fw + stride, stride);
  return {oh * ow, filters, fh * fw * ch};
}

// COMPUTE_REPORT.csv as SCALE-Sim v2 writes it. Only LayerID and Total Cycles are read; the
// columns left empty are ones the counts above do not give.
std::string compute_report(const std::vector<int64_t>& cycles) {
  std::string text =
      "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util "
      "%,\n";
  for (size_t i = 0; i < cycles.size(); ++i) {
    text += std::to_string(i) + ", " + std::to_string(cycles[i]) + ", , , , ,\n";
  }
  return text;
}

std::string cfg_text(const std::string& dataflow, int rows, int cols) {
  return "[general]\nrun_name = validate\n\n[architecture_presets]\nArrayHeight: " +
         std::to_string(rows) + "\nArrayWidth: " + std::to_string(cols) +
         "\nIfmapSramSzkB: 64\nFilterSramSzkB: 64\nOfmapSramSzkB: 64\nIfmapOffset: 0\n"
         "FilterOffset: 10000000\nOfmapOffset: 20000000\nBandwidth : 10\nDataflow : " +
         dataflow + "\nMemoryBanks: 1\n\n[run_presets]\nInterfaceBandwidth: CALC\n";
}

// Imports a SCALE-Sim topology (which writes `timing: scalesim`), validates it against `cycles`
// as SCALE-Sim's report, and checks that every layer's error and the summary are zero.
void expect_zero_error(const TempDir& dir, const std::string& name, const std::string& topology,
                       bool gemm, const std::string& cfg, const std::vector<int64_t>& cycles) {
  SCOPED_TRACE(name);
  const std::string out = dir.path() + "/" + name;
  fs::create_directories(out);
  std::string log;
  const std::string import = kBinary + " import scalesim " + quote(topology) +
                             (cfg.empty() ? "" : " --cfg " + quote(cfg)) + (gemm ? " --gemm" : "") +
                             " -o " + quote(out);
  ASSERT_EQ(run(import, log), 0) << import << "\n" << log;
  ASSERT_NE(read_file(out + "/arch.yaml").find("timing: scalesim"), std::string::npos);
  const std::string report = out + "/COMPUTE_REPORT.csv";
  std::ofstream(report) << compute_report(cycles);
  const std::string json = out + "/validation.json";
  const std::string validate = kBinary + " validate " + quote(out + "/trace.yaml") + " --arch " +
                               quote(out + "/arch.yaml") + " --against scalesim " + quote(report) +
                               " --json " + quote(json);
  ASSERT_EQ(run(validate, log), 0) << validate << "\n" << log;
  const nlohmann::json v = read_json(json);
  ASSERT_EQ(v.at("layers").size(), cycles.size());
  for (size_t i = 0; i < cycles.size(); ++i) {
    const nlohmann::json& l = v.at("layers").at(i);
    EXPECT_EQ(l.at("predicted_cycles"), cycles[i]) << i;
    EXPECT_EQ(l.at("simulated_cycles"), cycles[i]) << l.at("name");
    EXPECT_EQ(l.at("error"), 0) << l.at("name");
  }
  EXPECT_EQ(v.at("summary").at("mape"), 0);
  EXPECT_EQ(v.at("summary").at("bias"), 0);
  EXPECT_EQ(v.at("summary").at("layers"), cycles.size());
  EXPECT_NE(log.find("mean absolute percentage error  0.00 %"), std::string::npos) << log;
}

TEST(CliValidate, ScaleSimsOwnCountsHaveZeroErrorUnderScaleSimTiming) {
  TempDir dir;
  const std::string conv = dir.write(
      "small_conv.csv",
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
      "Strides,\nC1, 12, 12, 3, 3, 2, 6, 1,\nC2, 11, 11, 3, 3, 3, 10, 2,\n"
      "C3, 10, 10, 3, 3, 4, 5, 4,\n");
  const std::vector<Gemm> conv_layers{conv_gemm(12, 12, 3, 3, 2, 6, 1),
                                      conv_gemm(11, 11, 3, 3, 3, 10, 2),
                                      conv_gemm(10, 10, 3, 3, 4, 5, 4)};
  const std::string gemm =
      dir.write("small_gemm.csv", "Layer, M, N, K,\nG1, 20, 9, 30,\nG2, 64, 16, 8,\n");
  const std::vector<Gemm> gemm_layers{{20, 9, 30}, {64, 16, 8}};
  for (const std::string dataflow : {"os", "ws", "is"}) {
    const std::string cfg = dir.write(dataflow + ".cfg", cfg_text(dataflow, 8, 4));
    std::vector<int64_t> conv_cycles, gemm_cycles;
    for (const Gemm& g : conv_layers) conv_cycles.push_back(scalesim_cycles(g, dataflow, 8, 4));
    for (const Gemm& g : gemm_layers) gemm_cycles.push_back(scalesim_cycles(g, dataflow, 8, 4));
    expect_zero_error(dir, "conv_" + dataflow, conv, false, cfg, conv_cycles);
    expect_zero_error(dir, "gemm_" + dataflow, gemm, true, cfg, gemm_cycles);
  }
}

// The shipped alexnet.csv on SCALE-Sim's default 32 x 32 os array.
TEST(CliValidate, AlexnetOnScaleSimsDefaultsHasZeroError) {
  TempDir dir;
  std::vector<int64_t> cycles;
  for (const Gemm& g : {conv_gemm(224, 224, 11, 11, 3, 96, 4), conv_gemm(27, 27, 5, 5, 96, 256, 1),
                        conv_gemm(13, 13, 3, 3, 256, 384, 1), conv_gemm(13, 13, 3, 3, 384, 384, 1),
                        conv_gemm(13, 13, 3, 3, 384, 256, 1)}) {
    cycles.push_back(scalesim_cycles(g, "os", 32, 32));
  }
  expect_zero_error(dir, "alexnet", kSourceDir + "/tests/data/scalesim/conv_nets/alexnet.csv",
                    false, "", cycles);
}

const char* kSmallTrace =
    "tessera_trace: 1\nname: small\nlayers:\n"
    "  - {name: first, op: gemm, m: 64, n: 32, k: 48, precision: 8}\n"
    "  - {name: second, op: gemm, m: 128, n: 64, k: 32, precision: 8}\n"
    "  - {name: third, op: gemm, m: 32, n: 96, k: 64, precision: 8}\n";

// Predictions from a CSV give, layer by layer, the errors that `tessera run` of the same trace
// implies, and the summary is made of them.
TEST(CliValidate, CsvPredictionsGiveTheErrorsTheRunImplies) {
  TempDir dir;
  const std::string trace = dir.write("small.yaml", kSmallTrace);
  const std::string run_json = dir.path() + "/run.json";
  std::string log;
  ASSERT_EQ(run(kBinary + " run " + quote(trace) + " -q --json " + quote(run_json), log), 0) << log;
  const nlohmann::json simulated = read_json(run_json).at("layers");
  ASSERT_EQ(simulated.size(), 3U);

  // Predictions in another order than the trace's: 80% of the first layer's cycles, 1.5 times
  // the second's, the third's exactly; energy for the first, traffic for the second.
  const auto sim_cycles = [&](size_t i) { return simulated[i].at("cycles").get<double>(); };
  const double predicted[] = {std::floor(sim_cycles(0) * 0.8), sim_cycles(1) * 1.5, sim_cycles(2)};
  const double energy_pj = 1234.5, dram_bytes = 4096;
  const std::string csv = dir.write(
      "predictions.csv", "cycles,layer,energy_pj,dram_bytes\n" + std::to_string(predicted[2]) +
                             ",third,,\n" + std::to_string(predicted[0]) + ",first,1234.5,\n" +
                             std::to_string(predicted[1]) + ",second,,4096\n");
  const std::string json = dir.path() + "/v.json", out_csv = dir.path() + "/v.csv";
  const std::string command = kBinary + " validate " + quote(trace) + " --against csv " +
                              quote(csv) + " --json " + quote(json) + " --csv " + quote(out_csv);
  ASSERT_EQ(run(command, log), 0) << command << "\n" << log;

  const nlohmann::json v = read_json(json);
  std::vector<double> errors;
  for (size_t i = 0; i < 3; ++i) {
    const nlohmann::json& l = v.at("layers").at(i);
    EXPECT_EQ(l.at("name"), simulated[i].at("name"));
    EXPECT_EQ(l.at("simulated_cycles"), simulated[i].at("cycles"));
    EXPECT_DOUBLE_EQ(l.at("predicted_cycles").get<double>(), predicted[i]);
    errors.push_back((predicted[i] - sim_cycles(i)) / sim_cycles(i));
    EXPECT_DOUBLE_EQ(l.at("error").get<double>(), errors[i]);
  }
  const nlohmann::json& first = v.at("layers").at(0);
  const double sim_energy = simulated[0].at("energy_pj").get<double>();
  EXPECT_DOUBLE_EQ(first.at("predicted_energy_pj").get<double>(), energy_pj);
  EXPECT_DOUBLE_EQ(first.at("simulated_energy_pj").get<double>(), sim_energy);
  EXPECT_DOUBLE_EQ(first.at("energy_error").get<double>(), (energy_pj - sim_energy) / sim_energy);
  const nlohmann::json& second = v.at("layers").at(1);
  EXPECT_EQ(second.at("simulated_dram_bytes"),
            simulated[1].at("dram_bytes_read").get<int64_t>() +
                simulated[1].at("dram_bytes_written").get<int64_t>());
  EXPECT_EQ(second.at("predicted_dram_bytes"), dram_bytes);

  const nlohmann::json& s = v.at("summary");
  EXPECT_DOUBLE_EQ(s.at("mape").get<double>(),
                   (std::abs(errors[0]) + std::abs(errors[1]) + std::abs(errors[2])) / 3);
  EXPECT_DOUBLE_EQ(s.at("bias").get<double>(), (errors[0] + errors[1] + errors[2]) / 3);
  EXPECT_EQ(s.at("worst_layer"), "second");  // +50% against about -20% and 0
  EXPECT_DOUBLE_EQ(s.at("worst_error").get<double>(), errors[1]);
  EXPECT_NE(log.find("second"), std::string::npos) << log;

  const std::string csv_text = read_file(out_csv);
  EXPECT_EQ(std::count(csv_text.begin(), csv_text.end(), '\n'), 1 + 3);
  EXPECT_EQ(csv_text.rfind("layer,predicted_cycles,simulated_cycles,error,", 0), 0U);
}

TEST(CliValidate, PlotWritesBothPictures) {
  TempDir dir;
  const std::string trace = dir.write("small.yaml", kSmallTrace);
  const std::string csv = dir.write("p.csv", "layer,cycles\nfirst,1000\nsecond,2000\nthird,3000\n");
  const std::string plots = dir.path() + "/plots";
  std::string log;
  const std::string command = kBinary + " validate " + quote(trace) + " --against csv " +
                              quote(csv) + " -q --plot " + quote(plots);
  ASSERT_EQ(run(command, log), 0) << command << "\n" << log;
  for (const char* png : {"predicted_vs_simulated.png", "causes.png"}) {
    EXPECT_EQ(read_file(plots + "/" + png).substr(0, 8), "\x89PNG\r\n\x1a\n") << png;
  }
}

// Bad predictions: exit 2 with the file, line and field, and neither report nor plot folder.
TEST(CliValidate, BadPredictionsStopBeforeAnythingIsWritten) {
  TempDir dir;
  const std::string trace = dir.write("small.yaml", kSmallTrace);
  struct Case {
    const char* what;
    std::string csv;
    std::string error;  // after the file's path
  };
  const std::vector<Case> cases{
      {"missing", "layer,cycles\nfirst,1\nthird,3\n",
       ": field 'layer': no prediction for layer 'second' of trace 'small'"},
      {"extra", "layer,cycles\nfirst,1\nsecond,2\nthird,3\nfourth,4\n",
       ":5: field 'layer': layer 'fourth' is not in trace 'small'"},
      {"duplicate", "layer,cycles\nfirst,1\nsecond,2\nfirst,5\nthird,3\n",
       ":4: field 'layer': layer 'first' is predicted twice (first on line 2)"},
      {"negative", "layer,cycles\nfirst,1\nsecond,-2\nthird,3\n",
       ":3: field 'cycles': must not be negative, got -2"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const std::string csv = dir.write(std::string(c.what) + ".csv", c.csv);
    const std::string out = dir.path() + "/" + c.what;
    const std::string command = kBinary + " validate " + quote(trace) + " --against csv " +
                                quote(csv) + " --json " + quote(out + ".json") + " --csv " +
                                quote(out + ".out.csv") + " --plot " + quote(out + "_plots");
    std::string err;
    EXPECT_EQ(run_stderr(command, err), 2) << err;
    EXPECT_NE(err.find(csv + c.error), std::string::npos) << err;
    EXPECT_FALSE(fs::exists(out + ".json"));
    EXPECT_FALSE(fs::exists(out + ".out.csv"));
    EXPECT_FALSE(fs::exists(out + "_plots"));
  }
}

// ResNet-18's conv5 (tests/data/timeloop/resnet18_conv5_glb_ws32): 512 channels and filters, a 3x3
// window over a 9x9 input giving 7x7. Timeloop's DRAM traffic is every weight, input and output
// once, 8-bit words.
TEST(CliValidate, TimeloopStatsAgainstTheSameLayer) {
  TempDir dir;
  const std::string trace = dir.write(
      "conv5.yaml",
      "tessera_trace: 1\nname: conv5\nlayers:\n  - {name: conv5, op: conv, batch: 1, input: [9, "
      "9], channels: 512, filters: 512, filter: [3, 3], stride: 1, padding: 0, output: [7, 7], "
      "precision: 8}\n");
  const std::string stats =
      kSourceDir + "/tests/data/timeloop/resnet18_conv5_glb_ws32/timeloop-model.stats.txt";
  const std::string run_json = dir.path() + "/run.json", json = dir.path() + "/v.json";
  std::string log;
  ASSERT_EQ(run(kBinary + " run " + quote(trace) + " -q --json " + quote(run_json), log), 0) << log;
  ASSERT_EQ(run(kBinary + " validate " + quote(trace) + " --against timeloop " + quote(stats) +
                    " --json " + quote(json),
                log),
            0)
      << log;
  const nlohmann::json simulated = read_json(run_json).at("layers").at(0);
  const nlohmann::json l = read_json(json).at("layers").at(0);
  const tessera::LayerPrediction predicted = tessera::read_timeloop_stats(stats).layers.at(0);
  const auto sim_cycles = simulated.at("cycles").get<double>();
  EXPECT_EQ(l.at("name"), "conv5");
  EXPECT_EQ(l.at("predicted_cycles"), predicted.cycles);
  EXPECT_EQ(l.at("simulated_cycles"), simulated.at("cycles"));
  EXPECT_DOUBLE_EQ(l.at("error").get<double>(), (predicted.cycles - sim_cycles) / sim_cycles);
  EXPECT_DOUBLE_EQ(l.at("predicted_energy_pj").get<double>(), *predicted.energy_pj);
  EXPECT_DOUBLE_EQ(l.at("simulated_energy_pj").get<double>(),
                   simulated.at("energy_pj").get<double>());
  EXPECT_EQ(l.at("predicted_dram_bytes"), 512 * 512 * 3 * 3 + 9 * 9 * 512 + 7 * 7 * 512);
  EXPECT_EQ(l.at("simulated_dram_bytes"), simulated.at("dram_bytes_read").get<int64_t>() +
                                              simulated.at("dram_bytes_written").get<int64_t>());
}

TEST(CliValidate, TimeloopStatsNeedAOneLayerTrace) {
  TempDir dir;
  const std::string trace = dir.write("small.yaml", kSmallTrace);
  const std::string stats =
      kSourceDir + "/tests/data/timeloop/gpt2_qkv_ws32/timeloop-model.stats.txt";
  std::string err;
  EXPECT_EQ(run_stderr(
                kBinary + " validate " + quote(trace) + " --against timeloop " + quote(stats), err),
            2);
  EXPECT_NE(err.find(stats + ": predicts 1 layer(s), but trace 'small' (" + trace + ") has 3"),
            std::string::npos)
      << err;
}

TEST(CliValidate, TimeloopStatsWithoutCyclesIsExit2NamingTheLastLine) {
  TempDir dir;
  const std::string trace =
      dir.write("one.yaml",
                "tessera_trace: 1\nname: one\nlayers:\n  - {name: g, op: gemm, m: 8, n: 8, k: 8, "
                "precision: 8}\n");
  const std::string stats = dir.write("stats.txt", "Summary Stats\n-------------\nEnergy: 1 uJ\n");
  const std::string json = dir.path() + "/v.json";
  std::string err;
  EXPECT_EQ(run_stderr(kBinary + " validate " + quote(trace) + " --against timeloop " +
                           quote(stats) + " --json " + quote(json),
                       err),
            2);
  EXPECT_NE(err.find(stats + ":3: field 'Cycles': no summary 'Cycles:' line"), std::string::npos)
      << err;
  EXPECT_FALSE(fs::exists(json));
}

TEST(CliValidate, PlotFolderThatCannotBeMadeIsExit2NamingIt) {
  TempDir dir;
  const std::string trace = dir.write("small.yaml", kSmallTrace);
  const std::string csv = dir.write("p.csv", "layer,cycles\nfirst,1000\nsecond,2000\nthird,3000\n");
  const std::string blocked = dir.write("blocker", "a file") + "/plots";
  std::string err;
  EXPECT_EQ(run_stderr(kBinary + " validate " + quote(trace) + " --against csv " + quote(csv) +
                           " --json " + quote(dir.path() + "/v.json") + " --plot " + quote(blocked),
                       err),
            2);
  EXPECT_NE(err.find(blocked + ": field 'plot': cannot create the folder"), std::string::npos)
      << err;
  EXPECT_FALSE(fs::exists(dir.path() + "/v.json"));
}

TEST(CliValidate, AgainstNeedsAKnownKindAndAFile) {
  TempDir dir;
  const std::string trace = dir.write("small.yaml", kSmallTrace);
  const std::string csv = dir.write("p.csv", "layer,cycles\n");
  std::string err;
  EXPECT_EQ(
      run_stderr(kBinary + " validate " + quote(trace) + " --against guess " + quote(csv), err), 1);
  EXPECT_NE(err.find("unknown kind 'guess'"), std::string::npos) << err;
  EXPECT_EQ(run_stderr(kBinary + " validate " + quote(trace) + " --against csv", err), 1);
  EXPECT_NE(err.find("--against takes two values"), std::string::npos) << err;
  EXPECT_EQ(run_stderr(kBinary + " validate --against csv " + quote(csv), err), 1);
  EXPECT_NE(err.find("validate needs a TRACE"), std::string::npos) << err;
}

// Against its own analytical model, on a memory that never makes the array wait, a dense
// layer's simulated cycles are the model's plus exactly the folds' fill and drain (the model
// leaves them out by default): the gap and its one cause are the same number.
TEST(CliValidate, AgainstTheModelTheGapIsTheFillAndDrain) {
  TempDir dir;
  const std::string json = dir.path() + "/v.json";
  const std::string cmd =
      kBinary + " validate " + quote(kSourceDir + "/traces/samples/alexnet.yaml") +
      " --against model --arch " + quote(kSourceDir + "/traces/arch/default_ideal_dram.yaml") +
      " -p dram.bandwidth_gbps=0 -p dram.latency_ns=0 -q --json " + json;
  std::string out;
  ASSERT_EQ(run(cmd, out), 0) << cmd << "\n" << out;
  const nlohmann::json v = read_json(json);
  ASSERT_EQ(v["layers"].size(), 5U);
  for (const auto& l : v["layers"]) {
    SCOPED_TRACE(l["name"].get<std::string>());
    const auto gap = l["simulated_cycles"].get<int64_t>() - l["predicted_cycles"].get<int64_t>();
    EXPECT_GT(gap, 0);
    EXPECT_EQ(gap, l["cycles_by_cause"]["fill_drain"].get<int64_t>());
    EXPECT_GT(l["predicted_energy_pj"].get<double>(), 0);
    EXPECT_EQ(l["predicted_dram_bytes"], l["simulated_dram_bytes"]);
  }
}

TEST(CliValidate, AgainstTheModelTakesNoFile) {
  TempDir dir;
  const std::string trace = dir.write("small.yaml", kSmallTrace);
  std::string err;
  EXPECT_EQ(run_stderr(kBinary + " validate " + quote(trace) + " --against model x.csv", err), 1);
  EXPECT_NE(err.find("--against model takes no FILE"), std::string::npos) << err;
}

// Each layer's candidate #1 is the tiler's pick, so it simulates as `tessera run` does: the
// ranking's first candidate has the run's cycles (on a DRAM that keeps no state from one layer to
// the next: the candidates run one after another). Every candidate is a distinct plan.
TEST(CliValidate, CandidatesStartWithTheTilersPick) {
  TempDir dir;
  const std::string trace = dir.write("small.yaml", kSmallTrace);
  const std::string arch = " --arch " + quote(kSourceDir + "/traces/arch/default_ideal_dram.yaml");
  const std::string run_json = dir.path() + "/run.json", json = dir.path() + "/rank.json";
  std::string log;
  ASSERT_EQ(run(kBinary + " run " + quote(trace) + arch + " -q --json " + quote(run_json), log), 0)
      << log;
  const nlohmann::json simulated = read_json(run_json).at("layers");
  const std::string validate =
      kBinary + " validate " + quote(trace) + arch + " --candidates 5 -q --json " + quote(json);
  ASSERT_EQ(run(validate, log), 0) << log;
  const nlohmann::json ranking = read_json(json);
  ASSERT_EQ(ranking["layers"].size(), 3U);
  for (size_t i = 0; i < 3; ++i) {
    const auto& l = ranking["layers"][i];
    SCOPED_TRACE(l["name"].get<std::string>());
    const auto& c = l["candidates"];
    ASSERT_GE(c.size(), 2U);
    ASSERT_LE(c.size(), 5U);
    EXPECT_EQ(c[0]["simulated_cycles"], simulated[i]["cycles"]);
    std::set<std::string> plans;
    uint64_t best = c[0]["simulated_cycles"];
    for (const auto& candidate : c) {
      plans.insert(candidate["buffer_tile"].dump() + candidate["loop_order"].get<std::string>());
      best = std::min(best, candidate["simulated_cycles"].get<uint64_t>());
    }
    EXPECT_EQ(plans.size(), c.size());
    const size_t b = l["best"].get<size_t>() - 1, p = l["pick"].get<size_t>() - 1;
    EXPECT_EQ(c[b]["simulated_cycles"], best);
    const double regret = c[p]["simulated_cycles"].get<double>() / static_cast<double>(best) - 1;
    EXPECT_DOUBLE_EQ(l["regret"].get<double>(), regret);
  }
  EXPECT_EQ(ranking["summary"]["layers"], 3);
}

TEST(CliValidate, CandidatesNeedACountAndTheTilerOrTheModel) {
  TempDir dir;
  const std::string trace = dir.write("small.yaml", kSmallTrace);
  const std::string csv = dir.write("p.csv", "layer,cycles\n");
  std::string err;
  EXPECT_EQ(run_stderr(kBinary + " validate " + quote(trace) + " --candidates 0", err), 1);
  EXPECT_NE(err.find("at least 1"), std::string::npos) << err;
  EXPECT_EQ(run_stderr(kBinary + " validate " + quote(trace) + " --candidates 3 --against csv " +
                           quote(csv),
                       err),
            1);
  EXPECT_NE(err.find("brings its own predictions"), std::string::npos) << err;
  const std::string sparse =
      dir.write("sparse.yaml",
                "tessera_trace: 1\nlayers:\n  - name: s\n    op: spmspm\n    operands:\n"
                "      A: {generate: uniform, rows: 64, cols: 64, density: 0.1, seed: 1}\n"
                "      B: {same_as: A}\n");
  EXPECT_EQ(run_stderr(kBinary + " validate " + quote(sparse) + " --candidates 3", err), 2);
  EXPECT_NE(err.find("sparse.yaml:3: field 'op'"), std::string::npos) << err;
}

// A scheduler's own candidates and predictions from a file: ranked against their simulation;
// a candidate that does not fit the buffer is an input error naming its row, and nothing is
// written.
TEST(CliValidate, CandidatesFileIsRankedAndCheckedAgainstTheArchitecture) {
  TempDir dir;
  const std::string trace = dir.write("small.yaml", kSmallTrace);
  const std::string json = dir.path() + "/rank.json";
  const std::string file = dir.write("c.csv",
                                     "layer,m,n,k,loop_order,cycles\n"
                                     "first,64,32,48,mnk,100\nfirst,64,32,16,nmk,90\n"
                                     "second,128,64,32,mnk,500\nthird,32,96,64,nkm,700\n");
  std::string log;
  const std::string cmd =
      kBinary + " validate " + quote(trace) + " --candidates-file " + quote(file) + " -q --json ";
  ASSERT_EQ(run(cmd + quote(json), log), 0) << log;
  const nlohmann::json r = read_json(json);
  ASSERT_EQ(r["layers"].size(), 3U);
  EXPECT_EQ(r["layers"][0]["candidates"].size(), 2U);
  EXPECT_EQ(r["layers"][0]["pick"], 2);  // the lower prediction
  EXPECT_EQ(r["layers"][0]["candidates"][1]["buffer_tile"]["k"], 16);
  EXPECT_EQ(r["layers"][2]["candidates"][0]["loop_order"], "nkm");

  const std::string json2 = dir.path() + "/small_buffer.json";
  std::string err;
  EXPECT_EQ(run_stderr(cmd + quote(json2) + " -p buffer.capacity_kib=8", err), 2);
  EXPECT_NE(err.find("c.csv:2: field 'm': this candidate cannot run"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(json2));
}

}  // namespace
