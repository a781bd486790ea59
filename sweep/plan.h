// What every engine needs to run and collect a sweep, kept in DIR/plan.json: the tessera binary,
// the columns, the metrics and objectives, the metric constraints and, for each point, its id,
// its values and the arguments of its `tessera run`. A worker on another host (GNU parallel,
// Slurm) reads the plan and runs points by their index in it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sweep/points.h"
#include "sweep/spec.h"

namespace tessera::sweep {

struct MetricBound {
  std::string metric;
  std::optional<double> min, max;
};

struct PlanPoint {
  std::string id;
  std::vector<std::string> values;  // one per column
  std::vector<std::string> args;    // of `tessera run`, without the binary and the report path
};

struct Plan {
  std::string binary;                // absolute path of the tessera that made the plan
  std::vector<std::string> columns;  // the axes' names
  std::vector<std::string> metrics;  // cycles, energy_pj, edp, then the spec's
  std::vector<std::string> objectives;
  std::vector<MetricBound> bounds;
  std::vector<PlanPoint> points;
};

[[nodiscard]] Plan make_plan(const SweepSpec& spec, const Expansion& expansion,
                             const std::string& binary);

// DIR/plan.json, written atomically; InputError naming the file when it is missing or damaged.
void write_plan(const std::string& dir, const Plan& plan);
[[nodiscard]] Plan read_plan(const std::string& dir);

// Where a point's files go: DIR/points/<id>.json (the run's report), .row.json (its outcome),
// .stderr (what the run printed, kept when it failed).
[[nodiscard]] std::string point_file(const std::string& dir, const std::string& id,
                                     const std::string& suffix);

// The tessera program running now (/proc/self/exe).
[[nodiscard]] std::string self_binary();

}  // namespace tessera::sweep
