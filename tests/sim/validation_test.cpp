// The comparison behind `tessera validate` (sim/validation.h) on hand-made results: relative
// errors, the summary statistics against values worked out by hand (ties included), the causes of
// the cycles above a prediction, and the reports and plots made from it.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/error.h"
#include "sim/rank_correlation.h"
#include "sim/validation.h"
#include "sim/validation_plot.h"
#include "sim/validation_report.h"
#include "tests/support/files.h"

namespace tessera {
namespace {

// ---- rank correlation ----

TEST(RankCorrelation, TiesShareTheMeanOfTheirRanks) {
  // Sorted: 1 (rank 1), 2, 2 (ranks 2 and 3: 2.5 each), 7 (rank 4), 9, 9, 9 (5..7: 6 each).
  EXPECT_EQ(average_ranks({9, 2, 7, 9, 1, 2, 9}), (std::vector<double>{6, 2.5, 4, 6, 1, 2.5, 6}));
}

// Without ties: d = rank differences (-1, 1, -1, 1, 0), rho = 1 - 6 * sum d^2 / (n (n^2 - 1))
// = 1 - 6 * 4 / (5 * 24); of the 10 pairs, (1,2) and (3,4) are discordant: tau = (8 - 2) / 10.
TEST(RankCorrelation, WithoutTiesMatchesTheTextbookFormulas) {
  const std::vector<double> x{1, 2, 3, 4, 5}, y{2, 1, 4, 3, 5};
  EXPECT_DOUBLE_EQ(*spearman_rho(x, y), 1 - 6.0 * 4 / (5 * 24));
  EXPECT_DOUBLE_EQ(*kendall_tau_b(x, y), (8.0 - 2) / 10);
  EXPECT_DOUBLE_EQ(*spearman_rho(x, x), 1);
  EXPECT_DOUBLE_EQ(*kendall_tau_b(x, {5, 4, 3, 2, 1}), -1);
}

// Ties in x: ranks x (1, 2.5, 2.5, 4), y (1, 3, 2, 4), both of mean 2.5; deviations
// x (-1.5, 0, 0, 1.5), y (-1.5, 0.5, -0.5, 1.5): Sxy = 4.5, Sxx = 4.5, Syy = 5.
// Kendall: of the 6 pairs one is tied in x, the other 5 concordant: 5 / sqrt((6 - 1) (6 - 0)).
TEST(RankCorrelation, TiesInOneSample) {
  const std::vector<double> x{1, 2, 2, 3}, y{1, 3, 2, 4};
  EXPECT_DOUBLE_EQ(*spearman_rho(x, y), 4.5 / std::sqrt(4.5 * 5));
  EXPECT_DOUBLE_EQ(*kendall_tau_b(x, y), 5 / std::sqrt(5.0 * 6));
}

// Ties in y and discordant pairs: ranks y (2.5, 2.5, 1, 4); deviations x (-1.5, -0.5, 0.5, 1.5),
// y (0, 0, -1.5, 1.5): Sxy = -0.75 + 2.25, Sxx = 5, Syy = 4.5. Pairs: (1,2) tied in y, (1,3) and
// (2,3) discordant, the other three concordant: (3 - 2) / sqrt(6 (6 - 1)).
TEST(RankCorrelation, TiesInTheOtherSampleAndDiscordantPairs) {
  const std::vector<double> x{1, 2, 3, 4}, y{2, 2, 1, 3};
  EXPECT_DOUBLE_EQ(*spearman_rho(x, y), (-0.75 + 2.25) / std::sqrt(5 * 4.5));
  EXPECT_DOUBLE_EQ(*kendall_tau_b(x, y), (3.0 - 2) / std::sqrt(6.0 * 5));
}

TEST(RankCorrelation, UndefinedForFewerThanTwoOrConstantSamples) {
  EXPECT_FALSE(spearman_rho({}, {}));
  EXPECT_FALSE(kendall_tau_b({3}, {4}));
  EXPECT_FALSE(spearman_rho({1, 2, 3}, {5, 5, 5}));
  EXPECT_FALSE(kendall_tau_b({7, 7}, {1, 2}));
  EXPECT_THROW((void)spearman_rho({1, 2}, {1}), std::invalid_argument);
}

// ---- the explanation of a gap ----

// 1000 simulated cycles: 600 ideal (compute 500, array_underuse 100) and 400 of non-ideal causes.
CycleCauses hand_made_causes() {
  CycleCauses c;
  c[CycleCause::compute] = 500;
  c[CycleCause::array_underuse] = 100;
  c[CycleCause::dram_bandwidth_stall] = 300;
  c[CycleCause::fill_drain] = 30;
  c[CycleCause::layer_start] = 30;
  c[CycleCause::layer_end] = 40;
  return c;
}

TEST(ExplainGap, NonIdealCausesLargestFirstTheFewestThatCoverTheGap) {
  const CycleCauses c = hand_made_causes();
  ASSERT_EQ(c.total(), 1000U);
  const GapExplanation g = explain_gap(660, 1000, c);
  EXPECT_EQ(g.gap_cycles, 1000 - 660);
  // Equal causes keep CycleCause's order: fill_drain before layer_start.
  ASSERT_EQ(g.causes.size(), 4U);
  EXPECT_EQ(g.causes[0].cause, CycleCause::dram_bandwidth_stall);
  EXPECT_EQ(g.causes[1].cause, CycleCause::layer_end);
  EXPECT_EQ(g.causes[2].cause, CycleCause::fill_drain);
  EXPECT_EQ(g.causes[3].cause, CycleCause::layer_start);
  EXPECT_EQ(g.causes[0].cycles, c[CycleCause::dram_bandwidth_stall]);
  // 300 < 340 <= 300 + 40.
  EXPECT_EQ(g.accounting, 2U);
  EXPECT_EQ(g.unexplained, 0);
}

TEST(ExplainGap, APredictionBelowTheIdealCyclesLeavesPartUnexplained) {
  const GapExplanation g = explain_gap(500, 1000, hand_made_causes());
  EXPECT_EQ(g.accounting, 4U);
  // All 400 non-ideal cycles cover 400 of the 500; the rest is ideal cycles the model missed.
  EXPECT_EQ(g.unexplained, 500 - 400);
}

TEST(ExplainGap, NothingToExplainWhenThePredictionIsNotBelow) {
  const GapExplanation g = explain_gap(1200, 1000, hand_made_causes());
  EXPECT_EQ(g.gap_cycles, -200);
  EXPECT_EQ(g.accounting, 0U);
  EXPECT_EQ(g.causes.size(), 4U);
  EXPECT_EQ(g.unexplained, 0);
}

TEST(ExplainGap, WithoutRecordedCausesTheWholeGapIsUnexplained) {
  const GapExplanation g = explain_gap(10, 30, CycleCauses{});
  EXPECT_TRUE(g.causes.empty());
  EXPECT_EQ(g.unexplained, 20);
}

// ---- compare ----

LayerResult layer(const std::string& name, uint64_t cycles, double energy_pj, uint64_t dram_read,
                  uint64_t dram_written) {
  LayerResult l;
  l.name = name;
  l.cycles = cycles;
  l.components.push_back({"pe_array", energy_pj});
  l.dram_bytes_read = dram_read;
  l.dram_bytes_written = dram_written;
  return l;
}

LayerPrediction prediction(double cycles) {
  LayerPrediction p;
  p.cycles = cycles;
  return p;
}

struct HandMade {
  RunResult result;
  std::vector<LayerPrediction> predicted;
};

// Three layers: predictions 100, 200, 300 cycles against 125, 200, 240 simulated.
HandMade hand_made() {
  HandMade h;
  h.result.layers = {layer("a", 125, 1000, 60, 40), layer("b", 200, 50, 0, 0),
                     layer("c", 240, 0, 10, 0)};
  h.result.layers[0].cycles_by_cause[CycleCause::compute] = 90;
  h.result.layers[0].cycles_by_cause[CycleCause::fill_drain] = 10;
  h.result.layers[0].cycles_by_cause[CycleCause::dram_bandwidth_stall] = 25;
  h.predicted = {prediction(100), prediction(200), prediction(300)};
  h.predicted[0].energy_pj = 1100;
  h.predicted[0].dram_bytes = 50;
  h.predicted[2].energy_pj = 5;
  return h;
}

TEST(Compare, ErrorsAreRelativeToTheSimulation) {
  const HandMade h = hand_made();
  const Validation v = compare(h.predicted, h.result);
  ASSERT_EQ(v.layers.size(), 3U);
  const double errors[] = {(100.0 - 125) / 125, (200.0 - 200) / 200, (300.0 - 240) / 240};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(v.layers[i].name, h.result.layers[i].name);
    EXPECT_DOUBLE_EQ(v.layers[i].error, errors[i]);
  }
  const LayerComparison& a = v.layers[0];
  EXPECT_DOUBLE_EQ(*a.energy_error, (1100.0 - 1000) / 1000);
  EXPECT_EQ(a.simulated_dram_bytes, 60U + 40);
  EXPECT_DOUBLE_EQ(*a.dram_bytes_error, (50.0 - 100) / 100);
  EXPECT_EQ(a.cycles_by_cause[CycleCause::fill_drain], 10U);
  ASSERT_EQ(a.gap.accounting, 1U);  // the 25 gap cycles: dram_bandwidth_stall's 25 cover them
  EXPECT_EQ(a.gap.causes[0].cause, CycleCause::dram_bandwidth_stall);
  EXPECT_FALSE(v.layers[1].predicted_energy_pj);
  EXPECT_FALSE(v.layers[1].dram_bytes_error);
  // Simulated energy 0: a prediction but no relative error.
  EXPECT_TRUE(v.layers[2].predicted_energy_pj);
  EXPECT_FALSE(v.layers[2].energy_error);

