// The ini controller against DRAMSim3 on the reference cases of tests/data/dram_reference/: the
// traces are made here exactly as gen_traces.py makes them (the same Mersenne Twister, seeded as
// Python seeds it), and row hits, ACTs and the average read latency must be within 5 % of
// DRAMSim3's (10 % on the cases results.json marks saturated), with every request served.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "models/dram/ddr/controller.h"
#include "models/dram/ddr/device.h"
#include "models/dram/ddr/trace_replay.h"
#include "tests/support/program.h"

namespace tessera::ddr {
namespace {

using tessera::test::kSourceDir;

// Python's random.Random(seed) for a seed below 2^32: MT19937 seeded by init_by_array({seed}).
class PythonRandom {
 public:
  explicit PythonRandom(uint32_t seed) {
    init(19650218U);
    size_t i = 1;
    for (size_t k = kN; k > 0; --k) {
      mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525U)) + seed;
      if (++i >= kN) {
        mt_[0] = mt_[kN - 1];
        i = 1;
      }
    }
    for (size_t k = kN - 1; k > 0; --k) {
      mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941U)) - i;
      if (++i >= kN) {
        mt_[0] = mt_[kN - 1];
        i = 1;
      }
    }
    mt_[0] = 0x80000000U;
  }
  double random() {
    const uint32_t a = next() >> 5, b = next() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }
  uint64_t getrandbits(int k) { return next() >> (32 - k); }  // k <= 32

 private:
  static constexpr size_t kN = 624;
  void init(uint32_t s) {
    mt_[0] = s;
    for (size_t i = 1; i < kN; ++i) {
      mt_[i] = 1812433253U * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<uint32_t>(i);
    }
    index_ = kN;
  }
  uint32_t next() {
    if (index_ >= kN) {
      for (size_t i = 0; i < kN; ++i) {
        const uint32_t y = (mt_[i] & 0x80000000U) | (mt_[(i + 1) % kN] & 0x7fffffffU);
        mt_[i] = mt_[(i + 397) % kN] ^ (y >> 1) ^ ((y & 1U) != 0 ? 0x9908b0dfU : 0U);
      }
      index_ = 0;
    }
    uint32_t y = mt_[index_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    return y ^ (y >> 18);
  }
  std::array<uint32_t, kN> mt_{};
  size_t index_ = kN;
};

uint64_t stream_base(uint64_t j) {
  return j * 256 * (uint64_t{1} << 20) + j * 0x2000;
}

int bit_length(uint64_t v) {
  int n = 0;
  while (v != 0) {
    ++n;
    v >>= 1;
  }
  return n;
}

// gen_traces.py: gen(c), line for line.
std::vector<TraceRequest> generate(const nlohmann::json& c) {
  PythonRandom rng(c["seed"].get<uint32_t>());
  const auto n = c["n"].get<uint64_t>(), gap = c["gap"].get<uint64_t>(),
             line = c["line"].get<uint64_t>();
  const std::string kind = c["kind"];
  const double wf = c.value("write_frac", 0.0);
  std::vector<TraceRequest> out;
  const auto put = [&](uint64_t a, bool w, uint64_t cycle) { out.push_back({a, cycle, w}); };
  if (kind == "seq") {
    for (uint64_t i = 0; i < n; ++i) {
      const bool w = wf > 0 && rng.random() < wf;
      put(c["base"].get<uint64_t>() + i * line, w, i * gap);
    }
  } else if (kind == "random") {
    const int bits = bit_length(c["space"].get<uint64_t>() / line) - 1;
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t a = rng.getrandbits(bits) * line;
      put(a, rng.random() < wf, i * gap);
    }
  } else if (kind == "streams") {
    const auto k = c["k"].get<uint64_t>();
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t a = stream_base(i % k) + (i / k) * line;
      put(a, rng.random() < wf, i * gap);
    }
  } else if (kind == "row_conflict") {
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t r = rng.getrandbits(16) % c["nrows"].get<uint64_t>();
      const uint64_t col = rng.getrandbits(16) % c["ncols"].get<uint64_t>();
      const bool w = wf > 0 && rng.random() < wf;
      put(r * c["row_stride"].get<uint64_t>() + col * line, w, i * gap);
    }
  } else if (kind == "strided") {
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t a = (c["base"].get<uint64_t>() + i * c["stride"].get<uint64_t>()) %
                         c["space"].get<uint64_t>();
      const bool w = wf > 0 && rng.random() < wf;
      put(a, w, i * gap);
    }
  } else if (kind == "tiled") {
    const auto chunk = c["chunk"].get<uint64_t>();
    const uint64_t per = chunk / line, tensors = c["tensors"].get<uint64_t>();
    const uint64_t output = stream_base(tensors);
    uint64_t cycle = 0, step = 0, written = 0;
    while (out.size() < n) {
      for (uint64_t t = 0; t < tensors; ++t) {
        for (uint64_t l = 0; l < per && out.size() < n; ++l) {
          put(stream_base(t) + step * chunk + l * line, false, cycle);
          cycle += gap;
        }
      }
      ++step;
      if (step % c["steps_per_wb"].get<uint64_t>() == 0) {
        for (uint64_t l = 0; l < per && out.size() < n; ++l) {
          put(output + written * chunk + l * line, true, cycle);
          cycle += gap;
        }
        ++written;
      }
      cycle += c["idle"].get<uint64_t>();
    }
  }
  return out;
}

