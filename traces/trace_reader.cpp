#include "traces/trace_reader.h"

#include <optional>
#include <set>

#include "sim/numbers.h"
#include "sparse/tiling.h"
#include "traces/sparse_operands.h"
#include "traces/text_file.h"
#include "traces/yaml_split.h"
#include "traces/yaml_util.h"

namespace tessera {
namespace {

// Sizes beyond this are rejected: they would overflow the GEMM view's 64-bit products.
constexpr int64_t kMaxExtent = int64_t{1} << 24;

// The vector unit's ops by name.
std::optional<Op> vector_op(const std::string& op) {
  for (Op o : {Op::pool, Op::eltwise, Op::softmax, Op::norm}) {
    if (op == to_string(o)) return o;
  }
  return std::nullopt;
}

struct Reader {
  const yaml::Source& src;

  [[noreturn]] void fail(const YAML::Node& n, const std::string& field,
                         const std::string& msg) const {
    throw InputError(src.at(n, field), msg);
  }

  int64_t extent(const YAML::Node& n, const std::string& field, int64_t min = 1) const {
    const int64_t v = yaml::to_int(n, src, field, min);
    if (v > kMaxExtent) fail(n, field, "too large (at most " + std::to_string(kMaxExtent) + ")");
    return v;
  }

  // `key: v` or `key: [a, b]`.
  std::pair<int64_t, int64_t> pair(const YAML::Node& n, const std::string& field,
                                   int64_t min) const {
    if (n.IsScalar()) {
      const int64_t v = extent(n, field, min);
      return {v, v};
    }
    if (!n.IsSequence() || n.size() != 2) fail(n, field, "expected a number or a pair [a, b]");
    return {extent(n[0], field, min), extent(n[1], field, min)};
  }

  std::pair<int64_t, int64_t> required_pair(const YAML::Node& layer, const char* key,
                                            const std::string& ctx) const {
    if (!layer[key]) fail(layer, ctx + key, "missing");
    if (!layer[key].IsSequence()) fail(layer[key], ctx + key, "expected a pair [height, width]");
    return pair(layer[key], ctx + key, 1);
  }

  int64_t required(const YAML::Node& layer, const char* key, const std::string& ctx) const {
    if (!layer[key]) fail(layer, ctx + key, "missing");
    return extent(layer[key], ctx + key);
  }

  Mapping mapping(const YAML::Node& n, const std::string& ctx) const {
    Mapping m;
    if (!n.IsMap()) fail(n, ctx, "expected a map");
    yaml::require_known_keys(n, {"dataflow", "buffer_tile", "loop_order"}, src, ctx);
    if (n["dataflow"]) {
      const std::string s = yaml::to_string(n["dataflow"], src, ctx + ".dataflow");
      m.dataflow = parse_dataflow(s);
      if (!m.dataflow) fail(n["dataflow"], ctx + ".dataflow", "'" + s + "' is not ws, os or is");
    }
    if (n["buffer_tile"]) {
      const YAML::Node t = n["buffer_tile"];
      const std::string f = ctx + ".buffer_tile";
      if (!t.IsMap()) fail(t, f, "expected {m: .., n: .., k: ..}");
      yaml::require_known_keys(t, {"m", "n", "k"}, src, f);
      GemmExtents e{};
      for (const char* d : {"m", "n", "k"}) {
        if (!t[d]) fail(t, f + "." + d, "missing");
        e[static_cast<size_t>(*parse_gemm_dim(d))] = extent(t[d], f + "." + d);
      }
      m.buffer_tile = e;
    }
    if (n["loop_order"]) {
      const YAML::Node o = n["loop_order"];
      const std::string f = ctx + ".loop_order";
      if (!o.IsSequence() || o.size() != 3) fail(o, f, "expected a permutation of [m, n, k]");
      LoopOrder order{};
      std::set<GemmDim> seen;
      for (size_t i = 0; i < 3; ++i) {
        const auto d = parse_gemm_dim(yaml::to_string(o[i], src, f));
        if (!d || !seen.insert(*d).second) fail(o, f, "expected a permutation of [m, n, k]");
        order[i] = *d;
      }
      m.loop_order = order;
    }
    return m;
  }