  const ValidationSummary& s = v.summary;
  EXPECT_EQ(s.layers, 3U);
  EXPECT_DOUBLE_EQ(s.mape, (std::abs(errors[0]) + std::abs(errors[1]) + std::abs(errors[2])) / 3);
  EXPECT_DOUBLE_EQ(s.bias, (errors[0] + errors[1] + errors[2]) / 3);
  EXPECT_EQ(s.worst_layer, "c");
  EXPECT_DOUBLE_EQ(s.worst_error, errors[2]);
  // Both orders are a < b < c.
  EXPECT_DOUBLE_EQ(*s.spearman, 1);
  EXPECT_DOUBLE_EQ(*s.kendall, 1);
}

TEST(Compare, OneLayerHasNoRankCorrelation) {
  RunResult r;
  r.layers = {layer("only", 10, 0, 0, 0)};
  const Validation v = compare({prediction(20)}, r);
  EXPECT_FALSE(v.summary.spearman);
  EXPECT_FALSE(v.summary.kendall);
  EXPECT_EQ(v.summary.worst_layer, "only");
  EXPECT_DOUBLE_EQ(v.summary.mape, 1);
  const std::string table = validation_table(v);
  EXPECT_NE(table.find("Spearman rank correlation       n/a"), std::string::npos) << table;
  EXPECT_NE(table.find("Kendall tau-b                   n/a"), std::string::npos) << table;
  EXPECT_EQ(nlohmann::json::parse(validation_json(v)).at("summary").at("kendall"), nullptr);
}

TEST(Compare, ALayerOfZeroCyclesIsASimulationError) {
  RunResult r;
  r.layers = {layer("empty", 0, 0, 0, 0)};
  EXPECT_THROW((void)compare({prediction(1)}, r), SimulationError);
}

// ---- reports ----

TEST(ValidationReports, JsonHoldsEachLayerAndTheSummary) {
  const HandMade h = hand_made();
  const Validation v = compare(h.predicted, h.result);
  const nlohmann::json j = nlohmann::json::parse(validation_json(v));
  const nlohmann::json& a = j.at("layers").at(0);
  EXPECT_EQ(a.at("name"), "a");
  EXPECT_EQ(a.at("predicted_cycles"), 100);
  EXPECT_EQ(a.at("simulated_cycles"), 125);
  EXPECT_DOUBLE_EQ(a.at("error").get<double>(), v.layers[0].error);
  ASSERT_EQ(a.at("cycles_by_cause").size(), kNumCycleCauses);
  for (size_t i = 0; i < kNumCycleCauses; ++i) {
    EXPECT_EQ(a.at("cycles_by_cause").at(std::string(kCycleCauseNames[i])),
              h.result.layers[0].cycles_by_cause.cycles[i]);
  }
  EXPECT_EQ(a.at("gap_cycles"), 125 - 100);
  EXPECT_EQ(a.at("gap_causes").at(0).at("cause"), "dram_bandwidth_stall");
  EXPECT_EQ(a.at("gap_causes").at(0).at("accounts_for_gap"), true);
  EXPECT_EQ(a.at("gap_causes").at(1).at("cause"), "fill_drain");
  EXPECT_EQ(a.at("gap_causes").at(1).at("accounts_for_gap"), false);
  EXPECT_EQ(a.at("predicted_energy_pj"), 1100);
  EXPECT_DOUBLE_EQ(a.at("simulated_energy_pj").get<double>(), 1000);
  EXPECT_EQ(a.at("predicted_dram_bytes"), 50);
  EXPECT_EQ(a.at("simulated_dram_bytes"), 100);
  // Layer b has neither energy nor traffic predicted, so neither pair is there.
  EXPECT_FALSE(j.at("layers").at(1).contains("predicted_energy_pj"));
  EXPECT_FALSE(j.at("layers").at(1).contains("simulated_dram_bytes"));
  const nlohmann::json& s = j.at("summary");
  EXPECT_DOUBLE_EQ(s.at("mape").get<double>(), v.summary.mape);
  EXPECT_DOUBLE_EQ(s.at("bias").get<double>(), v.summary.bias);
  EXPECT_EQ(s.at("worst_layer"), "c");
  EXPECT_DOUBLE_EQ(s.at("worst_error").get<double>(), v.summary.worst_error);
  EXPECT_DOUBLE_EQ(s.at("spearman").get<double>(), 1);
  EXPECT_DOUBLE_EQ(s.at("kendall").get<double>(), 1);
  EXPECT_EQ(s.at("layers"), 3);
}

TEST(ValidationReports, CsvHasOneRowPerLayerAndACauseColumnEach) {
  const HandMade h = hand_made();
  const std::string csv = validation_csv(compare(h.predicted, h.result));
  const size_t header_end = csv.find('\n');
  const std::string header = csv.substr(0, header_end);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 3);
  EXPECT_EQ(std::count(header.begin(), header.end(), ','), 12 + kNumCycleCauses);
  for (const std::string_view name : kCycleCauseNames) {
    EXPECT_NE(header.find("," + std::string(name) + "_cycles"), std::string::npos) << name;
  }
  // Layer a: 25 gap cycles covered by dram_bandwidth_stall, none unexplained.
  const std::string row_a = csv.substr(header_end + 1, csv.find('\n', header_end + 1) - header_end);
  EXPECT_EQ(row_a.rfind("a,100,125,-0.2,1100,1000,0.1,50,100,-0.5,25,dram_bandwidth_stall,0,", 0),
            0U)
      << row_a;
}

