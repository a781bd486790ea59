// Compares two parsed traces field by field: the layer-by-layer trace reader is checked against
// the whole-document one in tests and in the trace fuzz target.
#pragma once

#include <optional>
#include <string>

#include "sim/error.h"
#include "sparse/matrix.h"
#include "traces/layer.h"
#include "traces/sparse_operands.h"
#include "traces/trace_reader.h"

namespace tessera::test {

namespace detail {
inline bool same_matrix(const SparseMatrix& a, const SparseMatrix& b) {
  return a.name == b.name && a.rows == b.rows && a.cols == b.cols && a.row_ptr == b.row_ptr &&
         a.col_idx == b.col_idx && a.dense_storage == b.dense_storage;
}

inline bool same_operands(const Layer& a, const Layer& b) {
  if (!a.sparse || !b.sparse) return !a.sparse && !b.sparse;
  return same_matrix(*a.sparse->a, *b.sparse->a) && same_matrix(*a.sparse->b, *b.sparse->b);
}

inline bool same_layer(const Layer& a, const Layer& b) {
  const ConvShape &s = a.shape, &t = b.shape;
  const bool same_shape =
      s.batch == t.batch && s.in_h == t.in_h && s.in_w == t.in_w && s.channels == t.channels &&
      s.filters == t.filters && s.filter_h == t.filter_h && s.filter_w == t.filter_w &&
      s.stride_h == t.stride_h && s.stride_w == t.stride_w && s.pad_h == t.pad_h &&
      s.pad_w == t.pad_w && s.out_h == t.out_h && s.out_w == t.out_w;
  const bool same_security =
      a.security.has_value() == b.security.has_value() &&
      (!a.security || a.security->auth_block_words == b.security->auth_block_words);
  return a.name == b.name && a.op == b.op && same_shape && a.precision_bits == b.precision_bits &&
         a.mapping.buffer_tile == b.mapping.buffer_tile &&
         a.mapping.loop_order == b.mapping.loop_order && a.mapping.dataflow == b.mapping.dataflow &&
         same_security && a.weight_sparsity == b.weight_sparsity && a.line == b.line &&
         same_operands(a, b);
}
}  // namespace detail

// Empty when the traces are the same, otherwise what differs first.
inline std::string trace_difference(const Trace& a, const Trace& b) {
  if (a.version != b.version || a.name != b.name || a.file != b.file) return "trace header";
  if (a.layers.size() != b.layers.size()) return "number of layers";
  for (size_t i = 0; i < a.layers.size(); ++i) {
    if (!detail::same_layer(a.layers[i], b.layers[i])) return "layer " + std::to_string(i);
  }
  return "";
}

// Empty when parse_trace (a layer at a time) and parse_trace_whole_document read `text` alike:
// the same trace or the same error. Otherwise how they differ.
inline std::string readers_disagree(const std::string& text) {
  struct Reading {
    std::optional<Trace> trace;
    std::string error;
  };
  const auto read_with = [&text](auto parse) {
    Reading r;
    try {
      r.trace = parse(text, "t.yaml");
    } catch (const InputError& e) {
      r.error = e.what();
    }
    return r;
  };
  const Reading streamed = read_with(parse_trace);
  const Reading whole = read_with(parse_trace_whole_document);
  if (streamed.error != whole.error) {
    return "layer by layer: '" + streamed.error + "', whole document: '" + whole.error + "'";
  }
  if (streamed.trace && whole.trace) return trace_difference(*streamed.trace, *whole.trace);
  return "";
}

}  // namespace tessera::test
