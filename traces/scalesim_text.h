// Text helpers shared by the SCALE-Sim readers (internal to traces/).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/error.h"

namespace tessera::scalesim_detail {

// Largest accepted number: keeps every product of three dims well inside int64.
constexpr int64_t kMaxValue = (int64_t{1} << 31) - 1;

std::string trim(const std::string& s);
std::string lower(std::string s);

// Text as lines (any of \n, \r\n, \r ends a line), without a UTF-8 byte order mark.
std::vector<std::string> split_lines(std::string text);

// Whole file as split_lines gives it. Throws InputError with `what` as the field when the file
// cannot be read.
std::vector<std::string> read_lines(const std::string& path, const std::string& what);

// Fields of a line, trimmed; a trailing separator gives a trailing empty field.
std::vector<std::string> split(const std::string& line, char sep);

// An integer as SCALE-Sim's Python int() reads a CSV field: like tessera::parse_int, plus an
// optional leading '+'.
std::optional<int64_t> parse_int(const std::string& s);

// A positive integer no larger than kMaxValue, or InputError naming `where`.
int64_t positive_int(const std::string& text, const SourceLocation& where);

}  // namespace tessera::scalesim_detail