TEST(ValidationReports, TableNamesTheCausesOfTheGap) {
  const HandMade h = hand_made();
  const std::string table = validation_table(compare(h.predicted, h.result));
  const size_t row = table.find("\na ");
  ASSERT_NE(row, std::string::npos) << table;
  const std::string line = table.substr(row + 1, table.find('\n', row + 1) - row - 1);
  EXPECT_NE(line.find("dram_bandwidth_stall 100.00%"), std::string::npos) << line;
  EXPECT_EQ(line.find("fill_drain"), std::string::npos) << line;
  EXPECT_NE(table.find("worst layer                     c (25.00 %)"), std::string::npos) << table;
}

// ---- plots ----

TEST(ValidationPlots, GnuplotMakesBothPictures) {
  const HandMade h = hand_made();
  test::TempDir dir;
  const std::string plots = dir.path() + "/new/plots";
  write_validation_plots(compare(h.predicted, h.result), plots);
  for (const char* png : {"predicted_vs_simulated.png", "causes.png"}) {
    // Every PNG starts with the same 8 bytes.
    EXPECT_EQ(test::read_file(plots + "/" + png).substr(0, 8), "\x89PNG\r\n\x1a\n") << png;
  }
  EXPECT_TRUE(std::filesystem::exists(plots + "/validation.gp"));
}

TEST(ValidationPlots, AFolderThatCannotBeMadeIsAnInputErrorNamingIt) {
  test::TempDir dir;
  const std::string file = dir.write("file", "x");
  try {
    prepare_plot_folder(file + "/plots");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, file + "/plots");
    EXPECT_EQ(e.where().field, "plot");
  }
}

}  // namespace
}  // namespace tessera
