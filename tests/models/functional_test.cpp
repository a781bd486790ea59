// Functional mode on many random small layers: every output the simulated hardware writes must
// match the reference computation, whatever the shape, stride, padding, batch, precision, tile,
// loop order and dataflow. SystemC allows one simulate() per process, so each test case puts all
// its layers into one trace; the cases differ in seed, buffer capacity and array shape.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "plan/tiler.h"
#include "sim/arch_config.h"
#include "sim/energy_table.h"
#include "sim/top.h"
#include "traces/trace_reader.h"

namespace tessera {
namespace {

struct Config {
  const char* name;
  uint32_t seed;
  int capacity_kib;  // double-buffered: a tile must fit half of it
  int rows, cols;
  const char* dataflow;  // the array's own; most layers override it
  bool double_buffered = true;
};

constexpr int kLayers = 45;

class Rng {
 public:
  explicit Rng(uint32_t seed) : gen_(seed) {}
  int64_t between(int64_t lo, int64_t hi) {  // inclusive
    return std::uniform_int_distribution<int64_t>(lo, hi)(gen_);
  }
  bool chance(int percent) { return between(1, 100) <= percent; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(between(0, static_cast<int64_t>(v.size()) - 1))];
  }

 private:
  std::mt19937 gen_;
};

// One random layer's shape as YAML lines (without the mapping).
std::string random_shape(Rng& rng, int index) {
  std::string s = "  - name: L" + std::to_string(index) + "\n";
  if (rng.chance(30)) {
    s += "    op: gemm\n";
    s += "    m: " + std::to_string(rng.between(1, 40)) + "\n";
    s += "    n: " + std::to_string(rng.between(1, 24)) + "\n";
    s += "    k: " + std::to_string(rng.between(1, 72)) + "\n";
  } else {
    const int64_t fh = rng.between(1, 3), fw = rng.between(1, 3);
    const int64_t ph = rng.between(0, 1), pw = rng.between(0, 1);
    // The input is at least the filter minus padding, so the padded input holds one window.
    const int64_t ih = rng.between(std::max<int64_t>(1, fh - 2 * ph), 10);
    const int64_t iw = rng.between(std::max<int64_t>(1, fw - 2 * pw), 10);
    s += "    op: conv\n";
    s += "    batch: " + std::to_string(rng.between(1, 3)) + "\n";
    s += "    input: [" + std::to_string(ih) + ", " + std::to_string(iw) + "]\n";
    s += "    channels: " + std::to_string(rng.between(1, 6)) + "\n";
    s += "    filters: " + std::to_string(rng.between(1, 12)) + "\n";
    s += "    filter: [" + std::to_string(fh) + ", " + std::to_string(fw) + "]\n";
    s += "    stride: [" + std::to_string(rng.between(1, 2)) + ", " +
         std::to_string(rng.between(1, 3)) + "]\n";
    s += "    padding: [" + std::to_string(ph) + ", " + std::to_string(pw) + "]\n";
  }
  if (rng.chance(25)) s += "    precision: 16\n";
  return s;
}

// A random mapping for `layer`: any subset of dataflow, buffer tile and loop order. The tile is
// shrunk until its largest footprint fits a buffer slot of `slot_bytes`.
std::string random_mapping(Rng& rng, const Layer& layer, int64_t slot_bytes) {
  std::string m;
  if (rng.chance(75)) m += "      dataflow: " + rng.pick<std::string>({"ws", "os", "is"}) + "\n";
  if (rng.chance(70)) {
    const GemmExtents g = layer.gemm();
    GemmExtents tile{};
    for (size_t d = 0; d < 3; ++d) tile[d] = rng.between(1, g[d]);
    while (max_tile_footprint(layer, tile) > slot_bytes) {
      auto largest = std::max_element(tile.begin(), tile.end());
      *largest = std::max<int64_t>(1, *largest / 2);
    }
    m += "      buffer_tile: {m: " + std::to_string(tile[0]) + ", n: " + std::to_string(tile[1]) +
         ", k: " + std::to_string(tile[2]) + "}\n";
  }
  if (rng.chance(60)) {
    std::vector<std::string> order{"m", "n", "k"};
    // Favour k outermost: it revisits output tiles, so partial sums go to DRAM and come back.
    if (rng.chance(50)) {
      std::shuffle(order.begin(), order.end(),
                   std::mt19937(static_cast<uint32_t>(rng.between(0, 1000))));
    } else {
      order = rng.chance(50) ? std::vector<std::string>{"k", "m", "n"}
                             : std::vector<std::string>{"k", "n", "m"};
    }
    m += "      loop_order: [" + order[0] + ", " + order[1] + ", " + order[2] + "]\n";
  }
  return m.empty() ? "" : "    mapping:\n" + m;
}

std::string random_trace(const Config& c) {
  Rng rng(c.seed);
  const int64_t slot = int64_t{c.capacity_kib} * 1024 / (c.double_buffered ? 2 : 1);
  std::string text = "tessera_trace: 1\nname: random\nlayers:\n";
  for (int i = 0; i < kLayers; ++i) {
    const std::string shape = random_shape(rng, i);
    // The shape alone, parsed, gives the GEMM extents the mapping is drawn from.
    const Layer layer = parse_trace("tessera_trace: 1\nlayers:\n" + shape, "<layer>").layers.at(0);
    text += shape + random_mapping(rng, layer, slot);
  }
  return text;
}

class RandomLayers : public ::testing::TestWithParam<Config> {};

TEST_P(RandomLayers, EveryOutputMatchesTheReference) {
  const Config& c = GetParam();
  const std::string text = random_trace(c);
  const Trace trace = parse_trace(text, "<random>");
  ASSERT_EQ(trace.layers.size(), static_cast<size_t>(kLayers));
  const ArchConfig arch = load_arch(
      default_arch_yaml(), "<built-in>",
      {"buffer.capacity_kib=" + std::to_string(c.capacity_kib),
       "pe_array.rows=" + std::to_string(c.rows), "pe_array.cols=" + std::to_string(c.cols),
       std::string("pe_array.dataflow=") + c.dataflow,
       std::string("buffer.double_buffered=") + (c.double_buffered ? "true" : "false")});
  RunOptions options;
  options.functional = true;
  options.seed = c.seed;
  const RunResult r = simulate(trace, arch, EnergyTable::builtin(), options);
  EXPECT_TRUE(r.functional_checked) << text;
  ASSERT_EQ(r.layers.size(), trace.layers.size());
  uint64_t expected_macs = 0;
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    expected_macs += static_cast<uint64_t>(trace.layers[i].macs());
    EXPECT_EQ(r.layers[i].macs, static_cast<uint64_t>(trace.layers[i].macs()))
        << trace.layers[i].name;
  }
  EXPECT_EQ(r.macs(), expected_macs);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomLayers,
                         ::testing::Values(Config{"tiny_buffer_4x4_ws", 1, 2, 4, 4, "ws"},
                                           Config{"small_buffer_8x4_os", 2, 4, 8, 4, "os"},
                                           Config{"medium_buffer_3x5_is", 3, 16, 3, 5, "is"},
                                           Config{"large_buffer_16x16_ws", 4, 512, 16, 16, "ws"},
                                           // One slot: a tile's operands replace the last one's.
                                           Config{"single_buffer_4x8_os", 5, 2, 4, 8, "os", false},
                                           Config{"single_buffer_8x8_ws", 6, 8, 8, 8, "ws", false}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tessera
