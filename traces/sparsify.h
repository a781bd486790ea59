// `--sparsify weights=SPEC` and `--sparsify inputs=SPEC`: one sparsity spec for every layer's
// weights or inputs (activations) in a trace, so a whole network can be swept without editing it.
// `inputs=relu` asks for the zeros a ReLU leaves in the producing layer's outputs instead.
#pragma once

#include <string>
#include <vector>

#include "traces/layer.h"

namespace tessera {

struct SparsifyOption {
  enum class Operand { weights, inputs };
  Operand operand = Operand::weights;
  SparsitySpec spec;  // dense for inputs=relu
  bool relu = false;  // inputs=relu: the zeros of the producer's outputs after a ReLU
};

// Parses one value of the option: `weights=SPEC`, `inputs=SPEC` or `inputs=relu`; throws
// InputError naming `--sparsify` otherwise.
[[nodiscard]] SparsifyOption parse_sparsify_option(const std::string& text);

// Gives every layer's weights `spec`. A layer whose reduction extent the spec's blocks do not
// divide keeps dense weights (as pruning tools skip such layers); returns one note per such layer.
[[nodiscard]] std::vector<std::string> sparsify_weights(Trace& trace, const SparsitySpec& spec);

// The same for every layer's inputs: each input row (a row of the GEMM view, k values) follows
// `spec` along k.
[[nodiscard]] std::vector<std::string> sparsify_inputs(Trace& trace, const SparsitySpec& spec);

// Applies the parsed options in order (a later one for the same operand wins). `inputs=relu`
// needs `functional` (it is refused at `--sparsify` otherwise): every layer whose producer (the
// layer before it, a conv or GEMM) writes as many values as it reads takes that producer's
// outputs after a ReLU as its inputs (Layer::input_relu); a note names every other layer, whose
// inputs stay seeded.
[[nodiscard]] std::vector<std::string> apply_sparsify_options(
    Trace& trace, const std::vector<SparsifyOption>& options, bool functional);

}  // namespace tessera