  // security: {inputs: {auth_block: 64}, weights: {auth_block: tile}, ...}; a sparse layer's
  // compressed tensors are A, B and Z, their blocks given in bytes of the stream.
  Security security(const YAML::Node& n, const Layer& l, const std::string& ctx) const {
    const bool sparse = static_cast<bool>(l.sparse);
    const std::array<const char*, 3> names =
        sparse ? std::array<const char*, 3>{"A", "B", "Z"}
               : std::array<const char*, 3>{"inputs", "weights", "outputs"};
    if (!n.IsMap()) {
      fail(n, ctx,
           std::string("expected a map of tensors (") + names[0] + ", " + names[1] + ", " +
               names[2] + ")");
    }
    yaml::require_known_keys(n, {names[0], names[1], names[2]}, src, ctx);
    const ConvShape& s = l.shape;
    const GemmExtents g = l.gemm();
    const std::array<int64_t, 3> elements{s.batch * s.in_h * s.in_w * s.channels,
                                          s.groups * g[2] * g[1], g[0] * s.filters};
    const std::string unit = sparse ? "bytes" : "words";
    Security sec;
    for (size_t t = 0; t < 3; ++t) {
      const YAML::Node tensor = n[names[t]];
      if (!tensor) continue;
      const std::string f = ctx + "." + names[t];
      if (!tensor.IsMap()) {
        fail(tensor, f, "expected {auth_block: tile} or {auth_block: " + unit + "}");
      }
      const bool reencrypts = !sparse && t == 0;  // only a dense layer's inputs arrive re-encrypted
      if (reencrypts) {
        yaml::require_known_keys(tensor, {"auth_block", "reencrypt_from"}, src, f);
      } else {
        yaml::require_known_keys(tensor, {"auth_block"}, src, f);
      }
      if (const YAML::Node from = tensor["reencrypt_from"]) {
        const std::string ff = f + ".reencrypt_from";
        if (!from.IsScalar() || !parse_int(from.Scalar())) {
          fail(from, ff, "expected a block size in words (the producer's output blocks)");
        }
        const int64_t size = yaml::to_int(from, src, ff, 1);
        if (size > elements[t]) {
          fail(from, ff,
               "block of " + std::to_string(size) + " words is larger than the tensor (" +
                   std::to_string(elements[t]) + " words)");
        }
        sec.reencrypt_inputs_from = size;
      }
      const YAML::Node block = tensor["auth_block"];
      if (!block) fail(tensor, f + ".auth_block", "missing");
      if (block.IsScalar() && block.Scalar() == "tile") continue;
      if (!block.IsScalar() || !parse_int(block.Scalar())) {
        fail(block, f + ".auth_block", "expected tile or a block size in " + unit);
      }
      const int64_t size = yaml::to_int(block, src, f + ".auth_block", 1);
      if (sparse) {
        // A compressed stream is 32-bit words; a block must not split one (both halves would
        // need their blocks to verify). Its length is known only once tiled, so no upper bound.
        if (size % kWordBytes != 0) {
          fail(block, f + ".auth_block",
               "block of " + std::to_string(size) +
                   " bytes does not hold whole 32-bit words of "
                   "the compressed stream (use a multiple of 4)");
        }
        sec.auth_block_words[t] = size / kWordBytes;
        continue;
      }
      if (size > elements[t]) {
        fail(block, f + ".auth_block",
             "block of " + std::to_string(size) + " words is larger than the tensor (" +
                 std::to_string(elements[t]) + " words)");
      }
      sec.auth_block_words[t] = size;
    }
    return sec;
  }

