#include "traces/onnx/onnx_import.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>

#include "sim/error.h"
#include "traces/onnx/onnx_graph.h"
#include "traces/trace_writer.h"

namespace tessera::onnx_import {
namespace {

// Ops that only relabel or select data the next layer reads where it lies.
const std::set<std::string> kNoDataMovement = {"Reshape",   "Flatten",  "Transpose", "Squeeze",
                                               "Unsqueeze", "Identity", "Dropout",   "Split",
                                               "Slice",     "Gather",   "Expand",    "Cast"};

// Element-wise ops: one vector operation per output element.
const std::set<std::string> kElementwise = {
    "Add",     "Sub",         "Mul",       "Div",   "Pow",   "Erf",  "Sqrt",      "Relu",
    "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",  "Clip",  "Gelu", "Exp",       "Neg",
    "Abs",     "Max",         "Min",       "Where", "Equal", "Not",  "LeakyRelu", "Reciprocal"};

// Vector operations per output element: softmax is a max, a subtract-and-exponential, a sum
// and a divide; layer normalisation a mean, a subtract, a square-and-sum, a normalise and a
// scale-and-shift; an unfolded batch normalisation a scale and a shift.
constexpr int64_t kSoftmaxOps = 4;
constexpr int64_t kLayerNormOps = 5;
constexpr int64_t kBatchNormOps = 2;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const onnx::AttributeProto* attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

int64_t int_attribute(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
  const auto* a = attribute(node, name);
  return a != nullptr ? a->i() : fallback;
}

std::vector<int64_t> ints_attribute(const onnx::NodeProto& node, const std::string& name) {
  const auto* a = attribute(node, name);
  if (a == nullptr) return {};
  return {a->ints().begin(), a->ints().end()};
}

class Importer {
 public:
  Importer(Graph graph, const Options& options) : g_(std::move(graph)), options_(options) {
    for (const auto& input : g_.graph().input()) {
      if (g_.initializers.count(input.name()) == 0) data_.insert(input.name());
    }
    for (const auto& node : g_.graph().node()) {
      for (const std::string& in : node.input()) ++consumers_[in];
    }
  }

  Import run(const std::string& trace_name) {
    Import result;
    result.trace.name = trace_name;
    result.trace.file = g_.file;
    int index = 0;
    for (const auto& node : g_.graph().node()) {
      ++index;
      if (!carries_data(node)) continue;
      for (const std::string& out : node.output()) data_.insert(out);
      if (node.op_type() == "Shape" || node.op_type() == "Size") {
        for (const std::string& out : node.output()) data_.erase(out);
        continue;
      }
      const std::string name =
          node.name().empty() ? node.op_type() + "_" + std::to_string(index) : node.name();
      map_node(node, unique(name), result.trace);
    }
    if (result.trace.layers.empty()) {
      throw InputError({g_.file, 0, "graph"}, "no node of the model computes on its inputs");
    }
    int64_t macs = 0;
    for (const Layer& l : result.trace.layers) macs += l.macs();
    if (!folded_.empty()) {
      result.notes.push_back(std::to_string(folded_.size()) +
                             " BatchNormalization nodes folded into the conv before each, as "
                             "inference compilers do: " +
                             join(folded_));
    }
    if (!skipped_.empty()) {
      const double share = macs + skipped_macs_ > 0 ? 100.0 * static_cast<double>(skipped_macs_) /
                                                          static_cast<double>(macs + skipped_macs_)
                                                    : 0.0;
      std::ostringstream note;
      note << "skipped " << skipped_.size() << " nodes of ops tessera does not model ("
           << std::fixed << std::setprecision(2) << share
           << " % of the model's MACs): " << join(skipped_);
      result.notes.push_back(note.str());
    }
    std::ostringstream comment;
    comment << "Imported from the ONNX model " << g_.file << " by tessera import onnx.\n"
            << "Layer names are the ONNX nodes'; shape subgraphs and data-movement-only ops "
               "(Reshape, Transpose, ...) are not layers.";
    result.trace_yaml = write_trace_yaml(result.trace, comment.str());
    return result;
  }

 private:
  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  // Whether the node reads data that flows from a graph input (not only constants and shapes).
  bool carries_data(const onnx::NodeProto& node) const {
    return std::any_of(node.input().begin(), node.input().end(),
                       [&](const std::string& in) { return data_.count(in) != 0; });
  }

  std::string unique(const std::string& name) {
    std::string candidate = name;
    for (int i = 2; !names_.insert(candidate).second; ++i) {
      candidate = name + "_" + std::to_string(i);
    }
    return candidate;
  }

  const Dims& input_dims(const onnx::NodeProto& node, int i) const {
    if (node.input_size() <= i || node.input(i).empty()) {
      throw InputError({g_.file, 0, node_label(node) + " input " + std::to_string(i)}, "missing");
    }
    return g_.known_dims(node, node.input(i), "input " + std::to_string(i));
  }
  const Dims& output_dims(const onnx::NodeProto& node) const {
    return g_.known_dims(node, node.output(0), "output 0");
  }

