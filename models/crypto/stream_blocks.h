// Tile blocks of a compressed tensor (a sparse layer's A, B or Z): its stream of 32-bit words cut
// where the controller's transfers cut it. A and B are loaded one block per compressed tile; a
// write makes one block of the words it writes together with every block it overlaps (a block it
// covers only in part is read back, verified and merged first, as with blocks in elements), so a
// partial output tile written whole replaces its previous block and a tile whose tail was spilled
// first becomes two blocks. A read fetches every block it overlaps, whole.
//
// The chip keeps these extents on chip, with the blocks' versions; the engine's timing and the
// functional ciphertext store (models/crypto/protected_store.h) follow the same rules through this
// class.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace tessera {

struct StreamBlock {
  int64_t begin = 0, end = 0;  // words [begin, end) of the stream
  [[nodiscard]] int64_t words() const { return end - begin; }
  [[nodiscard]] bool operator==(const StreamBlock& o) const {
    return begin == o.begin && end == o.end;
  }
};

class StreamBlocks {
 public:
  // A loaded stream of `words` words: one block per compressed tile, each from its first word
  // (`tile_starts`, increasing) to the next one's.
  [[nodiscard]] static StreamBlocks of_tiles(const std::vector<int64_t>& tile_starts,
                                             int64_t words);
  // Adds a block (a compressed tile, as loaded); it must not overlap any other.
  void add(StreamBlock b);
  // The blocks words [lo, hi) overlap, in stream order.
  [[nodiscard]] std::vector<StreamBlock> overlapping(int64_t lo, int64_t hi) const;
  // The blocks a read of [lo, hi) fetches. Words no block holds yet become blocks of their own
  // (the engine's timing without a functional load: a compressed tile's first fetch is whole).
  std::vector<StreamBlock> read(int64_t lo, int64_t hi);

  struct Write {
    StreamBlock sealed;                 // the block written: [lo, hi) and every block it overlaps
    std::vector<StreamBlock> replaced;  // the blocks it overlaps, in stream order
    std::vector<StreamBlock> partial;   // of those, the ones [lo, hi) covers only in part
  };
  // Writes words [lo, hi): the overlapped blocks give way to one sealed block.
  Write write(int64_t lo, int64_t hi);

 private:
  std::map<int64_t, int64_t> blocks_;  // begin -> end; blocks never overlap
};

}  // namespace tessera
