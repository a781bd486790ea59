#include "models/crypto/stream_blocks.h"

#include <algorithm>
#include <stdexcept>

namespace tessera {

StreamBlocks StreamBlocks::of_tiles(const std::vector<int64_t>& tile_starts, int64_t words) {
  StreamBlocks out;
  for (size_t i = 0; i < tile_starts.size(); ++i) {
    out.add({tile_starts[i], i + 1 < tile_starts.size() ? tile_starts[i + 1] : words});
  }
  return out;
}

void StreamBlocks::add(StreamBlock b) {
  if (b.words() <= 0 || !overlapping(b.begin, b.end).empty()) {
    throw std::logic_error("aes_gcm: overlapping or empty stream block");
  }
  blocks_[b.begin] = b.end;
}

std::vector<StreamBlock> StreamBlocks::overlapping(int64_t lo, int64_t hi) const {
  std::vector<StreamBlock> out;
  if (hi <= lo) return out;
  auto it = blocks_.upper_bound(lo);
  if (it != blocks_.begin() && std::prev(it)->second > lo) --it;
  for (; it != blocks_.end() && it->first < hi; ++it) out.push_back({it->first, it->second});
  return out;
}

std::vector<StreamBlock> StreamBlocks::read(int64_t lo, int64_t hi) {
  std::vector<StreamBlock> out;
  int64_t at = lo;
  for (const StreamBlock& b : overlapping(lo, hi)) {
    if (b.begin > at) out.push_back({at, b.begin});
    out.push_back(b);
    at = b.end;
  }
  if (at < hi) out.push_back({at, hi});
  for (const StreamBlock& b : out) blocks_[b.begin] = b.end;
  return out;
}

StreamBlocks::Write StreamBlocks::write(int64_t lo, int64_t hi) {
  Write w;
  w.sealed = {lo, hi};
  w.replaced = overlapping(lo, hi);
  for (const StreamBlock& b : w.replaced) {
    if (b.begin < lo || b.end > hi) w.partial.push_back(b);
    w.sealed.begin = std::min(w.sealed.begin, b.begin);
    w.sealed.end = std::max(w.sealed.end, b.end);
    blocks_.erase(b.begin);
  }
  blocks_[w.sealed.begin] = w.sealed.end;
  return w;
}

}  // namespace tessera
