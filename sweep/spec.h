// A design-space sweep as the user describes it: the traces, the architecture, fixed parameters,
// the axes, how points are sampled, the constraints, the metrics and the objectives. Read from a
// spec file (sweep/FORMAT.md) or from --axis options; every problem is an InputError naming the
// file (or option), line and field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/error.h"

namespace tessera::sweep {

// One axis: its column name and its values, each with where it was given.
struct Axis {
  enum class Kind { param, arch, trace };
  Kind kind = Kind::param;
  std::string name;                 // the results' column
  std::vector<std::string> params;  // "family.param" set to each value (Kind::param)
  std::vector<std::string> values;  // parameter text, or file paths (arch, trace)
  std::vector<SourceLocation> value_at;
  SourceLocation where;
  SourceLocation params_at;  // where `param` or `params` is
};

enum class Sampling { grid, random, latin_hypercube };

// A bound on a sum or product of parameters (checked before anything runs), or on a metric
// (checked on each point's report; a point outside is `rejected`).
struct Constraint {
  enum class Kind { sum, product, metric };
  Kind kind = Kind::sum;
  std::vector<std::string> terms;  // parameters ("family.param"), or the one metric
  std::optional<double> min, max;
  SourceLocation where;
};

struct SweepSpec {
  std::string file;                 // the spec, or "<command line>"
  std::vector<std::string> traces;  // resolved against the spec's folder
  SourceLocation traces_at;
  std::optional<std::string> arch;  // none: the built-in architecture
  std::vector<std::string> fixed;   // "family.param=value", as -p takes them
  std::vector<SourceLocation> fixed_at;
  std::vector<Axis> axes;
  Sampling sampling = Sampling::grid;
  uint64_t samples = 0;  // random and latin_hypercube: how many points
  uint64_t seed = 1;
  SourceLocation sampling_at;
  std::vector<Constraint> constraints;
  std::vector<std::string> metrics;  // besides cycles, energy_pj and edp
  std::vector<SourceLocation> metrics_at;
  std::vector<std::string> objectives;  // one or two metrics, minimised
  SourceLocation objectives_at;
};

constexpr int kSpecVersion = 1;

// Parses a spec file's text. Paths inside it are relative to the spec's folder.
[[nodiscard]] SweepSpec parse_spec(const std::string& text, const std::string& file);

// An --axis option: NAME=V1,V2,... where NAME is family.param, `arch` or `trace`.
[[nodiscard]] Axis parse_axis_option(const std::string& option);

// Checks what does not need the registry: objectives and metrics are known names, an axis has
// values. Called by parse_spec and for a spec made from options.
void check_spec(const SweepSpec& spec);

}  // namespace tessera::sweep
