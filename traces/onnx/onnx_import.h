// Import of ONNX models (`tessera import onnx`): the graph's compute nodes become trace layers
// named after the ONNX nodes.
//
// Built on Debian's libonnx: the model is parsed by its protobuf classes, checked against the
// operator sets the library knows, and its shapes come from ONNX's own shape inference with data
// propagation, which also evaluates the shape-computation subgraphs (Shape, Gather, Slice,
// Unsqueeze, Concat, Constant feeding Reshape). Only shapes are read: initializers may carry
// dims without data, as the stripped fixture models of tests/data/onnx do.
//
// A node is simulated when it computes on data that flows from a graph input; nodes fed only by
// constants and shapes are evaluated at import and not simulated.
//   Conv (any group)          conv, `groups` from the node; a BatchNormalization that only
//                             follows a conv is folded into it, as inference compilers do
//   Gemm, MatMul              gemm; a MatMul whose both operands carry per-batch data (attention's
//                             Q K^T and A V) is a batched gemm, one GEMM per leading index
//   pooling, element-wise, Softmax, LayerNormalization, ReduceMean, Pad, Concat
//                             vector-unit layers (pool, eltwise, softmax, norm)
//   Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Identity, Dropout, Split, Slice, Gather,
//   Expand, Cast            move no data: a layout change the next layer's addressing absorbs
// Any other op is an error naming the node and its type, or, with `skip_unsupported`, left out
// with a note listing every skipped node.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "traces/layer.h"

namespace tessera::onnx_import {

struct Options {
  std::optional<int64_t> batch;                        // the first dim of every graph input
  std::map<std::string, std::vector<int64_t>> inputs;  // a graph input's whole shape, by name
  bool skip_unsupported = false;
};

struct Import {
  Trace trace;
  std::string trace_yaml;
  std::vector<std::string> notes;  // what the import folded, skipped or left out, for the user
};

// Throws InputError naming the file, the node (by name and op type) and the field: a file that is
// not ONNX or is truncated, an operator set newer than the library's, an input with a dynamic dim
// that no option fixes, a shape that inference leaves unresolved, an op tessera does not model.
[[nodiscard]] Import import_file(const std::string& path, const Options& options);
// The same for a model already in memory; `name` stands for the file in messages.
[[nodiscard]] Import import_bytes(const std::string& bytes, const std::string& name,
                                  const Options& options);

// "1,3,224,224" or "1x3x224x224" as dims; nullopt when it is not a list of positive integers.
[[nodiscard]] std::optional<std::vector<int64_t>> parse_dims(const std::string& text);

}  // namespace tessera::onnx_import
