// Text helpers shared by the prediction readers (internal to traces/predictions/).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/error.h"
#include "traces/scalesim_text.h"

namespace tessera::prediction_detail {

using scalesim_detail::split_lines;
using scalesim_detail::trim;

[[nodiscard]] bool is_blank(const std::string& line);

// A CSV line's fields, trimmed. A field may be quoted as RFC 4180 says ("a, ""b""" is a, "b"),
// so a layer name can hold a comma; an unclosed quote is an InputError at `where`.
[[nodiscard]] std::vector<std::string> split_csv_line(const std::string& line,
                                                      const SourceLocation& where);

// A row must have a field for each of the header's columns: InputError at `where` naming the
// first missing column, or the first extra field, otherwise.
void check_field_count(const std::vector<std::string>& fields,
                       const std::vector<std::string>& header, SourceLocation where);

// A CSV whose header row names its columns, in any order: `columns` are the names it may use,
// each once, the first `required` of them needed. Each data row (blank lines skipped) has its
// line and, per column of `columns`, its field, or nothing where the header lacks the column.
struct NamedCsvRow {
  int line = 0;
  std::vector<std::optional<std::string>> fields;
};
[[nodiscard]] std::vector<NamedCsvRow> read_named_csv(const std::string& text,
                                                      const std::string& file,
                                                      const std::vector<const char*>& columns,
                                                      size_t required);

// A finite number >= 0, or InputError at `where`.
[[nodiscard]] double non_negative(const std::string& text, const SourceLocation& where);

}  // namespace tessera::prediction_detail
