// The controller never breaks the DDR protocol, and its next-event scheduling issues exactly the
// commands a per-cycle controller with the same policy issues.
#include <gtest/gtest.h>

#include <random>

#include "models/dram/ddr/memory_system.h"
#include "models/dram/ddr/policies.h"
#include "models/dram/ddr/presets.h"
#include "sim/registry.h"
#include "tests/models/ddr_protocol.h"
#include "tests/models/ddr_reference.h"

namespace tessera::ddr {
namespace {

Device preset(const std::string& name) {
  return load_preset(name, {}).device;
}

// Requests with locality: runs of consecutive bursts at random places, some reads, some writes,
// arriving in bursts and gaps.
struct Traffic {
  std::vector<uint64_t> address;
  std::vector<bool> write;
  std::vector<uint64_t> arrival;
};

Traffic random_traffic(const Device& d, uint64_t capacity, int n, uint32_t seed, int max_gap) {
  std::mt19937_64 rng(seed);
  Traffic t;
  uint64_t now = 0, next = 0;
  int run = 0;
  const auto burst = static_cast<uint64_t>(d.burst_bytes());
  for (int i = 0; i < n; ++i) {
    if (run == 0) {
      next = rng() % (capacity / burst) * burst;
      run = 1 + static_cast<int>(rng() % 16);
    }
    t.address.push_back(next);
    next = (next + burst) % capacity;
    --run;
    t.write.push_back(rng() % 3 == 0);
    now += rng() % static_cast<uint64_t>(max_gap + 1);
    t.arrival.push_back(now);
  }
  return t;
}

// A device and the controller's policies (registered names, models/dram/ddr/policies.h).
struct Case {
  std::string preset, scheduler, page, refresh = "device";
  [[nodiscard]] Policies policies(const Device& d) const {
    return make_policies(d, {scheduler, page, refresh});
  }
};

std::string name_of(const Case& k) {
  std::string n =
      k.preset + "_" + k.scheduler + "_" + k.page + (k.refresh == "device" ? "" : "_" + k.refresh);
  for (char& c : n) {
    if (c == '-') c = '_';
  }
  return n;
}
std::string param_name(const testing::TestParamInfo<Case>& info) {
  return name_of(info.param);
}
// GoogleTest names a case's parameter with this, not with its bytes.
void PrintTo(const Case& k, std::ostream* out) {
  *out << name_of(k);
}

class Protocol : public testing::TestWithParam<Case> {};

TEST_P(Protocol, LongRandomTracesBreakNoTimingConstraint) {
  const Case& k = GetParam();
  const Device d = preset(k.preset);
  for (const int max_gap : {0, 6, 40}) {
    MemorySystem memory(d, k.policies(d), d.address_mapping);
    std::vector<std::vector<IssuedCommand>> logs(static_cast<size_t>(d.channels));
    for (int c = 0; c < d.channels; ++c) memory.channel(c).record_commands(&logs[c]);
    const int n = 20000;
    const Traffic t = random_traffic(d, memory.capacity_bytes(), n, 7 + max_gap, max_gap);
    for (int i = 0; i < n; ++i) memory.add(t.address[i], t.write[i], t.arrival[i]);
    const uint64_t end = memory.drain();
    const ChannelStats s = memory.totals(end);
    EXPECT_EQ(s.reads + s.writes, static_cast<uint64_t>(n));
    uint64_t refreshes = 0;
    for (const auto& log : logs) {
      EXPECT_EQ(test::check_protocol(d, log), "") << "max gap " << max_gap;
      for (const auto& c : log) refreshes += c.kind == CommandKind::refresh ? 1 : 0;
    }
    EXPECT_EQ(refreshes, s.refreshes);
    // Every rank of every channel was refreshed once per tREFI over the run (the last may be
    // still due when the last command issues).
    const uint64_t per_rank = end / static_cast<uint64_t>(d.tREFI);
    EXPECT_GE(refreshes + static_cast<uint64_t>(d.channels * d.ranks),
              per_rank * static_cast<uint64_t>(d.channels * d.ranks));
  }
}

TEST_P(Protocol, NextEventSchedulingMatchesAPerCycleController) {
  const Case& k = GetParam();
  Device d = preset(k.preset);
  d.channels = 1;
  d.queue_size = 8;  // a full queue holds arrivals back
  // Short refresh intervals put refreshes among the requests.
  d.tREFI = std::max(d.tRFC * 3, 600);
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    Channel channel(d, k.policies(d));
    test::ReferenceChannel reference(d, k.policies(d));
    std::vector<IssuedCommand> log;
    channel.record_commands(&log);
    // Few rows and banks, so that hits, misses and conflicts all happen often.
    std::mt19937_64 rng(seed);
    uint64_t arrival = 0;
    const uint64_t max_gap = 1 + seed % 12;
    for (int i = 0; i < 400; ++i) {
      Location at;
      at.rank = static_cast<int>(rng() % static_cast<uint64_t>(d.ranks));
      at.bankgroup = static_cast<int>(rng() % static_cast<uint64_t>(std::min(d.bankgroups, 2)));
      at.bank = static_cast<int>(rng() % 2 % static_cast<uint64_t>(d.banks_per_group));
      at.row = static_cast<int64_t>(rng() % 3);
      at.column = static_cast<int64_t>(rng() % 8);
      const bool write = rng() % 3 == 0;
      arrival += rng() % (max_gap + 1);
      channel.add(at, write, arrival);
      reference.add(at, write, arrival);
    }
    const uint64_t last = channel.drain();
    uint64_t reference_last = 0;
    std::vector<IssuedCommand> expected = reference.run(reference_last);
    EXPECT_EQ(last, reference_last) << "seed " << seed;
    auto by_cycle = [](const IssuedCommand& a, const IssuedCommand& b) {
      return a.cycle < b.cycle;
    };
    std::stable_sort(log.begin(), log.end(), by_cycle);
    std::stable_sort(expected.begin(), expected.end(), by_cycle);
    ASSERT_EQ(log.size(), expected.size()) << "seed " << seed;
    for (size_t i = 0; i < log.size(); ++i) {
      const IssuedCommand &a = log[i], &b = expected[i];
      ASSERT_TRUE(a.cycle == b.cycle && a.kind == b.kind && a.rank == b.rank &&
                  a.bankgroup == b.bankgroup && a.bank == b.bank && a.row == b.row &&
                  a.automatic == b.automatic)
          << "seed " << seed << ", command " << i << ": controller cycle " << a.cycle << " kind "
          << static_cast<int>(a.kind) << " rank " << a.rank << " bank " << a.bankgroup << "/"
          << a.bank << "; reference cycle " << b.cycle << " kind " << static_cast<int>(b.kind)
          << " rank " << b.rank << " bank " << b.bankgroup << "/" << b.bank;
    }
  }
}

TEST(ProtocolChecker, CatchesAReadBeforeTRCD) {
  const Device d = preset("DDR4-3200-x8");
  std::vector<IssuedCommand> log{
      {0, CommandKind::activate, 0, 0, 0, 5, false},
      {static_cast<uint64_t>(d.tRCD_read - 1), CommandKind::read, 0, 0, 0, 5, false}};
  EXPECT_NE(test::check_protocol(d, log).find("tRCD"), std::string::npos);
  log[1].cycle += 1;
  EXPECT_EQ(test::check_protocol(d, log), "");
}

TEST(ProtocolChecker, CatchesAFifthActivateWithinTFAW) {
  const Device d = preset("DDR4-3200-x8");
  std::vector<IssuedCommand> log;
  log.reserve(5);
  for (int i = 0; i < 5; ++i) {
    log.push_back(
        {static_cast<uint64_t>(i * d.tRRD_S), CommandKind::activate, 0, i % 4, i / 4, 1, false});
  }
  EXPECT_NE(test::check_protocol(d, log).find("tFAW"), std::string::npos);
  log[4].cycle = static_cast<uint64_t>(d.tFAW);
  EXPECT_EQ(test::check_protocol(d, log), "");
}

}  // namespace
}  // namespace tessera::ddr

