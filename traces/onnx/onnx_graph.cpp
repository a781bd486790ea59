#include "traces/onnx/onnx_graph.h"

#include <exception>
#include <set>

#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include "sim/error.h"
#include "traces/onnx/shape_subgraphs.h"

namespace tessera::onnx_import {
namespace {

Dims dims_of(const onnx::TypeProto& type) {
  Dims d;
  for (const auto& dim : type.tensor_type().shape().dim()) {
    d.push_back(dim.has_dim_value() && dim.dim_value() > 0 ? dim.dim_value() : -1);
  }
  return d;
}

bool has_shape(const onnx::ValueInfoProto& v) {
  return v.type().has_tensor_type() && v.type().tensor_type().has_shape();
}

// The version of the default (ai.onnx) operator set the model imports; it must be one the
// library has the schemas of.
void check_opset(const onnx::ModelProto& model, const std::string& file) {
  const auto& ranges = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  const int newest = ranges.at(onnx::ONNX_DOMAIN).second;
  const int oldest = 7;  // the first operator set with today's Gemm, BatchNormalization, pooling
  bool found = false;
  for (const auto& opset : model.opset_import()) {
    if (!opset.domain().empty() && opset.domain() != "ai.onnx") continue;
    found = true;
    if (opset.version() > newest || opset.version() < oldest) {
      throw InputError({file, 0, "opset_import"},
                       "operator set " + std::to_string(opset.version()) +
                           " is not supported (this ONNX library knows " + std::to_string(oldest) +
                           " to " + std::to_string(newest) + ")");
    }
  }
  if (!found) throw InputError({file, 0, "opset_import"}, "the model imports no ai.onnx opset");
}

// Fixes every graph input's dims: from --input, --batch for the first dim, or the file; a dim
// left dynamic is an error.
void fix_input_shapes(onnx::GraphProto& graph, const std::set<std::string>& initializers,
                      const Options& options, const std::string& file) {
  std::set<std::string> named;
  for (onnx::ValueInfoProto& input : *graph.mutable_input()) {
    if (initializers.count(input.name()) != 0) continue;
    const std::string field = "input '" + input.name() + "'";
    if (!input.type().has_tensor_type()) {
      throw InputError({file, 0, field}, "not a tensor; tessera imports tensor inputs only");
    }
    auto* shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    const auto given = options.inputs.find(input.name());
    if (given != options.inputs.end()) {
      named.insert(input.name());
      shape->clear_dim();
      for (int64_t d : given->second) shape->add_dim()->set_dim_value(d);
    }
    for (int i = 0; i < shape->dim_size(); ++i) {
      auto* dim = shape->mutable_dim(i);
      if (i == 0 && options.batch) dim->set_dim_value(*options.batch);
      if (!dim->has_dim_value() || dim->dim_value() <= 0) {
        const std::string what = dim->has_dim_param() ? "'" + dim->dim_param() + "'" : "unknown";
        throw InputError({file, 0, field + " dim " + std::to_string(i)},
                         "dynamic dim " + what + ": give the shape with --input " + input.name() +
                             "=D0,D1,..." + (i == 0 ? " (or the batch with --batch N)" : ""));
      }
    }
  }
  for (const auto& [name, dims] : options.inputs) {
    if (named.count(name) == 0) {
      throw InputError({file, 0, "--input " + name}, "the model has no input '" + name + "'");
    }
  }
}

// Every tensor's dims that shape inference or the file gives.
std::map<std::string, Dims> tensor_dims(const onnx::GraphProto& graph) {
  std::map<std::string, Dims> dims;
  for (const auto& init : graph.initializer()) {
    dims[init.name()] = Dims(init.dims().begin(), init.dims().end());
  }
  for (const auto* list : {&graph.input(), &graph.value_info(), &graph.output()}) {
    for (const auto& v : *list) {
      if (has_shape(v)) dims[v.name()] = dims_of(v.type());
    }
  }
  for (const auto& node : graph.node()) {
    if (node.op_type() != "Constant") continue;
    for (const auto& a : node.attribute()) {
      if (a.name() == "value" && a.has_t() && node.output_size() == 1) {
        dims[node.output(0)] = Dims(a.t().dims().begin(), a.t().dims().end());
      }
    }
  }
  return dims;
}

// Shape subgraphs are a few nodes deep; a model that keeps folding past this is not one.
constexpr int kMaxFoldRounds = 16;

// A dim as large as a trace's extents may be, and a tensor of up to 2^40 elements: the products
// the importer forms of two such counts stay within 64 bits.
constexpr int64_t kMaxDim = int64_t{1} << 24;
constexpr int64_t kMaxElements = int64_t{1} << 40;

}  // namespace

std::string node_label(const onnx::NodeProto& node) {
  const std::string name =
      !node.name().empty() ? node.name() : (node.output_size() > 0 ? node.output(0) : "?");
  return "node '" + name + "' (" + node.op_type() + ")";
}

int64_t product(const Dims& dims) {
  int64_t p = 1;
  for (int64_t d : dims) p *= d;
  return p;
}

int64_t checked_product(const Dims& dims, const SourceLocation& at, const std::string& what) {
  int64_t p = 1;
  for (int64_t d : dims) {
    if (d < 1 || d > kMaxDim) {
      throw InputError(at, what + " has a dim of " + std::to_string(d) + " (from 1 to " +
                               std::to_string(kMaxDim) + ")");
    }
    p *= d;  // at most 2^40 * 2^24: no overflow
    if (p > kMaxElements) {
      throw InputError(at, what + " has more than " + std::to_string(kMaxElements) + " elements");
    }
  }
  return p;
}

const Dims* Graph::resolved_dims(const std::string& tensor) const {
  const auto it = dims.find(tensor);
  if (it == dims.end()) return nullptr;
  for (int64_t d : it->second) {
    if (d <= 0) return nullptr;
  }
  return &it->second;
}

const Dims& Graph::known_dims(const onnx::NodeProto& node, const std::string& tensor,
                              const std::string& field) const {
  const Dims* known = resolved_dims(tensor);
  const SourceLocation at{file, 0, node_label(node) + " " + field};
  if (known == nullptr) {
    throw InputError(at, "shape inference could not resolve the shape of '" + tensor + "'");
  }
  static_cast<void>(checked_product(*known, at, "the shape of '" + tensor + "'"));
  return *known;
}

Graph read_graph(const std::string& bytes, const std::string& file, const Options& options) {
  Graph g;
  g.file = file;
  if (!g.model.ParseFromString(bytes) || !g.model.has_graph() || g.model.graph().node_size() == 0) {
    throw InputError({file, 0, ""},
                     "not an ONNX model, or a truncated one (no graph could be read)");
  }
  check_opset(g.model, file);
  onnx::GraphProto& graph = *g.model.mutable_graph();
  std::set<std::string> initializer_names;
  for (const auto& init : graph.initializer()) initializer_names.insert(init.name());
  fix_input_shapes(graph, initializer_names, options, file);
  // Shape inference, then the shape subgraphs folded with the dims it found, until nothing is
  // left to fold (each round resolves the shapes the next round's Shape nodes read).
  for (int round = 0;; ++round) {
    try {
      // Strict (node errors throw) and with ONNX's own data propagation.
      onnx::shape_inference::InferShapes(g.model, onnx::OpSchemaRegistry::Instance(),
                                         onnx::ShapeInferenceOptions(false, 1, true));
    } catch (const std::exception& e) {
      throw InputError({file, 0, "graph"}, std::string("shape inference failed: ") + e.what());
    }
    g.dims = tensor_dims(g.graph());
    if (round == kMaxFoldRounds || fold_shape_subgraphs(graph, g.dims) == 0) break;
    graph.clear_value_info();
  }
  for (const auto& init : g.graph().initializer()) g.initializers[init.name()] = &init;
  return g;
}

}  // namespace tessera::onnx_import
