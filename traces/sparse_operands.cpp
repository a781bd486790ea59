#include "traces/sparse_operands.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "sim/numbers.h"
#include "sparse/generators.h"
#include "sparse/matrix_market.h"
#include "sparse/spmspm_plan.h"
#include "sparse/tiling.h"
#include "traces/text_file.h"
#include "traces/yaml_util.h"

namespace tessera {
namespace {

// A dense operand is held entry by entry; beyond this it would take gigabytes.
constexpr int64_t kMaxDenseEntries = int64_t{1} << 24;
// Generators are checked against this before they run, so a typo cannot allocate gigabytes.
constexpr int64_t kMaxGeneratedNonzeros = int64_t{1} << 26;

// A path in a trace is relative to the trace's folder.
std::string relative_to(const std::string& trace_file, const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  const size_t slash = trace_file.find_last_of('/');
  return slash == std::string::npos ? path : trace_file.substr(0, slash + 1) + path;
}

struct OperandReader {
  const yaml::Source& src;

  [[noreturn]] void fail(const YAML::Node& n, const std::string& field,
                         const std::string& msg) const {
    throw InputError(src.at(n, field), msg);
  }

  double real(const YAML::Node& spec, const char* key, const std::string& ctx, double lo, double hi,
              bool lo_open) const {
    const std::string field = ctx + "." + key;
    if (!spec[key]) fail(spec, field, "missing");
    const std::string text = yaml::to_string(spec[key], src, field);
    const auto v = parse_real(text);
    if (!v || *v > hi || *v < lo || (lo_open && *v == lo)) {
      std::ostringstream range;
      range << (lo_open ? "(" : "[") << lo << ", " << hi << "]";
      fail(spec[key], field, "'" + text + "' is not a number in " + range.str());
    }
    return *v;
  }

  int64_t extent(const YAML::Node& spec, const char* key, const std::string& ctx) const {
    const std::string field = ctx + "." + key;
    if (!spec[key]) fail(spec, field, "missing");
    const int64_t v = yaml::to_int(spec[key], src, field, 1);
    if (v > kMaxMatrixExtent) {
      fail(spec[key], field, "too large (at most " + std::to_string(kMaxMatrixExtent) + ")");
    }
    return v;
  }

  std::shared_ptr<const SparseMatrix> generated(const YAML::Node& spec,
                                                const std::string& ctx) const {
    const std::string kind = yaml::to_string(spec["generate"], src, ctx + ".generate");
    const std::string seed_field = ctx + ".seed";
    const auto seed =
        static_cast<uint64_t>(spec["seed"] ? yaml::to_int(spec["seed"], src, seed_field, 0) : 1);
    const auto check_size = [&](double expected) {
      if (expected > static_cast<double>(kMaxGeneratedNonzeros)) {
        fail(spec, ctx,
             "would make about " + std::to_string(static_cast<int64_t>(expected)) +
                 " nonzeros (at most " + std::to_string(kMaxGeneratedNonzeros) + ")");
      }
    };
    SparseMatrix m;
    if (kind == "uniform") {
      yaml::require_known_keys(spec, {"generate", "rows", "cols", "density", "seed"}, src, ctx);
      const int64_t rows = extent(spec, "rows", ctx), cols = extent(spec, "cols", ctx);
      const double density = real(spec, "density", ctx, 0, 1, true);
      check_size(static_cast<double>(rows) * static_cast<double>(cols) * density);
      m = generate_uniform(rows, cols, density, seed);
    } else if (kind == "power_law") {
      yaml::require_known_keys(
          spec, {"generate", "rows", "cols", "nnz_per_row", "exponent", "seed"}, src, ctx);
      const int64_t rows = extent(spec, "rows", ctx), cols = extent(spec, "cols", ctx);
      const double per_row = real(spec, "nnz_per_row", ctx, 0, static_cast<double>(cols), true);
      check_size(static_cast<double>(rows) * per_row);
      m = generate_power_law(rows, cols, per_row, real(spec, "exponent", ctx, 0, 8, false), seed);
    } else if (kind == "banded") {
      yaml::require_known_keys(spec, {"generate", "rows", "cols", "bandwidth", "density", "seed"},
                               src, ctx);
      const int64_t rows = extent(spec, "rows", ctx), cols = extent(spec, "cols", ctx);
      if (!spec["bandwidth"]) fail(spec, ctx + ".bandwidth", "missing");
      const int64_t band = yaml::to_int(spec["bandwidth"], src, ctx + ".bandwidth", 0);
      const double density = spec["density"] ? real(spec, "density", ctx, 0, 1, true) : 1.0;
      check_size(static_cast<double>(rows) * static_cast<double>(std::min(cols, 2 * band + 1)) *
                 density);
      m = generate_banded(rows, cols, band, density, seed);
    } else {
      fail(spec["generate"], ctx + ".generate",
           "unknown generator '" + kind + "' (known: uniform, power_law, banded)");
    }
    m.name = kind + "_seed" + std::to_string(seed);
    return std::make_shared<const SparseMatrix>(std::move(m));
  }