nlohmann::json reference() {
  std::ifstream in(kSourceDir + "/tests/data/dram_reference/results.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

double relative(double ours, double theirs) {
  return std::abs(ours - theirs) / std::max(1.0, std::abs(theirs));
}

class DramSim3Case : public ::testing::TestWithParam<std::string> {};

TEST_P(DramSim3Case, RowHitsActivatesAndLatencyMatch) {
  const nlohmann::json all = reference();
  const nlohmann::json& c = all.at(GetParam());
  const LoadedDevice loaded =
      load_device_ini(kSourceDir + "/data/dram/" + c["ini"].get<std::string>());
  const Device& d = loaded.device;
  const AddressMap map(d, d.address_mapping);
  const std::vector<TraceRequest> trace = generate(c["trace_args"]);
  ASSERT_EQ(trace.size(), c["requests"].get<size_t>());
  ASSERT_EQ(trace.back().arrival, c["last_arrival_cycle"].get<uint64_t>());

  RequestList requests(trace);
  const ReplayResult r = replay_controllers(d, map, requests);
  // Every request is served: reads return, writes reach the device (or merge into one that does).
  EXPECT_EQ(r.totals.reads, c["reads"].get<uint64_t>());
  EXPECT_EQ(r.totals.writes, c["writes"].get<uint64_t>());

  const double bound = c["saturated"].get<bool>() ? 0.10 : 0.05;
  const double hits = c["num_read_row_hits"].get<double>() + c["num_write_row_hits"].get<double>();
  const auto ours_hits = static_cast<double>(r.totals.read_row_hits + r.totals.write_row_hits);
  EXPECT_LE(relative(ours_hits, hits), bound) << ours_hits << " row hits against " << hits;
  const double acts = c["num_act_cmds"].get<double>();
  EXPECT_LE(relative(static_cast<double>(r.totals.activates), acts), bound)
      << r.totals.activates << " ACTs against " << acts;
  const double latency = c["average_read_latency"].get<double>();
  const double ours_latency =
      static_cast<double>(r.totals.read_latency_sum) / static_cast<double>(r.totals.reads);
  EXPECT_LE(relative(ours_latency, latency), bound)
      << ours_latency << " cycles average read latency against " << latency;
}

INSTANTIATE_TEST_SUITE_P(Reference, DramSim3Case,
                         ::testing::Values("ddr4_seq_read_light", "ddr4_seq_read_sat",
                                           "ddr4_rand_rw_light", "ddr4_rand_rw_sat",
                                           "ddr4_streams2_w30", "ddr4_streams8_w30",
                                           "ddr4_row_conflict", "ddr4_write_heavy",
                                           "ddr4_strided_4k", "ddr4_tiled_accel",
                                           "lpddr4_seq_read_light", "lpddr4_rand_rw_light",
                                           "hbm2_streams8_w30", "hbm2_tiled_accel"));

// The structures no reference case uses: every request is still served, and a full queue
// refuses more (the requester's backpressure).
TEST(DramSim3Reference, PerRankQueuesAndAUnifiedQueueServeEveryRequest) {
  const nlohmann::json all = reference();
  const nlohmann::json& c = all.at("ddr4_streams8_w30");
  Device d = load_device_ini(kSourceDir + "/data/dram/DDR4_8Gb_x8_3200.ini").device;
  const std::vector<TraceRequest> trace = generate(c["trace_args"]);
  for (const bool unified : {false, true}) {
    d.queue_structure = Device::QueueStructure::per_rank;
    d.unified_queue = unified;
    const AddressMap map(d, d.address_mapping);
    RequestList requests(trace);
    const ReplayResult r = replay_controllers(d, map, requests);
    EXPECT_EQ(r.totals.reads, c["reads"].get<uint64_t>()) << unified;
    EXPECT_EQ(r.totals.writes, c["writes"].get<uint64_t>()) << unified;
  }
  Controller full(d);
  const AddressMap map(d, d.address_mapping);
  for (int i = 0; i < d.queue_size; ++i) {
    ASSERT_TRUE(full.will_accept(false));
    full.add(static_cast<uint64_t>(i) * 64, map.decode(static_cast<uint64_t>(i) * 64), false);
  }
  EXPECT_FALSE(full.will_accept(false));
  EXPECT_FALSE(full.will_accept(true));  // unified: one queue for both
}

TEST(DramSim3Reference, EveryCaseIsTested) {
  EXPECT_EQ(reference().size(), 14U);
}

}  // namespace
}  // namespace tessera::ddr
