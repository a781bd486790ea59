#include "models/crypto/protected_store.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "models/functional_store.h"
#include "plan/auth_blocks.h"
#include "sim/error.h"
#include "sim/numbers.h"

namespace tessera {

namespace {
constexpr size_t kIvBytes = 12;

// The two GEMM dims a tensor's tiles are indexed by.
std::pair<GemmDim, GemmDim> tile_dims(Tensor t) {
  switch (t) {
    case Tensor::inputs: return {GemmDim::m, GemmDim::k};
    case Tensor::weights: return {GemmDim::k, GemmDim::n};
    case Tensor::outputs: return {GemmDim::m, GemmDim::n};
  }
  return {GemmDim::m, GemmDim::n};
}

int64_t start_of(const GemmRange& r, GemmDim d) {
  return d == GemmDim::m ? r.m0 : d == GemmDim::n ? r.n0 : r.k0;
}

// A block of a compressed stream as a box of the stream (for the address in messages).
Box stream_box(const Box& whole, const StreamBlock& b) {
  Box box = whole;
  box.lo[3] = b.begin;
  box.hi[3] = b.end;
  return box;
}

std::string hex_address(uint64_t a) {
  std::ostringstream s;
  s << "0x" << std::hex << a;
  return s.str();
}
}  // namespace

uint64_t tile_block_number(const Layer& layer, Tensor t, const GemmExtents& tile,
                           const GemmRange& r) {
  const auto [da, db] = tile_dims(t);
  const int64_t ta = tile[dim_index(da)], tb = tile[dim_index(db)];
  if (ta <= 0 || tb <= 0) throw std::logic_error("aes_gcm: tile blocks without the layer's tile");
  const int64_t columns = ceil_div(layer.gemm()[dim_index(db)], tb);
  return static_cast<uint64_t>(start_of(r, da) / ta * columns + start_of(r, db) / tb);
}

int64_t max_tile_blocks(const Layer& layer, Tensor t) {
  const auto [da, db] = tile_dims(t);
  const GemmExtents g = layer.gemm();
  return g[dim_index(da)] * g[dim_index(db)];
}

ProtectedStore::ProtectedStore(const Bytes& key, size_t tag_bytes)
    : cipher_(key), tag_bytes_(tag_bytes) {}

std::pair<int64_t, int64_t> ProtectedStore::tile_key(Tensor t, const GemmRange& r) {
  const auto [a, b] = tile_dims(t);
  return {start_of(r, a), start_of(r, b)};
}

ProtectedStore::Tensor_& ProtectedStore::tensor_at(uint64_t base) {
  auto it = tensors_.find(base);
  if (it == tensors_.end()) {
    throw SimulationError("aes_gcm: no protected tensor at DRAM address " + hex_address(base));
  }
  return it->second;
}

uint32_t ProtectedStore::fresh_version() {
  if (next_version_ == UINT32_MAX) {
    throw SimulationError("aes_gcm: version counters exhausted; the key would have to change");
  }
  return next_version_++;
}

Bytes ProtectedStore::iv(uint64_t base, uint64_t block, uint32_t version) const {
  const uint64_t address = ((base / 4096) << 40) | (block & ((uint64_t{1} << 40) - 1));
  Bytes out(kIvBytes);
  for (int i = 0; i < 8; ++i)
    out[static_cast<size_t>(i)] = static_cast<uint8_t>(address >> (56 - 8 * i));
  for (int i = 0; i < 4; ++i) {
    out[8 + static_cast<size_t>(i)] = static_cast<uint8_t>(version >> (24 - 8 * i));
  }
  return out;
}

void ProtectedStore::seal(uint64_t base, uint64_t block, uint32_t version, const int32_t* plain,
                          int64_t n, uint8_t* cipher, uint8_t* tag) const {
  const Bytes v = iv(base, block, version);
  cipher_.encrypt(v.data(), v.size(), nullptr, 0, reinterpret_cast<const uint8_t*>(plain),
                  static_cast<size_t>(n) * sizeof(int32_t), cipher, tag, tag_bytes_);
}

void ProtectedStore::open(const Tensor_& t, uint64_t base, uint64_t block, uint32_t version,
                          const uint8_t* cipher, int64_t n, const uint8_t* tag, int32_t* plain,
                          const Box& where) const {
  const Bytes v = iv(base, block, version);
  if (cipher_.decrypt(v.data(), v.size(), nullptr, 0, cipher,
                      static_cast<size_t>(n) * sizeof(int32_t), tag, tag_bytes_,
                      reinterpret_cast<uint8_t*>(plain))) {
    return;
  }
  const uint64_t address =
      base + static_cast<uint64_t>(where.first_element() * t.layer->precision_bits / 8);
  throw SimulationError("integrity violation in layer '" + t.layer->name + "', tensor " +
                        tensor_name(*t.layer, t.tensor) + ": authentication block " +
                        std::to_string(block) + " at DRAM address " + hex_address(address) +
                        " failed AES-GCM verification (its ciphertext or tag was changed, "
                        "moved or replayed); stopping on unverified data");
}

void ProtectedStore::load_elements(uint64_t base, Tensor_& t, const int32_t* values) {
  const uint32_t version = fresh_version();
  const int64_t total = t.whole.volume(), words = t.words;
  const int64_t blocks = ceil_div(total, words);
  t.cipher.resize(static_cast<size_t>(total) * sizeof(int32_t));
  t.tags.resize(static_cast<size_t>(blocks) * tag_bytes_);
  t.versions.assign(static_cast<size_t>(blocks), version);
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t first = b * words, n = std::min(total, first + words) - first;
    seal(base, static_cast<uint64_t>(b), version, values + first, n, t.cipher.data() + first * 4,
         t.tags.data() + b * static_cast<int64_t>(tag_bytes_));
  }
}

