// Energy is counted actions times a reference table of picojoules per action, as Timeloop and
// Accelergy do it: the models only count, and the table alone decides what a count costs. The
// YAML format is described in sim/REPORTS.md; the built-in table is sim/energy/default.yaml.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sim/error.h"
#include "sim/result.h"

namespace tessera {

class EnergyTable {
 public:
  struct Entry {
    double pj = 0;
    std::string per;     // what one action is, e.g. "64-bit global-buffer read"
    std::string source;  // where the figure comes from
    int line = 0;        // of the action's key
  };
  struct Component {
    int line = 0;
    std::map<std::string, Entry> actions;
  };

  // Throws InputError (file, line, field) for an unreadable or malformed table.
  static EnergyTable load(const std::string& path);
  // The table compiled in from sim/energy/default.yaml.
  static EnergyTable builtin();

  [[nodiscard]] std::optional<double> pj(const std::string& component,
                                         const std::string& action) const;
  [[nodiscard]] const std::map<std::string, Component>& components() const { return components_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  // The file the table was read from; the built-in table names its shipped file.
  [[nodiscard]] std::string source_file() const { return file_; }
  // Where an entry for (component, action) is or would be: its own line, else its component's,
  // else the `components` key's. The field is always `components.<component>.<action>`.
  [[nodiscard]] SourceLocation where(const std::string& component, const std::string& action) const;

  // Parses YAML text; `file` is only used to name it in errors.
  static EnergyTable parse(const std::string& text, const std::string& file);

 private:
  std::string name_;
  std::string file_;
  int components_line_ = 0;
  std::map<std::string, Component> components_;
};

// Throws InputError naming the table, the component and the action when the table has no entry
// for one of `component`'s energy actions. The top level calls it once the modules are built and
// have declared their counters, before anything runs.
void check_energy_actions(const EnergyTable& table, const ComponentResult& component);

// Sets energy_pj[action] = count * pJ for every counter of `component` that is an energy action,
// and energy_pj[name] = value / 1000 for every energy the component measured itself (in fJ).
// Throws InputError naming the table, the component and the action when the table has no entry.
void apply_energy(const EnergyTable& table, ComponentResult& component);

// The exact bytes of sim/energy/default.yaml, compiled in at build time.
std::string_view default_energy_yaml();

}  // namespace tessera
