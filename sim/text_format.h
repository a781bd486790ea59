// How reports write numbers and text: locale-independent numbers, layer names made safe for a
// terminal and for CSV, and aligned tables. Every report uses these, so they read alike.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace tessera {

// `v` with `decimals` digits after the point, or in scientific notation; exact and independent
// of the locale (std::to_chars).
[[nodiscard]] std::string fixed(double v, int decimals);
[[nodiscard]] std::string scientific(double v, int decimals);
// pJ as uJ with four decimals.
[[nodiscard]] std::string microjoules(double pj);

// Layer names may hold any bytes: a line break shows as \n and other control characters as ?,
// so that they cannot break a table.
[[nodiscard]] std::string printable(const std::string& s);

// A CSV field, quoted as RFC 4180 says where it holds a comma, a double quote or a line break.
[[nodiscard]] std::string csv_field(const std::string& s);

using Row = std::vector<std::string>;

struct TableStyle {
  size_t left = 1;         // the first `left` columns are left-aligned, numbers right-aligned
  bool text_last = false;  // the last column is text, left-aligned too
  std::string indent;      // before every row
};

// Columns two spaces apart, trailing spaces trimmed. The `count` rows are made on demand by
// row(i), twice each (widths, then text), so a long trace's table is never held whole.
[[nodiscard]] std::string table(size_t count, const std::function<Row(size_t)>& row,
                                const TableStyle& style);
[[nodiscard]] std::string table(const std::vector<Row>& rows, const TableStyle& style);

}  // namespace tessera