void ProtectedStore::load_stream(uint64_t base, const Layer& layer, Tensor t, const Box& whole,
                                 int64_t words, const std::vector<int64_t>& tile_starts,
                                 const int32_t* values) {
  Tensor_ fresh;
  fresh.layer = &layer;
  fresh.tensor = t;
  fresh.whole = whole;
  fresh.words = words;
  if (words != Security::kTileBlocks) {
    load_elements(base, fresh, values);
  } else {
    fresh.stream = true;
    const uint32_t version = fresh_version();
    fresh.extents = StreamBlocks::of_tiles(tile_starts, whole.volume());
    for (const StreamBlock& b : fresh.extents.overlapping(0, whole.volume())) {
      SealedBlock& s = fresh.sealed[b.begin];
      s.version = version;
      s.cipher.resize(static_cast<size_t>(b.words()) * sizeof(int32_t));
      s.tag.resize(tag_bytes_);
      seal(base, static_cast<uint64_t>(b.begin), version, values + b.begin, b.words(),
           s.cipher.data(), s.tag.data());
    }
  }
  tensors_[base] = std::move(fresh);
}

void ProtectedStore::load(uint64_t base, const Layer& layer, Tensor t, int64_t words,
                          const GemmExtents& tile, const int32_t* values) {
  Tensor_ fresh;
  fresh.layer = &layer;
  fresh.tensor = t;
  fresh.whole = whole_tensor(layer, t);
  fresh.words = words;
  if (words != Security::kTileBlocks) {
    load_elements(base, fresh, values);
  } else {
    const uint32_t version = fresh_version();
    const int64_t total = fresh.whole.volume();
    // One block per tile of the layer's grid, each the tile's box of this tensor.
    const GemmExtents g = layer.gemm();
    const auto [da, db] = tile_dims(t);
    const int64_t ta = tile[dim_index(da)], tb = tile[dim_index(db)];
    if (ta <= 0 || tb <= 0) throw std::logic_error("aes_gcm: tile blocks without the layer's tile");
    const std::vector<int32_t> all(values, values + total);
    std::vector<int32_t> box_values;
    for (int64_t a = 0; a < g[dim_index(da)]; a += ta) {
      for (int64_t b = 0; b < g[dim_index(db)]; b += tb) {
        GemmRange r{0, g[0], 0, g[1], 0, g[2]};
        int64_t* lo[] = {&r.m0, &r.n0, &r.k0};
        int64_t* hi[] = {&r.m1, &r.n1, &r.k1};
        *lo[dim_index(da)] = a;
        *hi[dim_index(da)] = std::min(g[dim_index(da)], a + ta);
        *lo[dim_index(db)] = b;
        *hi[dim_index(db)] = std::min(g[dim_index(db)], b + tb);
        TileBlock block;
        block.box = tensor_box(layer, t, r);
        block.number = tile_block_number(layer, t, tile, r);
        block.version = version;
        box_values.resize(static_cast<size_t>(block.box.volume()));
        gather_box(all, block.box, box_values.data());
        block.cipher.resize(box_values.size() * sizeof(int32_t));
        block.tag.resize(tag_bytes_);
        seal(base, block.number, version, box_values.data(), block.box.volume(),
             block.cipher.data(), block.tag.data());
        fresh.tiles[{a, b}] = std::move(block);
      }
    }
  }
  tensors_[base] = std::move(fresh);
}

