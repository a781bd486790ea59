// Reports of a finished run: a summary for people on stdout, and JSON and CSV files for scripts.
// Each is a pure function of the RunResult, so the same result always gives the same bytes.
// sim/REPORTS.md documents the JSON and CSV schemas.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sim/result.h"

namespace tessera {

[[nodiscard]] std::string summary_text(const RunResult& result);

// The JSON and CSV reports are written piece by piece (a layer at a time) to a sink, so a long
// trace's report is never held whole; json_report and csv_report collect the pieces.
using TextSink = std::function<void(std::string_view)>;
void write_json_report(const RunResult& result, const TextSink& out);
void write_csv_report(const RunResult& result, const TextSink& out);
[[nodiscard]] std::string json_report(const RunResult& result);
[[nodiscard]] std::string csv_report(const RunResult& result);

// Writes each requested report atomically; throws InputError (field "output") when a file cannot
// be written.
void write_reports(const RunResult& result, const std::optional<std::string>& json_path,
                   const std::optional<std::string>& csv_path);

}  // namespace tessera
