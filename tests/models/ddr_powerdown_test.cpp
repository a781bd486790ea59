// Power-down and self-refresh against figures worked out from the device's tXP, tXS, tRCD, CL,
// burst and IDD2N/IDD2P/IDD3N/IDD3P/IDD6 currents, never from the controller's own output.
#include <gtest/gtest.h>

#include "models/dram/ddr/channel.h"
#include "models/dram/ddr/presets.h"

namespace tessera::ddr {
namespace {

// DDR4-3200 x8 with one rank, so that the first refresh falls due at tREFI (12480), after every
// gap used here.
Device ddr4() {
  Device d = load_preset("DDR4-3200-x8", {}).device;
  d.ranks = 1;
  return d;
}

Location bank0_row(int64_t row) {
  Location at;
  at.row = row;
  return at;
}

uint64_t cycles(int v) {
  return static_cast<uint64_t>(v);
}

// pJ per rank-cycle at a current of `ma`.
double pj(const Device& d, double ma) {
  return ma * d.VDD * d.tck_ns * d.devices_per_rank();
}

constexpr uint64_t kPowerDown = 64, kSelfRefresh = 1000, kUntil = 9000;

TEST(DdrPowerDown, AnIdleGapSavesExactlyTheStandbyItReplaces) {
  const Device d = ddr4();
  Channel on(d, make_policies(d, {"frfcfs", "open"}), {kPowerDown, 0});
  Channel off(d, make_policies(d, {"frfcfs", "open"}));
  const uint64_t gap = 3000;
  for (Channel* c : {&on, &off}) {
    c->add(bank0_row(5), false, 0);
    c->drain();
    c->add(bank0_row(5), false, gap);  // a row hit, after the gap
    c->drain();
  }
  // The first read: ACT at 0, RD at tRCD, data until tRCD + CL + burst. The row stays open, so
  // the rank sleeps in active power-down from then + the threshold until the second arrives,
  // and again after the second read's data until the end.
  const uint64_t first_done = cycles(d.tRCD_read + d.CL + d.burst_cycles());
  const uint64_t second_done =
      gap + cycles(d.tXP + d.CL + d.burst_cycles());  // woken: tXP, then a hit
  const uint64_t asleep = (gap - first_done - kPowerDown) + (kUntil - second_done - kPowerDown);
  const ChannelStats s = on.stats(kUntil), base = off.stats(kUntil);
  EXPECT_EQ(s.active_powerdown_cycles, asleep);
  EXPECT_EQ(s.precharge_powerdown_cycles, 0U);
  EXPECT_EQ(s.powerdown_exits, 1U);
  EXPECT_EQ(s.active_standby_cycles + s.active_powerdown_cycles, kUntil);
  EXPECT_NEAR(base.background_pj - s.background_pj,
              static_cast<double>(asleep) * (pj(d, d.IDD3N) - pj(d, d.IDD3P)), 1e-6);
  EXPECT_NEAR(s.active_powerdown_pj, static_cast<double>(asleep) * pj(d, d.IDD3P), 1e-6);
  EXPECT_EQ(s.last_completion, second_done);
}

TEST(DdrPowerDown, TheExitDelaysTheNextCommandByTXP) {
  const Device d = ddr4();
  Channel on(d, make_policies(d, {"frfcfs", "open"}), {kPowerDown, 0});
  Channel off(d, make_policies(d, {"frfcfs", "open"}));
  for (Channel* c : {&on, &off}) {
    c->add(bank0_row(5), false, 0);
    c->drain();
    c->add(bank0_row(5), false, 2000);
    c->drain();
  }
  const ChannelStats a = on.stats(0), b = off.stats(0);
  EXPECT_EQ(a.read_latency_sum - b.read_latency_sum, static_cast<uint64_t>(d.tXP));
  // A gap shorter than the threshold: no power-down, no delay.
  Channel brief(d, make_policies(d, {"frfcfs", "open"}), {kPowerDown, 0});
  brief.add(bank0_row(5), false, 0);
  brief.drain();
  brief.add(bank0_row(5), false, 48 + kPowerDown - 1);
  brief.drain();
  EXPECT_EQ(brief.stats(0).read_latency_sum, b.read_latency_sum);
  EXPECT_EQ(brief.stats(0).powerdown_exits, 0U);
}

TEST(DdrPowerDown, ALongGapIsSpentInSelfRefreshWithBanksClosed) {
  const Device d = ddr4();
  Channel c(d, make_policies(d, {"frfcfs", "open"}), {kPowerDown, kSelfRefresh});
  c.add(bank0_row(5), false, 0);
  c.drain();
  const uint64_t gap = 5000;
  c.add(bank0_row(5), false, gap);
  c.drain();
  const uint64_t first_done = cycles(d.tRCD_read + d.CL + d.burst_cycles());
  const ChannelStats s = c.stats(gap);
  // Active power-down from the threshold to self-refresh entry, which closes the row: the
  // second read wakes the rank (tXS) and must open its row again.
  EXPECT_EQ(s.active_powerdown_cycles, kSelfRefresh - kPowerDown);
  EXPECT_EQ(s.self_refresh_cycles, gap - first_done - kSelfRefresh);
  EXPECT_EQ(s.self_refresh_exits, 1U);
  EXPECT_EQ(s.activates, 2U);
  const uint64_t second = cycles(d.tXS + d.tRCD_read + d.CL + d.burst_cycles());
  EXPECT_EQ(s.read_latency_sum, first_done + second);
  EXPECT_NEAR(s.self_refresh_pj, static_cast<double>(s.self_refresh_cycles) * pj(d, d.IDD6), 1e-6);
}

TEST(DdrPowerDown, SelfRefreshReplacesTheRefreshesItSpans) {
  const Device d = ddr4();
  Channel sleeping(d, make_policies(d, {"frfcfs", "open"}), {kPowerDown, kSelfRefresh});
  Channel awake(d, make_policies(d, {"frfcfs", "open"}));
  // Refresh falls due every tREFI; a rank asleep from early on through 3 of them refreshes
  // itself, and the refreshes resume once it wakes.
  const uint64_t gap = 3 * static_cast<uint64_t>(d.tREFI) + 3000;
  for (Channel* c : {&sleeping, &awake}) {
    c->add(bank0_row(5), false, 0);
    c->drain();
    c->add(bank0_row(5), false, gap);
    c->drain();
  }
  EXPECT_EQ(awake.stats(0).refreshes, 3U);
  EXPECT_EQ(sleeping.stats(0).refreshes, 0U);
  EXPECT_EQ(sleeping.stats(0).self_refresh_exits, 1U);
}

TEST(DdrPowerDown, ARefreshDoesNotKeepAnIdleRankFromSelfRefresh) {
  // A threshold longer than tREFI: the rank wakes for the refresh falling due at tREFI, and its
  // idle time still counts from its last request, so it enters self-refresh at the threshold.
  const Device d = ddr4();
  const uint64_t threshold = static_cast<uint64_t>(d.tREFI) + 4000;
  Channel c(d, make_policies(d, {"frfcfs", "open"}), {kPowerDown, threshold});
  c.add(bank0_row(5), false, 0);
  c.drain();
  // Woken between two slots of the refresh grid, so that no refresh falls due as it wakes.
  const uint64_t gap = 4 * static_cast<uint64_t>(d.tREFI) + 3000;
  c.add(bank0_row(5), false, gap);
  c.drain();
  const uint64_t first_done = cycles(d.tRCD_read + d.CL + d.burst_cycles());
  const ChannelStats s = c.stats(gap);
  EXPECT_EQ(s.refreshes, 1U);
  EXPECT_EQ(s.self_refresh_exits, 1U);
  EXPECT_EQ(s.self_refresh_cycles, gap - first_done - threshold);
}

}  // namespace
}  // namespace tessera::ddr
