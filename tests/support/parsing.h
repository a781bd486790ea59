// What tests of input parsing share: the message a parser's InputError carries, and sparsity
// specs written as in a trace.
#pragma once

#include <string>

#include "sim/error.h"
#include "traces/sparsity.h"

namespace tessera::test {

// What `call` throws, as InputError's message; "no error" when it returns.
template <typename Call>
std::string input_error_of(Call call) {
  try {
    call();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// A sparsity spec written as in a trace's `sparsity` field.
inline SparsitySpec spec(const std::string& text) {
  return parse_sparsity_spec(text, {"<test>", 0, "spec"});
}

}  // namespace tessera::test