  [[noreturn]] void fail(const onnx::NodeProto& node, const std::string& field,
                         const std::string& message) const {
    throw InputError({g_.file, 0, node_label(node) + (field.empty() ? "" : " " + field)}, message);
  }

  void map_node(const onnx::NodeProto& node, const std::string& name, Trace& trace) {
    const std::string& op = node.op_type();
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      unsupported(node, name, "op domain '" + node.domain() + "'");
    } else if (op == "Conv") {
      trace.layers.push_back(conv(node, name));
    } else if (op == "Gemm") {
      trace.layers.push_back(gemm(node, name));
    } else if (op == "MatMul") {
      trace.layers.push_back(matmul(node, name));
    } else if (op == "BatchNormalization" && follows_conv(node)) {
      folded_.push_back(name);
    } else if (kNoDataMovement.count(op) != 0) {
      return;
    } else if (kElementwise.count(op) != 0 || op == "Pad" || op == "Concat") {
      // Pad and Concat copy their inputs into a new layout: a copy per element.
      trace.layers.push_back(vector_layer(node, name, Op::eltwise, 1));
    } else if (op == "BatchNormalization") {
      trace.layers.push_back(vector_layer(node, name, Op::norm, kBatchNormOps));
    } else if (op == "Softmax") {
      trace.layers.push_back(vector_layer(node, name, Op::softmax, kSoftmaxOps));
    } else if (op == "LayerNormalization") {
      trace.layers.push_back(vector_layer(node, name, Op::norm, kLayerNormOps));
    } else if (op == "MaxPool" || op == "AveragePool") {
      const std::vector<int64_t> kernel = ints_attribute(node, "kernel_shape");
      const int64_t window =
          checked_product(kernel, {g_.file, 0, node_label(node) + " kernel_shape"}, "the kernel");
      trace.layers.push_back(vector_layer(node, name, Op::pool, window));
    } else if (op == "GlobalAveragePool" || op == "GlobalMaxPool" || op == "ReduceMean") {
      // A reduction: one operation per element read, per output element.
      const int64_t out = product(output_dims(node));
      trace.layers.push_back(
          vector_layer(node, name, Op::pool, product(input_dims(node, 0)) / out));
    } else {
      unsupported(node, name, "op");
    }
  }

  void unsupported(const onnx::NodeProto& node, const std::string& name, const std::string& what) {
    if (!options_.skip_unsupported) {
      fail(node, "",
           node.op_type() + " (" + what +
               ") is not modelled by tessera; --skip-unsupported leaves such nodes out");
    }
    skipped_.push_back(name + " (" + node.op_type() + ")");
    // The MACs a skipped convolution-like node would have had, for the share in the note.
    if (node.op_type() == "ConvTranspose" && node.input_size() >= 2) {
      const Dims* in = g_.resolved_dims(node.input(0));
      const Dims* w = g_.resolved_dims(node.input(1));
      if (in != nullptr && w != nullptr && w->size() >= 2) {
        const SourceLocation at{g_.file, 0, node_label(node)};
        // Each factor is at most 2^40 (w[0] divides the weights' count); their product may not be.
        const int64_t inputs = checked_product(*in, at, "input 0");
        const int64_t per_input = checked_product(*w, at, "input 1") / (*w)[0];
        if (inputs > (std::numeric_limits<int64_t>::max() - skipped_macs_) / per_input) {
          fail(node, "", "too many MACs to count");
        }
        skipped_macs_ += inputs * per_input;
      }
    }
  }

  // A BatchNormalization whose input is a conv's output read by nothing else.
  bool follows_conv(const onnx::NodeProto& node) const {
    const std::string& in = node.input(0);
    if (consumers_.at(in) != 1) return false;
    return std::any_of(g_.graph().node().begin(), g_.graph().node().end(),
                       [&](const onnx::NodeProto& n) {
                         return n.op_type() == "Conv" && n.output_size() > 0 && n.output(0) == in;
                       });
  }

