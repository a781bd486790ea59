#include "sim/schedule_ranking.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "sim/error.h"
#include "sim/rank_correlation.h"
#include "sim/text_format.h"
#include "sim/top.h"

namespace tessera {
namespace {

using nlohmann::ordered_json;

std::string candidate_name(const std::string& layer, size_t index) {
  return layer + "#" + std::to_string(index + 1);
}

std::string order_text(const LoopOrder& order) {
  std::string text;
  for (GemmDim d : order) text += to_string(d);
  return text;
}

ordered_json correlation_json(const std::optional<double>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

std::string correlation_cell(const std::optional<double>& v) {
  return v ? fixed(*v, 3) : "n/a";
}

LayerRanking rank_layer(const std::string& name, std::vector<CandidateResult> results) {
  LayerRanking r;
  r.name = name;
  r.candidates = std::move(results);
  std::vector<double> predicted, simulated;
  for (size_t i = 0; i < r.candidates.size(); ++i) {
    const CandidateResult& c = r.candidates[i];
    predicted.push_back(c.candidate.predicted_cycles);
    simulated.push_back(static_cast<double>(c.simulated_cycles));
    if (c.simulated_cycles < r.candidates[r.best].simulated_cycles) r.best = i;
    if (c.candidate.predicted_cycles < r.candidates[r.pick].candidate.predicted_cycles) r.pick = i;
  }
  const auto best = static_cast<double>(r.candidates[r.best].simulated_cycles);
  const auto picked = static_cast<double>(r.candidates[r.pick].simulated_cycles);
  r.regret = best > 0 ? picked / best - 1 : 0;
  r.spearman = spearman_rho(predicted, simulated);
  r.kendall = kendall_tau_b(predicted, simulated);
  return r;
}

RankingSummary summarize(const std::vector<LayerRanking>& layers) {
  RankingSummary s;
  s.layers = layers.size();
  double spearman = 0, kendall = 0, regret = 0;
  for (const LayerRanking& l : layers) {
    if (l.regret == 0) ++s.picks_best;
    regret += l.regret;
    if (s.worst_layer.empty() || l.regret > s.max_regret) {
      s.max_regret = l.regret;
      s.worst_layer = l.name;
    }
    if (l.spearman && l.kendall) {
      ++s.correlated_layers;
      spearman += *l.spearman;
      kendall += *l.kendall;
    }
  }
  if (s.layers > 0) s.mean_regret = regret / static_cast<double>(s.layers);
  if (s.correlated_layers > 0) {
    s.mean_spearman = spearman / static_cast<double>(s.correlated_layers);
    s.mean_kendall = kendall / static_cast<double>(s.correlated_layers);
  }
  return s;
}

}  // namespace

Trace candidate_trace(const Trace& trace,
                      const std::vector<std::vector<ScheduleCandidate>>& candidates) {
  Trace out;
  out.name = trace.name;
  out.file = trace.file;
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    for (size_t j = 0; j < candidates[i].size(); ++j) {
      Layer layer = trace.layers[i];
      const TilePlan& plan = candidates[i][j].plan;
      layer.name = candidate_name(layer.name, j);
      layer.mapping.buffer_tile = plan.tile;
      layer.mapping.loop_order = plan.order;
      layer.mapping.dataflow = plan.dataflow;
      out.layers.push_back(std::move(layer));
    }
  }
  return out;
}

ScheduleRanking simulate_candidates(const Trace& trace, const CandidateSource& source,
                                    const ArchConfig& arch, const EnergyTable& energy,
                                    const RunOptions& options) {
  for (const Layer& layer : trace.layers) {
    if (layer.sparse != nullptr) {
      throw InputError({trace.file, layer.line, "op"},
                       "candidate schedules are the tiler's plans of dense layers; layer '" +
                           layer.name + "' is " + to_string(layer.op));
    }
  }
  std::vector<std::vector<ScheduleCandidate>> candidates;
  Trace expanded;
  const RunResult run = simulate(
      [&](const ArchitectureFacts& facts) -> const Trace& {
        for (size_t i = 0; i < trace.layers.size(); ++i) candidates.push_back(source(i, facts));
        expanded = candidate_trace(trace, candidates);
        return expanded;
      },
      arch, energy, options);
  return rank_schedules(trace, candidates, run);
}

ScheduleRanking rank_schedules(const Trace& trace,
                               const std::vector<std::vector<ScheduleCandidate>>& candidates,
                               const RunResult& simulated) {
  ScheduleRanking ranking;
  size_t at = 0;
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    std::vector<CandidateResult> results;
    for (size_t j = 0; j < candidates[i].size(); ++j, ++at) {
      const LayerResult& l = simulated.layers.at(at);
      if (l.name != candidate_name(trace.layers[i].name, j)) {
        throw SimulationError("candidate '" + l.name + "' simulated out of order");
      }
      results.push_back({candidates[i][j], l.cycles, l.cycles_by_cause});
    }
    ranking.layers.push_back(rank_layer(trace.layers[i].name, std::move(results)));
  }
  ranking.summary = summarize(ranking.layers);
  return ranking;
}