  // spmm's B: every entry present, stored uncompressed.
  std::shared_ptr<const SparseMatrix> dense(const YAML::Node& spec, const std::string& ctx) const {
    yaml::require_known_keys(spec, {"dense"}, src, ctx);
    const YAML::Node dims = spec["dense"];
    if (!dims.IsSequence() || dims.size() != 2) {
      fail(dims, ctx + ".dense", "expected [rows, cols]");
    }
    const int64_t rows = yaml::to_int(dims[0], src, ctx + ".dense", 1);
    const int64_t cols = yaml::to_int(dims[1], src, ctx + ".dense", 1);
    if (rows > kMaxDenseEntries / cols) {
      fail(dims, ctx + ".dense",
           "too large (at most " + std::to_string(kMaxDenseEntries) + " entries)");
    }
    return std::make_shared<const SparseMatrix>(dense_matrix(rows, cols));
  }

  std::shared_ptr<const SparseMatrix> operand(const YAML::Node& spec, const std::string& ctx,
                                              const std::shared_ptr<const SparseMatrix>& a) const {
    if (!spec.IsMap()) {
      fail(spec, ctx,
           "expected a map: {file: PATH}, {generate: ...}" +
               std::string(a ? ", {transpose_of: A} or {same_as: A}" : ""));
    }
    if (spec["file"]) {
      yaml::require_known_keys(spec, {"file"}, src, ctx);
      const std::string path =
          relative_to(src.file, yaml::to_string(spec["file"], src, ctx + ".file"));
      return std::make_shared<const SparseMatrix>(read_matrix_market(path));
    }
    if (spec["generate"]) return generated(spec, ctx);
    for (const char* key : {"transpose_of", "same_as"}) {
      if (!spec[key]) continue;
      yaml::require_known_keys(spec, {key}, src, ctx);
      const std::string field = ctx + "." + key;
      const std::string target = yaml::to_string(spec[key], src, field);
      if (!a || target != "A")
        fail(spec[key], field, "'" + target + "' is not an earlier operand (only B may name A)");
      if (std::string(key) == "same_as") return a;
      return std::make_shared<const SparseMatrix>(transpose(*a));
    }
    fail(spec, ctx,
         "expected one of file, generate" + std::string(a ? ", transpose_of, same_as" : ""));
  }
};

}  // namespace

SparseMatrix read_matrix_market(const std::string& path) {
  return parse_matrix_market(read_text_file(path), path,
                             std::filesystem::path(path).stem().string());
}

Layer spmspm_layer(std::string name, std::shared_ptr<const SparseMatrix> a,
                   std::shared_ptr<const SparseMatrix> b) {
  Layer l;
  l.name = std::move(name);
  l.op = b->dense_storage ? Op::spmm : Op::spmspm;
  l.shape.in_h = l.shape.out_h = a->rows;
  l.shape.channels = a->cols;
  l.shape.filters = b->cols;
  l.precision_bits = 8 * kWordBytes;  // compressed tiles are counted in 32-bit words
  auto ops = std::make_shared<SparseOperands>();
  ops->a = std::move(a);
  ops->b = std::move(b);
  l.sparse = std::move(ops);
  return l;
}

void read_sparse_layer(const YAML::Node& n, Layer& l, const yaml::Source& src,
                       const std::string& ctx) {
  yaml::require_known_keys(n, {"name", "op", "operands", "mapping", "security"}, src,
                           ctx.substr(0, ctx.size() - 1));
  const OperandReader r{src};
  const std::string field = ctx + "operands";
  const bool spmm = yaml::to_string(n["op"], src, ctx + "op") == "spmm";
  if (!n["operands"]) r.fail(n, field, "missing (a sparse layer names its operands A and B)");
  const YAML::Node ops = n["operands"];
  if (!ops.IsMap()) r.fail(ops, field, "expected a map with A and B");
  yaml::require_known_keys(ops, {"A", "B"}, src, field);
  for (const char* key : {"A", "B"}) {
    if (!ops[key]) r.fail(ops, field + "." + key, "missing");
  }
  auto a = r.operand(ops["A"], field + ".A", nullptr);
  const bool dense_b = ops["B"].IsMap() && ops["B"]["dense"];
  if (spmm != dense_b) {
    r.fail(ops["B"], field + ".B",
           spmm ? "spmm multiplies by a dense B: expected {dense: [rows, cols]}"
                : "a dense B makes the layer spmm, not spmspm");
  }
  auto b = dense_b ? r.dense(ops["B"], field + ".B") : r.operand(ops["B"], field + ".B", a);
  if (a->cols != b->rows) {
    r.fail(ops["B"], field + ".B",
           "mismatched dimensions: A is " + std::to_string(a->rows) + " x " +
               std::to_string(a->cols) + ", B is " + std::to_string(b->rows) + " x " +
               std::to_string(b->cols) + " (A's columns must equal B's rows)");
  }
  const int64_t work = effectual_multiplies(*a, *b);
  if (work > kMaxEffectualMultiplies) {
    r.fail(ops, field,
           "the product needs " + std::to_string(work) + " multiplies; at most " +
               std::to_string(kMaxEffectualMultiplies) + " are simulated");
  }
  const int line = l.line;
  const std::string name = l.name;
  l = spmspm_layer(name, std::move(a), std::move(b));
  l.line = line;
  if (n["mapping"] && n["mapping"].IsMap()) {
    for (const char* key : {"dataflow", "loop_order"}) {
      if (n["mapping"][key]) {
        r.fail(n["mapping"][key], ctx + "mapping." + key,
               "not used by sparse layers (only buffer_tile; the loop order is fixed)");
      }
    }
  }
}

}  // namespace tessera