  Layer conv(const onnx::NodeProto& node, const std::string& name) const {
    const Dims& x = input_dims(node, 0);
    const Dims& w = input_dims(node, 1);
    const Dims& y = output_dims(node);
    if (x.size() != 4 || w.size() != 4) {
      fail(node, "input 0",
           "a " + std::to_string(x.size() - 2) + "-D convolution; tessera models 2-D convolutions");
    }
    for (int64_t d : ints_attribute(node, "dilations")) {
      if (d != 1) fail(node, "dilations", "dilated convolution is not modelled by tessera");
    }
    Layer l;
    l.name = name;
    l.op = Op::conv;
    ConvShape& s = l.shape;
    s.batch = x[0];
    s.channels = x[1];
    s.in_h = x[2];
    s.in_w = x[3];
    s.filters = w[0];
    s.filter_h = w[2];
    s.filter_w = w[3];
    s.groups = int_attribute(node, "group", 1);
    if (s.groups < 1 || s.channels % s.groups != 0 || s.filters % s.groups != 0 ||
        w[1] != s.channels / s.groups) {
      fail(node, "group",
           "group " + std::to_string(s.groups) + " does not fit " + std::to_string(s.channels) +
               " channels and " + std::to_string(s.filters) + " filters");
    }
    const std::vector<int64_t> strides = ints_attribute(node, "strides");
    if (strides.size() == 2) std::tie(s.stride_h, s.stride_w) = std::pair(strides[0], strides[1]);
    s.out_h = y[2];
    s.out_w = y[3];
    // The leading pads (auto_pad: whatever makes the output the inferred size); the output size
    // is written explicitly, so trailing pads need no key.
    const std::vector<int64_t> pads = ints_attribute(node, "pads");
    if (pads.size() == 4) {
      s.pad_h = pads[0];
      s.pad_w = pads[1];
    } else {
      s.pad_h = std::max<int64_t>(0, ((s.out_h - 1) * s.stride_h + s.filter_h - s.in_h) / 2);
      s.pad_w = std::max<int64_t>(0, ((s.out_w - 1) * s.stride_w + s.filter_w - s.in_w) / 2);
    }
    return l;
  }

  static Layer gemm_layer(const std::string& name, int64_t batch, int64_t m, int64_t n, int64_t k) {
    Layer l;
    l.name = name;
    l.op = Op::gemm;
    ConvShape& s = l.shape;
    s.groups = batch;
    s.in_h = s.out_h = m;
    s.filters = n * batch;
    s.channels = k * batch;
    return l;
  }

  Layer gemm(const onnx::NodeProto& node, const std::string& name) const {
    const Dims& a = input_dims(node, 0);
    const Dims& b = input_dims(node, 1);
    if (a.size() != 2 || b.size() != 2) fail(node, "input 0", "Gemm takes 2-D operands");
    const bool ta = int_attribute(node, "transA", 0) != 0;
    const bool tb = int_attribute(node, "transB", 0) != 0;
    return gemm_layer(name, 1, ta ? a[1] : a[0], tb ? b[0] : b[1], ta ? a[0] : a[1]);
  }

  // A x B over the last two dims, broadcast over the leading ones. A B shared by every leading
  // index (weights) makes one GEMM with the leading dims folded into m; otherwise each leading
  // index is a GEMM of its own (a batched GEMM).
  Layer matmul(const onnx::NodeProto& node, const std::string& name) const {
    Dims a = input_dims(node, 0);
    Dims b = input_dims(node, 1);
    if (a.size() == 1) a.insert(a.begin(), 1);
    if (b.size() == 1) b.push_back(1);
    const int64_t m = a[a.size() - 2], k = a.back(), n = b.back();
    if (b[b.size() - 2] != k) fail(node, "input 1", "inner dims do not match");
    const Dims lead_a(a.begin(), a.end() - 2), lead_b(b.begin(), b.end() - 2);
    if (product(lead_b) == 1) return gemm_layer(name, 1, product(lead_a) * m, n, k);
    const Dims& y = output_dims(node);
    return gemm_layer(name, product(Dims(y.begin(), y.end() - 2)), m, n, k);
  }

  Layer vector_layer(const onnx::NodeProto& node, const std::string& name, Op op,
                     int64_t ops) const {
    Layer l;
    l.name = name;
    l.op = op;
    VectorWork w;
    w.function = lower(node.op_type());
    w.elements = product(output_dims(node));
    w.reads = 0;
    for (int i = 0; i < node.input_size(); ++i) {
      if (!node.input(i).empty()) w.reads += product(input_dims(node, i));
    }
    w.ops = std::max<int64_t>(1, ops);
    l.vector = w;
    return l;
  }

  Graph g_;
  const Options& options_;
  std::set<std::string> data_;  // tensors that carry data from a graph input
  std::map<std::string, int> consumers_;
  std::set<std::string> names_;
  std::vector<std::string> folded_, skipped_;
  int64_t skipped_macs_ = 0;
};

std::string stem(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const size_t dot = base.find_last_of('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

}  // namespace

Import import_bytes(const std::string& bytes, const std::string& name, const Options& options) {
  return Importer(read_graph(bytes, name, options), options).run(stem(name));
}

Import import_file(const std::string& path, const Options& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path, 0, ""}, "cannot open the file");
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return import_bytes(bytes, path, options);
}

std::optional<std::vector<int64_t>> parse_dims(const std::string& text) {
  std::vector<int64_t> dims;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, text.find('x') != std::string::npos ? 'x' : ',')) {
    if (item.empty() || item.size() > 12 ||
        !std::all_of(item.begin(), item.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return std::nullopt;
    }
    const int64_t d = std::stoll(item);
    if (d < 1) return std::nullopt;
    dims.push_back(d);
  }
  if (dims.empty()) return std::nullopt;
  return dims;
}

}  // namespace tessera::onnx_import
