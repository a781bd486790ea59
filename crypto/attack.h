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
  int64_t byte = 0;  // ciphertext byte (data), or a byte of the block the tag (tag) belongs to
  int bit = 0;       // 0..7
  std::string spec;  // as given on the command line, for messages
};

// Parses LAYER:TENSOR:BYTE[:BIT] (data, tag) or LAYER:TENSOR (replay). `option` names the
// command-line option in errors (InputError, exit 2).
[[nodiscard]] Attack parse_attack(Attack::Kind kind, const std::string& text,
                                  const std::string& option);

// Throws InputError when an attack names a layer the trace does not have, or a byte beyond the
// tensor's ciphertext (4 bytes per element: functional values are 32-bit).
void check_attacks(const std::vector<Attack>& attacks, const Trace& trace);

[[nodiscard]] const char* to_string(Attack::Kind k);

}  // namespace tessera
