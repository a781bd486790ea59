// Small helpers for reading user YAML with precise error messages.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/error.h"

namespace tessera::yaml {

// 1-based line of a node (0 when unknown).
[[nodiscard]] inline int line_of(const YAML::Node& n) {
  return n.Mark().is_null() ? 0 : n.Mark().line + 1;
}

// Parses YAML text; a syntax error becomes an InputError with its line.
[[nodiscard]] YAML::Node parse(const std::string& text, const std::string& file);

// Rejects a key that appears twice in a map node (yaml-cpp keeps both and would silently use one).
void require_unique_keys(const YAML::Node& map, const std::string& file,
                         const std::string& context);

// Rejects repeated keys and keys of a map node that are not in `allowed`, naming the first.
void require_known_keys(const YAML::Node& map, std::initializer_list<const char*> allowed,
                        const std::string& file, const std::string& context);

[[nodiscard]] int64_t to_int(const YAML::Node& n, const std::string& file, const std::string& field,
                             int64_t min = 1);
[[nodiscard]] std::string to_string(const YAML::Node& n, const std::string& file,
                                    const std::string& field);
// A scalar's text, for values checked elsewhere (parameters).
[[nodiscard]] std::string scalar_text(const YAML::Node& n, const std::string& file,
                                      const std::string& field);

}  // namespace tessera::yaml
