#include "traces/sparsify.h"

namespace tessera {
namespace {

const SourceLocation kWhere{"<command line>", 0, "--sparsify"};

std::vector<std::string> sparsify(Trace& trace, const SparsitySpec& spec,
                                  SparsitySpec Layer::*operand, const char* what) {
  std::vector<std::string> notes;
  for (Layer& layer : trace.layers) {
    if (operand == &Layer::input_sparsity && (layer.sparse != nullptr || layer.vector)) {
      // Their inputs are real sparse matrices, or are not multiplied at all.
      if (!spec.is_dense()) {
        notes.push_back(
            "layer '" + layer.name + "' keeps its inputs as they are: " +
            (layer.vector ? "it runs on the vector unit" : "its operands are sparse matrices"));
      }
      continue;
    }
    const std::string problem = sparsity_fit_problem(spec, layer.gemm()[2]);
    if (problem.empty()) {
      layer.*operand = spec;
      if (operand == &Layer::input_sparsity) layer.input_relu = false;
    } else {
      layer.*operand = SparsitySpec{};
      notes.push_back("layer '" + layer.name + "' keeps dense " + what + ": " + problem);
    }
  }
  return notes;
}

// Values of a layer's input and output tensors (the layouts of plan/tile_geometry.h).
int64_t input_values(const Layer& l) {
  const ConvShape& s = l.shape;
  return s.batch * s.in_h * s.in_w * s.channels;
}
int64_t output_values(const Layer& l) {
  const GemmExtents g = l.gemm();
  return l.shape.groups * g[0] * g[1];
}

bool multiplies(const Layer& l) {
  return l.sparse == nullptr && !l.vector;
}

std::vector<std::string> sparsify_relu(Trace& trace) {
  std::vector<std::string> notes;
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    Layer& layer = trace.layers[i];
    layer.input_sparsity = SparsitySpec{};
    layer.input_relu = false;
    if (!multiplies(layer)) continue;
    const Layer* producer = i > 0 ? &trace.layers[i - 1] : nullptr;
    if (producer != nullptr && multiplies(*producer) &&
        output_values(*producer) == input_values(layer)) {
      layer.input_relu = true;
      continue;
    }
    notes.push_back("inputs=relu: layer '" + layer.name + "' has no producer (" +
                    (producer == nullptr
                         ? std::string("it is the first layer")
                         : "the outputs of '" + producer->name + "' are not its " +
                               std::to_string(input_values(layer)) + " input values") +
                    "): its inputs stay the seeded dense ones");
  }
  return notes;
}

}  // namespace

SparsifyOption parse_sparsify_option(const std::string& text) {
  SparsifyOption out;
  std::string spec;
  if (text.rfind("weights=", 0) == 0) {
    spec = text.substr(8);
  } else if (text.rfind("inputs=", 0) == 0) {
    out.operand = SparsifyOption::Operand::inputs;
    spec = text.substr(7);
    if (spec == "relu") {
      out.relu = true;
      return out;
    }
  } else {
    throw InputError(kWhere, "expected weights=SPEC or inputs=SPEC, got '" + text + "'");
  }
  out.spec = parse_sparsity_spec(spec, kWhere);
  return out;
}

std::vector<std::string> sparsify_weights(Trace& trace, const SparsitySpec& spec) {
  return sparsify(trace, spec, &Layer::weight_sparsity, "weights");
}

std::vector<std::string> sparsify_inputs(Trace& trace, const SparsitySpec& spec) {
  return sparsify(trace, spec, &Layer::input_sparsity, "inputs");
}

std::vector<std::string> apply_sparsify_options(Trace& trace,
                                                const std::vector<SparsifyOption>& options,
                                                bool functional) {
  std::vector<std::string> notes;
  for (const SparsifyOption& o : options) {
    if (o.relu) {
      if (!functional) {
        throw InputError(kWhere,
                         "inputs=relu uses the zeros of real values: it needs --functional "
                         "(or give a spec, e.g. inputs=density:0.5)");
      }
      std::vector<std::string> more = sparsify_relu(trace);
      notes.insert(notes.end(), more.begin(), more.end());
      continue;
    }
    if (functional && o.operand == SparsifyOption::Operand::inputs && !o.spec.is_dense()) {
      notes.push_back("inputs=" + o.spec.text() +
                      ": the functional check prunes the seeded inputs of layers with 1x1 "
                      "filters, stride 1 and no padding (GEMMs too); other layers' inputs stay "
                      "dense, and the spec sets their timing and energy only");
    }
    std::vector<std::string> more = o.operand == SparsifyOption::Operand::weights
                                        ? sparsify_weights(trace, o.spec)
                                        : sparsify_inputs(trace, o.spec);
    notes.insert(notes.end(), more.begin(), more.end());
  }
  return notes;
}

}  // namespace tessera