void ProtectedStore::read(uint64_t base, const TileExtension& ext, int32_t* out) {
  Tensor_& t = tensor_at(base);
  if (t.stream) {
    read_stream(base, t, ext.box, out);
    return;
  }
  if (t.words == Security::kTileBlocks && ext.box == t.whole) {  // e.g. reading results back
    std::vector<int32_t> whole(static_cast<size_t>(t.whole.volume())), plain;
    for (const auto& [key, b] : t.tiles) {
      plain.resize(static_cast<size_t>(b.box.volume()));
      open(t, base, b.number, b.version, b.cipher.data(), b.box.volume(), b.tag.data(),
           plain.data(), b.box);
      scatter_box(whole, b.box, plain.data());
    }
    std::copy(whole.begin(), whole.end(), out);
    return;
  }
  if (t.words == Security::kTileBlocks) {
    const auto it = t.tiles.find(tile_key(ext.tensor, ext.range));
    if (it == t.tiles.end() || !(it->second.box == ext.box)) {
      throw SimulationError("aes_gcm: a read of " + std::string(tensor_name(*t.layer, t.tensor)) +
                            " that is not one of the layer's tile blocks");
    }
    const TileBlock& b = it->second;
    open(t, base, b.number, b.version, b.cipher.data(), b.box.volume(), b.tag.data(), out, b.box);
    return;
  }
  const int64_t w = t.words, total = t.whole.volume();
  std::vector<int32_t> plain(static_cast<size_t>(w));
  int64_t current = -1, at = 0;
  for_each_row(ext.box, [&](int64_t first, int64_t length) {
    for (int64_t e = first; e < first + length;) {
      const int64_t b = e / w, begin = b * w, end = std::min(total, begin + w);
      if (b != current) {
        open(t, base, static_cast<uint64_t>(b), t.versions[static_cast<size_t>(b)],
             t.cipher.data() + begin * 4, end - begin,
             t.tags.data() + b * static_cast<int64_t>(tag_bytes_), plain.data(),
             Box{{1, 1, 1, total}, {0, 0, 0, begin}, {1, 1, 1, end}});
        current = b;
      }
      const int64_t n = std::min(first + length, end) - e;
      std::copy_n(plain.data() + (e - begin), n, out + at);
      at += n;
      e += n;
    }
  });
}

