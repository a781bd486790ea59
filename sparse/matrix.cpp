#include "sparse/matrix.h"

#include <algorithm>
#include <stdexcept>

namespace tessera {

SparseMatrix from_coordinates(std::string name, int64_t rows, int64_t cols,
                              std::vector<Coordinate> entries) {
  std::sort(entries.begin(), entries.end(), [](const Coordinate& a, const Coordinate& b) {
    return a.row != b.row ? a.row < b.row : a.col < b.col;
  });
  SparseMatrix m;
  m.name = std::move(name);
  m.rows = rows;
  m.cols = cols;
  m.row_ptr.assign(static_cast<size_t>(rows + 1), 0);
  m.col_idx.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const Coordinate& e = entries[i];
    if (e.row < 0 || e.row >= rows || e.col < 0 || e.col >= cols) {
      throw std::logic_error("from_coordinates: entry out of range");
    }
    if (i > 0 && e.row == entries[i - 1].row && e.col == entries[i - 1].col) {
      throw std::logic_error("from_coordinates: repeated entry");
    }
    ++m.row_ptr[static_cast<size_t>(e.row + 1)];
    m.col_idx.push_back(static_cast<int32_t>(e.col));
  }
  for (size_t r = 0; r < static_cast<size_t>(rows); ++r) m.row_ptr[r + 1] += m.row_ptr[r];
  return m;
}

SparseMatrix transpose(const SparseMatrix& m) {
  SparseMatrix t;
  t.name = m.name + "^T";
  t.rows = m.cols;
  t.cols = m.rows;
  t.row_ptr.assign(static_cast<size_t>(t.rows + 1), 0);
  for (int32_t c : m.col_idx) ++t.row_ptr[static_cast<size_t>(c) + 1];
  for (size_t r = 0; r < static_cast<size_t>(t.rows); ++r) t.row_ptr[r + 1] += t.row_ptr[r];
  t.col_idx.resize(m.col_idx.size());
  std::vector<int64_t> next(t.row_ptr.begin(), t.row_ptr.end() - 1);
  // Rows of m in ascending order, so each row of the transpose comes out sorted.
  for (int64_t r = 0; r < m.rows; ++r) {
    for (int64_t i = m.row_ptr[static_cast<size_t>(r)]; i < m.row_ptr[static_cast<size_t>(r + 1)];
         ++i) {
      const auto c = static_cast<size_t>(m.col_idx[static_cast<size_t>(i)]);
      t.col_idx[static_cast<size_t>(next[c]++)] = static_cast<int32_t>(r);
    }
  }
  return t;
}

}  // namespace tessera
