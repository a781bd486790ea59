// Coordinate-space tiling of a sparse matrix into uniform tiles, and how many buffer words each
// tile occupies in its compressed form.
//
// Compressed tile format (doubly compressed rows, CSF-style with two levels): one word holding
// the number of nonempty rows R, then R row coordinates, R row-end pointers, and for each nonzero
// its column coordinate and its value. A tile with nnz nonzeros in R rows takes
// 1 + 2R + 2 nnz words of kWordBytes; an empty tile is not stored at all. A dense operand's
// tiles (SparseMatrix::dense_storage) are stored uncompressed: one word per entry, row-major.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "sparse/matrix.h"

namespace tessera {

inline constexpr int64_t kWordBytes = 4;  // one 32-bit coordinate, pointer or value

[[nodiscard]] constexpr int64_t compressed_words(int64_t nnz, int64_t nonempty_rows) {
  return nnz == 0 ? 0 : 1 + 2 * nonempty_rows + 2 * nnz;
}

struct TileStats {
  int64_t nnz = 0;
  int64_t rows = 0;    // nonempty rows
  int64_t offset = 0;  // word offset of the tile in the matrix's compressed image in memory
  bool uncompressed = false;
  [[nodiscard]] int64_t words() const { return uncompressed ? nnz : compressed_words(nnz, rows); }
};

// The nonempty tiles of a matrix cut into tile_rows x tile_cols tiles. Cost: O(nnz + tiles).
struct TileGrid {
  int64_t tile_rows = 1, tile_cols = 1;
  int64_t row_tiles = 0, col_tiles = 0;
  // Per row of tiles: (tile column, stats), ascending by tile column. Offsets follow this order.
  std::vector<std::vector<std::pair<int64_t, TileStats>>> by_row;
  int64_t total_words = 0;
  int64_t tiles = 0;  // nonempty tiles

  [[nodiscard]] int64_t max_words() const;
  // Fraction of the nonempty tiles that need more than `words` words (0 when there are none).
  [[nodiscard]] double fraction_over(int64_t words) const;
};

[[nodiscard]] TileGrid tile_grid(const SparseMatrix& m, int64_t tile_rows, int64_t tile_cols);

// The image of one tile (the format above), with `values` giving each nonzero's value in CSR
// order.
[[nodiscard]] std::vector<int32_t> encode_tile(const SparseMatrix& m,
                                               const std::vector<int32_t>& values, int64_t row0,
                                               int64_t row1, int64_t col0, int64_t col1);

// A tile's nonzeros as (row, col, value) relative to the tile's origin, from its image.
struct TileEntry {
  int32_t row, col, value;
};
[[nodiscard]] std::vector<TileEntry> decode_tile(const int32_t* words, int64_t count);
// The same for an uncompressed tile `cols` entries wide.
[[nodiscard]] std::vector<TileEntry> decode_dense_tile(const int32_t* words, int64_t count,
                                                       int64_t cols);
// The image of entries sorted by (row, col).
[[nodiscard]] std::vector<int32_t> encode_entries(const std::vector<TileEntry>& sorted);

}  // namespace tessera
