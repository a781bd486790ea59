// Register-level, cycle-by-cycle simulation of an R x C systolic array running one GEMM tile: the
// ground truth the closed-form model in plan/systolic_timing.h is tested against.
// Slow on purpose (it moves every value through every register); meant for small sizes.
#pragma once

#include <cstdint>
#include <vector>

#include "plan/systolic_timing.h"

namespace tessera::systolic::reference {

// Dense row-major matrix.
struct Matrix {
  int64_t rows = 0, cols = 0;
  std::vector<int64_t> data;

  Matrix() = default;
  Matrix(int64_t r, int64_t c) : rows(r), cols(c), data(static_cast<size_t>(r * c), 0) {}
  int64_t& operator()(int64_t i, int64_t j) { return data[static_cast<size_t>(i * cols + j)]; }
  int64_t operator()(int64_t i, int64_t j) const { return data[static_cast<size_t>(i * cols + j)]; }
  bool operator==(const Matrix& o) const {
    return rows == o.rows && cols == o.cols && data == o.data;
  }
};

struct Result {
  int64_t cycles =
      0;       // from the first cycle of the first fold until the last result left the array
  Matrix out;  // m x n
};

// out = a (m x k) times b (k x n) on the array, fold by fold, one fold after another. Every fold
// streams its whole T extent, so a stream split into chunks is simulated as one fold with the
// summed T. Throws std::logic_error if operands ever meet misaligned in the array.
[[nodiscard]] Result run_tile(ArrayShape array, Dataflow df, const Matrix& a, const Matrix& b);

}  // namespace tessera::systolic::reference
