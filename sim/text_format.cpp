#include "sim/text_format.h"

#include <algorithm>
#include <charconv>

namespace tessera {
namespace {

std::string to_text(double v, std::chars_format format, int decimals) {
  char buf[512];  // room for any double in fixed notation
  const auto r = std::to_chars(buf, buf + sizeof buf, v, format, decimals);
  return r.ec == std::errc() ? std::string(buf, r.ptr) : "?";
}

}  // namespace

std::string fixed(double v, int decimals) {
  return to_text(v, std::chars_format::fixed, decimals);
}

std::string scientific(double v, int decimals) {
  return to_text(v, std::chars_format::scientific, decimals);
}

std::string microjoules(double pj) {
  return fixed(pj / 1e6, 4);
}

std::string printable(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string table(size_t count, const std::function<Row(size_t)>& row, const TableStyle& style) {
  std::vector<size_t> width;
  for (size_t r = 0; r < count; ++r) {
    const Row cells = row(r);
    width.resize(std::max(width.size(), cells.size()), 0);
    for (size_t i = 0; i < cells.size(); ++i) width[i] = std::max(width[i], cells[i].size());
  }
  std::string out;
  for (size_t r = 0; r < count; ++r) {
    const Row cells = row(r);
    std::string line = style.indent;
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string pad(width[i] - cells[i].size(), ' ');
      const bool left = i < style.left || (style.text_last && i + 1 == cells.size());
      if (i > 0) line += "  ";
      line += left ? cells[i] + pad : pad + cells[i];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string table(const std::vector<Row>& rows, const TableStyle& style) {
  return table(
      rows.size(), [&rows](size_t r) { return rows[r]; }, style);
}

}  // namespace tessera
