// Small helpers for reading user YAML with precise error messages.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "sim/error.h"

namespace tessera::yaml {

// The file parsed YAML came from, and the line before the parsed text's first line: a trace's
// layers are parsed one at a time, each from its own lines of the file, so a node's own line
// counts from the start of that text.
struct Source {
  std::string file;
  int line_offset = 0;

  // 1-based line of a node in the file (0 when unknown).
  [[nodiscard]] int line(const YAML::Node& n) const {
    // A missing key's node has no mark (yaml-cpp would throw for it).
    if (!n.IsDefined() || n.Mark().is_null()) return 0;
    return n.Mark().line + 1 + line_offset;
  }
  [[nodiscard]] SourceLocation at(const YAML::Node& n, std::string field) const {
    return {file, line(n), std::move(field)};
  }
};

// Parses YAML text; a syntax error becomes an InputError with its line.
[[nodiscard]] YAML::Node parse(const std::string& text, const std::string& file);

// Rejects a key that appears twice in a map node (yaml-cpp keeps both and would silently use one).
void require_unique_keys(const YAML::Node& map, const Source& src, const std::string& context);

// Rejects repeated keys and keys of a map node that are not in `allowed`, naming the first.
void require_known_keys(const YAML::Node& map, std::initializer_list<const char*> allowed,
                        const Source& src, const std::string& context);

[[nodiscard]] int64_t to_int(const YAML::Node& n, const Source& src, const std::string& field,
                             int64_t min = 1);
[[nodiscard]] std::string to_string(const YAML::Node& n, const Source& src,
                                    const std::string& field);
// A scalar's text, for values checked elsewhere (parameters).
[[nodiscard]] std::string scalar_text(const YAML::Node& n, const Source& src,
                                      const std::string& field);

}  // namespace tessera::yaml
