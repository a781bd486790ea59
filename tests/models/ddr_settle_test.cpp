// Transfers in flight together (models/dram/ddr/channel.h, settle()): a transfer settled while
// later ones are queued, before the requests still to come are known, gets the completion it
// would get were every request known from the start, as long as those arrive no earlier than
// it completes (the promise an initiator makes when it settles). Skipping the repeats of a
// steady stream changes nothing here either.
#include <gtest/gtest.h>

#include <random>

#include "models/dram/ddr/memory_system.h"
#include "models/dram/ddr/presets.h"

namespace tessera::ddr {
namespace {

struct Transfer {
  uint64_t address, bursts;
  bool write;
  uint64_t arrival = 0;  // set by the run that settles as it goes
};

struct Outcome {
  std::vector<uint64_t> completions;  // per transfer
  std::vector<IssuedCommand> log;
  ChannelStats stats;
};

// Rounds of 1 to 4 transfers arriving together, as a step's fetches and the last step's
// write-back; round i is settled once round i + 1 is queued, and round i + 2 arrives after
// round i has completed (plus a gap), as the step pipeline issues them. With `known`, every
// transfer is queued first, at the arrivals the run settling as it goes gave it.
Outcome run(const Device& d, const std::string& mapping, const PowerDown& power_down,
            std::vector<Transfer>& transfers, const std::vector<size_t>& rounds,
            const std::vector<uint64_t>& gaps, bool skip, bool known,
            Service service = Service::queue) {
  MemorySystem memory(d, make_policies(d, {"frfcfs", "open"}), mapping, power_down, service);
  for (int c = 0; c < d.channels; ++c) memory.channel(c).skip_repeats(skip);
  Outcome out;
  memory.channel(0).record_commands(&out.log);
  out.completions.assign(transfers.size(), 0);
  const auto add = [&](size_t i) {
    const Transfer& t = transfers[i];
    memory.add_run(t.address, t.bursts, t.write, t.arrival, i + 1);
  };
  if (known) {
    for (size_t i = 0; i < transfers.size(); ++i) add(i);
  }
  std::vector<size_t> first{0};  // each round's first transfer
  for (const size_t n : rounds) first.push_back(first.back() + n);
  uint64_t t = 0;
  for (size_t r = 0; r <= rounds.size(); ++r) {
    if (r < rounds.size()) {
      for (size_t i = first[r]; i < first[r + 1]; ++i) {
        if (!known) transfers[i].arrival = t;
        if (!known) add(i);
      }
    }
    if (r == 0) continue;
    uint64_t done = t;
    for (size_t i = first[r - 1]; i < first[r]; ++i) {
      out.completions[i] = memory.settle(i + 1);
      done = std::max(done, out.completions[i]);
    }
    t = done + gaps[r - 1];
  }
  out.stats = memory.totals(memory.drain());
  return out;
}

TEST(DdrSettle, SettlingAsTransfersComeEqualsKnowingThemAllAtTheStart) {
  const PowerDown modes[] = {{}, {64, 3000}};
  // Both services; DDR4 (one channel: a transfer waits as one run) and HBM2 (eight: burst by
  // burst).
  for (const Service service : {Service::queue, Service::streams})
    for (const char* device : {"DDR4-3200-x8", "HBM2"}) {
      const Device d = load_preset(device, {}).device;
      for (const PowerDown& power_down : modes) {
        for (const char* mapping : {"rochrabacobg", "rochrababgco"}) {
          for (uint32_t seed = 1; seed <= 12; ++seed) {
            std::mt19937_64 rng(seed);
            std::vector<Transfer> transfers;
            std::vector<size_t> rounds;
            std::vector<uint64_t> gaps;
            for (int r = 0; r < 10; ++r) {
              rounds.push_back(1 + rng() % 4);
              gaps.push_back(rng() % 3 == 0 ? 0 : rng() % 20000);
              for (size_t i = 0; i < rounds.back(); ++i) {
                const uint64_t start = rng() % (uint64_t{1} << 30) / 64 * 64;
                transfers.push_back({start, 1 + rng() % 2500, rng() % 3 == 0});
              }
            }
            const Outcome settled =
                run(d, mapping, power_down, transfers, rounds, gaps, true, false, service);
            const Outcome stepped =
                run(d, mapping, power_down, transfers, rounds, gaps, false, false, service);
            const Outcome known =
                run(d, mapping, power_down, transfers, rounds, gaps, false, true, service);
            const std::string what =
                std::string(service == Service::queue ? "queue " : "streams ") + device + " " +
                mapping + " seed " + std::to_string(seed) + " self-refresh " +
                std::to_string(power_down.self_refresh_cycles);
            for (const Outcome* o : {&stepped, &known}) {
              const std::string at = what + (o == &stepped ? ", without skipping" : ", all known");
              EXPECT_EQ(settled.completions, o->completions) << at;
              ASSERT_EQ(settled.log.size(), o->log.size()) << at;
              for (size_t i = 0; i < o->log.size(); ++i) {
                ASSERT_EQ(settled.log[i].cycle, o->log[i].cycle) << at << " command " << i;
                ASSERT_EQ(settled.log[i].kind, o->log[i].kind) << at << " command " << i;
              }
              EXPECT_EQ(settled.stats.read_latency_sum, o->stats.read_latency_sum) << at;
              EXPECT_EQ(settled.stats.queue_occupancy_sum, o->stats.queue_occupancy_sum) << at;
              EXPECT_EQ(settled.stats.background_pj, o->stats.background_pj) << at;
            }
          }
        }
      }
    }
}

TEST(DdrSettle, ATransferFinishesLaterWhenAnotherTakesTheBus) {
  const Device d = load_preset("DDR4-3200-x8", {}).device;
  const uint64_t bursts = 2048;
  MemorySystem alone(d, make_policies(d, {"frfcfs", "open"}), d.address_mapping);
  alone.add_run(0, bursts, false, 0, 1);
  const uint64_t by_itself = alone.settle(1);
  // Another read of as many bursts, elsewhere, arriving with it: FR-FCFS interleaves the two
  // streams, so the first finishes later, and the two together take about twice as long.
  MemorySystem shared(d, make_policies(d, {"frfcfs", "open"}), d.address_mapping);
  shared.add_run(0, bursts, false, 0, 1);
  shared.add_run(uint64_t{1} << 28, bursts, false, 0, 2);
  const uint64_t first = shared.settle(1);
  const uint64_t second = shared.settle(2);
  EXPECT_GT(first, by_itself);
  EXPECT_GE(second, first);
  const auto peak = bursts * static_cast<uint64_t>(d.burst_cycles());
  EXPECT_GE(second, 2 * peak);
}

// The two logs hold the same commands (cycle, kind, bank, row), or where they first differ.
testing::AssertionResult same_commands(const std::vector<IssuedCommand>& a,
                                       const std::vector<IssuedCommand>& b) {
  if (a.size() != b.size()) {
    return testing::AssertionFailure() << a.size() << " commands against " << b.size();
  }
  for (size_t i = 0; i < a.size(); ++i) {
    const IssuedCommand &x = a[i], &y = b[i];
    if (!(x.cycle == y.cycle && x.kind == y.kind && x.bank == y.bank && x.row == y.row)) {
      return testing::AssertionFailure()
             << "command " << i << " at " << x.cycle << " / " << y.cycle;
    }
  }
  return testing::AssertionSuccess();
}

// Read streams of transfers taking turns, in banks of their own, settle into a period whose
// repeats are skipped as a single stream's are: each run's share of a period, the turn and the
// arrivals enter the comparison. Completions and every command equal scheduling each one. (A
// read stream taking turns with a write stream has far fewer of its columns skipped: a sixth to
// a tenth in these cases.)
TEST(DdrSettle, TransfersTakingTurnsSkipTheirSteadyRepeats) {
  const Device d = load_preset("DDR4-3200-x8", {}).device;
  const uint64_t bursts = 4000;
  // Under rochrabacobg a bank's row spans 32 KiB: these start in banks 0, 1 and 2.
  const std::vector<std::vector<uint64_t>> cases = {
      {0, 0x8000}, {0, 0x8040}, {0, 0x8000, 0x10000}, {0x40, 0x8000, 0x10080}};
  for (const auto& starts : cases) {
    for (const uint64_t stagger : {uint64_t{0}, uint64_t{700}}) {
      std::vector<uint64_t> done[2];
      std::vector<IssuedCommand> logs[2];
      uint64_t skipped[2] = {};
      for (int skip = 0; skip < 2; ++skip) {
        MemorySystem memory(d, make_policies(d, {"frfcfs", "open"}), "rochrabacobg");
        memory.channel(0).skip_repeats(skip == 1);
        memory.channel(0).record_commands(&logs[skip]);
        for (size_t i = 0; i < starts.size(); ++i) {
          memory.add_run(starts[i], bursts, false, i * stagger, i + 1);
        }
        for (size_t i = 0; i < starts.size(); ++i) done[skip].push_back(memory.settle(i + 1));
        skipped[skip] = memory.channel(0).columns_skipped();
      }
      const std::string at = std::to_string(starts.size()) + " transfers from " +
                             std::to_string(starts[1]) + ", arriving " + std::to_string(stagger) +
                             " cycles apart";
      EXPECT_EQ(done[0], done[1]) << at;
      ASSERT_TRUE(same_commands(logs[0], logs[1])) << at;
      EXPECT_EQ(skipped[0], 0U) << at;
      // What is left is each stream's start and its move to the next bank every 512 bursts.
      EXPECT_GT(skipped[1], bursts * starts.size() / 5) << at;
    }
  }
}

// A transfer arriving while two take turns joins them as it would had every request been admitted
// one by one: a skip of the two ends before it arrives, whenever that is.
TEST(DdrSettle, ATransferJoiningTheTurnsAfterASkipGetsItsTurn) {
  const Device d = load_preset("DDR4-3200-x8", {}).device;
  uint64_t skipped = 0;
  for (uint64_t arrival = 400; arrival < 2400; arrival += 5) {
    std::vector<IssuedCommand> logs[2];
    for (int skip = 0; skip < 2; ++skip) {
      MemorySystem memory(d, make_policies(d, {"frfcfs", "open"}), "rochrabacobg");
      memory.channel(0).skip_repeats(skip == 1);
      memory.channel(0).record_commands(&logs[skip]);
      memory.add_run(0, 1500, false, 0, 1);
      memory.add_run(0x8040, 1500, false, 0, 2);
      memory.add_run(0x10000, 500, false, arrival, 3);
      memory.drain();
      if (skip == 1) skipped += memory.channel(0).columns_skipped();
    }
    ASSERT_TRUE(same_commands(logs[0], logs[1])) << "arriving at " << arrival;
  }
  EXPECT_GT(skipped, 0U);
}

// A transfer's last requests, draining from the queue while the next transfer is on its way, are
// replayed without a search as they are when nothing follows, and the arrival ends the replay
// where it is, whenever that is.
TEST(DdrSettle, ADrainingQueueReplaysUntilTheNextTransferArrives) {
  const Device d = load_preset("DDR4-3200-x8", {}).device;
  const auto first = [&](MemorySystem& memory) { memory.add_run(0, 600, false, 0, 1); };
  MemorySystem alone(d, make_policies(d, {"frfcfs", "open"}), "rochrabacobg");
  first(alone);
  const uint64_t end = alone.settle(1);
  const uint64_t replayed_alone = alone.channel(0).columns_replayed();
  ASSERT_GT(replayed_alone, 0U);
  for (uint64_t arrival = end - 600; arrival < end + 100; arrival += 7) {
    std::vector<IssuedCommand> logs[2];
    uint64_t done[2][2] = {};
    uint64_t replayed = 0;
    for (int skip = 0; skip < 2; ++skip) {
      MemorySystem memory(d, make_policies(d, {"frfcfs", "open"}), "rochrabacobg");
      memory.channel(0).skip_repeats(skip == 1);
      memory.channel(0).record_commands(&logs[skip]);
      first(memory);
      memory.add_run(0x8040, 200, false, arrival, 2);
      done[skip][0] = memory.settle(1);
      replayed = memory.channel(0).columns_replayed();
      done[skip][1] = memory.settle(2);
    }
    const std::string at = "arriving at " + std::to_string(arrival);
    EXPECT_EQ(done[0][0], done[1][0]) << at;
    EXPECT_EQ(done[0][1], done[1][1]) << at;
    ASSERT_TRUE(same_commands(logs[0], logs[1])) << at;
    if (arrival >= end) {
      EXPECT_EQ(replayed, replayed_alone) << at;
    }
  }
}

// Waiting entries of every kind in one channel: requests no transfer names (they enter in order),
// named runs and named single requests (as each channel of several gets a transfer's bursts),
// arriving together or apart, all queued before the named ones are settled in turn. Skipping
// changes no command, completion or statistic, and the mix does skip.
TEST(DdrSettle, SkippingChangesNothingWhateverWaits) {
  const Device d = load_preset("DDR4-3200-x8", {}).device;
  const AddressMap map(d, "rochrabacobg");
  const auto burst = static_cast<uint64_t>(d.burst_bytes());
  uint64_t skipped = 0;
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937_64 rng(seed);
    struct Entry {
      uint64_t address, count;
      bool write, singles;
      uint64_t transfer, arrival;
    };
    std::vector<Entry> entries;
    uint64_t t = 0, transfers = 0;
    for (int i = 0; i < 12; ++i) {
      if (rng() % 3 == 0) t += rng() % 3000;
      const uint64_t transfer = rng() % 4 != 0 ? ++transfers : 0;
      const uint64_t address = rng() % (uint64_t{1} << 28) / burst * burst;
      const uint64_t count = 1 + rng() % 1500;
      const bool write = rng() % 4 == 0, singles = rng() % 4 == 0;
      entries.push_back({address, count, write, singles, transfer, t});
    }
    std::vector<IssuedCommand> logs[2];
    std::vector<uint64_t> done[2];
    ChannelStats stats[2];
    for (int skip = 0; skip < 2; ++skip) {
      Channel channel(d, make_policies(d, {"frfcfs", "open"}));
      channel.skip_repeats(skip == 1);
      channel.record_commands(&logs[skip]);
      for (const Entry& e : entries) {
        if (e.singles) {
          for (uint64_t b = 0; b < e.count; ++b) {
            channel.add(map.decode(e.address + b * burst), e.write, e.arrival, e.transfer);
          }
        } else {
          channel.add_run(map, e.address, e.count, e.write, e.arrival, e.transfer);
        }
      }
      for (uint64_t id = 1; id <= transfers; ++id) done[skip].push_back(channel.settle(id));
      const uint64_t end = channel.drain();
      done[skip].push_back(end);
      stats[skip] = channel.stats(end);
      if (skip == 1) skipped += channel.columns_skipped();
    }
    const std::string at = "seed " + std::to_string(seed);
    EXPECT_EQ(done[0], done[1]) << at;
    ASSERT_TRUE(same_commands(logs[0], logs[1])) << at;
    const ChannelStats &a = stats[0], &b = stats[1];
    EXPECT_EQ(a.read_latency_sum, b.read_latency_sum) << at;
    EXPECT_EQ(a.read_latency_max, b.read_latency_max) << at;
    EXPECT_EQ(a.queue_occupancy_sum, b.queue_occupancy_sum) << at;
    EXPECT_EQ(a.background_pj, b.background_pj) << at;
  }
  EXPECT_GT(skipped, 0U);
}

}  // namespace
}  // namespace tessera::ddr
