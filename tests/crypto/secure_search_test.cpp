// The security-aware schedule search: the chain optimum equals brute force, annealing is
// deterministic for a seed and never worse than its start, the baseline ignores crypto, and the
// crypto-aware choice is never predicted slower than the baseline's.
#include "secure/secure_search.h"

#include <gtest/gtest.h>

#include <random>

#include "plan/tiler.h"
#include "traces/trace_reader.h"

namespace tessera {
namespace {

// Random layers of 1-5 states over 1-3 keys each, linked as `producer` says.
ChoiceProblem random_problem(std::mt19937_64& rng, const std::vector<int>& producer) {
  ChoiceProblem p;
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::vector<size_t> out_keys(producer.size());
  for (size_t i = 0; i < producer.size(); ++i) {
    ChoiceProblem::Choice c;
    const size_t states = 1 + pick(5), in_keys = 1 + pick(3);
    out_keys[i] = 1 + pick(3);
    for (size_t s = 0; s < states; ++s) {
      c.cost.push_back(static_cast<double>(pick(100)));
      c.in_key.push_back(s < in_keys ? s : pick(in_keys));
      c.out_key.push_back(s < out_keys[i] ? s : pick(out_keys[i]));
    }
    c.producer = producer[i];
    if (c.producer >= 0) {
      const size_t a = out_keys[static_cast<size_t>(c.producer)];
      c.link.assign(a, std::vector<double>(in_keys, 0));
      for (auto& row : c.link) {
        for (double& v : row) v = static_cast<double>(pick(60));
      }
    }
    // Keys a layer's states do not reach still need their rows and columns.
    for (size_t& k : c.out_key) k = std::min(k, out_keys[i] - 1);
    p.layers.push_back(std::move(c));
  }
  return p;
}

double brute_force(const ChoiceProblem& p) {
  std::vector<size_t> st(p.layers.size(), 0);
  double best = p.total(st);
  while (true) {
    size_t i = 0;
    for (; i < st.size(); ++i) {
      if (++st[i] < p.layers[i].cost.size()) break;
      st[i] = 0;
    }
    if (i == st.size()) return best;
    best = std::min(best, p.total(st));
  }
}

TEST(SecureSearch, ChainOptimumEqualsBruteForce) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    // A chain of 2-6 layers, some links cut (several chains), as traces without producers have.
    const size_t n = 2 + rng() % 5;
    std::vector<int> producer(n, -1);
    for (size_t i = 1; i < n; ++i) {
      if (rng() % 4 != 0) producer[i] = static_cast<int>(i - 1);
    }
    const ChoiceProblem p = random_problem(rng, producer);
    ASSERT_TRUE(p.is_chain());
    const std::vector<size_t> st = chain_optimum(p);
    EXPECT_DOUBLE_EQ(p.total(st), brute_force(p)) << "trial " << trial;
  }
}

TEST(SecureSearch, AnnealingIsDeterministicAndNeverWorseThanItsStart) {
  std::mt19937_64 rng(11);
  int optimal = 0;
  constexpr int kTrials = 100;
  for (int trial = 0; trial < kTrials; ++trial) {
    // A residual shape: layer 1's output read by layers 2 and 3.
    const ChoiceProblem p = random_problem(rng, {-1, 0, 1, 1, 2});
    ASSERT_FALSE(p.is_chain());
    const std::vector<size_t> start(p.layers.size(), 0);
    const std::vector<size_t> a = anneal(p, start, 42, 4000);
    EXPECT_EQ(a, anneal(p, start, 42, 4000));
    EXPECT_LE(p.total(a), p.total(start));
    if (p.total(a) == brute_force(p)) ++optimal;
  }
  // Tiny problems: it finds the optimum almost always.
  EXPECT_GE(optimal, kTrials * 9 / 10);
}

const char* kChain = R"(tessera_trace: 1
name: chain
layers:
  - name: conv1
    op: conv
    input: [28, 28]
    channels: 32
    filters: 64
    filter: [3, 3]
    padding: 1
  - name: conv2
    op: conv
    input: [28, 28]
    channels: 64
    filters: 64
    filter: [3, 3]
    padding: 1
  - name: conv3
    op: conv
    input: [28, 28]
    channels: 64
    filters: 128
    filter: [1, 1]
)";

ArchitectureFacts small_facts() {
  ArchitectureFacts f;
  f.array = {12, 14};
  f.buffer_capacity_bytes = 32 << 10;
  f.buffer_port_bytes_per_cycle = 16;
  f.dram_bytes_per_cycle = 8;
  return f;
}

CryptoSetup engines(const char* kind) {
  CryptoSetup c;
  c.kind = find_engine_kind(kind);
  return c;
}

// The built-in table's figures (sim/energy/default.yaml), parallel engine.
EnergyPrices prices() {
  EnergyPrices p;
  p.mac = 0.208;
  p.idle_pe_cycle = 0.00624;
  p.buffer_read_word = 18.18;
  p.buffer_write_word = 14.14;
  p.dram_read_byte = p.dram_write_byte = 64;
  p.aes_block = 194.56;
  p.gf_multiply = 82.4;
  return p;
}

