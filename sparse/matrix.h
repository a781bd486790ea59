// A sparse matrix's nonzero pattern in compressed sparse rows (CSR). Timing depends only on where
// the nonzeros are; functional mode gives them seeded values (see reference.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

struct SparseMatrix {
  std::string name;
  int64_t rows = 0, cols = 0;
  int size_line = 0;             // line of the size header in its file, for messages (0: none)
  std::vector<int64_t> row_ptr;  // rows + 1 entries
  std::vector<int32_t> col_idx;  // column of each nonzero, ascending within a row
  // A dense operand: every entry is present and tiles are stored uncompressed, one word each.
  bool dense_storage = false;

  [[nodiscard]] int64_t nnz() const { return static_cast<int64_t>(col_idx.size()); }
};

// One nonzero's coordinates (0-based).
struct Coordinate {
  int64_t row = 0, col = 0;
};

// Builds the CSR form from coordinates in any order; they must be distinct and in range.
[[nodiscard]] SparseMatrix from_coordinates(std::string name, int64_t rows, int64_t cols,
                                            std::vector<Coordinate> entries);

[[nodiscard]] SparseMatrix transpose(const SparseMatrix& m);

}  // namespace tessera
