// The operands of a sparse layer (`op: spmspm` or `op: spmm`, FORMAT.md "Sparse layers"): Matrix
// Market files named relative to the trace, the transpose of or the same matrix as another
// operand, seeded generators, or (spmm's B) a dense matrix. Read and checked with the trace, so a
// bad operand stops the run before anything is simulated.
#pragma once

#include <memory>
#include <string>

#include <yaml-cpp/yaml.h>

#include "sparse/matrix.h"
#include "traces/layer.h"
#include "traces/yaml_util.h"

namespace tessera {

struct SparseOperands {
  std::shared_ptr<const SparseMatrix> a, b;  // Z = A x B
};

// Reads a Matrix Market file (sparse/matrix_market.h); the matrix is named after the file.
[[nodiscard]] SparseMatrix read_matrix_market(const std::string& path);

// Fills an spmspm or spmm layer from its YAML node: the operands and the GEMM view (m = A's rows,
// k = A's columns = B's rows, n = B's columns). `ctx` is the layer's field prefix ("layers[3].").
void read_sparse_layer(const YAML::Node& n, Layer& l, const yaml::Source& src,
                       const std::string& ctx);

// The layer for A x B built directly (tessera spmspm): spmm when B is a dense operand.
[[nodiscard]] Layer spmspm_layer(std::string name, std::shared_ptr<const SparseMatrix> a,
                                 std::shared_ptr<const SparseMatrix> b);

}  // namespace tessera
