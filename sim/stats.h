// Named counters with a unit and a description. Modules bump plain integers on the hot path
// (no string lookups); the names only matter when a report is made.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "sim/result.h"

namespace tessera {

class StatGroup {
 public:
  // Declares a counter and returns it; the reference stays valid for the group's lifetime.
  // An energy action must have an entry in the energy table for this component.
  uint64_t& counter(std::string name, std::string unit, std::string description,
                    bool energy_action = false);

  // Declares an energy the component computes itself, counted in femtojoules (integers keep
  // per-layer differences exact); reports show it in pJ next to the table-priced actions.
  uint64_t& measured_energy(std::string name, std::string description);

  // Sets what brings the counters up to date before each snapshot, for a module that works them
  // out from its own state when read rather than bumping them as it goes.
  void before_snapshot(std::function<void()> update) { update_ = std::move(update); }

  [[nodiscard]] std::vector<CounterValue> snapshot() const;

 private:
  struct Entry {
    CounterValue meta;
    uint64_t value = 0;
  };
  std::deque<Entry> entries_;  // deque: stable references
  std::function<void()> update_;
};

// The counters accumulated between two snapshots of the same group.
[[nodiscard]] std::vector<CounterValue> difference(const std::vector<CounterValue>& later,
                                                   const std::vector<CounterValue>& earlier);

}  // namespace tessera
