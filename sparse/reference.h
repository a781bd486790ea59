// Functional mode for sparse operands: seeded values for a matrix's nonzeros and the reference
// product they must give.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "sparse/matrix.h"

namespace tessera {

// One value per nonzero in CSR order, nonzero and small (|v| <= 8) so no int32 sum overflows
// for any matrix tessera accepts.
[[nodiscard]] std::vector<int32_t> seeded_values(const SparseMatrix& m, uint64_t seed);

// Z = A x B over the structural nonzeros: an entry exists where any multiply meets, even if the
// values cancel. Keyed (row, col).
using SparseProduct = std::map<std::pair<int64_t, int64_t>, int64_t>;
[[nodiscard]] SparseProduct reference_product(const SparseMatrix& a,
                                              const std::vector<int32_t>& a_values,
                                              const SparseMatrix& b,
                                              const std::vector<int32_t>& b_values);

}  // namespace tessera