SearchResult search(const Trace& t, const CryptoSetup& c, SearchMode mode,
                    Objective objective = Objective::latency, size_t top_k = 6) {
  SearchOptions o;
  o.mode = mode;
  o.objective = objective;
  o.top_k = top_k;
  return search_secure_schedule(t, small_facts(), c, prices(), o);
}

TEST(SecureSearch, ProducersFollowTensorShapes) {
  const Trace t = parse_trace(kChain, "chain.yaml");
  EXPECT_EQ(tensor_producers(t), (std::vector<int>{-1, 0, 1}));
}

TEST(SecureSearch, BaselineIgnoresCrypto) {
  const Trace t = parse_trace(kChain, "chain.yaml");
  const SearchResult fast = search(t, engines("pipelined"), SearchMode::baseline);
  const SearchResult slow = search(t, engines("serial"), SearchMode::baseline);
  for (size_t i = 0; i < t.layers.size(); ++i) {
    // The tiler's own pick, whatever the engines.
    const TilePlan tiler = plan_layer(t.layers[i], small_facts(), t.file);
    EXPECT_EQ(fast.layers[i].plan.tile, tiler.tile) << t.layers[i].name;
    EXPECT_EQ(slow.layers[i].plan.tile, tiler.tile) << t.layers[i].name;
    EXPECT_EQ(slow.layers[i].plan.order, fast.layers[i].plan.order) << t.layers[i].name;
  }
  EXPECT_EQ(fast.method, "chain-dp");
}

TEST(SecureSearch, CryptoAwareIsNeverPredictedSlowerAndCrossLayerBeatsPerLayer) {
  const Trace t = parse_trace(kChain, "chain.yaml");
  bool changed = false;
  for (const char* kind : {"pipelined", "parallel", "serial"}) {
    const SearchResult base = search(t, engines(kind), SearchMode::baseline);
    const SearchResult per = search(t, engines(kind), SearchMode::per_layer);
    const SearchResult cross = search(t, engines(kind), SearchMode::cross_layer);
    EXPECT_LE(cross.total_cycles(), per.total_cycles()) << kind;
    EXPECT_LE(cross.total_cycles(), base.total_cycles()) << kind;
    for (size_t i = 0; i < t.layers.size(); ++i) {
      EXPECT_LE(per.layers[i].cycles, base.layers[i].cycles) << kind << " " << t.layers[i].name;
      changed |= per.layers[i].plan.tile != base.layers[i].plan.tile ||
                 per.layers[i].plan.order != base.layers[i].plan.order;
    }
  }
  // Slow engines make some other tiling best (SecureLoop's point).
  EXPECT_TRUE(changed);
}

// With every candidate kept, on a chain both objectives are exact optima over the same choices:
// the EDP objective (cycles + w * energy) cannot take fewer cycles than the latency one, nor
// more energy. (With top-k the kept candidates differ between objectives.)
TEST(SecureSearch, EdpObjectiveTradesCyclesForEnergy) {
  const Trace t = parse_trace(kChain, "chain.yaml");
  constexpr size_t kAll = 1000;
  for (const char* kind : {"pipelined", "parallel"}) {
    const SearchResult latency =
        search(t, engines(kind), SearchMode::cross_layer, Objective::latency, kAll);
    const SearchResult edp =
        search(t, engines(kind), SearchMode::cross_layer, Objective::edp, kAll);
    EXPECT_EQ(edp.method, "chain-dp");
    EXPECT_GE(edp.total_cycles(), latency.total_cycles()) << kind;
    EXPECT_LE(edp.total_energy_pj(), latency.total_energy_pj() * (1 + 1e-9)) << kind;
  }
}

// The branch and bound that keeps the top-k prices candidates only while their lower bound can
// still win: its best per layer is the best of pricing every candidate.
TEST(SecureSearch, BoundedTopKFindsTheBestOfAllCandidates) {
  const Trace t = parse_trace(kChain, "chain.yaml");
  for (const char* kind : {"pipelined", "parallel", "serial"}) {
    const SearchResult one = search(t, engines(kind), SearchMode::per_layer, Objective::latency, 1);
    const SearchResult all =
        search(t, engines(kind), SearchMode::per_layer, Objective::latency, 1000);
    for (size_t i = 0; i < t.layers.size(); ++i) {
      EXPECT_EQ(one.layers[i].cycles, all.layers[i].cycles) << kind << " " << t.layers[i].name;
    }
  }
}

TEST(SecureSearch, WrittenTraceCarriesMappingsAndBlocks) {
  const Trace t = parse_trace(kChain, "chain.yaml");
  const SearchResult r = search(t, engines("parallel"), SearchMode::cross_layer);
  const Trace out = with_searched_schedule(t, r);
  for (size_t i = 0; i < t.layers.size(); ++i) {
    ASSERT_TRUE(out.layers[i].mapping.buffer_tile.has_value());
    EXPECT_EQ(*out.layers[i].mapping.buffer_tile, r.layers[i].plan.tile);
    ASSERT_TRUE(out.layers[i].security.has_value());
    EXPECT_EQ(out.layers[i].security->auth_block_words, r.layers[i].blocks);
    // The tiler accepts the written mapping as it is.
    EXPECT_EQ(plan_layer(out.layers[i], small_facts(), t.file).tile, r.layers[i].plan.tile);
  }
}

}  // namespace
}  // namespace tessera
