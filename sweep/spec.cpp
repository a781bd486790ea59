#include "sweep/spec.h"

#include <cmath>
#include <filesystem>

#include "sim/numbers.h"
#include "sweep/metrics.h"
#include "traces/yaml_util.h"

namespace tessera::sweep {
namespace {

// A range longer than this is surely a typo, and would only fill the disk.
constexpr size_t kMaxAxisValues = 100000;

std::string resolve(const std::string& path, const std::string& spec_file) {
  if (path.empty() || path[0] == '/') return path;
  const std::filesystem::path folder = std::filesystem::path(spec_file).parent_path();
  return folder.empty() ? path : (folder / path).string();
}

double number(const YAML::Node& n, const yaml::Source& src, const std::string& field) {
  const std::string text = yaml::scalar_text(n, src, field);
  const auto v = parse_real(text);
  if (!v) throw InputError(src.at(n, field), "expected a number, got '" + text + "'");
  return *v;
}

bool is_integer_text(const YAML::Node& n) {
  return n.IsScalar() && parse_int(n.Scalar()).has_value();
}

std::string value_text(double v, bool integer) {
  return integer ? std::to_string(static_cast<int64_t>(std::llround(v))) : shortest_text(v);
}

// {from, to, step}: from, from+step, ... up to `to`.
void linear_range(const YAML::Node& n, const yaml::Source& src, const std::string& field,
                  Axis& axis) {
  if (!n.IsMap()) throw InputError(src.at(n, field), "expected {from, to, step}");
  yaml::require_known_keys(n, {"from", "to", "step"}, src, field);
  for (const char* k : {"from", "to", "step"}) {
    if (!n[k]) throw InputError(src.at(n, field + "." + k), "missing");
  }
  const double from = number(n["from"], src, field + ".from");
  const double to = number(n["to"], src, field + ".to");
  const double step = number(n["step"], src, field + ".step");
  if (step == 0 || (to - from) * step < 0) {
    throw InputError(src.at(n["step"], field + ".step"),
                     "step " + shortest_text(step) + " does not lead from " + shortest_text(from) +
                         " to " + shortest_text(to) + " (wrong sign or zero)");
  }
  const bool integer = is_integer_text(n["from"]) && is_integer_text(n["step"]);
  const double count = std::floor((to - from) / step + 1e-9) + 1;
  if (count > kMaxAxisValues) {
    throw InputError(src.at(n, field), "more than " + std::to_string(kMaxAxisValues) + " values");
  }
  for (size_t k = 0; k < static_cast<size_t>(count); ++k) {
    axis.values.push_back(value_text(from + step * static_cast<double>(k), integer));
    axis.value_at.push_back(src.at(n, field));
  }
}

// {from, to, factor}: from, from*factor, ... up to `to`.
void log_range(const YAML::Node& n, const yaml::Source& src, const std::string& field, Axis& axis) {
  if (!n.IsMap()) throw InputError(src.at(n, field), "expected {from, to, factor}");
  yaml::require_known_keys(n, {"from", "to", "factor"}, src, field);
  for (const char* k : {"from", "to", "factor"}) {
    if (!n[k]) throw InputError(src.at(n, field + "." + k), "missing");
  }
  const double from = number(n["from"], src, field + ".from");
  const double to = number(n["to"], src, field + ".to");
  const double factor = number(n["factor"], src, field + ".factor");
  if (from <= 0 || to <= 0) {
    throw InputError(src.at(n, field), "a logarithmic range needs from and to above 0");
  }
  if (factor <= 0 || factor == 1 || (to - from) * (factor - 1) < 0) {
    throw InputError(src.at(n["factor"], field + ".factor"),
                     "factor " + shortest_text(factor) + " does not lead from " +
                         shortest_text(from) + " to " + shortest_text(to) +
                         " (it must be above 1 going up, between 0 and 1 going down)");
  }
  const bool integer = is_integer_text(n["from"]) && is_integer_text(n["factor"]);
  const double count = std::floor(std::log(to / from) / std::log(factor) + 1e-9) + 1;
  if (count > kMaxAxisValues) {
    throw InputError(src.at(n, field), "more than " + std::to_string(kMaxAxisValues) + " values");
  }
  double v = from;
  for (size_t k = 0; k < static_cast<size_t>(count); ++k, v *= factor) {
    axis.values.push_back(value_text(v, integer));
    axis.value_at.push_back(src.at(n, field));
  }
}

std::vector<std::string> string_list(const YAML::Node& n, const yaml::Source& src,
                                     const std::string& field, std::vector<SourceLocation>* at) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(yaml::scalar_text(n, src, field));
    if (at) at->push_back(src.at(n, field));
    return out;
  }
  if (!n.IsSequence()) throw InputError(src.at(n, field), "expected a list");
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string f = field + "[" + std::to_string(i) + "]";
    out.push_back(yaml::scalar_text(n[i], src, f));
    if (at) at->push_back(src.at(n[i], f));
  }
  return out;
}

