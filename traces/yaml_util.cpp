#include "traces/yaml_util.h"

#include "sim/numbers.h"

#include <map>
#include <sstream>
#include <utility>
#include <vector>

namespace tessera::yaml {

namespace {
// The dotted path of the keys still open at `line` (by indentation), to name the field of a
// syntax error, for which yaml-cpp gives only a position.
std::string field_at(const std::string& text, int line) {
  std::vector<std::pair<size_t, std::string>> open;  // (indent, key), outermost first
  std::istringstream in(text);
  std::string s;
  for (int n = 1; n <= line && std::getline(in, s); ++n) {
    const size_t indent = s.find_first_not_of(' ');
    if (indent == std::string::npos || s[indent] == '#') continue;
    const size_t colon = s.find(':', indent);
    if (colon == std::string::npos) continue;
    const std::string key = s.substr(indent, colon - indent);
    if (key.empty() || key.find_first_of(" {}[],\"'#") != std::string::npos) continue;
    while (!open.empty() && open.back().first >= indent) open.pop_back();
    open.emplace_back(indent, key);
  }
  std::string field;
  for (const auto& [indent, key] : open) field += (field.empty() ? "" : ".") + key;
  return field;
}

}  // namespace

YAML::Node parse(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    // An error found at the end of the input (an unclosed bracket) belongs to the last line with
    // text on it, not to the empty position after it.
    int last = 0, n = 0;
    std::istringstream in(text);
    for (std::string s; std::getline(in, s);) {
      ++n;
      if (s.find_first_not_of(" \t\r") != std::string::npos) last = n;
    }
    if (line > last) line = last;
    throw InputError({file, line, field_at(text, line)}, "malformed YAML: " + e.msg);
  }
}

void require_unique_keys(const YAML::Node& map, const Source& src, const std::string& context) {
  std::map<std::string, int> first_line;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    const auto [it, fresh] = first_line.emplace(key, src.line(kv.first));
    if (!fresh) {
      throw InputError(src.at(kv.first, context.empty() ? key : context + "." + key),
                       "appears twice (first on line " + std::to_string(it->second) + ")");
    }
  }
}

void require_known_keys(const YAML::Node& map, std::initializer_list<const char*> allowed,
                        const Source& src, const std::string& context) {
  require_unique_keys(map, src, context);
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw InputError(src.at(kv.first, context.empty() ? key : context + "." + key),
                       "unknown key (allowed: " + list + ")");
    }
  }
}

std::string scalar_text(const YAML::Node& n, const Source& src, const std::string& field) {
  // Callers check that a required key is there; a missing one is still an input error.
  if (!n.IsDefined()) throw InputError(src.at(n, field), "missing");
  if (!n.IsScalar()) throw InputError(src.at(n, field), "expected a single value");
  return n.Scalar();
}

int64_t to_int(const YAML::Node& n, const Source& src, const std::string& field, int64_t min) {
  const std::string s = scalar_text(n, src, field);
  const std::optional<int64_t> parsed = parse_int(s);
  if (!parsed) {
    throw InputError(src.at(n, field), "expected an integer, got '" + s + "'");
  }
  const int64_t v = *parsed;
  if (v < min) {
    throw InputError(src.at(n, field), "must be at least " + std::to_string(min) + ", got " + s);
  }
  return v;
}

std::string to_string(const YAML::Node& n, const Source& src, const std::string& field) {
  return scalar_text(n, src, field);
}

}  // namespace tessera::yaml
