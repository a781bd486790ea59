// Attacks on off-chip data, for showing that the authentication engine catches them: flip a bit
// of a tensor's ciphertext or of a tag, or roll a block back to an older ciphertext and tag.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plan/tile_geometry.h"
#include "traces/layer.h"

namespace tessera {

struct Attack {
  enum class Kind { data, tag, replay };
  Kind kind = Kind::data;
  std::string layer;
  Tensor tensor = Tensor::inputs;
  bool sparse_name = false;  // named A, B or Z (a sparse layer's operands and output)
  int64_t byte = 0;  // ciphertext byte (data), or a byte of the block the tag (tag) belongs to
  int bit = 0;       // 0..7
  std::string spec;  // as given on the command line, for messages
};

// Parses LAYER:TENSOR:BYTE[:BIT] (data, tag) or LAYER:TENSOR (replay), TENSOR one of inputs,
// weights, outputs (dense layers) or A, B, Z (sparse layers). `option` names the command-line
// option in errors (InputError, exit 2).
[[nodiscard]] Attack parse_attack(Attack::Kind kind, const std::string& text,
                                  const std::string& option);

// Throws InputError when an attack names a layer the trace does not have, a tensor by the other
// kind of layer's names, or a byte beyond a dense tensor's ciphertext (4 bytes per element:
// functional values are 32-bit). A compressed tensor's size is known only once it is tiled: the
// engine checks the byte when it loads the tensor.
void check_attacks(const std::vector<Attack>& attacks, const Trace& trace);

[[nodiscard]] const char* to_string(Attack::Kind k);

// How options and messages name tensor `t` of `layer`: A, B and Z for a sparse layer's two
// operands and its output, inputs, weights and outputs otherwise.
[[nodiscard]] const char* tensor_name(const Layer& layer, Tensor t);

}  // namespace tessera