  // `sparsity: {weights: {hss: ["G:H", ...]}}` (rank 0 first) or `{weights: {density: X}}`.
  SparsitySpec sparsity(const YAML::Node& n, const std::string& ctx, int64_t k) const {
    if (!n.IsMap()) fail(n, ctx, "expected a map {weights: ...}");
    yaml::require_known_keys(n, {"weights"}, src, ctx);
    const YAML::Node w = n["weights"];
    const std::string f = ctx + ".weights";
    if (!w) fail(n, f, "missing (only the weights can be sparse)");
    if (!w.IsMap() || w.size() != 1) fail(w, f, "expected {hss: [\"G:H\", ...]} or {density: X}");
    yaml::require_known_keys(w, {"hss", "density"}, src, f);
    SparsitySpec spec;
    if (w["density"]) {
      const std::string text = yaml::scalar_text(w["density"], src, f + ".density");
      spec = parse_sparsity_spec("density:" + text, src.at(w["density"], f + ".density"));
      return spec;
    }
    const YAML::Node ranks = w["hss"];
    if (!ranks.IsSequence() || ranks.size() == 0) {
      fail(ranks, f + ".hss", "expected a list of patterns, rank 0 first, e.g. [\"2:4\", \"3:4\"]");
    }
    spec.kind = SparsitySpec::Kind::hss;
    for (size_t i = 0; i < ranks.size(); ++i) {
      const std::string field = f + ".hss[" + std::to_string(i) + "]";
      const SourceLocation where = src.at(ranks[i], field);
      add_rank(spec, parse_gh(yaml::to_string(ranks[i], src, field), where), where);
    }
    const std::string problem = sparsity_fit_problem(spec, k);
    if (!problem.empty()) fail(ranks, f + ".hss", problem);
    return spec;
  }

  void conv(const YAML::Node& n, Layer& l, const std::string& ctx) const {
    yaml::require_known_keys(
        n,
        {"name", "op", "batch", "input", "channels", "filters", "groups", "filter", "stride",
         "padding", "output", "precision", "mapping", "sparsity", "security"},
        src, ctx.substr(0, ctx.size() - 1));  // ctx ends with '.'
    ConvShape& s = l.shape;
    if (n["batch"]) s.batch = extent(n["batch"], ctx + "batch");
    std::tie(s.in_h, s.in_w) = required_pair(n, "input", ctx);
    s.channels = required(n, "channels", ctx);
    s.filters = required(n, "filters", ctx);
    if (n["groups"]) {
      s.groups = extent(n["groups"], ctx + "groups");
      if (s.channels % s.groups != 0 || s.filters % s.groups != 0) {
        fail(n["groups"], ctx + "groups",
             std::to_string(s.groups) + " does not divide channels (" + std::to_string(s.channels) +
                 ") and filters (" + std::to_string(s.filters) + ")");
      }
    }
    std::tie(s.filter_h, s.filter_w) = required_pair(n, "filter", ctx);
    if (n["stride"]) std::tie(s.stride_h, s.stride_w) = pair(n["stride"], ctx + "stride", 1);
    if (n["padding"]) std::tie(s.pad_h, s.pad_w) = pair(n["padding"], ctx + "padding", 0);
    const int64_t span_h = s.in_h + 2 * s.pad_h - s.filter_h;
    const int64_t span_w = s.in_w + 2 * s.pad_w - s.filter_w;
    if (span_h < 0 || span_w < 0) {
      fail(n["filter"], ctx + "filter", "the filter is larger than the (padded) input");
    }
    s.out_h = span_h / s.stride_h + 1;
    s.out_w = span_w / s.stride_w + 1;
    if (n["output"]) {
      const auto [oh, ow] = pair(n["output"], ctx + "output", 1);
      const int64_t max_h = (span_h + s.stride_h + s.stride_h - 1) / s.stride_h;
      const int64_t max_w = (span_w + s.stride_w + s.stride_w - 1) / s.stride_w;
      if (oh > max_h || ow > max_w) {
        fail(n["output"], ctx + "output",
             "at most [" + std::to_string(max_h) + ", " + std::to_string(max_w) +
                 "] for this input, filter, stride and padding");
      }
      s.out_h = oh;
      s.out_w = ow;
    }
  }

