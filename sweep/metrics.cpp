#include "sweep/metrics.h"

#include <string_view>

#include "sim/cycle_causes.h"

namespace tessera::sweep {
namespace {

struct Total {
  const char* name;
  const char* unit;
};
constexpr Total kTotals[] = {{"cycles", "cycles"},           {"energy_pj", "pJ"},
                             {"edp", "pJ x cycles"},         {"macs", "MACs"},
                             {"utilization", "fraction"},    {"dram_bytes_read", "bytes"},
                             {"dram_bytes_written", "bytes"}};

// The module families a report's components are named after (sim/arch_config.cpp).
constexpr const char* kComponents[] = {"controller", "pe_array", "buffer",
                                       "sparse",     "dram",     "crypto"};

// Fields of the report itself rather than of its totals: the array's size, an area proxy.
constexpr Total kRunFields[] = {{"pes", "PEs"}};

const Total* find_run_field(const std::string& name) {
  for (const Total& t : kRunFields) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

const Total* find_total(const std::string& name) {
  for (const Total& t : kTotals) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

bool is_cause(std::string_view name) {
  for (std::string_view c : kCycleCauseNames) {
    if (c == name) return true;
  }
  return false;
}

bool is_component(std::string_view name) {
  for (std::string_view c : kComponents) {
    if (c == name) return true;
  }
  return false;
}

const std::string kCausePrefix = "cycles_by_cause.";

}  // namespace

void check_metric(const std::string& name, const SourceLocation& where) {
  if (find_total(name) != nullptr || find_run_field(name) != nullptr) return;
  if (name.rfind(kCausePrefix, 0) == 0) {
    if (is_cause(std::string_view(name).substr(kCausePrefix.size()))) return;
    std::string known;
    for (std::string_view c : kCycleCauseNames)
      known += (known.empty() ? "" : ", ") + std::string(c);
    throw InputError(where, "unknown cause in metric '" + name + "' (known: " + known + ")");
  }
  const size_t dot = name.find('.');
  if (dot != std::string::npos && dot + 1 < name.size() && is_component(name.substr(0, dot))) {
    return;
  }
  std::string known;
  for (const Total& t : kTotals) known += std::string(t.name) + ", ";
  for (const Total& t : kRunFields) known += std::string(t.name) + ", ";
  throw InputError(where, "unknown metric '" + name + "' (known: " + known +
                              "cycles_by_cause.CAUSE, COMPONENT.energy_pj[.ACTION], "
                              "COMPONENT.COUNTER with COMPONENT one of controller, pe_array, "
                              "buffer, sparse, dram, crypto)");
}

std::string metric_unit(const std::string& name) {
  if (const Total* t = find_total(name)) return t->unit;
  if (const Total* t = find_run_field(name)) return t->unit;
  if (name.rfind(kCausePrefix, 0) == 0) return "cycles";
  if (name.find(".energy_pj") != std::string::npos) return "pJ";
  return "count";
}

std::optional<nlohmann::json> metric_value(const nlohmann::json& report, const std::string& name) {
  const auto number = [](const nlohmann::json* j) -> std::optional<nlohmann::json> {
    if (j == nullptr || !j->is_number()) return std::nullopt;
    return *j;
  };
  const auto member = [](const nlohmann::json* j, const std::string& key) -> const nlohmann::json* {
    if (j == nullptr || !j->is_object()) return nullptr;
    const auto it = j->find(key);
    return it == j->end() ? nullptr : &*it;
  };
  if (find_run_field(name) != nullptr) return number(member(&report, name));
  const nlohmann::json* totals = member(&report, "totals");
  if (find_total(name) != nullptr) return number(member(totals, name));
  if (name.rfind(kCausePrefix, 0) == 0) {
    return number(member(member(totals, "cycles_by_cause"), name.substr(kCausePrefix.size())));
  }
  const size_t dot = name.find('.');
  if (dot == std::string::npos) return std::nullopt;
  const nlohmann::json* components = member(&report, "components");
  if (components == nullptr || !components->is_array()) return std::nullopt;
  const std::string component = name.substr(0, dot), rest = name.substr(dot + 1);
  for (const nlohmann::json& c : *components) {
    const nlohmann::json* n = member(&c, "name");
    if (n == nullptr || *n != component) continue;
    if (rest == "energy_pj") return number(member(member(&c, "energy_pj"), "total"));
    if (rest.rfind("energy_pj.", 0) == 0) {
      return number(member(member(&c, "energy_pj"), rest.substr(10)));
    }
    return number(member(member(&c, "counters"), rest));
  }
  return std::nullopt;
}

}  // namespace tessera::sweep
