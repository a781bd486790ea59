// Text helpers shared by the prediction readers (internal to traces/predictions/).
#pragma once

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

// A finite number >= 0, or InputError at `where`.
[[nodiscard]] double non_negative(const std::string& text, const SourceLocation& where);

}  // namespace tessera::prediction_detail