void ProtectedStore::write(uint64_t base, const TileExtension& ext, const int32_t* in) {
  Tensor_& t = tensor_at(base);
  if (t.stream) {
    write_stream(base, t, ext.box, in);
    return;
  }
  // Every write takes a version above all used so far, so an IV never repeats.
  auto bump = [&](uint32_t& version) { version = fresh_version(); };
  if (t.words == Security::kTileBlocks) {
    const auto it = t.tiles.find(tile_key(ext.tensor, ext.range));
    if (it == t.tiles.end() || !(it->second.box == ext.box)) {
      throw SimulationError("aes_gcm: a write of " + std::string(tensor_name(*t.layer, t.tensor)) +
                            " that is not one of the layer's tile blocks");
    }
    TileBlock& b = it->second;  // the whole block is written: no read needed
    bump(b.version);
    seal(base, b.number, b.version, in, b.box.volume(), b.cipher.data(), b.tag.data());
    return;
  }
  const int64_t w = t.words, total = t.whole.volume();
  // Pass 1: how many elements of each overlapped block the box writes.
  std::vector<std::pair<int64_t, int64_t>> covered;
  for_each_row(ext.box, [&](int64_t first, int64_t length) {
    for (int64_t e = first; e < first + length;) {
      const int64_t b = e / w, n = std::min({first + length, (b + 1) * w, total}) - e;
      if (covered.empty() || covered.back().first != b) covered.emplace_back(b, 0);
      covered.back().second += n;
      e += n;
    }
  });
  // Pass 2: merge into each block (reading it first when the box covers it only in part), then
  // encrypt it under a new version.
  std::vector<int32_t> plain(static_cast<size_t>(w));
  size_t next = 0;
  int64_t current = -1, at = 0;
  auto flush = [&] {
    if (current < 0) return;
    const int64_t begin = current * w, end = std::min(total, begin + w);
    uint32_t& version = t.versions[static_cast<size_t>(current)];
    bump(version);
    seal(base, static_cast<uint64_t>(current), version, plain.data(), end - begin,
         t.cipher.data() + begin * 4, t.tags.data() + current * static_cast<int64_t>(tag_bytes_));
  };
  for_each_row(ext.box, [&](int64_t first, int64_t length) {
    for (int64_t e = first; e < first + length;) {
      const int64_t b = e / w, begin = b * w, end = std::min(total, begin + w);
      if (b != current) {
        flush();
        current = b;
        if (covered[next++].second < end - begin) {
          open(t, base, static_cast<uint64_t>(b), t.versions[static_cast<size_t>(b)],
               t.cipher.data() + begin * 4, end - begin,
               t.tags.data() + b * static_cast<int64_t>(tag_bytes_), plain.data(),
               Box{{1, 1, 1, total}, {0, 0, 0, begin}, {1, 1, 1, end}});
        }
      }
      const int64_t n = std::min(first + length, end) - e;
      std::copy_n(in + at, n, plain.data() + (e - begin));
      at += n;
      e += n;
    }
  });
  flush();
}

void ProtectedStore::read_stream(uint64_t base, Tensor_& t, const Box& box, int32_t* out) {
  const int64_t lo = box.lo[3], hi = box.hi[3];
  int64_t at = lo;
  std::vector<int32_t> plain;
  for (const StreamBlock& b : t.extents.overlapping(lo, hi)) {
    if (b.begin > at) break;  // a gap: words never written
    const SealedBlock& s = t.sealed.at(b.begin);
    plain.resize(static_cast<size_t>(b.words()));
    open(t, base, static_cast<uint64_t>(b.begin), s.version, s.cipher.data(), b.words(),
         s.tag.data(), plain.data(), stream_box(t.whole, b));
    const int64_t from = std::max(lo, b.begin), to = std::min(hi, b.end);
    std::copy(plain.begin() + (from - b.begin), plain.begin() + (to - b.begin), out + (from - lo));
    at = to;
  }
  if (at < hi) {
    throw SimulationError("aes_gcm: a read of words " + std::to_string(at) + ".. of " +
                          tensor_name(*t.layer, t.tensor) + " in layer '" + t.layer->name +
                          "', which no block in DRAM holds");
  }
}

void ProtectedStore::write_stream(uint64_t base, Tensor_& t, const Box& box, const int32_t* in) {
  const int64_t lo = box.lo[3], hi = box.hi[3];
  const StreamBlocks::Write w = t.extents.write(lo, hi);
  std::vector<int32_t> plain(static_cast<size_t>(w.sealed.words()));
  // Blocks covered only in part are verified and merged first (read-modify-write).
  for (const StreamBlock& b : w.partial) {
    const SealedBlock& s = t.sealed.at(b.begin);
    open(t, base, static_cast<uint64_t>(b.begin), s.version, s.cipher.data(), b.words(),
         s.tag.data(), plain.data() + (b.begin - w.sealed.begin), stream_box(t.whole, b));
  }
  std::copy(in, in + (hi - lo), plain.begin() + (lo - w.sealed.begin));
  for (const StreamBlock& b : w.replaced) t.sealed.erase(b.begin);
  SealedBlock& s = t.sealed[w.sealed.begin];
  s.version = fresh_version();
  s.cipher.resize(plain.size() * sizeof(int32_t));
  s.tag.resize(tag_bytes_);
  seal(base, static_cast<uint64_t>(w.sealed.begin), s.version, plain.data(), w.sealed.words(),
       s.cipher.data(), s.tag.data());
}

