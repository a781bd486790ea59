// A layer of a trace: what is computed (problem shape, precision) and, optionally, how it is
// mapped (buffer tile sizes, loop order, dataflow).
//
// Every layer is also seen as a GEMM, the view the PE array and the tiler work in
// (im2col lowering for convolutions):
//   m = batch * out_h * out_w   output pixels (rows of the output matrix)
//   n = filters                 output channels (columns of the output matrix)
//   k = channels * filter_h * filter_w  reduction, flattened with the channel outermost
// A GEMM layer "M x K times K x N" is the same with batch = 1, out_h = M, out_w = 1,
// filter 1x1, channels = K, filters = N.
//
// A grouped convolution (groups > 1; depthwise when groups == channels) is `groups` independent
// GEMMs, one per group, each with its own input channels, weights and output channels. gemm()
// is the GEMM of one group (k = channels/groups * filter_h * filter_w, n = filters/groups);
// group_slice() is that group as a dense layer, the unit the tiler plans and the controller
// replays `groups` times. A batched GEMM (`op: gemm` with `batch`, attention's heads) is stored
// the same way: groups = batch, channels = batch * k, filters = batch * n.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "traces/sparsity.h"

namespace tessera {

enum class Op { conv, gemm, spmspm, spmm, pool, eltwise, softmax, norm };
enum class Dataflow { ws, os, is };

// The three GEMM dimensions a mapping tiles.
enum class GemmDim { m = 0, n = 1, k = 2 };
using GemmExtents = std::array<int64_t, 3>;  // indexed by GemmDim
using LoopOrder = std::array<GemmDim, 3>;    // outermost first
[[nodiscard]] constexpr size_t dim_index(GemmDim d) {
  return static_cast<size_t>(d);
}

struct Mapping {
  std::optional<GemmExtents> buffer_tile;  // tile held in the global buffer
  std::optional<LoopOrder> loop_order;     // order of the buffer-level tile loops
  std::optional<Dataflow> dataflow;        // overrides the PE array's configured dataflow
};

// Authentication blocks of the off-chip tensors (the `security:` key): per tensor, in the order
// inputs, weights, outputs, a block size in elements of the tensor's row-major layout, or
// kTileBlocks for one block per buffer tile.
struct Security {
  static constexpr int64_t kTileBlocks = 0;
  std::array<int64_t, 3> auth_block_words{kTileBlocks, kTileBlocks, kTileBlocks};
  // The input tensor arrives in blocks of this many elements (its producer's output blocks) and
  // is re-encrypted into the layer's own input blocks before the layer runs; none: it arrives in
  // the layer's own blocks.
  std::optional<int64_t> reencrypt_inputs_from;
};

struct ConvShape {
  int64_t batch = 1;
  int64_t in_h = 1, in_w = 1;
  int64_t channels = 1;
  int64_t filters = 1;
  int64_t filter_h = 1, filter_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
  int64_t out_h = 1, out_w = 1;  // derived, or given explicitly in the trace
  int64_t groups = 1;            // divides channels and filters
};

struct SparseOperands;  // traces/sparse_operands.h

// The work of a layer that runs on the vector unit (ops pool, eltwise, softmax, norm): element
// by element, with no multiply-accumulate array.
struct VectorWork {
  std::string function;  // what it computes (the ONNX op, lower case), for the reader
  int64_t elements = 1;  // output elements written
  int64_t reads = 1;     // input elements read, of all operands
  int64_t ops = 1;       // vector operations per output element
  [[nodiscard]] int64_t total_ops() const { return elements * ops; }
};

struct Layer {
  std::string name;
  Op op = Op::conv;
  ConvShape shape;         // a GEMM is stored in its conv form (see above)
  int precision_bits = 8;  // of inputs and weights; outputs are written at the same precision
  Mapping mapping;
  // Absent: one authentication block per tile for every tensor.
  std::optional<Security> security;
  SparsitySpec weight_sparsity;  // `sparsity: {weights: ...}`; dense when absent
  SparsitySpec input_sparsity;   // of each input row along k (`--sparsify inputs=SPEC`)
  // Functional runs (`--sparsify inputs=relu`): the inputs are the previous layer's outputs after
  // a ReLU, and the decoder skips their real zeros.
  bool input_relu = false;
  int line = 0;  // line of the layer in its trace file, for error messages
  std::shared_ptr<const SparseOperands> sparse;  // spmspm and spmm: the operand matrices
  std::optional<VectorWork> vector;              // pool, eltwise, softmax, norm

  // The GEMM of one group (of the whole layer when groups == 1).
  [[nodiscard]] GemmExtents gemm() const {
    return {shape.batch * shape.out_h * shape.out_w, shape.filters / shape.groups,
            shape.channels / shape.groups * shape.filter_h * shape.filter_w};
  }
  // Of all groups; none on the vector unit.
  [[nodiscard]] int64_t macs() const {
    if (vector) return 0;
    const GemmExtents g = gemm();
    return shape.groups * g[0] * g[1] * g[2];
  }
  // One group as a dense layer (the layer itself when groups == 1).
  [[nodiscard]] Layer group_slice() const {
    Layer slice = *this;
    slice.shape.channels /= shape.groups;
    slice.shape.filters /= shape.groups;
    slice.shape.groups = 1;
    return slice;
  }
};

struct Trace {
  int version = 1;
  std::string name;
  std::string file;  // where it was read from ("<embedded>" for the built-in default)
  std::vector<Layer> layers;
};

// How a dataflow folds the GEMM view onto a systolic array: which dim runs along the array's
// rows, which along its columns, and which is streamed through it in time.
struct FoldDims {
  GemmDim rows, cols, streamed;
};
[[nodiscard]] constexpr FoldDims fold_dims(Dataflow df) {
  switch (df) {
    case Dataflow::os: return {GemmDim::m, GemmDim::n, GemmDim::k};
    case Dataflow::ws: return {GemmDim::k, GemmDim::n, GemmDim::m};
    case Dataflow::is: return {GemmDim::k, GemmDim::m, GemmDim::n};
  }
  return {GemmDim::m, GemmDim::n, GemmDim::k};
}

[[nodiscard]] const char* to_string(Op op);
[[nodiscard]] const char* to_string(Dataflow df);
[[nodiscard]] const char* to_string(GemmDim d);
[[nodiscard]] std::optional<Dataflow> parse_dataflow(const std::string& s);
[[nodiscard]] std::optional<GemmDim> parse_gemm_dim(const std::string& s);

// The producer of each layer's input tensor (-1: none): the latest earlier dense layer on the PE
// array whose output has the shape (and precision) of the layer's input.
[[nodiscard]] std::vector<int> tensor_producers(const Trace& trace);

}  // namespace tessera
