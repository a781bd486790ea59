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

double non_negative(const std::string& text, const SourceLocation& where) {
  if (text.empty()) throw InputError(where, "missing value");
  const std::optional<double> v = parse_real(text);
  if (!v) throw InputError(where, "'" + text + "' is not a number");
  if (*v < 0) throw InputError(where, "must not be negative, got " + text);
  return *v;
}

}  // namespace tessera::prediction_detail
