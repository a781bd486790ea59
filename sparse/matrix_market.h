// Reads Matrix Market coordinate files (https://math.nist.gov/MatrixMarket/formats.html) as they
// are: fields real, integer and pattern; symmetry general, or symmetric with the lower triangle
// stored (expanded here to both triangles). Values are checked but not kept (timing depends only
// on the pattern). A file without the %%MatrixMarket banner is rejected: its symmetry cannot be
// known. Reading the file itself is traces/sparse_operands.h's read_matrix_market. Every problem is
// an InputError naming the file, line and field.
#pragma once

#include <string>

#include "sparse/matrix.h"

namespace tessera {

// Dimensions beyond this are rejected before anything is allocated.
inline constexpr int64_t kMaxMatrixExtent = int64_t{1} << 24;

// `file` names the text in messages; `name` becomes the matrix's name.
[[nodiscard]] SparseMatrix parse_matrix_market(const std::string& text, const std::string& file,
                                               const std::string& name);

}  // namespace tessera
