// Cycle attribution: a layer's cycles split into causes that add up to them exactly, checked on
// hand-computed layers, on cases built so that one cause appears (and on a control without it),
// and on many random layers and architectures. SystemC allows one simulate() per process: each
// test simulates once.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sim/arch_config.h"
#include "sim/energy_table.h"
#include "sim/numbers.h"
#include "sim/top.h"
#include "tests/support/files.h"
#include "traces/trace_reader.h"

namespace tessera {
namespace {

const std::string kArchDir = std::string(TESSERA_SOURCE_DIR) + "/traces/arch/";

// An architecture file and overrides of its parameters; no file: the built-in default.
struct Arch {
  std::string file;
  std::vector<std::string> overrides;
};

// The default array and buffer with an ideal DRAM of `gbps` (0: unlimited) and `latency_ns`.
Arch ideal_dram(const std::string& gbps, const std::string& latency_ns) {
  return {kArchDir + "default_ideal_dram.yaml",
          {"dram.bandwidth_gbps=" + gbps, "dram.latency_ns=" + latency_ns}};
}

Arch with(Arch a, const std::vector<std::string>& more) {
  a.overrides.insert(a.overrides.end(), more.begin(), more.end());
  return a;
}

RunResult simulate_text(const std::string& layers, const Arch& a) {
  const Trace trace = parse_trace("tessera_trace: 1\nlayers:\n" + layers, "<test>");
  const ArchConfig arch = a.file.empty() ? load_arch(default_arch_yaml(), "<built-in>", a.overrides)
                                         : load_arch(test::read_file(a.file), a.file, a.overrides);
  return simulate(trace, arch, EnergyTable::builtin(), RunOptions{});
}

// The causes of every layer add up to its cycles, and its waits for data to its stall cycles;
// returns the run's causes.
CycleCauses checked_total(const RunResult& r) {
  CycleCauses total;
  for (const LayerResult& l : r.layers) {
    EXPECT_EQ(l.cycles_by_cause.total(), l.cycles) << l.name;
    const CycleCauses& c = l.cycles_by_cause;
    EXPECT_EQ(c[CycleCause::layer_start] + c[CycleCause::dram_bandwidth_stall] +
                  c[CycleCause::dram_latency_stall] + c[CycleCause::crypto_stall],
              l.stall_cycles)
        << l.name;
    total += l.cycles_by_cause;
  }
  return total;
}

// A 64 x 32 x 32 GEMM: on the 32x32 weight-stationary array one fold of 32 rows and 32 columns
// streaming m = 64 (here split in two k-steps by the tile when `k_tiles` is 2).
std::string gemm(int64_t k, int64_t tile_k) {
  return "  - {name: g, op: gemm, m: 64, n: 32, k: " + std::to_string(k) +
         ", mapping: {buffer_tile: {m: 64, n: 32, k: " + std::to_string(tile_k) +
         "}, loop_order: [n, m, k]}}\n";
}

TEST(SplitInProportion, PartsAddUpAndFollowTheWeights) {
  EXPECT_EQ(split_in_proportion<3>(10, {1, 1, 0}), (std::array<uint64_t, 3>{5, 5, 0}));
  EXPECT_EQ(split_in_proportion<3>(10, {1, 1, 1}), (std::array<uint64_t, 3>{4, 3, 3}));
  EXPECT_EQ(split_in_proportion<3>(7, {0, 0, 0}), (std::array<uint64_t, 3>{7, 0, 0}));
  EXPECT_EQ(split_in_proportion<3>(5, {0, 3, 0}), (std::array<uint64_t, 3>{0, 5, 0}));
  EXPECT_EQ(split_in_proportion<2>(1, {1, 2}), (std::array<uint64_t, 2>{0, 1}));
  std::mt19937_64 rng(5);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t total = rng() % 1000000;
    const std::array<uint64_t, 3> w{rng() % 5000, rng() % 3 == 0 ? 0 : rng() % 5000,
                                    rng() % 50000000000};
    const auto parts = split_in_proportion<3>(total, w);
    EXPECT_EQ(parts[0] + parts[1] + parts[2], total);
    for (size_t j = 0; j < 3; ++j) {
      if (w[j] == 0 && (w[0] + w[1] + w[2]) > 0) {
        EXPECT_EQ(parts[j], 0U);
      }
    }
  }
}

// One fold: fill r = 32, steady T = m = 64, drain R + c - 1 = 63 (systolic_timing.h) = 159
// cycles; 65,536 MACs over 1,024 PEs = 64 ideal cycles. Unlimited bandwidth and 100 cycles of
// latency: the fetches end at 100 (the start), the write-back 100 after the compute (the end).
TEST(CycleCauses, HandComputedLatencyOnly) {
  const RunResult r = simulate_text(gemm(32, 32), ideal_dram("0", "100"));
  ASSERT_EQ(r.layers.size(), 1U);
  const CycleCauses& c = r.layers[0].cycles_by_cause;
  EXPECT_EQ(r.layers[0].cycles, 359U);
  CycleCauses want;
  want[CycleCause::compute] = 64;
  want[CycleCause::fill_drain] = 95;
  want[CycleCause::layer_start] = 100;
  want[CycleCause::layer_end] = 100;
  EXPECT_EQ(c.cycles, want.cycles);
}

// Two k-steps at 1 byte per cycle, no latency. Both steps' fetches are issued at the start
// (double buffering) and served in order: inputs 0 (2,048 B) to 2,048, weights 0 (1,024 B) to
// 3,072, inputs 1 to 5,120, weights 1 to 6,144. Step 0 computes 3,072..3,231 (159 cycles);
// step 1 waits for its weights until 6,144 (2,913 cycles of DRAM bandwidth) and computes to
// 6,303; the 2,048-byte output goes out by 8,351. Ideal compute: 131,072 MACs / 1,024 = 128 =
// the two folds' steady state, so no under-use; fill and drain 2 x 95.
TEST(CycleCauses, HandComputedBandwidthStallBetweenSteps) {
  const RunResult r = simulate_text(gemm(64, 32), ideal_dram("1", "0"));
  ASSERT_EQ(r.layers.size(), 1U);
  EXPECT_EQ(r.layers[0].cycles, 8351U);
  CycleCauses want;
  want[CycleCause::compute] = 128;
  want[CycleCause::fill_drain] = 190;
  want[CycleCause::layer_start] = 3072;
  want[CycleCause::dram_bandwidth_stall] = 2913;
  want[CycleCause::layer_end] = 2048;
  EXPECT_EQ(r.layers[0].cycles_by_cause.cycles, want.cycles);
}

// A dense layer on a memory that never makes anything wait has only compute, under-use and
// fill/drain: every other cause is zero.
TEST(CycleCauses, DenseLayersWithoutStallsHaveOnlyArrayCauses) {
  const std::string layers =
      "  - {name: c1, op: conv, input: [30, 30], channels: 24, filters: 40, filter: [3, 3]}\n"
      "  - {name: g1, op: gemm, m: 300, n: 70, k: 90}\n"
      "  - {name: c2, op: conv, input: [14, 14], channels: 64, filters: 64, filter: [1, 1],"
      " mapping: {dataflow: os}}\n";
  const RunResult r = simulate_text(layers, ideal_dram("0", "0"));
  const CycleCauses total = checked_total(r);
  EXPECT_GT(total[CycleCause::compute], 0U);
  EXPECT_GT(total[CycleCause::array_underuse], 0U);  // 40, 70 and 24 x 9 are not multiples of 32
  EXPECT_GT(total[CycleCause::fill_drain], 0U);
  EXPECT_EQ(total[CycleCause::compute] + total[CycleCause::array_underuse] +
                total[CycleCause::fill_drain],
            r.cycles());
}

TEST(CycleCauses, FullFoldsLeaveNoUnderUse) {
  const RunResult r = simulate_text(gemm(64, 64), ideal_dram("0", "0"));
  const CycleCauses total = checked_total(r);
  EXPECT_EQ(total[CycleCause::array_underuse], 0U);
}

TEST(CycleCauses, PartFoldsAreUnderUse) {
  const RunResult r =
      simulate_text("  - {name: g, op: gemm, m: 64, n: 20, k: 32}\n", ideal_dram("0", "0"));
  const CycleCauses total = checked_total(r);
  // 64 x 20 x 32 MACs / 1,024 PEs = 40 cycles; the fold streams 64.
  EXPECT_EQ(total[CycleCause::compute], 40U);
  EXPECT_EQ(total[CycleCause::array_underuse], 24U);
}

// One byte per cycle per port: the tile's 5 kB of operand reads take far longer than its fold.
TEST(CycleCauses, NarrowBufferPortsStallTheArray) {
  const RunResult r = simulate_text(
      gemm(64, 32), with(ideal_dram("0", "0"), {"buffer.banks=1", "buffer.bank_width_bytes=1"}));
  const CycleCauses total = checked_total(r);
  EXPECT_GT(total[CycleCause::buffer_port_stall], 0U);
  for (CycleCause c : {CycleCause::dram_bandwidth_stall, CycleCause::dram_latency_stall,
                       CycleCause::crypto_stall, CycleCause::overbook_refetch}) {
    EXPECT_EQ(total[c], 0U) << kCycleCauseNames[static_cast<size_t>(c)];
  }
}

TEST(CycleCauses, WideBufferPortsDoNotStall) {
  const RunResult r = simulate_text(gemm(64, 32), ideal_dram("0", "0"));
  EXPECT_EQ(checked_total(r)[CycleCause::buffer_port_stall], 0U);
}

// Many small k-steps with a long fixed latency and unlimited bandwidth: the steps wait for DRAM
// latency, never for bandwidth.
TEST(CycleCauses, DramLatencyWithoutBandwidthLimit) {
  const RunResult r = simulate_text(gemm(256, 32), ideal_dram("0", "1000"));
  const CycleCauses total = checked_total(r);
  EXPECT_GT(total[CycleCause::dram_latency_stall], 0U);
  EXPECT_EQ(total[CycleCause::dram_bandwidth_stall], 0U);
}

TEST(CycleCauses, DramBandwidthWithoutLatency) {
  const RunResult r = simulate_text(gemm(256, 32), ideal_dram("1", "0"));
  const CycleCauses total = checked_total(r);
  EXPECT_GT(total[CycleCause::dram_bandwidth_stall], 0U);
  EXPECT_EQ(total[CycleCause::dram_latency_stall], 0U);
}

// A weight-streaming GEMM (8 MB of weights, 16 MACs per byte on a 128x128 output-stationary
// array) on the cycle-level DRAM: its steps wait for the bytes at peak bandwidth and for the
// rest of the device's time (row misses, refresh), both.
TEST(CycleCauses, DdrHasLatencyBeyondBandwidth) {
  const RunResult r =
      simulate_text("  - {name: fc, op: gemm, m: 1, n: 4096, k: 2048}\n",
                    {"", {"pe_array.rows=128", "pe_array.cols=128", "pe_array.dataflow=os"}});
  const CycleCauses total = checked_total(r);
  EXPECT_GT(total[CycleCause::dram_bandwidth_stall], 0U);
  EXPECT_GT(total[CycleCause::dram_latency_stall], 0U);
}

// A serial AES-GCM engine on an otherwise free memory: only the engine makes steps wait.
TEST(CycleCauses, CryptoEngineStalls) {
  const RunResult r = simulate_text(
      gemm(256, 32), with(ideal_dram("0", "0"), {"crypto.impl=aes_gcm", "crypto.engine=serial"}));
  const CycleCauses total = checked_total(r);
  EXPECT_GT(total[CycleCause::crypto_stall], 0U);
  EXPECT_EQ(total[CycleCause::dram_bandwidth_stall], 0U);
  EXPECT_EQ(total[CycleCause::dram_latency_stall], 0U);
}

TEST(CycleCauses, NoCryptoNoCryptoStall) {
  const RunResult r = simulate_text(gemm(256, 32), ideal_dram("0", "0"));
  EXPECT_EQ(checked_total(r)[CycleCause::crypto_stall], 0U);
}

// Unstructured sparse weights: output columns keep different numbers of weights. Output
// stationary, the array streams the fullest column's weights through every fold, where an even
// spread would stream the average.
TEST(CycleCauses, UnstructuredWeightsAreImbalanced) {
  const RunResult r = simulate_text(
      "  - {name: g, op: gemm, m: 64, n: 32, k: 256, sparsity: {weights: {density: 0.4}},"
      " mapping: {dataflow: os}}\n",
      with(ideal_dram("0", "0"), {"sparse.impl=unstructured"}));
  EXPECT_GT(checked_total(r)[CycleCause::sparse_imbalance], 0U);
}

// N:M weights keep the same number in every column: nothing to balance.
TEST(CycleCauses, StructuredWeightsAreBalanced) {
  const RunResult r = simulate_text(
      "  - {name: g, op: gemm, m: 64, n: 32, k: 256, sparsity: {weights: {hss: [\"2:4\"]}},"
      " mapping: {dataflow: os}}\n",
      with(ideal_dram("0", "0"), {"sparse.impl=nm"}));
  const CycleCauses total = checked_total(r);
  EXPECT_EQ(total[CycleCause::sparse_imbalance], 0U);
  EXPECT_GT(total[CycleCause::compute], 0U);
}

Arch small_sparse_buffer(const std::string& impl) {
  return {kArchDir + "sparse.yaml", {"buffer.impl=" + impl, "buffer.capacity_kib=16"}};
}

const char* const kSparseLayer =
    "  - name: s\n    op: spmspm\n    operands:\n"
    "      A: {generate: power_law, rows: 2048, cols: 2048, nnz_per_row: 8, exponent: 1.0, seed: "
    "3}\n      B: {same_as: A}\n";

// Tailors overbooks a small buffer: bumped tails come back from memory while the lanes wait.
TEST(CycleCauses, OverbookedBufferRefetches) {
  const RunResult r = simulate_text(kSparseLayer, small_sparse_buffer("tailors"));
  EXPECT_GT(checked_total(r)[CycleCause::overbook_refetch], 0U);
}

TEST(CycleCauses, BuffetNeverRefetches) {
  const RunResult r = simulate_text(kSparseLayer, small_sparse_buffer("buffet"));
  const CycleCauses total = checked_total(r);
  EXPECT_EQ(total[CycleCause::overbook_refetch], 0U);
  EXPECT_EQ(total[CycleCause::fill_drain], 0U);  // MAC lanes have no fold to fill
}

// Random layers on random architectures: the causes always add up (simulate() itself refuses a
// layer whose causes do not; this states it).
class RandomCauses : public ::testing::TestWithParam<uint32_t> {};

TEST_P(RandomCauses, AddUpToEveryLayersCycles) {
  std::mt19937 rng(GetParam());
  const auto between = [&rng](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  std::string layers;
  for (int i = 0; i < 25; ++i) {
    const std::string name = "L" + std::to_string(i);
    if (between(0, 1) == 0) {
      layers += "  - {name: " + name + ", op: gemm, m: " + std::to_string(between(1, 300)) +
                ", n: " + std::to_string(between(1, 200)) +
                ", k: " + std::to_string(between(1, 400)) + "}\n";
    } else {
      const int64_t f = between(1, 3), in = between(f, 40);
      layers += "  - {name: " + name + ", op: conv, input: [" + std::to_string(in) + ", " +
                std::to_string(in) + "], channels: " + std::to_string(between(1, 64)) +
                ", filters: " + std::to_string(between(1, 96)) + ", filter: [" + std::to_string(f) +
                ", " + std::to_string(f) + "], stride: " + std::to_string(between(1, 2)) + "}\n";
    }
  }
  const std::vector<Arch> archs{
      {},
      ideal_dram("4", "300"),
      {"", {"buffer.double_buffered=false", "pe_array.dataflow=os"}},
      {"", {"crypto.impl=aes_gcm", "crypto.engine=parallel", "pe_array.dataflow=is"}},
      with(ideal_dram("0", "50"), {"buffer.banks=2", "buffer.capacity_kib=64"}),
  };
  const auto& arch = archs[GetParam() % archs.size()];
  const RunResult r = simulate_text(layers, arch);
  ASSERT_EQ(r.layers.size(), 25U);
  const CycleCauses total = checked_total(r);
  EXPECT_EQ(total.total(), r.cycles());
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomCauses, ::testing::Range(1U, 11U));

}  // namespace
}  // namespace tessera
