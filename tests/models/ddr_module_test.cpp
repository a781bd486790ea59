// dram: ddr as a TLM target: a whole box is one transaction whose delay is its last data beat,
// converted between the DRAM and accelerator clocks; its peak bandwidth is the device's; and it
// reports its energy next to the other modules'. Each test runs in its own process (SystemC
// elaborates once per process).
#include <gtest/gtest.h>

#include <cmath>

#include <tlm_utils/simple_initiator_socket.h>

#include "models/dram/ddr/presets.h"
#include "models/dram/interface.h"
#include "sim/arch_config.h"
#include "sim/energy_table.h"
#include "sim/registry.h"
#include "sim/top.h"
#include "traces/trace_reader.h"

namespace tessera {
namespace {

struct DdrInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<DdrInitiator> socket{"socket"};
  explicit DdrInitiator(const sc_core::sc_module_name& n) : sc_core::sc_module(n) {}
};

// Builds `dram: ddr` with overrides at a 1 GHz accelerator clock and binds an initiator to it.
struct DdrBench {
  std::unique_ptr<Dram> dram;
  DdrInitiator initiator{"initiator"};
  explicit DdrBench(const std::vector<std::string>& overrides) {
    Component::set_clock_mhz(1000);
    std::vector<std::string> all{"dram.impl=ddr"};
    all.insert(all.end(), overrides.begin(), overrides.end());
    const ArchConfig arch = load_arch(default_arch_yaml(), "<built-in>", all);
    const ModuleConfig& m = arch.module("dram");
    dram = Registry<Dram>::instance().find("ddr", {}).create("dram", m.params);
    initiator.socket.bind(dram->port);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // ends elaboration
  }
  // The delay of one transaction of `bytes` at `address`, in accelerator cycles.
  uint64_t transfer(tlm::tlm_command cmd, uint64_t address, int64_t bytes) {
    Transaction t;
    t.prepare(cmd, address);
    t.ext.bytes = bytes;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    initiator.socket->b_transport(t.payload, delay);
    EXPECT_TRUE(t.payload.is_response_ok());
    return Component::to_cycles(delay);
  }
  // A transaction issued at cycle `issue` that the initiator can wait for: its completion, still
  // pending when the DRAM deferred it.
  Completion in_flight(tlm::tlm_command cmd, uint64_t address, int64_t bytes, uint64_t issue) {
    Transaction t;
    t.prepare(cmd, address);
    t.ext.bytes = bytes;
    t.ext.may_defer = true;
    sc_core::sc_time delay = Component::cycles(issue);
    initiator.socket->b_transport(t.payload, delay);
    EXPECT_TRUE(t.payload.is_response_ok());
    return std::move(t.ext.completion);
  }
};

TEST(DdrModule, TransfersInFlightTogetherShareTheBus) {
  // Closed page, so that a read finds its banks as it would on a fresh device; both phases end
  // before the first refresh (tREFI, 7.8 us).
  DdrBench b({"dram.preset=DDR4-3200-x8", "dram.powerdown=off", "dram.page_policy=closed"});
  const int64_t bytes = 16 << 10;
  // A write-back, and a read of as many bytes elsewhere issued beside it, both still in flight:
  // their bursts take turns into the controller's queue and are served as one stream.
  Completion write = b.in_flight(tlm::TLM_WRITE_COMMAND, uint64_t{1} << 28, bytes, 0);
  Completion read = b.in_flight(tlm::TLM_READ_COMMAND, 0, bytes, 0);
  EXPECT_TRUE(read.pending());
  EXPECT_TRUE(write.pending());
  const uint64_t together = read.settle();
  const uint64_t both = std::max(together, write.settle());
  // The same read alone, later.
  const uint64_t later = 3000;
  ASSERT_GT(later, both);
  Completion alone = b.in_flight(tlm::TLM_READ_COMMAND, 0, bytes, later);
  const uint64_t by_itself = alone.settle() - later;
  EXPECT_GT(together, by_itself);
  const double peak = b.dram->peak_bytes_per_cycle();
  EXPECT_GE(static_cast<double>(both), 2 * static_cast<double>(bytes) / peak);
  EXPECT_EQ(b.dram->bytes_read(), 2 * static_cast<uint64_t>(bytes));
  EXPECT_EQ(b.dram->bytes_written(), static_cast<uint64_t>(bytes));
}

// One read of 128 KiB from address 0 with the given refresh policy, on two ranks whose refreshes
// fall due at tREFI / 2 and tREFI (staggered) or both at tREFI (simultaneous): the refreshes it
// saw.
uint64_t refreshes_during_a_read(const std::string& policy) {
  DdrBench b({"dram.preset=DDR4-3200-x8", "dram.powerdown=off", "dram.refresh_policy=" + policy});
  const ddr::Device d = ddr::load_preset("DDR4-3200-x8", {}).device;
  EXPECT_EQ(d.ranks, 2);
  const uint64_t cycles = b.transfer(tlm::TLM_READ_COMMAND, 0, 128 << 10);
  // It ends after the first staggered refresh falls due and before tREFI (accelerator: 1 ns).
  EXPECT_GT(static_cast<double>(cycles), d.tREFI / 2 * d.tck_ns);
  EXPECT_LT(static_cast<double>(cycles), d.tREFI * d.tck_ns);
  for (const CounterValue& c : b.dram->stats().snapshot()) {
    if (c.name == "refreshes") return c.value;
  }
  ADD_FAILURE() << "no refreshes counter";
  return 0;
}

TEST(DdrModule, StaggeredRefreshBlocksOneRankHalfwayThroughTheInterval) {
  EXPECT_EQ(refreshes_during_a_read("staggered"), 1u);
}

TEST(DdrModule, SimultaneousRefreshWaitsForTheWholeInterval) {
  EXPECT_EQ(refreshes_during_a_read("simultaneous"), 0u);
}

TEST(DdrModule, OneBurstTakesTRCDPlusCLPlusTheBurstOnTheAcceleratorClock) {
  DdrBench b({"dram.preset=DDR4-3200-x8"});
  const ddr::Device d = ddr::load_preset("DDR4-3200-x8", {}).device;
  const int data_cycles = d.burst_length / 2;                       // double data rate
  const double ns = (d.tRCD_read + d.CL + data_cycles) * d.tck_ns;  // 48 x 0.63 ns
  EXPECT_EQ(b.transfer(tlm::TLM_READ_COMMAND, 0, 64), static_cast<uint64_t>(std::ceil(ns)));
}

TEST(DdrModule, PeakBandwidthIsTheDevices) {
  DdrBench b({"dram.preset=HBM2"});
  // Eight 128-bit channels, four beats per burst on a 1 ns clock: 8 x 64 B per 2 ns.
  EXPECT_DOUBLE_EQ(b.dram->peak_bytes_per_cycle(), 8 * 64 / 2.0);
}

TEST(DdrModule, ALargeTransferStreamsNearPeak) {
  DdrBench b({"dram.preset=DDR4-3200-x8", "dram.address_mapping=rochrabacobg"});
  const int64_t bytes = 4 << 20;
  const uint64_t cycles = b.transfer(tlm::TLM_READ_COMMAND, 1 << 20, bytes);
  const double peak = b.dram->peak_bytes_per_cycle();
  EXPECT_GE(static_cast<double>(bytes) / peak / static_cast<double>(cycles), 0.90);
  EXPECT_LT(static_cast<double>(bytes) / peak, static_cast<double>(cycles));
}

TEST(DdrModule, BadParametersAreInputErrors) {
  Component::set_clock_mhz(1000);
  auto build = [](const std::vector<std::string>& o) {
    const ArchConfig arch = load_arch(default_arch_yaml(), "<built-in>", o);
    (void)Registry<Dram>::instance().find("ddr", {}).create("dram", arch.module("dram").params);
  };
  EXPECT_THROW(build({"dram.preset=DDR5-9000"}), InputError);
  EXPECT_THROW(build({"dram.address_mapping=rorororororo"}), InputError);
  EXPECT_THROW(build({"dram.channels=3"}), InputError);
  EXPECT_THROW(build({"dram.ini=/nonexistent.ini"}), InputError);
  // Power-down thresholds below their exit penalties (DDR4-3200: tXP 10, tXS 576), or negative.
  for (const char* bad : {"dram.powerdown_cycles=9", "dram.powerdown_cycles=-1",
                          "dram.self_refresh_cycles=575", "dram.self_refresh_cycles=-5"}) {
    try {
      build({bad});
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      const std::string key = std::string(bad).substr(0, std::string(bad).find('='));
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(build({"dram.powerdown=off", "dram.powerdown_cycles=0"}));
}

TEST(DdrModule, EnergyFromCurrentsIsInTheRunsEnergyReport) {
  const Trace trace = parse_trace(
      "tessera_trace: 1\nname: t\nlayers:\n  - name: fc\n    op: gemm\n    m: 64\n    n: 256\n"
      "    k: 512\n",
      "<t>");
  const RunResult r =
      simulate(trace, load_arch(default_arch_yaml(), "<built-in>", {}), EnergyTable::builtin(), {});
  const ComponentResult* dram = nullptr;
  for (const auto& c : r.components) {
    if (c.name == "dram") dram = &c;
  }
  ASSERT_NE(dram, nullptr);
  EXPECT_EQ(dram->impl, "ddr");
  double sum = 0;
  for (const char* part : {"act", "pre", "rd", "wr", "ref", "background"}) {
    ASSERT_TRUE(dram->energy_pj.count(part)) << part;
    sum += dram->energy_pj.at(part);
  }
  EXPECT_GT(dram->energy_pj.at("rd"), 0);
  EXPECT_GT(dram->energy_pj.at("background"), 0);
  EXPECT_DOUBLE_EQ(dram->total_energy_pj(), sum);
  // The layer's share is the same energy (one layer).
  double layer = 0;
  for (const auto& c : r.layers.at(0).components) {
    if (c.name == "dram") layer = c.energy_pj;
  }
  EXPECT_NEAR(layer, sum, 1e-6 * sum);
}

}  // namespace
}  // namespace tessera