Axis read_axis(const YAML::Node& n, const yaml::Source& src, const std::string& field) {
  if (!n.IsMap()) throw InputError(src.at(n, field), "expected a map (param, values, ...)");
  yaml::require_known_keys(n, {"param", "params", "name", "values", "range", "log_range", "arch"},
                           src, field);
  Axis axis;
  axis.where = src.at(n, field);
  if (n["arch"]) {
    for (const char* k : {"param", "params", "values", "range", "log_range"}) {
      if (n[k]) throw InputError(src.at(n[k], field + "." + k), "an arch axis has only `arch`");
    }
    axis.kind = Axis::Kind::arch;
    axis.name = n["name"] ? yaml::to_string(n["name"], src, field + ".name") : "arch";
    axis.values = string_list(n["arch"], src, field + ".arch", &axis.value_at);
  } else {
    if (n["param"] && n["params"]) {
      throw InputError(src.at(n["params"], field + ".params"), "give param or params, not both");
    }
    if (n["param"]) {
      axis.params = {yaml::to_string(n["param"], src, field + ".param")};
    } else if (n["params"]) {
      axis.params = string_list(n["params"], src, field + ".params", nullptr);
    } else {
      throw InputError(axis.where, "missing `param` (or `params`, or `arch`)");
    }
    axis.params_at = src.at(n["param"] ? n["param"] : n["params"], field + ".param");
    if (axis.params.empty()) throw InputError(axis.params_at, "`params` is empty");
    for (const std::string& p : axis.params) {
      const size_t dot = p.find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == p.size() ||
          p.find_first_of("=, ") != std::string::npos) {
        throw InputError(src.at(n["param"] ? n["param"] : n["params"], field + ".param"),
                         "expected family.param, got '" + p + "'");
      }
    }
    if (n["name"]) {
      axis.name = yaml::to_string(n["name"], src, field + ".name");
    } else {
      for (const std::string& p : axis.params) axis.name += (axis.name.empty() ? "" : "+") + p;
    }
    const int kinds = (n["values"] ? 1 : 0) + (n["range"] ? 1 : 0) + (n["log_range"] ? 1 : 0);
    if (kinds != 1) {
      throw InputError(axis.where, "give exactly one of values, range and log_range");
    }
    if (n["values"]) {
      axis.values = string_list(n["values"], src, field + ".values", &axis.value_at);
    } else if (n["range"]) {
      linear_range(n["range"], src, field + ".range", axis);
    } else {
      log_range(n["log_range"], src, field + ".log_range", axis);
    }
  }
  if (axis.values.empty()) {
    throw InputError(n["values"] ? src.at(n["values"], field + ".values") : axis.where,
                     "the axis has no values");
  }
  return axis;
}

