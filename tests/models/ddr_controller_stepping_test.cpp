// The ini controller skips cycles where nothing can change and queues whose commands all wait;
// stepping every cycle and looking at every queue each tick is its reference. On many random
// small traces (few addresses, so that reads merge, writes merge and forward, rows hit, miss and
// conflict, full queues refuse requests and refreshes fall among them), every structure the
// device files name must give the same statistics both ways, and every trace must end (with
// per-rank queues one of them once never did: a write drain stopped every cycle at a write whose
// read was still in the read queue).
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/dram/ddr/presets.h"
#include "models/dram/ddr/trace_replay.h"

namespace tessera::ddr {
namespace {

struct SteppingCase {
  const char* name;
  const char* preset;
  Device::QueueStructure queues;
  bool unified, open_page;
  Device::RefreshPolicy refresh;
  int ranks = 0;  // 0: the preset's; more ranks for more than 64 command queues
};

class ControllerStepping : public ::testing::TestWithParam<SteppingCase> {};

std::vector<TraceRequest> random_trace(uint32_t seed, uint64_t capacity) {
  std::mt19937_64 rng(seed);
  // A small pool of burst addresses spread over the memory: repeats are frequent.
  std::vector<uint64_t> pool(4 + seed % 40);
  for (uint64_t& a : pool) a = rng() % (capacity / 64) * 64;
  std::vector<TraceRequest> out;
  uint64_t arrival = 0;
  const uint64_t max_gap = seed % 9;  // 0: everything at once, the queues overflow
  for (int i = 0; i < 300; ++i) {
    arrival += max_gap == 0 ? 0 : rng() % (max_gap + 1);
    out.push_back({pool[rng() % pool.size()], arrival, rng() % 3 == 0});
  }
  return out;
}

void expect_same(const ChannelStats& a, const ChannelStats& b, const std::string& where) {
  EXPECT_EQ(a.reads, b.reads) << where;
  EXPECT_EQ(a.writes, b.writes) << where;
  EXPECT_EQ(a.read_row_hits, b.read_row_hits) << where;
  EXPECT_EQ(a.write_row_hits, b.write_row_hits) << where;
  EXPECT_EQ(a.row_misses, b.row_misses) << where;
  EXPECT_EQ(a.row_conflicts, b.row_conflicts) << where;
  EXPECT_EQ(a.activates, b.activates) << where;
  EXPECT_EQ(a.precharges, b.precharges) << where;
  EXPECT_EQ(a.refreshes, b.refreshes) << where;
  EXPECT_EQ(a.read_latency_sum, b.read_latency_sum) << where;
  EXPECT_EQ(a.read_latency_max, b.read_latency_max) << where;
  EXPECT_EQ(a.queue_occupancy_sum, b.queue_occupancy_sum) << where;
  EXPECT_EQ(a.last_completion, b.last_completion) << where;
  EXPECT_EQ(a.active_standby_cycles, b.active_standby_cycles) << where;
  EXPECT_EQ(a.precharge_standby_cycles, b.precharge_standby_cycles) << where;
}

TEST_P(ControllerStepping, SkippingGivesTheStatisticsOfSteppingEveryCycle) {
  const SteppingCase& k = GetParam();
  Device d = load_preset(k.preset, {}).device;
  d.channels = 2;
  d.queue_structure = k.queues;
  d.unified_queue = k.unified;
  d.open_page = k.open_page;
  d.refresh_policy = k.refresh;
  if (k.ranks > 0) d.ranks = k.ranks;
  d.queue_size = 8;                     // a full queue refuses requests
  d.cmd_queue_size = 4;                 // and so does a full command queue
  d.tREFI = std::max(d.tRFC * 3, 600);  // refreshes among the requests
  const AddressMap map(d, d.address_mapping);
  uint64_t commands = 0;
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    const std::vector<TraceRequest> trace = random_trace(seed, map.capacity_bytes());
    RequestList skipping(trace), stepping(trace);
    const ReplayResult fast = replay_controllers(d, map, skipping);
    const ReplayResult slow =
        replay_controllers(d, map, stepping, Controller::Stepping::every_cycle);
    const std::string where = std::string(k.name) + ", seed " + std::to_string(seed);
    ASSERT_EQ(fast.cycles, slow.cycles) << where;
    ASSERT_EQ(fast.channels.size(), slow.channels.size()) << where;
    for (size_t c = 0; c < fast.channels.size(); ++c) {
      expect_same(fast.channels[c], slow.channels[c], where + ", channel " + std::to_string(c));
    }
    EXPECT_EQ(fast.totals.reads + fast.totals.writes, trace.size()) << where;
    commands += fast.totals.activates + fast.totals.precharges + fast.totals.refreshes;
  }
  EXPECT_GT(commands, 0u);
}

// Two writes in the write buffer, below its drain threshold and with nothing else queued, wait
// for more requests: nothing can change before the next refresh, and the controller skips there
// instead of ticking every cycle until then (which it once did while no queue had been looked
// at, taking the wait it had never set for the soonest).
TEST(ControllerSkipping, BufferedWritesWaitForTheNextRefreshWithoutTicks) {
  const Device d = load_preset("DDR4-3200-x8", {}).device;
  const AddressMap map(d, d.address_mapping);
  Controller c(d);
  for (const uint64_t address : {0x1000, 0x2000}) c.add(address, map.decode(address), true);
  c.run_until(100);
  EXPECT_FALSE(c.done());
  EXPECT_GT(c.next_event(), c.now() + 1000);
  EXPECT_LE(c.next_event(), static_cast<uint64_t>(d.tREFI));
}

INSTANTIATE_TEST_SUITE_P(
    Structures, ControllerStepping,
    ::testing::Values(
        SteppingCase{"ddr4_per_bank", "DDR4-3200-x8", Device::QueueStructure::per_bank, false, true,
                     Device::RefreshPolicy::rank_staggered},
        SteppingCase{"ddr4_per_rank", "DDR4-3200-x8", Device::QueueStructure::per_rank, false, true,
                     Device::RefreshPolicy::rank_staggered},
        SteppingCase{"ddr4_unified_closed", "DDR4-3200-x8", Device::QueueStructure::per_bank, true,
                     false, Device::RefreshPolicy::rank_simultaneous},
        SteppingCase{"hbm2_dual_command", "HBM2", Device::QueueStructure::per_bank, false, true,
                     Device::RefreshPolicy::rank_staggered},
        SteppingCase{"lpddr4_per_rank_closed", "LPDDR4-2400", Device::QueueStructure::per_rank,
                     false, false, Device::RefreshPolicy::rank_simultaneous},
        // 8 ranks of 16 banks: 128 command queues, beyond the bitmasks of 64.
        SteppingCase{"ddr4_128_bank_queues", "DDR4-3200-x8", Device::QueueStructure::per_bank,
                     false, true, Device::RefreshPolicy::rank_staggered, 8}),
    [](const ::testing::TestParamInfo<SteppingCase>& info) { return info.param.name; });

}  // namespace
}  // namespace tessera::ddr
