// A sweep's results: DIR/results.csv and DIR/results.jsonl, one row per point: a column per axis
// named as given, then status, the metrics (cycles, energy_pj, edp, ...), pareto, exit_code,
// error and id. Rows are appended as points finish, each by one write, so a reader never sees
// half a row; collecting rewrites both files whole, in plan order, with the Pareto column.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep/plan.h"

namespace tessera::sweep {

// Appends finished points' rows to the results files of DIR (which collect() has started).
class ResultAppender {
 public:
  ResultAppender(const std::string& dir, const Plan& plan);
  ~ResultAppender();
  ResultAppender(const ResultAppender&) = delete;
  ResultAppender& operator=(const ResultAppender&) = delete;
  void append(const PlanPoint& point, const nlohmann::ordered_json& outcome);

 private:
  const Plan& plan_;
  int csv_ = -1, jsonl_ = -1;
};

struct Collected {
  size_t ok = 0, rejected = 0, failed = 0, missing = 0;
  std::vector<size_t> failed_points, missing_points;  // plan indexes
  std::string plot;                                   // the picture's path, or why there is none
};

// Reads every point's outcome, one at a time, and rewrites the results files atomically; with
// `plot`, draws DIR/pareto.png for two objectives.
Collected collect(const std::string& dir, const Plan& plan, bool plot);

// "12 points: 10 ok, ..., 1 failed, 1 missing" and the first few failed (with their errors) and
// missing points.
[[nodiscard]] std::string collected_text(const std::string& dir, const Plan& plan,
                                         const Collected& c);

}  // namespace tessera::sweep