Constraint read_constraint(const YAML::Node& n, const yaml::Source& src, const std::string& field) {
  if (!n.IsMap())
    throw InputError(src.at(n, field), "expected a map (sum|product|metric, min, max)");
  yaml::require_known_keys(n, {"sum", "product", "metric", "min", "max"}, src, field);
  Constraint c;
  c.where = src.at(n, field);
  const int kinds = (n["sum"] ? 1 : 0) + (n["product"] ? 1 : 0) + (n["metric"] ? 1 : 0);
  if (kinds != 1) throw InputError(c.where, "give exactly one of sum, product and metric");
  if (n["metric"]) {
    c.kind = Constraint::Kind::metric;
    c.terms = {yaml::to_string(n["metric"], src, field + ".metric")};
    c.where = src.at(n["metric"], field + ".metric");
  } else {
    const char* key = n["sum"] ? "sum" : "product";
    c.kind = n["sum"] ? Constraint::Kind::sum : Constraint::Kind::product;
    c.terms = string_list(n[key], src, field + "." + key, nullptr);
    c.where = src.at(n[key], field + "." + key);
    if (c.terms.empty()) throw InputError(c.where, "no parameters");
  }
  if (n["min"]) c.min = number(n["min"], src, field + ".min");
  if (n["max"]) c.max = number(n["max"], src, field + ".max");
  if (!c.min && !c.max) throw InputError(src.at(n, field), "give min, max or both");
  return c;
}

}  // namespace

void check_spec(const SweepSpec& spec) {
  if (spec.traces.empty()) throw InputError(spec.traces_at, "no trace");
  for (size_t i = 0; i < spec.metrics.size(); ++i)
    check_metric(spec.metrics[i], spec.metrics_at[i]);
  for (const Constraint& c : spec.constraints) {
    if (c.kind == Constraint::Kind::metric) check_metric(c.terms[0], c.where);
  }
  if (spec.objectives.empty() || spec.objectives.size() > 2) {
    throw InputError(spec.objectives_at, "give one or two objectives");
  }
  for (const std::string& o : spec.objectives) check_metric(o, spec.objectives_at);
  if (spec.axes.empty()) throw InputError({spec.file, 0, "axes"}, "no axis to sweep");
  for (size_t i = 0; i < spec.axes.size(); ++i) {
    if (spec.axes[i].values.empty()) throw InputError(spec.axes[i].where, "the axis has no values");
    for (size_t j = 0; j < i; ++j) {
      if (spec.axes[j].name == spec.axes[i].name) {
        throw InputError(spec.axes[i].where, "a second axis named '" + spec.axes[i].name + "'");
      }
    }
  }
  if (spec.sampling != Sampling::grid && spec.samples == 0) {
    throw InputError(spec.sampling_at, "random and latin_hypercube sampling need points above 0");
  }
}

