#include "sweep/plan.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "sim/atomic_file.h"
#include "sweep/metrics.h"
#include "traces/text_file.h"

namespace tessera::sweep {
namespace {

using json = nlohmann::ordered_json;

std::string absolute(const std::string& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

}  // namespace

std::string self_binary() {
  return std::filesystem::read_symlink("/proc/self/exe").string();
}

std::string point_file(const std::string& dir, const std::string& id, const std::string& suffix) {
  return dir + "/points/" + id + suffix;
}

Plan make_plan(const SweepSpec& spec, const Expansion& expansion, const std::string& binary) {
  Plan plan;
  plan.binary = binary;
  for (const Axis& a : spec.axes) plan.columns.push_back(a.name);
  for (const char* m : kBaseMetrics) plan.metrics.emplace_back(m);
  for (const std::string& m : spec.metrics) {
    if (std::find(plan.metrics.begin(), plan.metrics.end(), m) == plan.metrics.end()) {
      plan.metrics.push_back(m);
    }
  }
  for (const std::string& m : spec.objectives) {
    if (std::find(plan.metrics.begin(), plan.metrics.end(), m) == plan.metrics.end()) {
      plan.metrics.push_back(m);
    }
  }
  plan.objectives = spec.objectives;
  for (const Constraint& c : spec.constraints) {
    if (c.kind == Constraint::Kind::metric) plan.bounds.push_back({c.terms[0], c.min, c.max});
  }
  for (const Point& p : expansion.points) {
    PlanPoint pp;
    pp.id = p.id;
    pp.values = p.values;
    // Absolute paths: a worker may start in another folder, or on another host.
    pp.args = {"run", absolute(p.trace)};
    if (p.arch) pp.args.insert(pp.args.end(), {"--arch", absolute(*p.arch)});
    for (const std::string& o : p.overrides) pp.args.insert(pp.args.end(), {"-p", o});
    pp.args.emplace_back("-q");
    plan.points.push_back(std::move(pp));
  }
  return plan;
}

void write_plan(const std::string& dir, const Plan& plan) {
  json j;
  j["tessera_sweep_plan"] = 1;
  j["binary"] = plan.binary;
  j["columns"] = plan.columns;
  j["metrics"] = plan.metrics;
  j["objectives"] = plan.objectives;
  j["bounds"] = json::array();
  for (const MetricBound& b : plan.bounds) {
    json bound;
    bound["metric"] = b.metric;
    bound["min"] = b.min ? json(*b.min) : json(nullptr);
    bound["max"] = b.max ? json(*b.max) : json(nullptr);
    j["bounds"].push_back(bound);
  }
  AtomicFile out(dir + "/plan.json");
  std::string head = j.dump(1);
  head.erase(head.rfind('}'));
  out.append(head + ",\n \"points\": [\n");
  // One point per line, so that a plan of many points stays readable.
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const PlanPoint& p = plan.points[i];
    json point;
    point["id"] = p.id;
    point["values"] = p.values;
    point["args"] = p.args;
    out.append("  " + point.dump() + (i + 1 < plan.points.size() ? ",\n" : "\n"));
  }
  out.append(" ]\n}\n");
  out.commit();
}

Plan read_plan(const std::string& dir) {
  const std::string file = dir + "/plan.json";
  if (!std::filesystem::exists(file)) {
    throw InputError({file, 0, ""}, "no sweep here (plan.json is missing)");
  }
  try {
    const json j = json::parse(read_text_file(file));
    if (j.value("tessera_sweep_plan", 0) != 1) {
      throw InputError({file, 0, "tessera_sweep_plan"}, "not a tessera sweep plan of version 1");
    }
    Plan plan;
    plan.binary = j.at("binary").get<std::string>();
    plan.columns = j.at("columns").get<std::vector<std::string>>();
    plan.metrics = j.at("metrics").get<std::vector<std::string>>();
    plan.objectives = j.at("objectives").get<std::vector<std::string>>();
    for (const json& b : j.at("bounds")) {
      MetricBound bound{b.at("metric").get<std::string>(), std::nullopt, std::nullopt};
      if (!b.at("min").is_null()) bound.min = b.at("min").get<double>();
      if (!b.at("max").is_null()) bound.max = b.at("max").get<double>();
      plan.bounds.push_back(bound);
    }
    for (const json& p : j.at("points")) {
      plan.points.push_back({p.at("id").get<std::string>(),
                             p.at("values").get<std::vector<std::string>>(),
                             p.at("args").get<std::vector<std::string>>()});
    }
    return plan;
  } catch (const nlohmann::json::exception& e) {
    throw InputError({file, 0, ""}, std::string("damaged plan: ") + e.what());
  }
}

}  // namespace tessera::sweep
