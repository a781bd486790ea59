// Seeded synthetic sparse matrices: the same parameters and seed give the same matrix on every
// machine (std::mt19937_64 and integer arithmetic only). Cost grows with the nonzeros generated.
#pragma once

#include <cstdint>

#include "sparse/matrix.h"

namespace tessera {

// Every entry is nonzero with probability `density`, independently.
[[nodiscard]] SparseMatrix generate_uniform(int64_t rows, int64_t cols, double density,
                                            uint64_t seed);

// Row lengths follow a power law: the row of rank r (rows in a seeded random order) has about
// (r + 1)^-exponent of the longest row's nonzeros, scaled so the average is `nnz_per_row`;
// columns within a row are uniform.
[[nodiscard]] SparseMatrix generate_power_law(int64_t rows, int64_t cols, double nnz_per_row,
                                              double exponent, uint64_t seed);

// Entries with |row - col| <= bandwidth, each nonzero with probability `density`.
[[nodiscard]] SparseMatrix generate_banded(int64_t rows, int64_t cols, int64_t bandwidth,
                                           double density, uint64_t seed);

// A dense operand: every entry present, stored uncompressed (SparseMatrix::dense_storage).
[[nodiscard]] SparseMatrix dense_matrix(int64_t rows, int64_t cols);

}  // namespace tessera
