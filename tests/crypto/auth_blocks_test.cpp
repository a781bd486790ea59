// The closed-form authentication-block count against brute-force enumeration of every element
// of the footprint, on random boxes of random tensors and random block sizes, with the tensor's
// short tail block in play.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "plan/auth_blocks.h"

namespace tessera {
namespace {

BlockCount brute_force(const Box& box, int64_t w) {
  const int64_t total = tensor_elements(box);
  std::map<int64_t, int64_t> inside;  // block -> elements of the box in it
  for (int64_t a = box.lo[0]; a < box.hi[0]; ++a) {
    for (int64_t b = box.lo[1]; b < box.hi[1]; ++b) {
      for (int64_t c = box.lo[2]; c < box.hi[2]; ++c) {
        for (int64_t d = box.lo[3]; d < box.hi[3]; ++d) {
          const int64_t e = ((a * box.shape[1] + b) * box.shape[2] + c) * box.shape[3] + d;
          ++inside[e / w];
        }
      }
    }
  }
  BlockCount out;
  for (const auto& [block, count] : inside) {
    const int64_t size = std::min(w, total - block * w);
    ++out.blocks;
    out.block_elements += size;
    if (count == size) {
      ++out.full_blocks;
      out.full_block_elements += size;
    }
  }
  if (!inside.empty()) {
    out.first_block = inside.begin()->first;
    out.last_block = inside.rbegin()->first;
  }
  return out;
}

TEST(AuthBlocks, ClosedFormEqualsBruteForce) {
  std::mt19937_64 rng(20231028);
  auto between = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  int tail_cases = 0, long_runs = 0;
  for (int c = 0; c < 12000; ++c) {
    Box box;
    for (size_t d = 0; d < 4; ++d) {
      box.shape[d] = between(1, d == 3 ? 24 : 9);
      // Often the whole extent, so inner dimensions merge into longer rows.
      if (between(0, 2) == 0) {
        box.lo[d] = 0;
        box.hi[d] = box.shape[d];
      } else {
        box.lo[d] = between(0, box.shape[d] - 1);
        box.hi[d] = between(box.lo[d] + 1, box.shape[d]);
      }
    }
    const int64_t total = tensor_elements(box);
    const int64_t w = between(0, 3) == 0 ? between(1, 4) : between(1, total);
    if (total % w != 0) ++tail_cases;
    const RowLayout lay = row_layout(box);
    if (lay.rows > w / std::gcd(lay.stride % w, w)) ++long_runs;
    const BlockCount want = brute_force(box, w);
    const BlockCount got = count_auth_blocks(box, w);
    ASSERT_EQ(got.blocks, want.blocks) << "case " << c << " w " << w;
    ASSERT_EQ(got.full_blocks, want.full_blocks) << "case " << c << " w " << w;
    ASSERT_EQ(got.block_elements, want.block_elements) << "case " << c << " w " << w;
    ASSERT_EQ(got.full_block_elements, want.full_block_elements) << "case " << c << " w " << w;
    ASSERT_EQ(got.first_block, want.first_block) << "case " << c;
    ASSERT_EQ(got.last_block, want.last_block) << "case " << c;
  }
  // Both paths of the closed form (direct rows and residue classes) and the tail were exercised.
  EXPECT_GT(tail_cases, 1000);
  EXPECT_GT(long_runs, 1000);
}

TEST(AuthBlocks, CongruenceSolutions) {
  for (int64_t w = 1; w <= 24; ++w) {
    for (int64_t u = 0; u <= 30; ++u) {
      for (int64_t c = 0; c < w; ++c) {
        for (int64_t n : {0, 1, 5, 37}) {
          int64_t want = 0;
          for (int64_t i = 0; i < n; ++i) want += (u * i) % w == c;
          ASSERT_EQ(congruence_solutions(u, c, w, n), want) << u << " " << c << " " << w;
        }
      }
    }
  }
}

// Rows a tile reads: the tail of a tensor of 10 elements in blocks of 4 is 2 long.
TEST(AuthBlocks, ShortTailBlock) {
  Box box;
  box.shape = {1, 1, 1, 10};
  box.lo = {0, 0, 0, 7};
  box.hi = {1, 1, 1, 10};
  const BlockCount c = count_auth_blocks(box, 4);
  EXPECT_EQ(c.blocks, 2);       // blocks [4,8) and [8,10)
  EXPECT_EQ(c.full_blocks, 1);  // [8,10) entirely
  EXPECT_EQ(c.block_elements, 6);
}

}  // namespace
}  // namespace tessera