SweepSpec parse_spec(const std::string& text, const std::string& file) {
  const YAML::Node root = yaml::parse(text, file);
  const yaml::Source src{file};
  if (!root.IsMap())
    throw InputError({file, 1, ""}, "expected a map (tessera_sweep, traces, axes, ...)");
  yaml::require_known_keys(root,
                           {"tessera_sweep", "name", "traces", "arch", "params", "axes", "sampling",
                            "constraints", "metrics", "objectives"},
                           src, "");
  if (!root["tessera_sweep"]) {
    throw InputError({file, 1, "tessera_sweep"}, "missing: not a tessera sweep spec (format 1)");
  }
  const int64_t version = yaml::to_int(root["tessera_sweep"], src, "tessera_sweep");
  if (version != kSpecVersion) {
    throw InputError(src.at(root["tessera_sweep"], "tessera_sweep"),
                     "format version " + std::to_string(version) + "; this tessera reads version " +
                         std::to_string(kSpecVersion));
  }
  SweepSpec spec;
  spec.file = file;
  spec.traces_at = {file, 1, "traces"};
  if (root["traces"]) {
    spec.traces_at = src.at(root["traces"], "traces");
    std::vector<SourceLocation> at;
    for (const std::string& t : string_list(root["traces"], src, "traces", &at)) {
      spec.traces.push_back(resolve(t, file));
    }
    // Several traces are an axis of their own, so each point names its trace.
    if (spec.traces.size() > 1) {
      Axis axis;
      axis.kind = Axis::Kind::trace;
      axis.name = "trace";
      axis.values = string_list(root["traces"], src, "traces", nullptr);
      for (std::string& v : axis.values) v = resolve(v, file);
      axis.value_at = at;
      axis.where = spec.traces_at;
      spec.axes.push_back(std::move(axis));
    }
  }
  if (root["arch"]) spec.arch = resolve(yaml::to_string(root["arch"], src, "arch"), file);
  if (const YAML::Node params = root["params"]) {
    if (!params.IsMap())
      throw InputError(src.at(params, "params"), "expected a map family.param: value");
    yaml::require_unique_keys(params, src, "params");
    for (const auto& kv : params) {
      const std::string key = kv.first.Scalar();
      spec.fixed.push_back(key + "=" + yaml::scalar_text(kv.second, src, "params." + key));
      spec.fixed_at.push_back(src.at(kv.first, "params." + key));
    }
  }
  if (const YAML::Node axes = root["axes"]) {
    if (!axes.IsSequence()) throw InputError(src.at(axes, "axes"), "expected a list of axes");
    for (size_t i = 0; i < axes.size(); ++i) {
      Axis axis = read_axis(axes[i], src, "axes[" + std::to_string(i) + "]");
      if (axis.kind == Axis::Kind::arch) {
        for (std::string& v : axis.values) v = resolve(v, file);
      }
      spec.axes.push_back(std::move(axis));
    }
  }
  spec.sampling_at = {file, 0, "sampling"};
  if (const YAML::Node s = root["sampling"]) {
    spec.sampling_at = src.at(s, "sampling");
    if (!s.IsMap()) throw InputError(spec.sampling_at, "expected {method, points, seed}");
    yaml::require_known_keys(s, {"method", "points", "seed"}, src, "sampling");
    const std::string method =
        s["method"] ? yaml::to_string(s["method"], src, "sampling.method") : "grid";
    if (method == "grid") {
      spec.sampling = Sampling::grid;
    } else if (method == "random") {
      spec.sampling = Sampling::random;
    } else if (method == "latin_hypercube") {
      spec.sampling = Sampling::latin_hypercube;
    } else {
      throw InputError(src.at(s["method"], "sampling.method"),
                       "unknown method '" + method + "' (known: grid, random, latin_hypercube)");
    }
    if (s["points"]) {
      if (spec.sampling == Sampling::grid) {
        throw InputError(src.at(s["points"], "sampling.points"), "the grid takes every point");
      }
      spec.samples = static_cast<uint64_t>(yaml::to_int(s["points"], src, "sampling.points"));
    }
    if (s["seed"])
      spec.seed = static_cast<uint64_t>(yaml::to_int(s["seed"], src, "sampling.seed", 0));
  }
  if (const YAML::Node cs = root["constraints"]) {
    if (!cs.IsSequence()) throw InputError(src.at(cs, "constraints"), "expected a list");
    for (size_t i = 0; i < cs.size(); ++i) {
      spec.constraints.push_back(
          read_constraint(cs[i], src, "constraints[" + std::to_string(i) + "]"));
    }
  }
  if (root["metrics"])
    spec.metrics = string_list(root["metrics"], src, "metrics", &spec.metrics_at);
  spec.objectives = {"cycles", "energy_pj"};
  spec.objectives_at = {file, 0, "objectives"};
  if (root["objectives"]) {
    spec.objectives_at = src.at(root["objectives"], "objectives");
    spec.objectives = string_list(root["objectives"], src, "objectives", nullptr);
  }
  check_spec(spec);
  return spec;
}

Axis parse_axis_option(const std::string& option) {
  const std::string where = "--axis " + option;
  const size_t eq = option.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError({where, 0, "--axis"},
                     "expected NAME=V1,V2,... (NAME: family.param, arch or trace)");
  }
  Axis axis;
  axis.name = option.substr(0, eq);
  axis.where = {where, 0, axis.name};
  if (axis.name == "arch") {
    axis.kind = Axis::Kind::arch;
  } else if (axis.name == "trace") {
    axis.kind = Axis::Kind::trace;
  } else {
    const size_t dot = axis.name.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == axis.name.size()) {
      throw InputError(axis.where, "expected family.param, arch or trace");
    }
    axis.params = {axis.name};
    axis.params_at = axis.where;
  }
  const std::string list = option.substr(eq + 1);
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string value = list.substr(start, comma - start);
    if (value.empty()) throw InputError(axis.where, "an empty value in '" + list + "'");
    axis.values.push_back(value);
    axis.value_at.push_back(axis.where);
    start = comma + 1;
  }
  return axis;
}

}  // namespace tessera::sweep
