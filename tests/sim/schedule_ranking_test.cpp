// The ranking of candidate schedules on hand-made results: the pick, the best, the regret, the
// rank correlations per layer and their means.
#include "sim/schedule_ranking.h"

#include <gtest/gtest.h>

#include "traces/trace_reader.h"

namespace tessera {
namespace {

// Two layers: `a` with three candidates, `b` with one.
struct Fixture {
  Trace trace = parse_trace(
      "tessera_trace: 1\nlayers:\n  - {name: a, op: gemm, m: 8, n: 8, k: 8}\n"
      "  - {name: b, op: gemm, m: 8, n: 8, k: 8}\n",
      "<test>");
  std::vector<std::vector<ScheduleCandidate>> candidates;
  RunResult run;

  Fixture(const std::vector<double>& predicted, const std::vector<uint64_t>& simulated) {
    candidates.resize(2);
    for (double p : predicted) candidates[0].push_back({TilePlan{{8, 8, 8}}, p});
    candidates[1].push_back({TilePlan{{8, 8, 8}}, 10});
    const Trace expanded = candidate_trace(trace, candidates);
    for (size_t i = 0; i < expanded.layers.size(); ++i) {
      LayerResult l;
      l.name = expanded.layers[i].name;
      l.cycles = i < simulated.size() ? simulated[i] : 50;
      run.layers.push_back(l);
    }
  }
};

TEST(ScheduleRanking, CandidateTraceNamesAndMapsEveryCandidate) {
  const Fixture f({100, 120, 150}, {300, 200, 400});
  const Trace t = candidate_trace(f.trace, f.candidates);
  ASSERT_EQ(t.layers.size(), 4U);
  EXPECT_EQ(t.layers[0].name, "a#1");
  EXPECT_EQ(t.layers[2].name, "a#3");
  EXPECT_EQ(t.layers[3].name, "b#1");
  EXPECT_EQ(*t.layers[1].mapping.buffer_tile, (GemmExtents{8, 8, 8}));
}

// Predicted 100 < 120 < 150, simulated 300, 200, 400: the pick (#1) costs 300 where #2 costs
// 200, a regret of 0.5. Ranks (1, 2, 3) against (2, 1, 3): Spearman 1 - 6 x 2 / 24 = 0.5;
// Kendall: pairs (1,2) discordant, (1,3) and (2,3) concordant: (2 - 1) / 3.
TEST(ScheduleRanking, RegretAndCorrelationsByHand) {
  const Fixture f({100, 120, 150}, {300, 200, 400});
  const ScheduleRanking r = rank_schedules(f.trace, f.candidates, f.run);
  ASSERT_EQ(r.layers.size(), 2U);
  const LayerRanking& a = r.layers[0];
  EXPECT_EQ(a.pick, 0U);
  EXPECT_EQ(a.best, 1U);
  EXPECT_DOUBLE_EQ(a.regret, 0.5);
  EXPECT_DOUBLE_EQ(*a.spearman, 0.5);
  EXPECT_DOUBLE_EQ(*a.kendall, 1.0 / 3);
  // One candidate: the pick is the best, and no correlation.
  EXPECT_EQ(r.layers[1].regret, 0);
  EXPECT_FALSE(r.layers[1].spearman);
  EXPECT_EQ(r.summary.picks_best, 1U);
  EXPECT_DOUBLE_EQ(r.summary.mean_regret, 0.25);
  EXPECT_DOUBLE_EQ(r.summary.max_regret, 0.5);
  EXPECT_EQ(r.summary.worst_layer, "a");
  EXPECT_EQ(r.summary.correlated_layers, 1U);
  EXPECT_DOUBLE_EQ(*r.summary.mean_spearman, 0.5);
}

// The pick is the lowest prediction wherever it stands, the first of equal ones.
TEST(ScheduleRanking, PickIsTheLowestPredictionFirstOnTies) {
  const Fixture f({150, 100, 100}, {300, 200, 100});
  const ScheduleRanking r = rank_schedules(f.trace, f.candidates, f.run);
  EXPECT_EQ(r.layers[0].pick, 1U);
  EXPECT_EQ(r.layers[0].best, 2U);
  EXPECT_DOUBLE_EQ(r.layers[0].regret, 1.0);
}

TEST(ScheduleRanking, ResultsOutOfOrderAreRefused) {
  Fixture f({100, 120, 150}, {300, 200, 400});
  std::swap(f.run.layers[0].name, f.run.layers[1].name);
  EXPECT_THROW((void)rank_schedules(f.trace, f.candidates, f.run), SimulationError);
}

}  // namespace
}  // namespace tessera
