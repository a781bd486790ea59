// The metrics a sweep reads from each point's `tessera run --json` report (sim/REPORTS.md):
// run totals, cycles by cause and any component's counter or energy. Names are checked before a
// sweep runs, so a misspelt metric is an error rather than an empty column.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/error.h"

namespace tessera::sweep {

// The metrics every sweep collects, in column order.
inline constexpr const char* kBaseMetrics[] = {"cycles", "energy_pj", "edp"};

// Throws InputError at `where` when `name` is not a metric this reader knows:
//   cycles, energy_pj, edp, macs, utilization, dram_bytes_read, dram_bytes_written, pes,
//   cycles_by_cause.CAUSE, COMPONENT.energy_pj, COMPONENT.energy_pj.ACTION, COMPONENT.COUNTER
// (COMPONENT a module family; a counter's name is checked against each report).
void check_metric(const std::string& name, const SourceLocation& where);

// The metric's unit, for plot axes ("cycles", "pJ", ...).
[[nodiscard]] std::string metric_unit(const std::string& name);

// The metric's value in a run report, or nothing when the report does not hold it.
[[nodiscard]] std::optional<nlohmann::json> metric_value(const nlohmann::json& report,
                                                         const std::string& name);

}  // namespace tessera::sweep
