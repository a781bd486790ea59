#include "sparse/tiling.h"

#include <algorithm>
#include <stdexcept>

#include "sim/numbers.h"

namespace tessera {

int64_t TileGrid::max_words() const {
  int64_t most = 0;
  for (const auto& row : by_row) {
    for (const auto& [tj, s] : row) most = std::max(most, s.words());
  }
  return most;
}

double TileGrid::fraction_over(int64_t words) const {
  if (tiles == 0) return 0;
  int64_t over = 0;
  for (const auto& row : by_row) {
    for (const auto& [tj, s] : row) over += s.words() > words ? 1 : 0;
  }
  return static_cast<double>(over) / static_cast<double>(tiles);
}

TileGrid tile_grid(const SparseMatrix& m, int64_t tile_rows, int64_t tile_cols) {
  TileGrid g;
  g.tile_rows = tile_rows;
  g.tile_cols = tile_cols;
  g.row_tiles = ceil_div(m.rows, tile_rows);
  g.col_tiles = ceil_div(m.cols, tile_cols);
  g.by_row.resize(static_cast<size_t>(g.row_tiles));
  // Per row of tiles, counts in a dense array over tile columns, reset through a touched list so
  // the cost stays with the nonzeros.
  std::vector<TileStats> acc(static_cast<size_t>(g.col_tiles));
  std::vector<int64_t> row_mark(static_cast<size_t>(g.col_tiles), -1);
  std::vector<int64_t> touched;
  for (int64_t ti = 0; ti < g.row_tiles; ++ti) {
    touched.clear();
    const int64_t r1 = std::min(m.rows, (ti + 1) * tile_rows);
    for (int64_t r = ti * tile_rows; r < r1; ++r) {
      for (int64_t i = m.row_ptr[static_cast<size_t>(r)]; i < m.row_ptr[static_cast<size_t>(r + 1)];
           ++i) {
        const int64_t tj = m.col_idx[static_cast<size_t>(i)] / tile_cols;
        TileStats& s = acc[static_cast<size_t>(tj)];
        if (s.nnz == 0) touched.push_back(tj);
        ++s.nnz;
        if (row_mark[static_cast<size_t>(tj)] != r) {
          row_mark[static_cast<size_t>(tj)] = r;
          ++s.rows;
        }
      }
    }
    std::sort(touched.begin(), touched.end());
    auto& out = g.by_row[static_cast<size_t>(ti)];
    for (int64_t tj : touched) {
      TileStats s = acc[static_cast<size_t>(tj)];
      s.uncompressed = m.dense_storage;
      s.offset = g.total_words;
      g.total_words += s.words();
      out.emplace_back(tj, s);
      acc[static_cast<size_t>(tj)] = TileStats{};
    }
    g.tiles += static_cast<int64_t>(touched.size());
  }
  return g;
}

std::vector<int32_t> encode_tile(const SparseMatrix& m, const std::vector<int32_t>& values,
                                 int64_t row0, int64_t row1, int64_t col0, int64_t col1) {
  std::vector<TileEntry> entries;
  for (int64_t r = row0; r < std::min(row1, m.rows); ++r) {
    const auto begin = m.col_idx.begin() + m.row_ptr[static_cast<size_t>(r)];
    const auto end = m.col_idx.begin() + m.row_ptr[static_cast<size_t>(r + 1)];
    for (auto it = std::lower_bound(begin, end, col0); it != end && *it < col1; ++it) {
      const auto i = static_cast<size_t>(it - m.col_idx.begin());
      entries.push_back(
          {static_cast<int32_t>(r - row0), static_cast<int32_t>(*it - col0), values[i]});
    }
  }
  if (!m.dense_storage) return encode_entries(entries);
  std::vector<int32_t> out;
  out.reserve(entries.size());
  for (const TileEntry& e : entries) out.push_back(e.value);
  return out;
}

std::vector<TileEntry> decode_dense_tile(const int32_t* words, int64_t count, int64_t cols) {
  std::vector<TileEntry> out;
  for (int64_t i = 0; i < count; ++i) {
    out.push_back({static_cast<int32_t>(i / cols), static_cast<int32_t>(i % cols), words[i]});
  }
  return out;
}

std::vector<int32_t> encode_entries(const std::vector<TileEntry>& sorted) {
  if (sorted.empty()) return {};
  std::vector<int32_t> row_coord, row_end, cols, vals;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i == 0 || sorted[i].row != sorted[i - 1].row) {
      if (i > 0) row_end.push_back(static_cast<int32_t>(i));
      row_coord.push_back(sorted[i].row);
    }
    cols.push_back(sorted[i].col);
    vals.push_back(sorted[i].value);
  }
  row_end.push_back(static_cast<int32_t>(sorted.size()));
  std::vector<int32_t> out;
  out.reserve(static_cast<size_t>(compressed_words(static_cast<int64_t>(sorted.size()),
                                                   static_cast<int64_t>(row_coord.size()))));
  out.push_back(static_cast<int32_t>(row_coord.size()));
  for (const auto* part : {&row_coord, &row_end, &cols, &vals}) {
    out.insert(out.end(), part->begin(), part->end());
  }
  return out;
}

std::vector<TileEntry> decode_tile(const int32_t* words, int64_t count) {
  std::vector<TileEntry> out;
  if (count == 0) return out;
  const int64_t rows = words[0];
  const int64_t nnz = rows > 0 ? words[2 * rows] : 0;
  if (rows < 0 || count != compressed_words(nnz, rows)) {
    throw std::logic_error("decode_tile: image size does not match its header");
  }
  const int32_t* row_coord = words + 1;
  const int32_t* row_end = row_coord + rows;
  const int32_t* cols = row_end + rows;
  const int32_t* vals = cols + nnz;
  int64_t i = 0;
  for (int64_t r = 0; r < rows; ++r) {
    for (; i < row_end[r]; ++i) out.push_back({row_coord[r], cols[i], vals[i]});
  }
  return out;
}

}  // namespace tessera
