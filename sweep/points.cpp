#include "sweep/points.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "sim/arch_config.h"
#include "sim/numbers.h"
#include "sim/text_format.h"
#include "traces/text_file.h"
#include "traces/trace_reader.h"

namespace tessera::sweep {
namespace {

// splitmix64: the same samples on every platform and standard library, for a given seed.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }

 private:
  uint64_t state_;
};

// Value indexes (one per axis) of every point the sampling asks for, before deduplication.
std::vector<std::vector<size_t>> sample_indexes(const SweepSpec& spec) {
  const size_t axes = spec.axes.size();
  std::vector<std::vector<size_t>> out;
  if (spec.sampling == Sampling::grid) {
    double total = 1;
    for (const Axis& a : spec.axes) total *= static_cast<double>(a.values.size());
    if (total > 1e7) {
      throw InputError({spec.file, 0, "axes"},
                       "the grid has " + scientific(total, 1) +
                           " points; sample it (sampling: random or latin_hypercube)");
    }
    std::vector<size_t> idx(axes, 0);
    while (true) {
      out.push_back(idx);
      size_t k = axes;
      while (k > 0 && ++idx[k - 1] == spec.axes[k - 1].values.size()) idx[--k] = 0;
      if (k == 0) break;
    }
    return out;
  }
  Random rng(spec.seed);
  const size_t m = spec.samples;
  if (spec.sampling == Sampling::random) {
    for (size_t i = 0; i < m; ++i) {
      std::vector<size_t> idx(axes);
      for (size_t a = 0; a < axes; ++a) idx[a] = rng.below(spec.axes[a].values.size());
      out.push_back(std::move(idx));
    }
    return out;
  }
  // Latin hypercube: each axis is cut into M strata and every stratum is used once, in a
  // shuffled order per axis.
  out.assign(m, std::vector<size_t>(axes));
  for (size_t a = 0; a < axes; ++a) {
    std::vector<size_t> strata(m);
    for (size_t i = 0; i < m; ++i) strata[i] = i;
    for (size_t i = m; i > 1; --i) std::swap(strata[i - 1], strata[rng.below(i)]);
    const size_t n = spec.axes[a].values.size();
    for (size_t i = 0; i < m; ++i) out[i][a] = (strata[i] * n + rng.below(n)) / m;
  }
  return out;
}

class ArchChecker {
 public:
  ArchConfig load(const std::optional<std::string>& file,
                  const std::vector<std::string>& overrides) {
    if (!file) return load_arch(default_arch_yaml(), "<built-in architecture>", overrides);
    auto it = texts_.find(*file);
    if (it == texts_.end()) it = texts_.emplace(*file, read_text_file(*file)).first;
    return load_arch(it->second, *file, overrides);
  }

 private:
  std::map<std::string, std::string> texts_;
};

// The numeric value of family.param in a loaded architecture; InputError at `where` otherwise.
double param_value(const ArchConfig& arch, const std::string& name, const SourceLocation& where) {
  const size_t dot = name.find('.');
  const std::string family = dot == std::string::npos ? name : name.substr(0, dot);
  const std::string param = dot == std::string::npos ? "" : name.substr(dot + 1);
  const ParamValues* values = family == "system" ? &arch.system : nullptr;
  for (const ModuleConfig& m : arch.modules) {
    if (m.family == family) values = &m.params;
  }
  if (values == nullptr || !values->declares(param)) {
    throw InputError(where,
                     "unknown parameter '" + name + "' (`tessera config --dump` lists them)");
  }
  const auto v = parse_real(values->text(param));
  if (!v) throw InputError(where, "parameter '" + name + "' is not a number");
  return *v;
}

bool within(const Constraint& c, double v) {
  return (!c.min || v >= *c.min) && (!c.max || v <= *c.max);
}

// The error of a rejected value, located at the spec's line for it.
[[noreturn]] void rethrow_at(const SourceLocation& where, const InputError& e) {
  throw InputError(where, e.what());
}

bool other_arch_axis(const SweepSpec& spec) {
  for (const Axis& a : spec.axes) {
    if (a.kind == Axis::Kind::arch) return true;
  }
  return false;
}

// An axis parameter the architecture does not declare, reported at the axis's `param` line. A
// parameter of an implementation another axis switches to is checked with the values instead.
void check_declared(const SweepSpec& spec, const ArchConfig& arch, const Axis& axis) {
  for (const std::string& name : axis.params) {
    const size_t dot = name.find('.');
    const std::string family = name.substr(0, dot), param = name.substr(dot + 1);
    if (param == "impl" && family != "system") continue;
    bool switched = false;
    for (const Axis& other : spec.axes) {
      for (const std::string& p : other.params) switched = switched || p == family + ".impl";
    }
    if (switched || other_arch_axis(spec)) continue;
    const ParamValues* values = family == "system" ? &arch.system : nullptr;
    for (const ModuleConfig& m : arch.modules) {
      if (m.family == family) values = &m.params;
    }
    if (values == nullptr) {
      throw InputError(axis.params_at, "unknown module '" + family +
                                           "' (known: system, controller, pe_array, buffer, "
                                           "sparse, dram, crypto)");
    }
    if (!values->declares(param)) {
      std::string known;
      for (const ParamSpec& s : values->specs()) known += (known.empty() ? "" : ", ") + s.name;
      throw InputError(axis.params_at,
                       "unknown parameter '" + name + "' (" + family + " declares: " + known + ")");
    }
  }
}

}  // namespace

