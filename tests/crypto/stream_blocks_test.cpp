// Tile blocks of a compressed stream against a word-by-word model of the same rules: which
// blocks a read fetches, which a write replaces and reads back, and the block it seals, on
// random sequences of loads, reads and writes.
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

#include "models/crypto/stream_blocks.h"

namespace tessera {
namespace {

// Every word of the stream knows the first word of its block (-1: no block).
struct WordModel {
  std::vector<int64_t> owner;

  std::vector<StreamBlock> blocks_in(int64_t lo, int64_t hi) const {
    std::vector<StreamBlock> out;
    for (int64_t w = lo; w < hi; ++w) {
      const int64_t o = owner[static_cast<size_t>(w)];
      if (o < 0 || (!out.empty() && out.back().begin == o)) continue;
      int64_t end = o;
      while (end < static_cast<int64_t>(owner.size()) && owner[static_cast<size_t>(end)] == o) {
        ++end;
      }
      out.push_back({o, end});
    }
    return out;
  }
  void own(int64_t lo, int64_t hi) {
    for (int64_t w = lo; w < hi; ++w) owner[static_cast<size_t>(w)] = lo;
  }
};

TEST(StreamBlocks, FollowTheWordByWordModel) {
  std::mt19937_64 rng(5);
  auto between = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int c = 0; c < 400; ++c) {
    const int64_t words = between(1, 60);
    StreamBlocks blocks;
    WordModel model{std::vector<int64_t>(static_cast<size_t>(words), -1)};
    // Load: some tiles, as a sparse operand's image.
    for (int64_t at = 0; at < words && between(0, 1) == 1;) {
      const int64_t end = std::min(words, at + between(1, 9));
      blocks.add({at, end});
      model.own(at, end);
      at = end + between(0, 3);
    }
    for (int op = 0; op < 20; ++op) {
      const int64_t lo = between(0, words - 1), hi = between(lo + 1, words);
      if (between(0, 1) == 0) {
        // A read: the blocks it overlaps, and each run of words without a block as a new one.
        std::vector<StreamBlock> want;
        for (int64_t w = lo; w < hi;) {
          if (model.owner[static_cast<size_t>(w)] >= 0) {
            const StreamBlock b = model.blocks_in(w, w + 1).front();
            want.push_back(b);
            w = b.end;
            continue;
          }
          int64_t end = w;
          while (end < hi && model.owner[static_cast<size_t>(end)] < 0) ++end;
          model.own(w, end);
          want.push_back({w, end});
          w = end;
        }
        ASSERT_EQ(blocks.read(lo, hi), want) << "case " << c << " op " << op;
      } else {
        const std::vector<StreamBlock> replaced = model.blocks_in(lo, hi);
        StreamBlock sealed{lo, hi};
        std::vector<StreamBlock> partial;
        for (const StreamBlock& b : replaced) {
          if (b.begin < lo || b.end > hi) partial.push_back(b);
          sealed.begin = std::min(sealed.begin, b.begin);
          sealed.end = std::max(sealed.end, b.end);
        }
        model.own(sealed.begin, sealed.end);
        const StreamBlocks::Write got = blocks.write(lo, hi);
        ASSERT_EQ(got.sealed, sealed) << "case " << c << " op " << op;
        ASSERT_EQ(got.replaced, replaced) << "case " << c << " op " << op;
        ASSERT_EQ(got.partial, partial) << "case " << c << " op " << op;
      }
      ASSERT_EQ(blocks.overlapping(0, words), model.blocks_in(0, words));
    }
  }
}

TEST(StreamBlocks, OverlappingLoadsAreRefused) {
  StreamBlocks blocks;
  blocks.add({0, 10});
  EXPECT_THROW(blocks.add({5, 12}), std::logic_error);
  EXPECT_THROW(blocks.add({12, 12}), std::logic_error);
}

}  // namespace
}  // namespace tessera
