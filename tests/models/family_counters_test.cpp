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

// `want` stands in `got` from position `first` on, with a description each.
void expect_counters(const std::vector<CounterValue>& got, size_t first,
                     const std::vector<Expected>& want, const std::string& impl) {
  ASSERT_LE(first + want.size(), got.size()) << impl;
  for (size_t i = 0; i < want.size(); ++i) {
    const CounterValue& c = got[first + i];
    EXPECT_EQ(c.name, want[i].name) << impl;
    EXPECT_EQ(c.unit, want[i].unit) << impl << " " << want[i].name;
    EXPECT_EQ(c.energy_action, want[i].energy_action) << impl << " " << want[i].name;
    EXPECT_FALSE(c.description.empty()) << impl << " " << want[i].name;
  }
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
    expect_counters(
        c, 0,
        {{"mac", "MACs", true}, {"idle_pe_cycle", "PE-cycles", true}, {"tiles", "tiles", false}},
        impl);
    expect_counters(c, c.size() - 2,
                    {{"busy_cycles", "cycles", false}, {"port_stall_cycles", "cycles", false}},
                    impl);
  }
}

TEST(FamilyCounters, EveryControllerCountsTilesAndTransfers) {
  Component::set_clock_mhz(1000);
  const auto all = counters_of_every_impl<Controller>();
  ASSERT_GE(all.size(), 2u);
  for (const auto& [impl, c] : all) {
    // The dense controller also re-encrypts inputs that arrive in other blocks.
    ASSERT_EQ(c.size(), impl == "tiled" ? 5u : 4u) << impl;
    expect_counters(c, 0,
                    {{"tiles", "tiles", false},
                     {"fetches", "transfers", false},
                     {"writebacks", "transfers", false},
                     {"psum_refills", "transfers", false}},
                    impl);
    if (impl == "tiled") {
      expect_counters(c, 4, {{"reencryption_chunks", "transfers", false}}, impl);
    }
  }
}

}  // namespace
}  // namespace tessera
