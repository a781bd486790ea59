// Does a scheduler choose right? `tessera validate --candidates N` takes, per layer, the N best
// schedules by the scheduler's own estimate, simulates them all, and asks whether the estimate
// orders them as the simulation does (rank correlations) and what its pick costs over the best
// simulated candidate (regret).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plan/architecture_facts.h"
#include "plan/tiler.h"
#include "sim/arch_config.h"
#include "sim/cycle_causes.h"
#include "sim/energy_table.h"
#include "sim/result.h"
#include "sim/top.h"
#include "traces/layer.h"

namespace tessera {

// One candidate schedule of a layer and what the scheduler predicts it costs.
struct ScheduleCandidate {
  TilePlan plan;
  double predicted_cycles = 0;
};

// A trace with one layer per candidate, named `LAYER#j` (j from 1, in the tiler's order), each
// mapped as its candidate says, in the order of `candidates` (one list per layer of `trace`).
[[nodiscard]] Trace candidate_trace(const Trace& trace,
                                    const std::vector<std::vector<ScheduleCandidate>>& candidates);

struct CandidateResult {
  ScheduleCandidate candidate;
  uint64_t simulated_cycles = 0;
  CycleCauses cycles_by_cause;
};

struct LayerRanking {
  std::string name;
  std::vector<CandidateResult> candidates;  // in the tiler's order
  size_t pick = 0;  // the candidate with the fewest predicted cycles (the first such)
  size_t best = 0;  // the candidate with the fewest simulated cycles (the first such)
  // Simulated cycles of the pick over the best's, minus one: 0 when the pick is the best.
  double regret = 0;
  // Of predicted against simulated cycles over the candidates; nothing for fewer than two or
  // all-equal values.
  std::optional<double> spearman, kendall;
};

struct RankingSummary {
  size_t layers = 0;
  size_t picks_best = 0;  // layers whose pick is (one of) the best simulated
  double mean_regret = 0, max_regret = 0;
  std::string worst_layer;  // largest regret, the first such layer
  // Means over the layers where the correlation is defined, and how many those are.
  std::optional<double> mean_spearman, mean_kendall;
  size_t correlated_layers = 0;
};

struct ScheduleRanking {
  std::vector<LayerRanking> layers;
  RankingSummary summary;
};

// Each layer's candidates (`layer` indexes the trace's layers), given what the controller plans
// with.
using CandidateSource =
    std::function<std::vector<ScheduleCandidate>(size_t layer, const ArchitectureFacts& facts)>;

// Simulates every layer's candidates in one run (candidate_trace) and ranks them. Throws
// InputError for a sparse layer (candidates are the dense tiler's plans) and what `source`
// throws, before anything is simulated.
[[nodiscard]] ScheduleRanking simulate_candidates(const Trace& trace, const CandidateSource& source,
                                                  const ArchConfig& arch, const EnergyTable& energy,
                                                  const RunOptions& options);

// Pairs the simulation of candidate_trace(trace, candidates) with the candidates.
[[nodiscard]] ScheduleRanking rank_schedules(
    const Trace& trace, const std::vector<std::vector<ScheduleCandidate>>& candidates,
    const RunResult& simulated);

// The table for people: per layer, its candidates, the pick's and the best simulated cycles,
// the regret and the rank correlations; then the summary.
[[nodiscard]] std::string ranking_table(const ScheduleRanking& ranking);

// The JSON report (schema in sim/REPORTS.md, "tessera validate --candidates").
[[nodiscard]] std::string ranking_json(const ScheduleRanking& ranking);

}  // namespace tessera