std::string ranking_table(const ScheduleRanking& ranking) {
  std::vector<Row> rows{{"layer", "candidates", "pick", "pick cycles", "best", "best cycles",
                         "regret %", "Spearman", "Kendall"}};
  for (const LayerRanking& l : ranking.layers) {
    rows.push_back(
        {printable(l.name), std::to_string(l.candidates.size()), "#" + std::to_string(l.pick + 1),
         std::to_string(l.candidates[l.pick].simulated_cycles), "#" + std::to_string(l.best + 1),
         std::to_string(l.candidates[l.best].simulated_cycles), fixed(l.regret * 100, 2),
         correlation_cell(l.spearman), correlation_cell(l.kendall)});
  }
  std::string out = table(rows, {1, false, ""});
  const RankingSummary& s = ranking.summary;
  const std::string over =
      " (over the " + std::to_string(s.correlated_layers) + " layers where it is defined)";
  out += "\nregret = the pick's simulated cycles / the best candidate's - 1\n";
  out += table({{"layers", std::to_string(s.layers)},
                {"picks that are the best", std::to_string(s.picks_best)},
                {"mean regret", fixed(s.mean_regret * 100, 2) + " %"},
                {"largest regret", s.layers == 0 ? "n/a"
                                                 : fixed(s.max_regret * 100, 2) + " % (" +
                                                       printable(s.worst_layer) + ")"},
                {"mean Spearman", correlation_cell(s.mean_spearman) + over},
                {"mean Kendall tau-b", correlation_cell(s.mean_kendall) + over}},
               {2, false, ""});
  return out;
}

std::string ranking_json(const ScheduleRanking& ranking) {
  ordered_json j;
  j["regret_definition"] = "pick simulated cycles / best simulated cycles - 1";
  j["layers"] = ordered_json::array();
  for (const LayerRanking& l : ranking.layers) {
    ordered_json candidates = ordered_json::array();
    for (const CandidateResult& c : l.candidates) {
      const TilePlan& p = c.candidate.plan;
      ordered_json causes = ordered_json::object();
      for (size_t i = 0; i < kNumCycleCauses; ++i) {
        causes[std::string(kCycleCauseNames[i])] = c.cycles_by_cause.cycles[i];
      }
      candidates.push_back({{"buffer_tile", {{"m", p.tile[0]}, {"n", p.tile[1]}, {"k", p.tile[2]}}},
                            {"loop_order", order_text(p.order)},
                            {"dataflow", to_string(p.dataflow)},
                            {"predicted_cycles", c.candidate.predicted_cycles},
                            {"simulated_cycles", c.simulated_cycles},
                            {"cycles_by_cause", causes}});
    }
    j["layers"].push_back({{"name", l.name},
                           {"candidates", candidates},
                           {"pick", l.pick + 1},
                           {"best", l.best + 1},
                           {"regret", l.regret},
                           {"spearman", correlation_json(l.spearman)},
                           {"kendall", correlation_json(l.kendall)}});
  }
  const RankingSummary& s = ranking.summary;
  j["summary"] = {{"layers", s.layers},
                  {"picks_best", s.picks_best},
                  {"mean_regret", s.mean_regret},
                  {"max_regret", s.max_regret},
                  {"worst_layer", s.worst_layer},
                  {"mean_spearman", correlation_json(s.mean_spearman)},
                  {"mean_kendall", correlation_json(s.mean_kendall)},
                  {"correlated_layers", s.correlated_layers}};
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace tessera
