// Reports of a finished run: a summary for people on stdout, and JSON and CSV files for scripts.
// Each is a pure function of the RunResult, so the same result always gives the same bytes.
// sim/REPORTS.md documents the JSON and CSV schemas.
#pragma once

#include <optional>
#include <string>

#include "sim/result.h"

namespace tessera {

[[nodiscard]] std::string summary_text(const RunResult& result);
[[nodiscard]] std::string json_report(const RunResult& result);
[[nodiscard]] std::string csv_report(const RunResult& result);

// Builds every requested report before writing any, then writes each atomically; throws
// InputError (field "output") when a file cannot be written.
void write_reports(const RunResult& result, const std::optional<std::string>& json_path,
                   const std::optional<std::string>& csv_path);

}  // namespace tessera
