// A spec's points: the grid, or seeded random or Latin-hypercube samples of it, each checked
// against the module registry and the parameter constraints before anything runs.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sweep/spec.h"

namespace tessera::sweep {

struct Point {
  std::string id;                      // stable: a hash of the values that define the point
  std::vector<std::string> values;     // one per axis, in axis order, as the results show them
  std::string trace;                   // file
  std::optional<std::string> arch;     // file; none: the built-in architecture
  std::vector<std::string> overrides;  // -p family.param=value: the fixed ones, then the axes'
};

struct Expansion {
  std::vector<Point> points;
  size_t dropped = 0;  // by a parameter constraint
};

// Expands and checks every point: each axis value and each point must load as an architecture
// (an unknown parameter, an impossible value), each parameter constraint names numeric
// parameters. InputError (at the spec's axis, constraint or sampling) on any problem, and when no
// point is left.
[[nodiscard]] Expansion expand_points(const SweepSpec& spec);

// The id of the point whose defining text is `canonical`: 16 hex digits of its FNV-1a hash.
[[nodiscard]] std::string point_id(const std::string& canonical);

}  // namespace tessera::sweep
