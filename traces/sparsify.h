// `--sparsify weights=SPEC`: one weight sparsity spec for every layer of a trace, so a whole
// network can be swept without editing it.
#pragma once

#include <string>
#include <vector>

#include "traces/layer.h"

namespace tessera {

// Parses the option's value `weights=SPEC`; throws InputError naming `--sparsify` otherwise.
[[nodiscard]] SparsitySpec parse_sparsify_option(const std::string& text);

// Gives every layer's weights `spec`. A layer whose reduction extent the spec's blocks do not
// divide keeps dense weights (as pruning tools skip such layers); returns one note per such layer.
[[nodiscard]] std::vector<std::string> sparsify_weights(Trace& trace, const SparsitySpec& spec);

}  // namespace tessera
