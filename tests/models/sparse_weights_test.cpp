// Sparsity specs and sparse weight tensors: parsing and validation, seeded generation, magnitude
// pruning (a property test over random shapes and patterns), the compressed format's round trip
// and its metadata size.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "models/sparse/weight_tensor.h"
#include "tests/support/parsing.h"
#include "traces/sparsity.h"

namespace tessera {
namespace {

using tessera::test::spec;

int64_t nonzeros(const std::vector<int32_t>& w) {
  int64_t count = 0;
  for (int32_t v : w) count += v != 0 ? 1 : 0;
  return count;
}

TEST(SparsitySpec, ParsesEveryCommandLineForm) {
  EXPECT_TRUE(spec("dense").is_dense());
  const SparsitySpec h = spec("hss:3:4,2:4");
  ASSERT_EQ(h.kind, SparsitySpec::Kind::hss);
  ASSERT_EQ(h.ranks.size(), 2u);
  EXPECT_EQ(h.ranks[0], (GH{3, 4}));
  EXPECT_EQ(h.ranks[1], (GH{2, 4}));
  EXPECT_DOUBLE_EQ(h.density(), 3.0 / 8.0);
  EXPECT_EQ(h.top_span(), 16);
  EXPECT_EQ(h.text(), "hss:3:4,2:4");
  EXPECT_DOUBLE_EQ(spec("hss:4:6,1:4").density(), 1.0 / 6.0);
  EXPECT_EQ(spec("nm:2:4").ranks.size(), 1u);
  EXPECT_DOUBLE_EQ(spec("density:0.3").density(), 0.3);
}

TEST(SparsitySpec, RejectsImpossibleAndMalformedSpecs) {
  for (const char* bad : {"hss:5:4", "nm:0:4", "hss:2:0", "nm:2:4,1:2", "hss:", "hss:2-4",
                          "density:0", "density:1.5", "density:x", "sparse", "hss:2:4,"}) {
    EXPECT_THROW((void)spec(bad), InputError) << bad;
  }
  try {
    (void)parse_sparsity_spec("hss:5:4", {"cmd", 0, "--sparsify"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("impossible"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--sparsify"), std::string::npos) << e.what();
  }
}

TEST(SparsitySpec, BlocksMustDivideTheReductionExtent) {
  EXPECT_EQ(sparsity_fit_problem(spec("hss:2:4,3:4"), 64), "");
  EXPECT_NE(sparsity_fit_problem(spec("hss:2:4,3:4"), 24), "");  // 24 % 16 != 0
  EXPECT_NE(sparsity_fit_problem(spec("nm:2:4"), 147), "");
  EXPECT_EQ(sparsity_fit_problem(spec("density:0.5"), 147), "");
}

TEST(SparsitySpec, KeptBeforeCountsWholeBlocksExactly) {
  const SparsitySpec s = spec("hss:2:4,3:4");  // 6 of every 16
  EXPECT_EQ(kept_before(s, 0), 0);
  EXPECT_EQ(kept_before(s, 16), 6);
  EXPECT_EQ(kept_before(s, 64), 24);
  EXPECT_EQ(kept_before(s, 1), 1);
  EXPECT_EQ(kept_before(s, 3), 2);   // 2 of the first rank-0 block
  EXPECT_EQ(kept_before(s, 13), 6);  // past the third kept rank-0 block
  EXPECT_EQ(kept_before(spec("dense"), 77), 77);
  // Monotone, never more than the span.
  for (int64_t x = 1; x <= 64; ++x) {
    EXPECT_GE(kept_before(s, x), kept_before(s, x - 1));
    EXPECT_LE(kept_before(s, x) - kept_before(s, x - 1), 1);
  }
}

TEST(SparsitySpec, MostKeptIsExactOnBlocksAndABoundInside) {
  const SparsitySpec s = spec("hss:2:4,1:4");  // 2 of every 16
  EXPECT_EQ(most_kept(s, 0, 64), 8);
  EXPECT_EQ(most_kept(s, 16, 48), 4);
  EXPECT_EQ(most_kept(s, 4, 8), 2);  // a pruned block in the canonical layout, kept elsewhere
  EXPECT_EQ(most_kept(s, 5, 6), 1);
  EXPECT_EQ(most_kept(s, 8, 40), 2 + 2 + 2);  // cut, whole, cut
  for (int64_t k0 = 0; k0 < 32; ++k0) {
    for (int64_t k1 = k0; k1 <= 48; ++k1) {
      EXPECT_GE(most_kept(s, k0, k1), kept_before(s, k1) - kept_before(s, k0));
      EXPECT_LE(most_kept(s, k0, k1), k1 - k0);
    }
  }
}

const std::vector<std::string> kPatterns = {"nm:2:4",      "nm:1:4",          "hss:3:4",
                                            "hss:2:4,3:4", "hss:3:4,2:4",     "hss:1:4,2:4",
                                            "hss:4:6,1:4", "hss:1:2,1:2,1:2", "hss:2:8,2:2"};

// Property: pruning random dense tensors of random shapes always conforms and keeps exactly the
// density's share (every value starts nonzero), and pruning is idempotent.
TEST(WeightTensor, PruningConformsOverRandomShapes) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const SparsitySpec s = spec(kPatterns[rng() % kPatterns.size()]);
    const int64_t k = s.top_span() * (1 + static_cast<int64_t>(rng() % 5));
    const int64_t n = 1 + static_cast<int64_t>(rng() % 9);
    std::vector<int32_t> w(static_cast<size_t>(k * n));
    for (auto& v : w) v = static_cast<int32_t>(rng() % 100 + 1) * (rng() % 2 ? 1 : -1);
    const std::vector<int32_t> dense = w;
    prune_weights(s, w, k, n);
    ASSERT_TRUE(conforms(s, w, k, n)) << s.text() << " k=" << k << " n=" << n;
    EXPECT_EQ(nonzeros(w), kept_before(s, k) * n) << s.text();
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i] != 0) {
        ASSERT_EQ(w[i], dense[i]);  // pruning only zeroes
      }
    }
    std::vector<int32_t> again = w;
    prune_weights(s, again, k, n);
    EXPECT_EQ(again, w);
  }
}