  void gemm(const YAML::Node& n, Layer& l, const std::string& ctx) const {
    yaml::require_known_keys(
        n, {"name", "op", "batch", "m", "n", "k", "precision", "mapping", "sparsity", "security"},
        src, ctx.substr(0, ctx.size() - 1));  // ctx ends with '.'
    ConvShape& s = l.shape;
    // A batch of independent GEMMs (each its own A, B and output) is stored as groups.
    if (n["batch"]) s.groups = extent(n["batch"], ctx + "batch");
    s.in_h = s.out_h = required(n, "m", ctx);
    s.filters = required(n, "n", ctx) * s.groups;
    s.channels = required(n, "k", ctx) * s.groups;
  }

  // pool, eltwise, softmax, norm: the vector unit's element counts.
  void vector_layer(const YAML::Node& n, Layer& l, const std::string& ctx) const {
    yaml::require_known_keys(n, {"name", "op", "function", "elements", "reads", "ops", "precision"},
                             src, ctx.substr(0, ctx.size() - 1));  // ctx ends with '.'
    VectorWork w;
    if (n["function"]) w.function = yaml::to_string(n["function"], src, ctx + "function");
    w.elements = required(n, "elements", ctx);
    w.reads = required(n, "reads", ctx);
    if (n["ops"]) w.ops = extent(n["ops"], ctx + "ops");
    l.vector = w;
  }

