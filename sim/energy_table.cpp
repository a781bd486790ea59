#include "sim/energy_table.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/error.h"
#include "sim/numbers.h"
#include "traces/text_file.h"
#include "traces/yaml_util.h"

namespace tessera {

namespace {

constexpr int kVersion = 1;
constexpr const char* kBuiltinFile = "sim/energy/default.yaml (built in)";

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Walks one parsed table, checking every key against the format so that a misspelt key is an
// error rather than a silently missing figure.
class Parser {
 public:
  explicit Parser(std::string file) : src_{std::move(file)} {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& field,
                         const std::string& message) const {
    throw InputError(src_.at(at, field), message);
  }

  [[nodiscard]] int line(const YAML::Node& n) const { return src_.line(n); }

  // Calls visit(key, field, key_node, value) for each entry of a map, in file order.
  template <typename Visit>
  void each_entry(const YAML::Node& map, const std::string& field,
                  const std::vector<std::string>& known, Visit visit) const {
    if (!map.IsMap()) fail(map, field, "expected a map");
    std::set<std::string> seen;
    for (const auto& kv : map) {
      if (!kv.first.IsScalar() || kv.first.Scalar().empty()) {
        fail(kv.first, field, "keys must be non-empty names");
      }
      const std::string& key = kv.first.Scalar();
      const std::string child = field.empty() ? key : field + "." + key;
      if (!seen.insert(key).second) fail(kv.first, child, "appears twice");
      if (!known.empty() && std::find(known.begin(), known.end(), key) == known.end()) {
        fail(kv.first, child, "unknown key '" + key + "' (known: " + join(known) + ")");
      }
      visit(key, child, kv.first, kv.second);
    }
  }

  std::string text(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar()) fail(node, field, "expected a text value");
    return node.Scalar();
  }

  double picojoules(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar()) fail(node, field, "expected a number of picojoules");
    const std::string& s = node.Scalar();
    const std::optional<double> parsed = parse_real(s);
    if (!parsed) fail(node, field, "expected a number of picojoules, got '" + s + "'");
    const double v = *parsed;
    if (v < 0) fail(node, field, "must not be negative, got " + s);
    return v;
  }

  EnergyTable::Entry entry(const YAML::Node& node, const std::string& field) const {
    if (!node.IsMap()) fail(node, field, "expected {pj: ..., per: \"...\", source: \"...\"}");
    EnergyTable::Entry e;
    bool has_pj = false;
    each_entry(node, field, {"pj", "per", "source"},
               [&](const std::string& key, const std::string& f, const YAML::Node&,
                   const YAML::Node& value) {
                 if (key == "pj") {
                   e.pj = picojoules(value, f);
                   has_pj = true;
                 } else if (key == "per") {
                   e.per = text(value, f);
                 } else {
                   e.source = text(value, f);
                 }
               });
    if (!has_pj) fail(node, field + ".pj", "missing: every action needs its energy in pJ");
    return e;
  }

  void version(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar() || node.Scalar() != std::to_string(kVersion)) {
      fail(node, field,
           "unsupported version '" + (node.IsScalar() ? node.Scalar() : std::string("?")) +
               "' (this build reads version " + std::to_string(kVersion) + ")");
    }
  }

  std::map<std::string, EnergyTable::Component> components(const YAML::Node& node,
                                                           const std::string& field) const {
    std::map<std::string, EnergyTable::Component> out;
    each_entry(node, field, {},
               [&](const std::string& name, const std::string& f, const YAML::Node& key,
                   const YAML::Node& value) {
                 out[name] = {line(key), actions(value, f)};
               });
    return out;
  }

  std::map<std::string, EnergyTable::Entry> actions(const YAML::Node& node,
                                                    const std::string& field) const {
    std::map<std::string, EnergyTable::Entry> out;
    each_entry(node, field, {},
               [&](const std::string& name, const std::string& f, const YAML::Node& key,
                   const YAML::Node& value) {
                 // Reports list a component's energies next to their sum under this name.
                 if (name == "total") fail(key, f, "'total' is reserved");
                 out[name] = entry(value, f);
                 out[name].line = line(key);
               });
    return out;
  }

 private:
  yaml::Source src_;
};

}  // namespace

EnergyTable EnergyTable::parse(const std::string& text, const std::string& file) {
  const YAML::Node root = yaml::parse(text, file);
  const Parser p(file);
  if (!root.IsMap()) {
    p.fail(root, "", "expected a map with the keys tessera_energy, name and components");
  }

  // Checked first, so that another kind of YAML file is named as such rather than as a list of
  // unknown keys.
  if (!root["tessera_energy"]) {
    p.fail(root, "tessera_energy", "missing: not a tessera energy table");
  }

  EnergyTable table;
  table.file_ = file;
  table.name_ = std::filesystem::path(file).stem().string();
  bool has_components = false;
  p.each_entry(root, "", {"tessera_energy", "name", "components"},
               [&](const std::string& key, const std::string& field, const YAML::Node& key_node,
                   const YAML::Node& value) {
                 if (key == "tessera_energy") {
                   p.version(value, field);
                 } else if (key == "name") {
                   table.name_ = p.text(value, field);
                 } else {
                   has_components = true;
                   table.components_line_ = p.line(key_node);
                   table.components_ = p.components(value, field);
                 }
               });
  if (!has_components) p.fail(root, "components", "missing");
  return table;
}

EnergyTable EnergyTable::load(const std::string& path) {
  return parse(read_text_file(path, "energy_table"), path);
}

EnergyTable EnergyTable::builtin() {
  return parse(std::string(default_energy_yaml()), kBuiltinFile);
}

std::optional<double> EnergyTable::pj(const std::string& component,
                                      const std::string& action) const {
  const auto c = components_.find(component);
  if (c == components_.end()) return std::nullopt;
  const auto a = c->second.actions.find(action);
  if (a == c->second.actions.end()) return std::nullopt;
  return a->second.pj;
}

SourceLocation EnergyTable::where(const std::string& component, const std::string& action) const {
  SourceLocation at{file_, components_line_, "components." + component + "." + action};
  const auto c = components_.find(component);
  if (c == components_.end()) return at;
  at.line = c->second.line;
  const auto a = c->second.actions.find(action);
  if (a != c->second.actions.end()) at.line = a->second.line;
  return at;
}

void check_energy_actions(const EnergyTable& table, const ComponentResult& component) {
  for (const auto& counter : component.counters) {
    if (counter.energy_action && !counter.measured_energy &&
        !table.pj(component.name, counter.name)) {
      throw InputError(table.where(component.name, counter.name),
                       "energy table '" + table.name() + "' has no entry for action '" +
                           counter.name + "' of component '" + component.name + "' (" +
                           component.impl + "), which the simulation counts");
    }
  }
}

void apply_energy(const EnergyTable& table, ComponentResult& component) {
  // A counter declared during the run, after the check the top level made.
  check_energy_actions(table, component);
  for (const auto& counter : component.counters) {
    if (counter.measured_energy) {
      component.energy_pj[counter.name] = static_cast<double>(counter.value) / 1e3;
    } else if (counter.energy_action) {
      component.energy_pj[counter.name] =
          static_cast<double>(counter.value) * *table.pj(component.name, counter.name);
    }
  }
}

}  // namespace tessera