TEST(WeightTensor, PruningKeepsTheLargestMagnitudes) {
  // One column, 2:4 then 1:2: rank 0 keeps {-9, 5} and {7, 6}; rank 1 keeps the block with
  // the larger remaining magnitude, 14 against 13.
  std::vector<int32_t> w = {1, -9, 5, 2, 7, 0, 6, -3};
  prune_weights(spec("hss:2:4,1:2"), w, 8, 1);
  EXPECT_EQ(w, (std::vector<int32_t>{0, -9, 5, 0, 0, 0, 0, 0}));
  std::vector<int32_t> u = {1, -9, 5, 2, 7, 0, 6, -3};
  prune_weights(spec("density:0.25"), u, 8, 1);
  EXPECT_EQ(u, (std::vector<int32_t>{0, -9, 0, 0, 7, 0, 0, 0}));
}

TEST(WeightTensor, GeneratedWeightsConformAndAreSeeded) {
  for (const auto& text : kPatterns) {
    const SparsitySpec s = spec(text);
    const int64_t k = s.top_span() * 3, n = 5;
    const auto w = generate_sparse_weights(s, k, n, 42);
    EXPECT_TRUE(conforms(s, w, k, n)) << text;
    EXPECT_EQ(nonzeros(w), kept_before(s, k) * n) << text;
    EXPECT_EQ(w, generate_sparse_weights(s, k, n, 42));
    EXPECT_NE(w, generate_sparse_weights(s, k, n, 43));
  }
  const auto u = generate_sparse_weights(spec("density:0.25"), 400, 50, 1);
  EXPECT_NEAR(static_cast<double>(nonzeros(u)) / 20000.0, 0.25, 0.02);
}

TEST(WeightTensor, CompressedFormatRoundTripsAndCountsItsMetadata) {
  for (const auto& text : kPatterns) {
    const SparsitySpec s = spec(text);
    const int64_t k = s.top_span() * 4, n = 3;
    const auto w = generate_sparse_weights(s, k, n, 5);
    HssColumns c;
    ASSERT_TRUE(compress_hss(s, w, k, n, c)) << text;
    EXPECT_EQ(static_cast<int64_t>(c.values.size()), kept_before(s, k) * n);
    EXPECT_EQ(c.metadata_bits, hss_metadata_bits(s, 4 * n)) << text;
    EXPECT_EQ(expand_hss(s, c, k, n), w) << text;
  }
  // 2:4 then 3:4: per 16 values, 6 values with 2-bit positions and 3 blocks with 2-bit ones.
  EXPECT_EQ(hss_metadata_bits(spec("hss:2:4,3:4"), 1), 6 * 2 + 3 * 2);
  // A tensor with three nonzeros in a 2:4 block does not fit the format.
  HssColumns c;
  EXPECT_FALSE(compress_hss(spec("nm:2:4"), {1, 2, 3, 0}, 4, 1, c));
}

}  // namespace
}  // namespace tessera