void ProtectedStore::attack(uint64_t base, const Attack& a) {
  Tensor_& t = tensor_at(base);
  // The block holding ciphertext byte a.byte: its ciphertext, tag, version and number.
  uint8_t* cipher = nullptr;
  uint8_t* tag = nullptr;
  uint32_t* version = nullptr;
  int64_t offset = a.byte, size = 0;
  uint64_t number = 0;
  if (t.stream) {
    const auto found = t.extents.overlapping(a.byte / 4, a.byte / 4 + 1);
    if (!found.empty()) {
      SealedBlock& s = t.sealed.at(found.front().begin);
      cipher = s.cipher.data();
      tag = s.tag.data();
      version = &s.version;
      number = static_cast<uint64_t>(found.front().begin);
      offset = a.byte - found.front().begin * 4;
      size = static_cast<int64_t>(s.cipher.size());
    }
  } else if (t.words == Security::kTileBlocks) {
    for (auto& [key, b] : t.tiles) {
      if (offset < static_cast<int64_t>(b.cipher.size())) {
        cipher = b.cipher.data();
        tag = b.tag.data();
        version = &b.version;
        number = b.number;
        size = static_cast<int64_t>(b.cipher.size());
        break;
      }
      offset -= static_cast<int64_t>(b.cipher.size());
    }
  } else if (a.byte < static_cast<int64_t>(t.cipher.size())) {
    // (A dense tensor's bytes were checked before the run; a compressed stream's only now.)
    const int64_t block_bytes = t.words * 4;
    number = static_cast<uint64_t>(a.byte / block_bytes);
    offset = a.byte % block_bytes;
    cipher = t.cipher.data() + number * static_cast<uint64_t>(block_bytes);
    tag = t.tags.data() + number * tag_bytes_;
    version = &t.versions[number];
    size = std::min<int64_t>(block_bytes, static_cast<int64_t>(t.cipher.size()) -
                                              static_cast<int64_t>(number) * block_bytes);
  }
  if (cipher == nullptr && t.stream && a.byte < t.whole.volume() * 4) {
    throw InputError({to_string(a.kind), 0, a.spec},
                     std::string("no ciphertext holds byte ") + std::to_string(a.byte) + " of " +
                         tensor_name(*t.layer, t.tensor) + " in layer '" + t.layer->name +
                         "' when it is loaded: its tile blocks are written by the layer (give it "
                         "blocks in bytes under the layer's security key to seal it from the "
                         "start)");
  }
  if (cipher == nullptr || offset >= size) {
    throw InputError({to_string(a.kind), 0, a.spec},
                     "byte " + std::to_string(a.byte) + " is beyond the " +
                         tensor_name(*t.layer, t.tensor) + " ciphertext of layer '" +
                         t.layer->name + "' in DRAM (" + std::to_string(t.whole.volume() * 4) +
                         " bytes when loaded)");
  }
  const auto flip = static_cast<uint8_t>(1u << a.bit);
  switch (a.kind) {
    case Attack::Kind::data: cipher[offset] ^= flip; break;
    case Attack::Kind::tag: tag[static_cast<size_t>(a.byte) % tag_bytes_] ^= flip; break;
    case Attack::Kind::replay: {
      // Keep the block as it is now, let it be written once more (same values, next version),
      // then put the old ciphertext and tag back: a well-formed but stale block.
      const Bytes old_cipher(cipher, cipher + size), old_tag(tag, tag + tag_bytes_);
      std::vector<int32_t> plain(static_cast<size_t>(size) / 4);
      open(t, base, number, *version, cipher, size / 4, tag, plain.data(), t.whole);
      *version = fresh_version();
      seal(base, number, *version, plain.data(), size / 4, cipher, tag);
      std::copy(old_cipher.begin(), old_cipher.end(), cipher);
      std::copy(old_tag.begin(), old_tag.end(), tag);
      break;
    }
  }
}

}  // namespace tessera