std::string point_id(const std::string& canonical) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : canonical) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

Expansion expand_points(const SweepSpec& spec) {
  ArchChecker checker;
  // Each value alone first, so that a bad one is reported at its own line.
  for (size_t i = 0; i < spec.fixed.size(); ++i) {
    try {
      (void)checker.load(spec.arch, {spec.fixed[i]});
    } catch (const InputError& e) {
      rethrow_at(spec.fixed_at[i], e);
    }
  }
  const ArchConfig base = [&] {
    try {
      return checker.load(spec.arch, spec.fixed);
    } catch (const InputError& e) {
      rethrow_at({spec.file, 0, "arch"}, e);
    }
  }();
  for (const Axis& axis : spec.axes) check_declared(spec, base, axis);
  for (const Axis& axis : spec.axes) {
    for (size_t v = 0; v < axis.values.size(); ++v) {
      try {
        if (axis.kind == Axis::Kind::trace) {
          (void)read_trace_file(axis.values[v]);
        } else if (axis.kind == Axis::Kind::arch) {
          (void)checker.load(axis.values[v], spec.fixed);
        } else {
          std::vector<std::string> overrides = spec.fixed;
          for (const std::string& p : axis.params) overrides.push_back(p + "=" + axis.values[v]);
          (void)checker.load(spec.arch, overrides);
        }
      } catch (const InputError& e) {
        rethrow_at(axis.value_at[v], e);
      }
    }
  }
  bool trace_axis = false;
  for (const Axis& axis : spec.axes) trace_axis = trace_axis || axis.kind == Axis::Kind::trace;
  if (!trace_axis) {
    try {
      (void)read_trace_file(spec.traces.at(0));
    } catch (const InputError& e) {
      rethrow_at(spec.traces_at, e);
    }
  }
  std::vector<std::string> fixed_sorted = spec.fixed;
  std::sort(fixed_sorted.begin(), fixed_sorted.end());

  Expansion out;
  std::set<std::string> seen;
  for (const std::vector<size_t>& idx : sample_indexes(spec)) {
    Point p;
    p.trace = spec.traces.at(0);
    p.arch = spec.arch;
    p.overrides = spec.fixed;
    std::string canonical;
    for (size_t a = 0; a < spec.axes.size(); ++a) {
      const Axis& axis = spec.axes[a];
      const std::string& value = axis.values[idx[a]];
      p.values.push_back(value);
      canonical += axis.name + "=" + value + "\n";
      if (axis.kind == Axis::Kind::trace) {
        p.trace = value;
      } else if (axis.kind == Axis::Kind::arch) {
        p.arch = value;
      } else {
        for (const std::string& param : axis.params) p.overrides.push_back(param + "=" + value);
      }
    }
    for (const std::string& f : fixed_sorted) canonical += "fixed " + f + "\n";
    p.id = point_id(canonical);
    if (!seen.insert(p.id).second) continue;  // a sample drawn twice
    ArchConfig arch;
    try {
      arch = checker.load(p.arch, p.overrides);
    } catch (const InputError& e) {
      std::string desc;
      for (size_t a = 0; a < spec.axes.size(); ++a) {
        desc += (desc.empty() ? "" : ", ") + spec.axes[a].name + "=" + p.values[a];
      }
      throw InputError({spec.file, 0, "axes"}, "the point " + desc +
                                                   " is not a valid "
                                                   "architecture: " +
                                                   e.what());
    }
    bool keep = true;
    for (const Constraint& c : spec.constraints) {
      if (c.kind == Constraint::Kind::metric) continue;
      double v = c.kind == Constraint::Kind::sum ? 0 : 1;
      for (const std::string& term : c.terms) {
        const double x = param_value(arch, term, c.where);
        v = c.kind == Constraint::Kind::sum ? v + x : v * x;
      }
      keep = keep && within(c, v);
    }
    if (!keep) {
      ++out.dropped;
      continue;
    }
    out.points.push_back(std::move(p));
  }
  if (out.points.empty()) {
    throw InputError({spec.file, 0, "constraints"}, "no point to run: the constraints drop all " +
                                                        std::to_string(out.dropped) + " points");
  }
  return out;
}

}  // namespace tessera::sweep
