// The contents of DRAM for protected tensors in functional mode: real AES-GCM ciphertext of the
// tensors' values, one message per authentication block, and the blocks' tags (the tag region).
// Tensor values are 32-bit in functional mode (see models/payload.h), so a block of w elements is
// 4*w bytes of ciphertext here; the modelled traffic uses the layer's precision.
//
// IV (96 bits) = block address (64) || version (32). The block address is the tensor's DRAM page
// (base / 4096) in the top 24 bits and the block's number in the low 40. The version is an
// on-chip version per block, raised on every write to the next value of a chip-wide counter, so
// no (address, version) pair, and hence no IV, is ever used twice under the key. Trusted: the chip
// (key, counters, engine); not trusted: DRAM and the bus, which may change, swap or roll back any
// ciphertext or tag.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/crypto/aes_gcm_cipher.h"
#include "models/crypto/attack.h"
#include "models/crypto/stream_blocks.h"
#include "models/payload.h"

namespace tessera {

// The tile block of tensor `t` that GEMM tile `r` belongs to: the tile's place, row-major, in the
// layer's grid of `tile`-sized tiles over the tensor's two GEMM dims (inputs m, k; weights k, n;
// outputs m, n). It numbers the block's IV and its tag's slot in DRAM.
[[nodiscard]] uint64_t tile_block_number(const Layer& layer, Tensor t, const GemmExtents& tile,
                                         const GemmRange& r);
// Tile blocks a tensor can have at most: the product of its two GEMM dims (a tile spans one or
// more).
[[nodiscard]] int64_t max_tile_blocks(const Layer& layer, Tensor t);

class ProtectedStore {
 public:
  ProtectedStore(const Bytes& key, size_t tag_bytes);

  // Encrypts a whole tensor written at `base` (a load): in blocks of `words` elements, or, with
  // words == Security::kTileBlocks, one block per tile of the layer's tile grid `tile`.
  void load(uint64_t base, const Layer& layer, Tensor t, int64_t words, const GemmExtents& tile,
            const int32_t* values);
  // The same for a sparse layer's compressed tensor, the stream of 32-bit words `whole`: in
  // blocks of `words` words, or with tile blocks one block per compressed tile (`tile_starts`:
  // where each tile begins; none for an output not yet written). See models/crypto/stream_blocks.h.
  void load_stream(uint64_t base, const Layer& layer, Tensor t, const Box& whole, int64_t words,
                   const std::vector<int64_t>& tile_starts, const int32_t* values);
  // Verifies and decrypts every block the box of `ext` overlaps; copies the box's values out.
  void read(uint64_t base, const TileExtension& ext, int32_t* out);
  // Writes the box's values: blocks it covers entirely are encrypted anew, blocks it covers in
  // part are verified, decrypted, merged and encrypted anew (read-modify-write).
  void write(uint64_t base, const TileExtension& ext, const int32_t* in);
  // Applies an attack to the tensor at `base` (just after it was loaded).
  void attack(uint64_t base, const Attack& a);

 private:
  struct TileBlock {
    Box box;
    uint64_t number = 0;
    uint32_t version = 0;
    Bytes cipher, tag;
  };
  struct SealedBlock {
    uint32_t version = 0;
    Bytes cipher, tag;
  };
  struct Tensor_ {
    const Layer* layer = nullptr;
    Tensor tensor = Tensor::inputs;
    Box whole;
    int64_t words = 0;  // block size; kTileBlocks: tile blocks
    // Blocks of `words` elements:
    Bytes cipher, tags;
    std::vector<uint32_t> versions;
    // Tile blocks, by the tile's first GEMM indices in the tensor's two dims:
    std::map<std::pair<int64_t, int64_t>, TileBlock> tiles;
    // Tile blocks of a compressed stream: their extents, and each one's ciphertext by its first
    // word (which numbers its IV).
    bool stream = false;
    StreamBlocks extents;
    std::map<int64_t, SealedBlock> sealed;
  };

  Tensor_& tensor_at(uint64_t base);
  [[nodiscard]] uint32_t fresh_version();
  [[nodiscard]] Bytes iv(uint64_t base, uint64_t block, uint32_t version) const;
  void seal(uint64_t base, uint64_t block, uint32_t version, const int32_t* plain, int64_t n,
            uint8_t* cipher, uint8_t* tag) const;
  // Throws SimulationError naming the block when verification fails.
  void open(const Tensor_& t, uint64_t base, uint64_t block, uint32_t version,
            const uint8_t* cipher, int64_t n, const uint8_t* tag, int32_t* plain,
            const Box& where) const;
  [[nodiscard]] static std::pair<int64_t, int64_t> tile_key(Tensor t, const GemmRange& r);
  void load_elements(uint64_t base, Tensor_& t, const int32_t* values);
  void read_stream(uint64_t base, Tensor_& t, const Box& box, int32_t* out);
  void write_stream(uint64_t base, Tensor_& t, const Box& box, const int32_t* in);

  AesGcmCipher cipher_;
  size_t tag_bytes_;
  uint32_t next_version_ = 1;
  std::map<uint64_t, Tensor_> tensors_;
};

}  // namespace tessera
