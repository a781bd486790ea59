// The controller's timing against figures worked out by hand from the device's datasheet
// parameters (tRCD, CL, tRP, tRC, tFAW, tREFI, tRFC, tWTR, burst length), never from its own
// output.
#include <gtest/gtest.h>

#include <utility>

#include "models/dram/ddr/memory_system.h"
#include "models/dram/ddr/presets.h"
#include "tests/models/ddr_protocol.h"

namespace tessera::ddr {
namespace {

Device ddr4() {
  return load_preset("DDR4-3200-x8", {}).device;
}

// One channel with one rank, so that refresh falls due at tREFI exactly.
Device one_rank(Device d) {
  d.ranks = 1;
  return d;
}

uint64_t u(int v) {
  return static_cast<uint64_t>(v);
}

struct Fixture {
  Device d;
  AddressMap map;
  Channel channel;
  std::vector<IssuedCommand> log;
  explicit Fixture(Device device, const std::string& page = "open")
      : d(std::move(device)),
        map(d, d.address_mapping),
        channel(d, make_policies(d, {"frfcfs", page})) {
    channel.record_commands(&log);
  }
  void add(int bankgroup, int bank, int64_t row, int64_t column, bool write, uint64_t arrival) {
    Location at;
    at.bankgroup = bankgroup;
    at.bank = bank;
    at.row = row;
    at.column = column;
    channel.add(at, write, arrival);
  }
  std::vector<uint64_t> cycles_of(CommandKind k) const {
    std::vector<uint64_t> out;
    for (const auto& c : log) {
      if (c.kind == k) out.push_back(c.cycle);
    }
    return out;
  }
};

TEST(DdrTiming, UnloadedReadLatencyOnAMissAHitAndAConflict) {
  Fixture f(one_rank(ddr4()));
  const Device& d = f.d;
  const uint64_t rl = u(d.AL + d.CL), burst = u(d.burst_length / 2);
  // Miss: the bank is closed. ACT, tRCD, RD, CL, then the burst.
  f.add(0, 0, 7, 0, false, 0);
  EXPECT_EQ(f.channel.drain(), u(d.tRCD_read) + rl + burst);
  // Hit, long after: RD at once.
  const uint64_t t1 = 1000;
  f.add(0, 0, 7, 1, false, t1);
  EXPECT_EQ(f.channel.drain(), t1 + rl + burst);
  // Conflict: PRE, tRP, ACT, tRCD, RD.
  const uint64_t t2 = 2000;
  f.add(0, 0, 9, 0, false, t2);
  EXPECT_EQ(f.channel.drain(), t2 + u(d.tRP) + u(d.tRCD_read) + rl + burst);
  const ChannelStats s = f.channel.stats(0);
  EXPECT_EQ(s.read_row_hits, 1u);
  EXPECT_EQ(s.row_misses, 1u);
  EXPECT_EQ(s.row_conflicts, 1u);
  EXPECT_EQ(s.read_latency_max, u(d.tRP) + u(d.tRCD_read) + rl + burst);
}

TEST(DdrTiming, SequentialStreamingReachesNinetyPercentOfPeak) {
  // Bank groups interleaved on consecutive bursts: tCCD_S, not tCCD_L, paces the stream.
  for (const char* name : {"DDR4-3200-x8", "DDR4-3200-x16", "DDR4-2400-x8", "LPDDR4-2400"}) {
    const Device d = load_preset(name, {}).device;
    MemorySystem memory(d, make_policies(d, {"frfcfs", "open"}), "rochrabacobg");
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
      memory.add(static_cast<uint64_t>(i) * u(d.burst_bytes()), false, 0);
    }
    const uint64_t cycles = memory.drain();
    const double peak_cycles = static_cast<double>(n) * d.burst_length / 2;
    EXPECT_GE(peak_cycles / static_cast<double>(cycles), 0.90) << name;
    EXPECT_LE(peak_cycles, static_cast<double>(cycles)) << name;
  }
}

TEST(DdrTiming, RandomRowsInOneBankAreBoundedByTRC) {
  Fixture f(one_rank(ddr4()));
  const Device& d = f.d;
  const int n = 2000;
  for (int i = 0; i < n; ++i) f.add(1, 2, (i * 7919) % 60000, i % 128, false, 0);
  const uint64_t cycles = f.channel.drain();
  const auto acts = f.cycles_of(CommandKind::activate);
  // A refresh may close a row before its read and make it open again.
  ASSERT_GE(acts.size(), u(n));
  ASSERT_LE(acts.size(), u(n) + f.cycles_of(CommandKind::refresh).size());
  for (size_t i = 1; i < acts.size(); ++i) EXPECT_GE(acts[i] - acts[i - 1], u(d.tRC));
  // One row per tRC at best; refresh (tRFC every tREFI) is the only other loss.
  const double per_row = static_cast<double>(cycles) / n;
  EXPECT_GE(per_row, d.tRC);
  EXPECT_LE(per_row, d.tRC * (1.0 + 2.0 * d.tRFC / d.tREFI) + 1);
}

TEST(DdrTiming, FourActivateWindow) {
  Fixture f(one_rank(ddr4()));
  const Device& d = f.d;
  // Eight banks in four bank groups, rows all different: the fifth ACT waits for tFAW.
  for (int i = 0; i < 8; ++i) f.add(i % 4, i / 4, 100 + i, 0, false, 0);
  f.channel.drain();
  const auto acts = f.cycles_of(CommandKind::activate);
  ASSERT_EQ(acts.size(), 8u);
  for (size_t i = 1; i < 4; ++i) EXPECT_EQ(acts[i] - acts[i - 1], u(d.tRRD_S));
  ASSERT_GT(d.tFAW, 3 * d.tRRD_S + d.tRRD_S);  // the window, not tRRD, is the limit here
  // The fifth ACT issues as soon as the window allows, unless a read (first-ready: row hits go
  // first) takes the command bus in that cycle.
  const uint64_t window = acts[0] + u(d.tFAW);
  bool bus_taken = false;
  for (const auto& c : f.log) {
    bus_taken = bus_taken || (c.cycle == window && c.kind != CommandKind::activate);
  }
  EXPECT_EQ(acts[4], window + (bus_taken ? 1 : 0));
  for (size_t i = 4; i < 8; ++i) EXPECT_GE(acts[i], acts[i - 4] + u(d.tFAW));
}

TEST(DdrTiming, RefreshEveryTREFIStallsTheRankForTRFC) {
  Fixture f(one_rank(ddr4()));
  const Device& d = f.d;
  const uint64_t rl = u(d.AL + d.CL), burst = u(d.burst_length / 2);
  // A read arriving when the first refresh falls due waits for it.
  f.add(0, 0, 3, 0, false, u(d.tREFI));
  EXPECT_EQ(f.channel.drain(), u(d.tREFI) + u(d.tRFC) + u(d.tRCD_read) + rl + burst);
  // Light traffic over many intervals: one REF per tREFI, each at its due cycle or just after
  // closing the open bank (at most tRAS + tRP late).
  for (int i = 0; i < 400; ++i) f.add(i % 4, 0, i % 5, 0, i % 3 == 0, u(d.tREFI) + u(i) * 300);
  f.channel.drain();
  const auto refs = f.cycles_of(CommandKind::refresh);
  ASSERT_GE(refs.size(), uint64_t{400} * 300 / u(d.tREFI));
  for (size_t k = 0; k < refs.size(); ++k) {
    const uint64_t due = (k + 1) * u(d.tREFI);
    EXPECT_GE(refs[k], due);
    EXPECT_LE(refs[k], due + u(d.tRAS + d.tRP + d.tWR + d.CWL + 8));
  }
  EXPECT_EQ(test::check_protocol(d, f.log), "");
}

TEST(DdrTiming, WriteToReadTurnaround) {
  const Device d = one_rank(ddr4());
  const uint64_t wl = u(d.AL + d.CWL), burst = u(d.burst_length / 2);
  for (const bool same_group : {true, false}) {
    Fixture f(d);
    // Both rows opened first, then a write and a read queued together: the read waits for the
    // write's data plus tWTR_L (same bank group) or tWTR_S (another group).
    f.add(0, 0, 1, 0, false, 0);
    f.add(same_group ? 0 : 1, 1, 1, 0, false, 0);
    f.channel.drain();
    f.log.clear();
    f.add(0, 0, 1, 1, true, 500);
    f.add(same_group ? 0 : 1, 1, 1, 1, false, 500);
    f.channel.drain();
    const auto wr = f.cycles_of(CommandKind::write), rd = f.cycles_of(CommandKind::read);
    ASSERT_EQ(wr.size(), 1u);
    ASSERT_EQ(rd.size(), 1u);
    EXPECT_EQ(rd[0] - wr[0], wl + burst + u(same_group ? d.tWTR_L : d.tWTR_S)) << same_group;
  }
}

TEST(DdrTiming, ClosedPagePrechargesAfterEveryAccess) {
  Fixture f(one_rank(ddr4()), "closed");
  const Device& d = f.d;
  f.add(0, 0, 7, 0, false, 0);
  f.add(0, 0, 7, 1, false, 1000);
  const uint64_t rl = u(d.AL + d.CL), burst = u(d.burst_length / 2);
  EXPECT_EQ(f.channel.drain(), 1000 + u(d.tRCD_read) + rl + burst);  // a miss again
  const auto pres = f.cycles_of(CommandKind::precharge);
  ASSERT_EQ(pres.size(), 2u);
  EXPECT_EQ(pres[0], u(d.tRAS));  // tRAS after the ACT bounds it, not tRCD + tRTP
}

TEST(DdrTiming, EnergyFromCurrentsAsMicronComputesIt) {
  Fixture f(one_rank(ddr4()));
  const Device& d = f.d;
  f.add(0, 0, 7, 0, false, 0);
  f.add(0, 0, 9, 0, true, 200);
  const uint64_t end = f.channel.drain();
  const ChannelStats s = f.channel.stats(end);
  const int devices = d.bus_width / d.device_width;  // per rank
  const int data_cycles = d.burst_length / 2;        // double data rate
  const double scale = d.VDD * d.tck_ns * devices;   // mA V ns = pJ
  EXPECT_DOUBLE_EQ(s.act_pj, 2 * (d.IDD0 - d.IDD3N) * d.tRAS * scale);
  EXPECT_DOUBLE_EQ(s.pre_pj, 1 * (d.IDD0 - d.IDD2N) * d.tRP * scale);
  EXPECT_DOUBLE_EQ(s.rd_pj, (d.IDD4R - d.IDD3N) * data_cycles * scale);
  EXPECT_DOUBLE_EQ(s.wr_pj, (d.IDD4W - d.IDD3N) * data_cycles * scale);
  EXPECT_DOUBLE_EQ(s.ref_pj, 0);
  // A bank is open from the first ACT on (open page) except for tRP at the conflict: IDD3N while
  // one is open, IDD2N while all are closed.
  EXPECT_DOUBLE_EQ(s.background_pj,
                   (d.IDD3N * static_cast<double>(end - u(d.tRP)) + d.IDD2N * d.tRP) * scale);
  const ChannelStats later = f.channel.stats(end + 1000);
  EXPECT_DOUBLE_EQ(later.background_pj - s.background_pj, d.IDD3N * 1000 * scale);
}

}  // namespace
}  // namespace tessera::ddr
