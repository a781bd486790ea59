#include "traces/yaml_util.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace tessera::yaml {

YAML::Node parse(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError({file, e.mark.is_null() ? 0 : e.mark.line + 1, ""},
                     "malformed YAML: " + e.msg);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path, 0, ""}, "cannot open the file");
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw InputError({path, 0, ""}, "cannot read the file");
  return s.str();
}

void require_known_keys(const YAML::Node& map, std::initializer_list<const char*> allowed,
                        const std::string& file, const std::string& context) {
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw InputError({file, line_of(kv.first), context.empty() ? key : context + "." + key},
                       "unknown key (allowed: " + list + ")");
    }
  }
}

std::string scalar_text(const YAML::Node& n, const std::string& file, const std::string& field) {
  if (!n.IsScalar()) throw InputError({file, line_of(n), field}, "expected a single value");
  return n.Scalar();
}

int64_t to_int(const YAML::Node& n, const std::string& file, const std::string& field,
               int64_t min) {
  const std::string s = scalar_text(n, file, field);
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    throw InputError({file, line_of(n), field}, "expected an integer, got '" + s + "'");
  }
  if (v < min) {
    throw InputError({file, line_of(n), field},
                     "must be at least " + std::to_string(min) + ", got " + s);
  }
  return v;
}

std::string to_string(const YAML::Node& n, const std::string& file, const std::string& field) {
  return scalar_text(n, file, field);
}

}  // namespace tessera::yaml
