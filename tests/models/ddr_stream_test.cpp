// The streams service (models/dram/ddr/channel_stream.cpp): its next-event decisions, and its
// closed-form skips of a turn's steady stripes (worked out, or remembered from the same view
// before), issue exactly the commands a per-cycle controller with its rules issues, and never
// break the protocol.
#include <gtest/gtest.h>

#include <random>

#include "models/dram/ddr/memory_system.h"
#include "models/dram/ddr/presets.h"
#include "tests/models/ddr_protocol.h"
#include "tests/models/ddr_stream_reference.h"

namespace tessera::ddr {
namespace {

struct StreamCase {
  std::string preset, mapping, page, refresh = "device";
};

std::string stream_case_name(const StreamCase& k) {
  std::string n =
      k.preset + "_" + k.mapping + "_" + k.page + (k.refresh == "device" ? "" : "_" + k.refresh);
  for (char& c : n) {
    if (c == '-') c = '_';
  }
  return n;
}
void PrintTo(const StreamCase& k, std::ostream* out) {
  *out << stream_case_name(k);
}

struct StreamedTransfer {
  uint64_t address, bursts;
  bool write;
  uint64_t arrival;
};

// Transfers over few banks and rows, so that turns share banks, change rows and wait for each
// other; some arrive together, some after gaps, some long enough for many stripes.
std::vector<StreamedTransfer> random_streamed_transfers(const Device& d, const AddressMap& map,
                                                        uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<StreamedTransfer> out;
  uint64_t arrival = 0;
  const auto burst = static_cast<uint64_t>(d.burst_bytes());
  for (int i = 0; i < 14; ++i) {
    Location at;
    at.rank = static_cast<int>(rng() % static_cast<uint64_t>(d.ranks));
    at.bankgroup = static_cast<int>(rng() % static_cast<uint64_t>(std::min(d.bankgroups, 2)));
    at.bank = static_cast<int>(rng() % 2 % static_cast<uint64_t>(d.banks_per_group));
    at.row = static_cast<int64_t>(rng() % 3);
    at.column = static_cast<int64_t>(rng() % 16);
    const uint64_t bursts =
        rng() % 4 == 0 ? 1 + rng() % 8 : 1 + rng() % (rng() % 2 == 0 ? 400 : 3000);
    const uint64_t address = map.encode(at);
    if (address + bursts * burst > map.capacity_bytes()) continue;
    arrival += rng() % 3 == 0 ? 0 : rng() % 1500;
    out.push_back({address, bursts, rng() % 3 == 0, arrival});
  }
  return out;
}

// A layer's tiles step after step: each step fetches an input tile that moves by a burst a step
// (so its turns change where they start and end) and a weight tile in the next row set, both
// twice, a step's time apart. A turn's stripes start from the same views again and again, some
// differing in one constraint only.
std::vector<StreamedTransfer> tiled_streamed_transfers(const Device& d, const AddressMap& map,
                                                       uint64_t input_bursts, uint64_t gap) {
  std::vector<StreamedTransfer> out;
  const auto burst = static_cast<uint64_t>(d.burst_bytes());
  const uint64_t set = map.row_set_bytes();
  for (uint64_t step = 0; step < 32; ++step) {
    const uint64_t arrival = step * gap, weights = (64 + step) * set;
    if (weights + set > map.capacity_bytes()) break;
    for (uint64_t twice = 0; twice < 2; ++twice) {
      out.push_back({step * burst, input_bursts + twice, false, arrival});
      out.push_back({weights + twice * set / 2, 32, false, arrival});
    }
  }
  return out;
}

// Runs `transfers` through the streams service, stepping and skipping, and expects the commands,
// the last data beat and the statistics of the per-cycle reference; returns the columns skipped.
uint64_t expect_as_reference(const Device& d, const Policies& policies, const AddressMap& map,
                             const std::vector<StreamedTransfer>& transfers,
                             const std::string& name) {
  test::StreamReference reference(d, policies, map);
  for (size_t i = 0; i < transfers.size(); ++i) {
    const StreamedTransfer& t = transfers[i];
    reference.add_run(t.address, t.bursts, t.write, t.arrival, i + 1);
  }
  uint64_t reference_last = 0;
  std::vector<IssuedCommand> expected = reference.run(reference_last);
  const auto by_cycle = [](const IssuedCommand& a, const IssuedCommand& b) {
    return a.cycle < b.cycle;
  };
  std::stable_sort(expected.begin(), expected.end(), by_cycle);
  uint64_t skipped = 0;
  ChannelStats stepped;  // the run without skipping, for the one with
  for (const bool skip : {false, true}) {
    Channel channel(d, policies, {}, Service::streams);
    channel.skip_repeats(skip);
    std::vector<IssuedCommand> log;
    channel.record_commands(&log);
    for (size_t i = 0; i < transfers.size(); ++i) {
      const StreamedTransfer& t = transfers[i];
      channel.add_run(map, t.address, t.bursts, t.write, t.arrival, i + 1);
    }
    const std::string at = name + (skip ? ", skipping" : ", stepping");
    const uint64_t last = channel.drain();
    EXPECT_EQ(last, reference_last) << at;
    skipped += channel.columns_skipped();
    // The statistics of skipped columns, counted in closed form, are those of served ones.
    const ChannelStats s = channel.stats(last);
    if (!skip) stepped = s;
    const std::pair<uint64_t, uint64_t> counts[] = {
        {s.reads, stepped.reads},
        {s.writes, stepped.writes},
        {s.read_row_hits, stepped.read_row_hits},
        {s.write_row_hits, stepped.write_row_hits},
        {s.row_misses, stepped.row_misses},
        {s.row_conflicts, stepped.row_conflicts},
        {s.activates, stepped.activates},
        {s.refreshes, stepped.refreshes},
        {s.read_latency_sum, stepped.read_latency_sum},
        {s.read_latency_max, stepped.read_latency_max},
        {s.active_standby_cycles, stepped.active_standby_cycles}};
    for (const auto& [got, want] : counts) EXPECT_EQ(got, want) << at;
    EXPECT_EQ(s.read_row_hits + s.write_row_hits + s.row_misses + s.row_conflicts,
              s.reads + s.writes)
        << at;
    EXPECT_EQ(test::check_protocol(d, log), "") << at;
    std::stable_sort(log.begin(), log.end(), by_cycle);
    EXPECT_EQ(log.size(), expected.size()) << at;
    for (size_t i = 0; i < std::min(log.size(), expected.size()); ++i) {
      const IssuedCommand &a = log[i], &b = expected[i];
      if (a.cycle == b.cycle && a.kind == b.kind && a.rank == b.rank &&
          a.bankgroup == b.bankgroup && a.bank == b.bank && a.row == b.row &&
          a.automatic == b.automatic) {
        continue;
      }
      ADD_FAILURE() << at << ", command " << i << ": channel cycle " << a.cycle << " kind "
                    << static_cast<int>(a.kind) << " rank " << a.rank << " bank " << a.bankgroup
                    << "/" << a.bank << " row " << a.row << "; reference cycle " << b.cycle
                    << " kind " << static_cast<int>(b.kind) << " rank " << b.rank << " bank "
                    << b.bankgroup << "/" << b.bank << " row " << b.row;
      break;
    }
  }
  return skipped;
}

class Streams : public testing::TestWithParam<StreamCase> {};

TEST_P(Streams, DecisionsAndSkipsMatchAPerCycleController) {
  const StreamCase& k = GetParam();
  Device d = load_preset(k.preset, {}).device;
  d.channels = 1;
  // Short refresh intervals put refreshes among the turns.
  d.tREFI = std::max(d.tRFC * 3, 600);
  const Policies policies = make_policies(d, {"frfcfs", k.page, k.refresh});
  const AddressMap map(d, k.mapping);
  uint64_t skipped = 0;
  // Each case on a fresh channel, then five of them one after the other on one channel, which
  // carries its banks, ACT windows, refresh and what it has worked out from one to the next.
  std::vector<StreamedTransfer> after_one_another;
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    const std::vector<StreamedTransfer> transfers = random_streamed_transfers(d, map, seed);
    skipped += expect_as_reference(d, policies, map, transfers, "seed " + std::to_string(seed));
    if (seed > 5) continue;
    const uint64_t since = after_one_another.empty() ? 0 : after_one_another.back().arrival;
    for (StreamedTransfer t : transfers) {
      t.arrival += since;
      after_one_another.push_back(t);
    }
  }
  skipped +=
      expect_as_reference(d, policies, map, after_one_another, "seeds 1 to 5 on one channel");
  for (const uint64_t gap : {900, 2500}) {
    skipped += expect_as_reference(d, policies, map, tiled_streamed_transfers(d, map, 256, gap),
                                   "tiles " + std::to_string(gap) + " cycles apart");
  }
  // The closed form was taken, not only the steps.
  EXPECT_GT(skipped, 0U);
}

INSTANTIATE_TEST_SUITE_P(
    Devices, Streams,
    testing::Values(StreamCase{"DDR4-3200-x8", "rochrabacobg", "open"},
                    StreamCase{"DDR4-3200-x8", "rochrababgco", "open"},
                    StreamCase{"DDR4-3200-x8", "rochrabacobg", "closed"},
                    StreamCase{"DDR4-3200-x8", "rochrabacobg", "open", "simultaneous"},
                    StreamCase{"DDR4-2400-x8", "robabgchcora", "open"},
                    StreamCase{"LPDDR4-2400", "rochrabacobg", "open"},
                    StreamCase{"HBM2", "rochrabacobg", "open"},
                    StreamCase{"DDR3-1600", "rochrabacobg", "closed"},
                    StreamCase{"GDDR6", "rochrabacobg", "open"}),
    [](const testing::TestParamInfo<StreamCase>& info) { return stream_case_name(info.param); });

}  // namespace
}  // namespace tessera::ddr
