// What the three Timeloop readers share: loading a file as a YAML map and checking node kinds,
// every failure an InputError naming file, line and field.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "traces/yaml_util.h"

namespace tessera::timeloop::detail {

// The file's YAML, whose root must be a map holding exactly the key `root` (problem,
// architecture or mapping); returns that key's node, of a kind the caller checks.
[[nodiscard]] YAML::Node load_root(const std::string& path, const char* root);

void require_map(const YAML::Node& n, const yaml::Source& src, const std::string& field);
void require_sequence(const YAML::Node& n, const yaml::Source& src, const std::string& field);
// A node that must be there (a missing key's node has no line: report its parent's).
void require_present(const YAML::Node& n, const YAML::Node& parent, const yaml::Source& src,
                     const std::string& field);

// The key node of `key` in a map (for an error about the key itself), or an undefined node.
[[nodiscard]] YAML::Node key_node(const YAML::Node& map, const std::string& key);

// A finite number (Timeloop's bandwidths are reals), at least `min`.
[[nodiscard]] double to_real(const YAML::Node& n, const yaml::Source& src, const std::string& field,
                             double min);

}  // namespace tessera::timeloop::detail
