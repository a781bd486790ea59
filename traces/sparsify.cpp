#include "traces/sparsify.h"

namespace tessera {

SparsitySpec parse_sparsify_option(const std::string& text) {
  const SourceLocation where{"<command line>", 0, "--sparsify"};
  const std::string prefix = "weights=";
  if (text.rfind(prefix, 0) != 0) {
    throw InputError(where,
                     "expected weights=SPEC (only the weights can be sparse), got '" + text + "'");
  }
  return parse_sparsity_spec(text.substr(prefix.size()), where);
}

std::vector<std::string> sparsify_weights(Trace& trace, const SparsitySpec& spec) {
  std::vector<std::string> notes;
  for (Layer& layer : trace.layers) {
    const std::string problem = sparsity_fit_problem(spec, layer.gemm()[2]);
    if (problem.empty()) {
      layer.weight_sparsity = spec;
    } else {
      layer.weight_sparsity = SparsitySpec{};
      notes.push_back("layer '" + layer.name + "' keeps dense weights: " + problem);
    }
  }
  return notes;
}

}  // namespace tessera
