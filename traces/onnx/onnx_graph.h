// An ONNX model read for import: parsed, its operator set checked, its input shapes fixed and its
// shapes inferred; every tensor's dims by name. Internal to traces/onnx.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "sim/error.h"
#include "traces/onnx/onnx_import.h"

namespace tessera::onnx_import {

using Dims = std::vector<int64_t>;  // -1: a dim shape inference left unknown

struct Graph {
  std::string file;
  onnx::ModelProto model;
  std::map<std::string, Dims> dims;  // of every tensor whose rank is known
  std::map<std::string, const onnx::TensorProto*> initializers;

  [[nodiscard]] const onnx::GraphProto& graph() const { return model.graph(); }
  // The dims of `tensor` when shape inference resolved every one, else nullptr.
  [[nodiscard]] const Dims* resolved_dims(const std::string& tensor) const;
  // The dims of `tensor`, every one known and within bounds (checked_product()), or InputError
  // naming `node` and the field.
  [[nodiscard]] const Dims& known_dims(const onnx::NodeProto& node, const std::string& tensor,
                                       const std::string& field) const;
};

// "node 'NAME' (OP)": how messages name a node (its output when it has no name).
[[nodiscard]] std::string node_label(const onnx::NodeProto& node);

// Parses and prepares the model; throws InputError as import_file documents.
[[nodiscard]] Graph read_graph(const std::string& bytes, const std::string& file,
                               const Options& options);

// The number of elements; for dims known_dims() returned, or checked_product() accepted.
[[nodiscard]] int64_t product(const Dims& dims);
// The number of elements, or InputError at `at` naming `what` when a dim is below 1 or above
// 2^24, or the count above 2^40 (known_dims() checks every shape it returns so).
[[nodiscard]] int64_t checked_product(const Dims& dims, const SourceLocation& at,
                                      const std::string& what);

}  // namespace tessera::onnx_import
