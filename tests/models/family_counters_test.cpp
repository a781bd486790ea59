// The counters a family's implementations share, for every registered implementation: a PE array
// declares `mac` (the top level reads it by name), `idle_pe_cycle` and `tiles` first and its busy
// and port-stall cycles last; a controller declares its tile and transfer counters.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/controller/interface.h"
#include "models/pe_array/interface.h"
#include "sim/registry.h"

namespace tessera {
namespace {

struct Expected {
  std::string name;
  std::string unit;
  bool energy_action;
};

void expect_counter(const CounterValue& got, const Expected& want, const std::string& impl) {
  EXPECT_EQ(got.name, want.name) << impl;
  EXPECT_EQ(got.unit, want.unit) << impl << " " << want.name;
  EXPECT_EQ(got.energy_action, want.energy_action) << impl << " " << want.name;
  EXPECT_FALSE(got.description.empty()) << impl << " " << want.name;
}

// Builds every registered implementation of `Family` with its default parameters.
template <typename Family>
std::vector<std::pair<std::string, std::vector<CounterValue>>> counters_of_every_impl() {
  std::vector<std::pair<std::string, std::vector<CounterValue>>> all;
  for (const auto& [name, entry] : Registry<Family>::instance().entries()) {
    const auto module = entry.create((std::string(Family::kFamily) + "_" + name).c_str(),
                                     ParamValues(Family::kFamily, entry.params));
    all.emplace_back(name, module->stats().snapshot());
  }
  return all;
}

TEST(FamilyCounters, EveryPeArrayDeclaresTheFamilysCountersInOrder) {
  Component::set_clock_mhz(1000);
  const auto all = counters_of_every_impl<PeArray>();
  ASSERT_GE(all.size(), 2u);
  for (const auto& [impl, c] : all) {
    ASSERT_GE(c.size(), 5u) << impl;
    expect_counter(c[0], {"mac", "MACs", true}, impl);
    expect_counter(c[1], {"idle_pe_cycle", "PE-cycles", true}, impl);
    expect_counter(c[2], {"tiles", "tiles", false}, impl);
    expect_counter(c[c.size() - 2], {"busy_cycles", "cycles", false}, impl);
    expect_counter(c[c.size() - 1], {"port_stall_cycles", "cycles", false}, impl);
  }
}

TEST(FamilyCounters, EveryControllerCountsTilesAndTransfers) {
  Component::set_clock_mhz(1000);
  const auto all = counters_of_every_impl<Controller>();
  ASSERT_GE(all.size(), 2u);
  for (const auto& [impl, c] : all) {
    ASSERT_EQ(c.size(), 4u) << impl;
    expect_counter(c[0], {"tiles", "tiles", false}, impl);
    expect_counter(c[1], {"fetches", "transfers", false}, impl);
    expect_counter(c[2], {"writebacks", "transfers", false}, impl);
    expect_counter(c[3], {"psum_refills", "transfers", false}, impl);
  }
}

}  // namespace
}  // namespace tessera
