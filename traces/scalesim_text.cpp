#include "traces/scalesim_text.h"

#include "sim/numbers.h"
#include "traces/text_file.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace tessera::scalesim_detail {

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n\f\v";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::vector<std::string> split_lines(std::string text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::string> lines;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r') {
      lines.push_back(cur);
      cur.clear();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

std::vector<std::string> read_lines(const std::string& path, const std::string& what) {
  return split_lines(read_text_file(path, what));
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, sep)) out.push_back(trim(field));
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

std::optional<int64_t> parse_int(const std::string& s) {
  const std::string_view digits = !s.empty() && s[0] == '+' ? std::string_view(s).substr(1) : s;
  return tessera::parse_int(digits);
}

int64_t positive_int(const std::string& text, const SourceLocation& where) {
  if (text.empty()) throw InputError(where, "missing value");
  const std::optional<int64_t> v = parse_int(text);
  if (!v) throw InputError(where, "'" + text + "' is not an integer");
  if (*v <= 0) throw InputError(where, "must be positive, got " + text);
  if (*v > kMaxValue) throw InputError(where, text + " is too large");
  return *v;
}

}  // namespace tessera::scalesim_detail
