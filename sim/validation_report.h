// Reports of `tessera validate`: a table for people on stdout, and JSON and CSV files for
// scripts (schemas in sim/REPORTS.md, "tessera validate"). Each is a pure function of the
// Validation, so the same comparison always gives the same bytes.
#pragma once

#include <optional>
#include <string>

#include "sim/validation.h"

namespace tessera {

[[nodiscard]] std::string validation_table(const Validation& v);
[[nodiscard]] std::string validation_json(const Validation& v);
[[nodiscard]] std::string validation_csv(const Validation& v);

// Writes each requested report atomically; throws InputError (field "output") when a file cannot
// be written.
void write_validation_reports(const Validation& v, const std::optional<std::string>& json_path,
                              const std::optional<std::string>& csv_path);

}  // namespace tessera
