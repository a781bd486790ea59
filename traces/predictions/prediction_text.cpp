#include "traces/predictions/prediction_text.h"

#include <optional>

#include "sim/numbers.h"

namespace tessera::prediction_detail {

bool is_blank(const std::string& line) {
  return trim(line).empty();
}

std::vector<std::string> split_csv_line(const std::string& line, const SourceLocation& where) {
  std::vector<std::string> fields;
  size_t i = 0;
  while (true) {
    std::string field;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i == line.size()) throw InputError(where, "a quoted field is not closed");
        if (line[i] == '"' && i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          i += 2;
        } else if (line[i] == '"') {
          ++i;
          break;
        } else {
          field += line[i++];
        }
      }
      while (i < line.size() && line[i] != ',') {
        if (line[i] != ' ' && line[i] != '\t') {
          throw InputError(where, "text after a quoted field's closing quote");
        }
        ++i;
      }
      fields.push_back(field);
    } else {
      while (i < line.size() && line[i] != ',') field += line[i++];
      fields.push_back(trim(field));
    }
    if (i == line.size()) return fields;
    ++i;  // the comma
  }
}

void check_field_count(const std::vector<std::string>& fields,
                       const std::vector<std::string>& header, SourceLocation where) {
  const std::string counts = "the row has " + std::to_string(fields.size()) +
                             " field(s), the header " + std::to_string(header.size());
  if (fields.size() < header.size()) {
    where.field = header[fields.size()];
    throw InputError(where, "missing: " + counts);
  }
  if (fields.size() > header.size()) {
    where.field = "field " + std::to_string(header.size() + 1);
    throw InputError(where, "no column has this field: " + counts);
  }
}

std::vector<NamedCsvRow> read_named_csv(const std::string& text, const std::string& file,
                                        const std::vector<const char*>& columns, size_t required) {
  const std::vector<std::string> lines = split_lines(text);
  size_t first = 0;
  while (first < lines.size() && is_blank(lines[first])) ++first;
  if (first == lines.size()) {
    throw InputError({file, 0, columns.front()}, "no header row: the file is empty");
  }
  const auto header_line = static_cast<int>(first + 1);
  const std::vector<std::string> header = split_csv_line(lines[first], {file, header_line, ""});
  std::vector<std::optional<size_t>> index(columns.size());  // header position of each column
  for (size_t i = 0; i < header.size(); ++i) {
    size_t c = 0;
    while (c < columns.size() && header[i] != columns[c]) ++c;
    if (c == columns.size()) {
      std::string names;
      for (size_t k = 0; k < columns.size(); ++k) {
        names += (k == 0 ? "" : k + 1 == columns.size() ? " and " : ", ") + std::string(columns[k]);
      }
      throw InputError({file, header_line, header[i]}, "unknown column; the columns are " + names);
    }
    if (index[c]) throw InputError({file, header_line, header[i]}, "column appears twice");
    index[c] = i;
  }
  for (size_t c = 0; c < required; ++c) {
    if (!index[c])
      throw InputError({file, header_line, columns[c]}, "the header lacks this column");
  }
  std::vector<NamedCsvRow> rows;
  for (size_t i = first + 1; i < lines.size(); ++i) {
    if (is_blank(lines[i])) continue;
    const auto line = static_cast<int>(i + 1);
    const std::vector<std::string> fields = split_csv_line(lines[i], {file, line, ""});
    check_field_count(fields, header, {file, line, ""});
    NamedCsvRow& row = rows.emplace_back();
    row.line = line;
    for (const std::optional<size_t>& at : index) {
      row.fields.push_back(at ? std::optional(fields[*at]) : std::nullopt);
    }
  }
  return rows;
}

double non_negative(const std::string& text, const SourceLocation& where) {
  if (text.empty()) throw InputError(where, "missing value");
  const std::optional<double> v = parse_real(text);
  if (!v) throw InputError(where, "'" + text + "' is not a number");
  if (*v < 0) throw InputError(where, "must not be negative, got " + text);
  return *v;
}

}  // namespace tessera::prediction_detail
