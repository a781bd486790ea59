#include "traces/predictions/scalesim_compute_report.h"

#include <optional>

#include "sim/error.h"
#include "traces/predictions/prediction_text.h"
#include "traces/text_file.h"

namespace tessera {
namespace {

constexpr const char* kLayerId = "LayerID";
constexpr const char* kTotalCycles = "Total Cycles";

// SCALE-Sim ends every line with a comma: the empty field after it is not a column.
std::vector<std::string> fields_of(const std::string& line, const SourceLocation& where) {
  std::vector<std::string> fields = prediction_detail::split_csv_line(line, where);
  if (fields.size() > 1 && fields.back().empty()) fields.pop_back();
  return fields;
}

size_t column_of(const std::vector<std::string>& header, const char* name,
                 const SourceLocation& where) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  throw InputError(where, "the header lacks this column (is this SCALE-Sim's COMPUTE_REPORT.csv?)");
}

}  // namespace

Predictions parse_scalesim_compute_report(const std::string& text, const std::string& file) {
  const std::vector<std::string> lines = prediction_detail::split_lines(text);
  Predictions out;
  out.file = file;
  size_t first = 0;
  while (first < lines.size() && prediction_detail::is_blank(lines[first])) ++first;
  if (first == lines.size()) {
    throw InputError({file, 0, kTotalCycles}, "no header row: the file is empty");
  }
  const auto header_line = static_cast<int>(first + 1);
  const std::vector<std::string> header = fields_of(lines[first], {file, header_line, ""});
  const size_t id_column = column_of(header, kLayerId, {file, header_line, kLayerId});
  const size_t cycles_column = column_of(header, kTotalCycles, {file, header_line, kTotalCycles});

  for (size_t i = first + 1; i < lines.size(); ++i) {
    if (prediction_detail::is_blank(lines[i])) continue;
    const auto line = static_cast<int>(i + 1);
    const std::vector<std::string> fields = fields_of(lines[i], {file, line, ""});
    prediction_detail::check_field_count(fields, header, {file, line, ""});
    const std::string expected_id = std::to_string(out.layers.size());
    if (fields[id_column] != expected_id) {
      throw InputError(
          {file, line, kLayerId},
          "expected " + expected_id + " (layers count up from 0), got '" + fields[id_column] + "'");
    }
    LayerPrediction p;
    p.line = line;
    p.cycles = prediction_detail::non_negative(fields[cycles_column], {file, line, kTotalCycles});
    out.layers.push_back(p);
  }
  if (out.layers.empty()) {
    throw InputError({file, header_line, kTotalCycles}, "no layer rows after the header");
  }
  return out;
}

Predictions read_scalesim_compute_report(const std::string& path) {
  return parse_scalesim_compute_report(read_text_file(path, "predictions"), path);
}

}  // namespace tessera
