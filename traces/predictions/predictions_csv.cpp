#include "traces/predictions/predictions_csv.h"

#include <array>
#include <optional>

#include "sim/error.h"
#include "traces/predictions/prediction_text.h"
#include "traces/text_file.h"

namespace tessera {
namespace {

enum Column : size_t { kLayer, kCycles, kEnergy, kDram, kNumColumns };
constexpr std::array<const char*, kNumColumns> kColumnNames{"layer", "cycles", "energy_pj",
                                                            "dram_bytes"};

using ColumnIndex = std::array<std::optional<size_t>, kNumColumns>;

ColumnIndex read_header(const std::vector<std::string>& fields, const std::string& file, int line) {
  ColumnIndex index;
  for (size_t i = 0; i < fields.size(); ++i) {
    size_t c = 0;
    while (c < kNumColumns && fields[i] != kColumnNames[c]) ++c;
    if (c == kNumColumns) {
      throw InputError({file, line, fields[i]},
                       "unknown column; the columns are layer, cycles, energy_pj and dram_bytes");
    }
    if (index[c]) throw InputError({file, line, fields[i]}, "column appears twice");
    index[c] = i;
  }
  for (const Column required : {kLayer, kCycles}) {
    if (!index[required]) {
      throw InputError({file, line, kColumnNames[required]}, "the header lacks this column");
    }
  }
  return index;
}

}  // namespace

Predictions parse_predictions_csv(const std::string& text, const std::string& file) {
  const std::vector<std::string> lines = prediction_detail::split_lines(text);
  Predictions out;
  out.file = file;
  out.matched_by_name = true;
  size_t first = 0;
  while (first < lines.size() && prediction_detail::is_blank(lines[first])) ++first;
  if (first == lines.size()) {
    throw InputError({file, 0, "layer"}, "no header row: the file is empty");
  }
  const auto header_line = static_cast<int>(first + 1);
  const std::vector<std::string> header =
      prediction_detail::split_csv_line(lines[first], {file, header_line, ""});
  const ColumnIndex column = read_header(header, file, header_line);

  for (size_t i = first + 1; i < lines.size(); ++i) {
    if (prediction_detail::is_blank(lines[i])) continue;
    const auto line = static_cast<int>(i + 1);
    const std::vector<std::string> fields =
        prediction_detail::split_csv_line(lines[i], {file, line, ""});
    prediction_detail::check_field_count(fields, header, {file, line, ""});
    LayerPrediction p;
    p.line = line;
    p.name = fields[*column[kLayer]];
    if (p.name.empty()) throw InputError({file, line, "layer"}, "missing layer name");
    p.cycles = prediction_detail::non_negative(fields[*column[kCycles]], {file, line, "cycles"});
    for (const auto& [c, target] : {std::pair{kEnergy, &p.energy_pj}, {kDram, &p.dram_bytes}}) {
      if (column[c] && !fields[*column[c]].empty()) {
        *target =
            prediction_detail::non_negative(fields[*column[c]], {file, line, kColumnNames[c]});
      }
    }
    out.layers.push_back(std::move(p));
  }
  return out;
}

Predictions read_predictions_csv(const std::string& path) {
  return parse_predictions_csv(read_text_file(path, "predictions"), path);
}

}  // namespace tessera