namespace tessera::ddr {
namespace {

// Whole transfers (runs of consecutive bursts arriving together, as `dram: ddr` queues a box),
// one after another, some arriving while the last is still served, half of them again over rows
// read before (still open: the stream moves on to other banks without an ACT, as tiles of a
// matrix are read again), with power-down off, on, and on with self-refresh: queueing a
// transfer as one run, skipping the repeats of a steady stream and replaying its decisions
// change nothing, neither a command nor a count nor an energy.
TEST_P(Protocol, SkippingRepeatsOfAStreamChangesNothing) {
  const Case& k = GetParam();
  const Device d = preset(k.preset);
  const PowerDown modes[] = {{}, {64, 0}, {64, 3000}};
  for (const PowerDown& power_down : modes) {
    for (const char* mapping : {"rochrabacobg", "rochrababgco"}) {
      for (uint32_t seed = 1; seed <= 8; ++seed) {
        std::mt19937_64 rng(seed);
        std::vector<uint64_t> starts, sizes, gaps;
        std::vector<bool> writes, overlaps;
        for (int t = 0; t < 12; ++t) {
          const bool again = t > 0 && rng() % 2 == 0;
          starts.push_back(again ? starts[rng() % starts.size()] + rng() % 8 * 64
                                 : rng() % (uint64_t{1} << 30) / 64 * 64);
          sizes.push_back(1 + rng() % 3000);
          writes.push_back(rng() % 3 == 0);
          gaps.push_back(rng() % 20000);       // idle time, so that refreshes fall anywhere
          overlaps.push_back(rng() % 4 == 0);  // queued behind the last, not drained before it
        }
        ChannelStats stats[2];
        std::vector<IssuedCommand> logs[2];
        uint64_t ends[2] = {};
        for (int on = 0; on < 2; ++on) {
          MemorySystem memory(d, k.policies(d), mapping, power_down);
          for (int c = 0; c < d.channels; ++c) {
            memory.channel(c).skip_repeats(on == 1);
          }
          memory.channel(0).record_commands(&logs[on]);
          uint64_t t = 0;
          for (size_t i = 0; i < starts.size(); ++i) {
            // Without skipping, burst by burst; with it, as one run, as `dram: ddr` queues a box.
            const uint64_t start = starts[i] % (memory.capacity_bytes() / 2);
            if (on == 1) {
              memory.add_run(start, sizes[i], writes[i], t);
            } else {
              for (uint64_t b = 0; b < sizes[i]; ++b) {
                memory.add(start + b * static_cast<uint64_t>(d.burst_bytes()), writes[i], t);
              }
            }
            if (!overlaps[i]) t = memory.drain() + gaps[i];
          }
          ends[on] = memory.drain();
          stats[on] = memory.totals(ends[on]);
        }
        const std::string at = std::string(mapping) + " seed " + std::to_string(seed) +
                               " power-down " + std::to_string(power_down.powerdown_cycles) + "/" +
                               std::to_string(power_down.self_refresh_cycles);
        const ChannelStats &a = stats[0], &b = stats[1];
        EXPECT_EQ(ends[0], ends[1]) << at;
        for (auto [x, y] : {std::pair{a.reads, b.reads},
                            {a.writes, b.writes},
                            {a.read_row_hits, b.read_row_hits},
                            {a.write_row_hits, b.write_row_hits},
                            {a.row_misses, b.row_misses},
                            {a.row_conflicts, b.row_conflicts},
                            {a.activates, b.activates},
                            {a.precharges, b.precharges},
                            {a.refreshes, b.refreshes},
                            {a.read_latency_sum, b.read_latency_sum},
                            {a.read_latency_max, b.read_latency_max},
                            {a.queue_occupancy_sum, b.queue_occupancy_sum},
                            {a.powerdown_exits, b.powerdown_exits},
                            {a.self_refresh_exits, b.self_refresh_exits},
                            {a.active_standby_cycles, b.active_standby_cycles},
                            {a.precharge_standby_cycles, b.precharge_standby_cycles},
                            {a.active_powerdown_cycles, b.active_powerdown_cycles},
                            {a.precharge_powerdown_cycles, b.precharge_powerdown_cycles},
                            {a.self_refresh_cycles, b.self_refresh_cycles}}) {
          EXPECT_EQ(x, y) << at;
        }
        // Energies are counts times energy per command or cycle: equal to the last bit.
        for (auto [x, y] : {std::pair{a.act_pj, b.act_pj},
                            {a.pre_pj, b.pre_pj},
                            {a.rd_pj, b.rd_pj},
                            {a.wr_pj, b.wr_pj},
                            {a.ref_pj, b.ref_pj},
                            {a.background_pj, b.background_pj}}) {
          EXPECT_EQ(x, y) << at;
        }
        EXPECT_EQ(test::check_protocol(d, logs[1]), "") << at;
        ASSERT_EQ(logs[0].size(), logs[1].size()) << at;
        for (size_t i = 0; i < logs[0].size(); ++i) {
          const IssuedCommand &x = logs[0][i], &y = logs[1][i];
          ASSERT_TRUE(x.cycle == y.cycle && x.kind == y.kind && x.rank == y.rank &&
                      x.bankgroup == y.bankgroup && x.bank == y.bank && x.row == y.row &&
                      x.automatic == y.automatic)
              << at << ", command " << i << " at " << x.cycle << " / " << y.cycle;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Devices, Protocol,
    testing::Values(Case{"DDR4-3200-x8", "frfcfs", "open"},
                    Case{"DDR4-3200-x8", "frfcfs", "closed"}, Case{"DDR4-3200-x8", "fcfs", "open"},
                    Case{"DDR4-3200-x16", "frfcfs", "open"}, Case{"DDR4-2400-x8", "fcfs", "closed"},
                    Case{"LPDDR4-2400", "frfcfs", "open"}, Case{"HBM2", "frfcfs", "open"},
                    Case{"HBM2", "fcfs", "closed"}, Case{"DDR3-1600", "frfcfs", "closed"},
                    Case{"GDDR6", "frfcfs", "open"}),
    param_name);

// Every registered policy, each with the defaults of the other two, on a device of two ranks:
// a new scheduler, page policy or refresh policy is held to the protocol, to the per-cycle
// controller and to the skipping of repeats as soon as it is registered.
std::vector<Case> every_policy() {
  std::vector<Case> cases;
  for (const auto& [name, e] : Registry<Scheduler>::instance().entries()) {
    cases.push_back({"DDR4-3200-x8", name, "open", "staggered"});
  }
  for (const auto& [name, e] : Registry<PagePolicy>::instance().entries()) {
    if (name != "open") cases.push_back({"DDR4-3200-x8", "frfcfs", name, "staggered"});
  }
  for (const auto& [name, e] : Registry<RefreshPolicy>::instance().entries()) {
    if (name != "staggered") cases.push_back({"DDR4-3200-x8", "frfcfs", "open", name});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Policies, Protocol, testing::ValuesIn(every_policy()), param_name);

}  // namespace
}  // namespace tessera::ddr
