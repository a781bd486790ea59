#include "sparse/matrix_market.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include "sim/error.h"
#include "sim/numbers.h"

namespace tessera {
namespace {

std::vector<std::string_view> tokens(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    const size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Walks the text line by line, keeping the 1-based line number for messages.
struct Lines {
  std::string_view text;
  size_t pos = 0;
  int number = 0;

  bool next(std::string_view& line) {
    if (pos >= text.size()) return false;
    const size_t end = text.find('\n', pos);
    line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    ++number;
    return true;
  }
  // The next line that is neither a comment nor blank.
  bool next_data(std::string_view& line) {
    while (next(line)) {
      if (!line.empty() && line[0] == '%') continue;
      if (tokens(line).empty()) continue;
      return true;
    }
    return false;
  }
};

}  // namespace

SparseMatrix parse_matrix_market(const std::string& text, const std::string& file,
                                 const std::string& name) {
  Lines lines{text};
  std::string_view line;
  if (!lines.next(line)) throw InputError({file, 1, "banner"}, "empty file");
  const auto banner = tokens(line);
  if (banner.empty() || lower(banner[0]) != "%%matrixmarket") {
    throw InputError({file, 1, "banner"},
                     "no '%%MatrixMarket' banner line; the symmetry is unknown without one (add "
                     "e.g. '%%MatrixMarket matrix coordinate real general')");
  }
  if (banner.size() != 5) {
    throw InputError({file, 1, "banner"},
                     "expected '%%MatrixMarket matrix coordinate FIELD SYMMETRY'");
  }
  if (lower(banner[1]) != "matrix") {
    throw InputError({file, 1, "banner.object"}, "only 'matrix' objects are supported");
  }
  if (lower(banner[2]) != "coordinate") {
    throw InputError({file, 1, "banner.format"},
                     "'" + std::string(banner[2]) + "' is not supported (only coordinate)");
  }
  const std::string field = lower(banner[3]);
  if (field != "real" && field != "integer" && field != "pattern") {
    throw InputError({file, 1, "banner.field"},
                     "'" + std::string(banner[3]) + "' is not supported (real, integer, pattern)");
  }
  const std::string symmetry = lower(banner[4]);
  if (symmetry != "general" && symmetry != "symmetric") {
    throw InputError({file, 1, "banner.symmetry"},
                     "'" + std::string(banner[4]) + "' is not supported (general, symmetric)");
  }
  const bool symmetric = symmetry == "symmetric";
  const bool pattern = field == "pattern";

  if (!lines.next_data(line)) {
    throw InputError({file, lines.number, "size"}, "missing the size line 'ROWS COLS ENTRIES'");
  }
  const int size_line = lines.number;
  const auto size = tokens(line);
  if (size.size() != 3) {
    throw InputError({file, size_line, "size"}, "expected 'ROWS COLS ENTRIES'");
  }
  int64_t dims[3] = {0, 0, 0};
  const char* names[3] = {"size.rows", "size.cols", "size.entries"};
  for (int i = 0; i < 3; ++i) {
    const auto v = parse_int(size[static_cast<size_t>(i)]);
    if (!v || *v < (i < 2 ? 1 : 0)) {
      throw InputError({file, size_line, names[i]},
                       "'" + std::string(size[static_cast<size_t>(i)]) + "' is not " +
                           (i < 2 ? "a positive integer" : "a non-negative integer"));
    }
    if (i < 2 && *v > kMaxMatrixExtent) {
      throw InputError({file, size_line, names[i]},
                       "too large (at most " + std::to_string(kMaxMatrixExtent) + ")");
    }
    dims[i] = *v;
  }
  const int64_t rows = dims[0], cols = dims[1], declared = dims[2];
  // An entry line takes at least 4 bytes ("1 1\n"): a larger count cannot be in this file, and
  // checking it first keeps a corrupt header from allocating.
  if (declared > static_cast<int64_t>(text.size() / 4) || declared > rows * cols) {
    throw InputError({file, size_line, "size.entries"},
                     std::to_string(declared) + " entries cannot be in this file (" +
                         std::to_string(rows) + " x " + std::to_string(cols) + ", " +
                         std::to_string(text.size()) + " bytes)");
  }
  if (symmetric && rows != cols) {
    throw InputError({file, size_line, "size"}, "a symmetric matrix must be square");
  }

  std::vector<Coordinate> entries;
  std::vector<int> entry_line;
  entries.reserve(static_cast<size_t>(symmetric ? 2 * declared : declared));
  entry_line.reserve(entries.capacity());
  const size_t want_tokens = pattern ? 2 : 3;
  for (int64_t e = 0; e < declared; ++e) {
    if (!lines.next_data(line)) {
      throw InputError({file, lines.number, "entries"},
                       "truncated: the header declares " + std::to_string(declared) +
                           " entries, the file has " + std::to_string(e));
    }
    const int at = lines.number;
    const auto t = tokens(line);
    if (t.size() != want_tokens) {
      throw InputError({file, at, "entry"}, "expected " + std::to_string(want_tokens) +
                                                " values ('ROW COL" + (pattern ? "'" : " VALUE'") +
                                                ") for a " + field + " matrix");
    }
    const auto r = parse_int(t[0]);
    if (!r || *r < 1 || *r > rows) {
      throw InputError({file, at, "entry.row"},
                       "'" + std::string(t[0]) + "' is not a row in 1.." + std::to_string(rows));
    }
    const auto c = parse_int(t[1]);
    if (!c || *c < 1 || *c > cols) {
      throw InputError({file, at, "entry.col"},
                       "'" + std::string(t[1]) + "' is not a column in 1.." + std::to_string(cols));
    }
    if (!pattern &&
        !(field == "integer" ? parse_int(t[2]).has_value() : parse_real(t[2]).has_value())) {
      throw InputError({file, at, "entry.value"},
                       "'" + std::string(t[2]) + "' is not " +
                           (field == "integer" ? "an integer" : "a finite real number"));
    }
    if (symmetric && *c > *r) {
      throw InputError({file, at, "entry"},
                       "a symmetric file stores the lower triangle only (row >= column)");
    }
    entries.push_back({*r - 1, *c - 1});
    entry_line.push_back(at);
    if (symmetric && *r != *c) {
      entries.push_back({*c - 1, *r - 1});
      entry_line.push_back(at);
    }
  }
  if (lines.next_data(line)) {
    throw InputError({file, lines.number, "entries"},
                     "more entries than the " + std::to_string(declared) + " the header declares");
  }
  // Repeated coordinates: find one to name its line before building the matrix.
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Coordinate& x = entries[a];
    const Coordinate& y = entries[b];
    return x.row != y.row ? x.row < y.row : (x.col != y.col ? x.col < y.col : a < b);
  });
  for (size_t i = 1; i < order.size(); ++i) {
    const Coordinate& x = entries[order[i - 1]];
    const Coordinate& y = entries[order[i]];
    if (x.row == y.row && x.col == y.col) {
      throw InputError({file, entry_line[order[i]], "entry"},
                       "entry (" + std::to_string(y.row + 1) + ", " + std::to_string(y.col + 1) +
                           ") appears twice");
    }
  }
  SparseMatrix m = from_coordinates(name, rows, cols, std::move(entries));
  m.size_line = size_line;
  return m;
}

}  // namespace tessera
