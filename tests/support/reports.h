// What tests share for reading the tessera binary's JSON reports: the whole report, and one
// counter of one component.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/files.h"

namespace tessera::test {

inline nlohmann::json read_json(const std::string& path) {
  return nlohmann::json::parse(read_file(path));
}

// The counter `name` of `component` in a report; 0 when either is absent.
inline uint64_t counter(const nlohmann::json& report, const std::string& component,
                        const std::string& name) {
  for (const auto& c : report["components"]) {
    if (c["name"] == component) return c["counters"].value(name, uint64_t{0});
  }
  return 0;
}

}  // namespace tessera::test
