// One point's `tessera run`, and its outcome: DIR/points/<id>.row.json holds the status (ok,
// failed, rejected by a metric constraint), the exit code, the error message and the metrics.
// Every engine runs points through these, so their results are the same bytes.
#pragma once

#include <sys/types.h>

#include <string>

#include <nlohmann/json.hpp>

#include "sweep/plan.h"

namespace tessera::sweep {

// Starts the point's run: its report to points/<id>.json, its stderr to points/<id>.stderr.
[[nodiscard]] pid_t start_point(const Plan& plan, const PlanPoint& point, const std::string& dir);

// Records the outcome of the point's finished run (its wait status) atomically and returns it.
nlohmann::ordered_json record_point(const Plan& plan, const PlanPoint& point,
                                    const std::string& dir, int wait_status);

// Starts, waits for and records one point.
nlohmann::ordered_json run_point(const Plan& plan, const PlanPoint& point, const std::string& dir);

// The point's recorded outcome, or null when it has none (not run yet, or run elsewhere and not
// finished).
[[nodiscard]] nlohmann::ordered_json read_outcome(const std::string& dir, const std::string& id);

}  // namespace tessera::sweep
