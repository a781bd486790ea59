// spmspm through the simulator, one process per case: on random matrices and every buffer policy
// the functional product equals the reference (simulate() throws otherwise), every nonzero
// reaches the PE array exactly as many times as the loop nest requires, and the tailors buffer
// re-fetches exactly the bumped tails of reused tiles and nothing else.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <tuple>

#include "sim/arch_config.h"
#include "sim/embedded_files.h"
#include "sim/energy_table.h"
#include "sim/top.h"
#include "sparse/generators.h"
#include "sparse/spmspm_plan.h"
#include "sparse/tile_choice.h"
#include "traces/sparse_operands.h"

namespace tessera {
namespace {

uint64_t counter(const RunResult& r, const std::string& component, const std::string& name) {
  for (const auto& c : r.components) {
    if (c.name != component) continue;
    for (const auto& v : c.counters) {
      if (v.name == name) return v.value;
    }
  }
  ADD_FAILURE() << "no counter " << component << "." << name;
  return 0;
}

std::shared_ptr<const SparseMatrix> random_matrix(std::mt19937_64& rng, int64_t rows,
                                                  int64_t cols) {
  const uint64_t seed = rng();
  switch (rng() % 3) {
    case 0: return std::make_shared<SparseMatrix>(generate_uniform(rows, cols, 0.08, seed));
    case 1: return std::make_shared<SparseMatrix>(generate_power_law(rows, cols, 3, 1.0, seed));
    default: return std::make_shared<SparseMatrix>(generate_banded(rows, cols, 3, 0.6, seed));
  }
}

using Case = std::tuple<std::string, int, bool>;  // buffer policy, seed, dense B (spmm)

class SpmspmSimulation : public testing::TestWithParam<Case> {};

TEST_P(SpmspmSimulation, ProductIsExactAndNoDataIsLost) {
  const auto& [buffer, seed, dense_b] = GetParam();
  std::mt19937_64 rng(static_cast<uint64_t>(seed));
  const int64_t m = 20 + static_cast<int64_t>(rng() % 40),
                k = 20 + static_cast<int64_t>(rng() % 40),
                n = 20 + static_cast<int64_t>(rng() % 40);
  const auto a = random_matrix(rng, m, k);
  const auto b = dense_b ? std::make_shared<SparseMatrix>(dense_matrix(k, n / 4 + 1))
                         : random_matrix(rng, k, n);
  // A small buffer, and for tailors a high target, so that many tiles overbook.
  std::vector<std::string> overrides{"buffer.impl=" + buffer, "buffer.capacity_kib=1"};
  if (buffer == "tailors") overrides.emplace_back("buffer.overbook_target=0.4");
  // Every fourth case single-buffered: a step's tiles then replace the previous step's.
  const bool double_buffered = seed % 4 != 0;
  if (!double_buffered) overrides.emplace_back("buffer.double_buffered=false");
  const ArchConfig config =
      load_arch(std::string(embedded_sparse_arch_yaml()), "sparse.yaml", overrides);
  Trace trace;
  trace.name = "random";
  trace.file = "random";
  trace.layers.push_back(spmspm_layer("z", a, b));
  RunOptions options;
  options.functional = true;
  options.seed = static_cast<uint64_t>(seed);
  const RunResult r = simulate(trace, config, EnergyTable::builtin(), options);
  ASSERT_TRUE(r.functional_checked);

  // The tile the controller used, and from it what the loop nest requires of every tile:
  // an A tile meets every nonempty B tile of its k range, a B tile every nonempty A tile.
  const TilePolicy policy = buffer == "buffet"      ? TilePolicy::worst_case
                            : buffer == "prescient" ? TilePolicy::prescient
                                                    : TilePolicy::swiftiles;
  const OperandRegions regions = operand_regions(1024, double_buffered);
  const auto shape = choose_tile(*a, *b, policy, regions, 0.4);
  ASSERT_TRUE(shape);
  const TileGrid ag = tile_grid(*a, shape->m, shape->k), bg = tile_grid(*b, shape->k, shape->n);
  std::vector<int64_t> a_tiles_in_k(static_cast<size_t>(ag.col_tiles), 0),
      b_tiles_in_k(static_cast<size_t>(bg.row_tiles), 0);
  for (const auto& row : ag.by_row) {
    for (const auto& [kt, s] : row) ++a_tiles_in_k[static_cast<size_t>(kt)];
  }
  for (int64_t kt = 0; kt < bg.row_tiles; ++kt) {
    b_tiles_in_k[static_cast<size_t>(kt)] =
        static_cast<int64_t>(bg.by_row[static_cast<size_t>(kt)].size());
  }
  uint64_t a_needed = 0, b_needed = 0;
  for (const auto& row : ag.by_row) {
    for (const auto& [kt, s] : row) {
      a_needed += static_cast<uint64_t>(s.nnz * b_tiles_in_k[static_cast<size_t>(kt)]);
    }
  }
  for (int64_t kt = 0; kt < bg.row_tiles; ++kt) {
    for (const auto& [nt, s] : bg.by_row[static_cast<size_t>(kt)]) {
      b_needed += static_cast<uint64_t>(s.nnz * a_tiles_in_k[static_cast<size_t>(kt)]);
    }
  }
  EXPECT_EQ(counter(r, "pe_array", "a_nonzeros"), a_needed);
  EXPECT_EQ(counter(r, "pe_array", "b_nonzeros"), b_needed);

  // DRAM reads: each run of consecutive steps using the same A or B tile fetches it once, a
  // revisited partial output tile comes back once, and (tailors) an overbooked tile's bumped tail
  // is re-fetched once per pass after the first. Nothing else is read.
  const SpmspmPlan plan = plan_spmspm(*a, *b, *shape);
  const bool overbook = buffer == "tailors";
  const auto bumped = [&](int64_t words, int64_t region) {
    return overbook && words > region ? words - (region - region / 16) : 0;
  };
  uint64_t fetched = 0, refetched = 0, overbooked_operands = 0;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const SpmspmStep& s = plan.steps[i];
    const bool same_a = i > 0 && plan.steps[i - 1].mt == s.mt && plan.steps[i - 1].kt == s.kt;
    const bool same_b = i > 0 && plan.steps[i - 1].kt == s.kt && plan.steps[i - 1].nt == s.nt;
    const bool same_z = i > 0 && plan.steps[i - 1].mt == s.mt && plan.steps[i - 1].nt == s.nt;
    fetched += static_cast<uint64_t>(
        ((same_a ? 0 : s.a.words()) + (same_b ? 0 : s.b.words()) + (same_z ? 0 : s.z_in_words)) *
        4);
    if (same_a) refetched += static_cast<uint64_t>(bumped(s.a.words(), regions.a) * 4);
    if (same_b) refetched += static_cast<uint64_t>(bumped(s.b.words(), regions.b) * 4);
    // A partial output tile still resident from the previous step, spilled when written.
    if (same_z) refetched += static_cast<uint64_t>(bumped(s.z_in_words, regions.z) * 4);
    overbooked_operands += (!same_a && bumped(s.a.words(), regions.a) > 0) +
                           (!same_b && bumped(s.b.words(), regions.b) > 0);
  }
  EXPECT_EQ(counter(r, "dram", "read_byte"), fetched + refetched);
  if (!overbook) return;
  EXPECT_EQ(counter(r, "buffer", "refetched_bytes"), refetched);
  EXPECT_GE(counter(r, "buffer", "overbooked_tiles"), overbooked_operands);
  if (seed == 1 && !dense_b) {
    EXPECT_GT(refetched, 0u) << "this case should overbook a reused tile";
  }
}

TEST(SpmspmSimulation, AnOverbookedOutputTileSpillsAndComesBack) {
  // One m tile, so the partial output tile stays in the buffer from one k range to the next;
  // at 4 x 8 with half its entries nonzero it is larger than its 32-word region.
  const auto a = std::make_shared<SparseMatrix>(generate_uniform(4, 200, 0.5, 5));
  const auto b = std::make_shared<SparseMatrix>(generate_uniform(200, 8, 0.5, 6));
  Trace trace;
  trace.name = trace.file = "spill";
  trace.layers.push_back(spmspm_layer("z", a, b));
  trace.layers[0].mapping.buffer_tile = GemmExtents{4, 8, 20};  // m, n, k
  const ArchConfig config =
      load_arch(std::string(embedded_sparse_arch_yaml()), "sparse.yaml", {"buffer.capacity_kib=1"});
  RunOptions options;
  options.functional = true;
  const RunResult r = simulate(trace, config, EnergyTable::builtin(), options);
  ASSERT_TRUE(r.functional_checked);
  const SpmspmPlan plan = plan_spmspm(*a, *b, TileShape{4, 20, 8});
  const int64_t region = operand_regions(1024, true).z;
  uint64_t refetched = 0, spilled = 0;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const SpmspmStep& s = plan.steps[i];
    const int64_t head = region - region / 16;
    if (s.z_out_words > region) spilled += static_cast<uint64_t>((s.z_out_words - head) * 4);
    if (i > 0 && s.z_in_words > region) {
      refetched += static_cast<uint64_t>((s.z_in_words - head) * 4);
    }
  }
  ASSERT_GT(refetched, 0u);
  EXPECT_EQ(counter(r, "buffer", "refetched_bytes"), refetched);
  // Every output tile is written once whole: its spilled tails plus the head at the end.
  const int64_t last = plan.steps.back().z_out_words;
  EXPECT_EQ(counter(r, "dram", "write_byte"),
            spilled + static_cast<uint64_t>((last > region ? region - region / 16 : last) * 4));
}

std::string case_name(const testing::TestParamInfo<Case>& i) {
  return std::get<0>(i.param) + "_" + std::to_string(std::get<1>(i.param));
}

INSTANTIATE_TEST_SUITE_P(Random, SpmspmSimulation,
                         testing::Combine(testing::Values("buffet", "prescient", "tailors"),
                                          testing::Range(1, 9), testing::Values(false)),
                         case_name);

// spmm: the same checks with B dense and stored uncompressed.
INSTANTIATE_TEST_SUITE_P(DenseB, SpmspmSimulation,
                         testing::Combine(testing::Values("buffet", "prescient", "tailors"),
                                          testing::Range(1, 5), testing::Values(true)),
                         case_name);

}  // namespace
}  // namespace tessera