  Layer layer(const YAML::Node& n, size_t index) const {
    const std::string ctx = "layers[" + std::to_string(index) + "].";
    if (!n.IsMap()) fail(n, ctx, "expected a map describing a layer");
    Layer l;
    l.line = src.line(n);
    if (!n["name"]) fail(n, ctx + "name", "missing");
    l.name = yaml::to_string(n["name"], src, ctx + "name");
    if (l.name.empty()) fail(n["name"], ctx + "name", "must not be empty");
    if (!n["op"]) fail(n, ctx + "op", "missing");
    const std::string op = yaml::to_string(n["op"], src, ctx + "op");
    if (op == "conv") {
      l.op = Op::conv;
      conv(n, l, ctx);
    } else if (op == "gemm") {
      l.op = Op::gemm;
      gemm(n, l, ctx);
    } else if (op == "spmspm" || op == "spmm") {
      read_sparse_layer(n, l, src, ctx);
    } else if (const auto v = vector_op(op)) {
      l.op = *v;
      vector_layer(n, l, ctx);
    } else {
      fail(n["op"], ctx + "op",
           "unknown op '" + op +
               "' (known: conv, gemm, spmspm, spmm, pool, eltwise, softmax, norm)");
    }
    if (n["precision"]) {
      const int64_t bits = yaml::to_int(n["precision"], src, ctx + "precision", 1);
      if (bits > 32) fail(n["precision"], ctx + "precision", "at most 32 bits");
      l.precision_bits = static_cast<int>(bits);
    }
    if (n["mapping"]) l.mapping = mapping(n["mapping"], ctx + "mapping");
    if (n["security"]) l.security = security(n["security"], l, ctx + "security");
    if (n["sparsity"]) l.weight_sparsity = sparsity(n["sparsity"], ctx + "sparsity", l.gemm()[2]);
    const GemmExtents g = l.gemm();
    // Checked here rather than in the tiler so the message points at the offending value.
    if (l.mapping.buffer_tile) {
      for (const char* d : {"m", "n", "k"}) {
        const auto i = static_cast<size_t>(*parse_gemm_dim(d));
        if ((*l.mapping.buffer_tile)[i] > g[i]) {
          fail(n["mapping"]["buffer_tile"][d], ctx + "mapping.buffer_tile." + d,
               "tile size " + std::to_string((*l.mapping.buffer_tile)[i]) +
                   " is larger than the layer's extent " + std::to_string(g[i]));
        }
      }
    }
    if (g[0] > kMaxExtent * 64 || g[2] > kMaxExtent * 64) {
      fail(n, ctx, "layer too large to simulate");
    }
    return l;
  }
};

std::string stem(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const size_t dot = base.find_last_of('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

// The trace's own keys: format version and name. The caller reads the layers.
Trace read_header(const YAML::Node& root, const yaml::Source& src) {
  const std::string& file = src.file;
  if (!root.IsMap()) throw InputError({file, 1, ""}, "expected a trace (a map with 'layers')");
  yaml::require_known_keys(root, {"tessera_trace", "name", "layers"}, src, "");
  if (!root["tessera_trace"]) {
    throw InputError({file, 1, "tessera_trace"}, "missing format version (tessera_trace: 1)");
  }
  Trace t;
  t.file = file;
  t.version = static_cast<int>(yaml::to_int(root["tessera_trace"], src, "tessera_trace", 1));
  if (t.version != 1) {
    throw InputError(
        src.at(root["tessera_trace"], "tessera_trace"),
        "version " + std::to_string(t.version) + " is not supported (this tessera reads 1)");
  }
  t.name = root["name"] ? yaml::to_string(root["name"], src, "name") : stem(file);
  return t;
}

// Reads layer `index` and appends it; `names` holds the names of the layers before it.
void add_layer(Trace& t, std::set<std::string>& names, const YAML::Node& n, size_t index,
               const yaml::Source& src) {
  const Reader r{src};
  Layer l = r.layer(n, index);
  if (!names.insert(l.name).second) {
    r.fail(n["name"], "layers[" + std::to_string(index) + "].name",
           "duplicate layer name '" + l.name + "'");
  }
  t.layers.push_back(std::move(l));
}

// nullopt when a layer cannot be parsed on its own, though the whole document may read.
std::optional<Trace> parse_layer_by_layer(const std::string& text, const yaml::SplitDocument& split,
                                          const std::string& file) {
  const YAML::Node rest = yaml::parse(split.rest, file);
  // Anything but the empty list where the layers were means the rest reads differently alone.
  if (!rest.IsMap() || !rest["layers"].IsSequence() || rest["layers"].size() != 0) {
    return std::nullopt;
  }
  Trace t = read_header(rest, yaml::Source{file});
  t.layers.reserve(split.items.size());
  std::set<std::string> names;
  for (size_t i = 0; i < split.items.size(); ++i) {
    const yaml::ItemText& item = split.items[i];
    const std::optional<YAML::Node> layer = yaml::parse_item(text, item);
    if (!layer) return std::nullopt;
    add_layer(t, names, *layer, i, yaml::Source{file, item.line_offset});
  }
  return t;
}

}  // namespace

Trace parse_trace(const std::string& text, const std::string& file) {
  // A long trace is read a layer at a time: yaml-cpp's tree of the whole file would take
  // kilobytes per layer (tens of megabytes for an LLM's decode loop).
  if (const auto split = yaml::split_sequence(text, "layers")) {
    if (auto t = parse_layer_by_layer(text, *split, file)) return std::move(*t);
  }
  return parse_trace_whole_document(text, file);
}

Trace parse_trace_whole_document(const std::string& text, const std::string& file) {
  const yaml::Source src{file};
  const YAML::Node root = yaml::parse(text, file);
  Trace t = read_header(root, src);
  const YAML::Node layers = root["layers"];
  if (!layers || !layers.IsSequence() || layers.size() == 0) {
    throw InputError(src.at(layers ? layers : root, "layers"),
                     "expected a non-empty list of layers");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < layers.size(); ++i) add_layer(t, names, layers[i], i, src);
  return t;
}

Trace read_trace_file(const std::string& path) {
  return parse_trace(read_text_file(path), path);
}

}  // namespace tessera
