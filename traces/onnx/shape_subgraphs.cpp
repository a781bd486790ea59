// Evaluates the integer subgraphs that compute shapes (Shape, Gather, Slice, Unsqueeze, Concat,
// Constant, ConstantOfShape, Equal, Where, arithmetic) and replaces each by the constant it
// gives, so that shape inference can resolve what they feed (Reshape, Expand). ONNX's own data
// propagation covers a part of these ops; PyTorch's exports use the rest (Expand's -1 dims are
// an Equal and a Where).
#include "traces/onnx/shape_subgraphs.h"

#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>

namespace tessera::onnx_import {
namespace {

// An integer tensor's value; booleans are 0 and 1.
struct Value {
  Dims dims;
  std::vector<int64_t> data;
  int32_t type = onnx::TensorProto::INT64;  // INT64, INT32 or BOOL
};

std::optional<Value> tensor_value(const onnx::TensorProto& t) {
  Value v{Dims(t.dims().begin(), t.dims().end()), {}, t.data_type()};
  const int64_t count = product(v.dims);
  if (count > 4096) return std::nullopt;  // shapes and indices are small
  const std::string& raw = t.raw_data();
  switch (t.data_type()) {
    case onnx::TensorProto::INT64:
      if (!raw.empty()) {
        if (raw.size() != static_cast<size_t>(count) * 8) return std::nullopt;
        v.data.resize(static_cast<size_t>(count));
        std::memcpy(v.data.data(), raw.data(), raw.size());
      } else {
        v.data.assign(t.int64_data().begin(), t.int64_data().end());
      }
      break;
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::BOOL: {
      const size_t width = t.data_type() == onnx::TensorProto::INT32 ? 4 : 1;
      if (!raw.empty()) {
        if (raw.size() != static_cast<size_t>(count) * width) return std::nullopt;
        for (size_t i = 0; i < raw.size(); i += width) {
          int32_t x = 0;
          std::memcpy(&x, raw.data() + i, width);
          v.data.push_back(width == 1 ? (x & 0xff) : x);
        }
      } else {
        v.data.assign(t.int32_data().begin(), t.int32_data().end());
      }
      break;
    }
    default: return std::nullopt;
  }
  if (static_cast<int64_t>(v.data.size()) != count) return std::nullopt;
  return v;
}

const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

// Element-wise on two values, one of them possibly a single element (broadcast).
std::optional<Value> binary(const Value& a, const Value& b,
                            const std::function<std::optional<int64_t>(int64_t, int64_t)>& f) {
  if (a.data.size() != b.data.size() && a.data.size() != 1 && b.data.size() != 1) {
    return std::nullopt;
  }
  Value out = a.data.size() >= b.data.size() ? a : b;
  for (size_t i = 0; i < out.data.size(); ++i) {
    const auto r = f(a.data[a.data.size() == 1 ? 0 : i], b.data[b.data.size() == 1 ? 0 : i]);
    if (!r) return std::nullopt;
    out.data[i] = *r;
  }
  return out;
}

int64_t clamp_index(int64_t i, int64_t size) {
  if (i < 0) i += size;
  return std::max<int64_t>(0, std::min(i, size));
}

class Evaluator {
 public:
  Evaluator(const onnx::GraphProto& graph, const std::map<std::string, Dims>& dims) : dims_(dims) {
    for (const auto& t : graph.initializer()) {
      if (auto v = tensor_value(t)) values_[t.name()] = *v;
    }
  }

  // The node's output value, when its inputs' values (or for Shape, its input's dims) are known.
  std::optional<Value> evaluate(const onnx::NodeProto& node) const {
    const std::string& op = node.op_type();
    if (op == "Constant") {
      const auto* a = find_attribute(node, "value");
      return a != nullptr && a->has_t() ? tensor_value(a->t()) : std::nullopt;
    }
    if (op == "Shape") return shape(node);
    std::vector<const Value*> in;
    for (const std::string& name : node.input()) {
      if (name.empty()) {
        in.push_back(nullptr);
        continue;
      }
      const auto it = values_.find(name);
      if (it == values_.end()) return std::nullopt;
      in.push_back(&it->second);
    }
    if (in.empty() || in[0] == nullptr) return std::nullopt;
    const Value& x = *in[0];
    if (op == "Identity") return x;
    if (op == "Cast") {
      const auto* to = find_attribute(node, "to");
      if (to == nullptr ||
          (to->i() != onnx::TensorProto::INT64 && to->i() != onnx::TensorProto::INT32 &&
           to->i() != onnx::TensorProto::BOOL)) {
        return std::nullopt;
      }
      Value out = x;
      out.type = static_cast<int32_t>(to->i());
      return out;
    }
    if (op == "Unsqueeze" || op == "Squeeze" || op == "Reshape" || op == "Flatten") {
      // Only rank-0 and rank-1 values reach shape inputs; their elements do not move.
      Value out = x;
      out.dims = {static_cast<int64_t>(x.data.size())};
      return out;
    }
    if (op == "ConstantOfShape") {
      // Without a value the fill is a float zero: not a shape.
      const auto* a = find_attribute(node, "value");
      if (a == nullptr || !a->has_t()) return std::nullopt;
      const auto fill = tensor_value(a->t());
      if (!fill || fill->data.size() != 1) return std::nullopt;
      const int64_t count = product(x.data);
      if (count < 0 || count > 4096) return std::nullopt;
      return Value{x.data, std::vector<int64_t>(static_cast<size_t>(count), fill->data[0]),
                   fill->type};
    }
    if (op == "Gather") return gather(node, x, in.size() > 1 ? in[1] : nullptr);
    if (op == "Slice") return slice(x, in);
    if (op == "Concat") {
      Value out{{0}, {}};
      for (const Value* v : in) {
        if (v == nullptr) continue;
        out.data.insert(out.data.end(), v->data.begin(), v->data.end());
      }
      out.dims[0] = static_cast<int64_t>(out.data.size());
      return out;
    }
    if (in.size() < 2 || in[1] == nullptr) return std::nullopt;
    const Value& y = *in[1];
    using R = std::optional<int64_t>;
    if (op == "Add") return binary(x, y, [](int64_t a, int64_t b) -> R { return a + b; });
    if (op == "Sub") return binary(x, y, [](int64_t a, int64_t b) -> R { return a - b; });
    if (op == "Mul") return binary(x, y, [](int64_t a, int64_t b) -> R { return a * b; });
    if (op == "Div") {
      return binary(x, y,
                    [](int64_t a, int64_t b) -> R { return b == 0 ? std::nullopt : R(a / b); });
    }
    if (op == "Equal") {
      auto out = binary(x, y, [](int64_t a, int64_t b) -> R { return a == b; });
      if (out) out->type = onnx::TensorProto::BOOL;
      return out;
    }
    if (op == "Where" && in.size() == 3 && in[2] != nullptr) {
      const Value& z = *in[2];
      const size_t n = std::max({x.data.size(), y.data.size(), z.data.size()});
      Value out{{static_cast<int64_t>(n)}, std::vector<int64_t>(n), y.type};
      for (const Value* v : {&x, &y, &z}) {
        if (v->data.size() != n && v->data.size() != 1) return std::nullopt;
      }
      auto at = [](const Value& v, size_t i) { return v.data[v.data.size() == 1 ? 0 : i]; };
      for (size_t i = 0; i < n; ++i) out.data[i] = at(x, i) != 0 ? at(y, i) : at(z, i);
      return out;
    }
    return std::nullopt;
  }

  void set(const std::string& name, Value v) { values_[name] = std::move(v); }
  [[nodiscard]] const Value& value(const std::string& name) const { return values_.at(name); }

 private:
  std::optional<Value> shape(const onnx::NodeProto& node) const {
    const auto it = dims_.find(node.input(0));
    if (it == dims_.end()) return std::nullopt;
    for (int64_t d : it->second) {
      if (d < 1) return std::nullopt;
    }
    const auto rank = static_cast<int64_t>(it->second.size());
    const auto* start = find_attribute(node, "start");
    const auto* end = find_attribute(node, "end");
    const int64_t lo = start != nullptr ? clamp_index(start->i(), rank) : 0;
    const int64_t hi = end != nullptr ? clamp_index(end->i(), rank) : rank;
    Value v;
    v.data.assign(it->second.begin() + lo, it->second.begin() + std::max(lo, hi));
    v.dims = {static_cast<int64_t>(v.data.size())};
    return v;
  }

  static std::optional<Value> gather(const onnx::NodeProto& node, const Value& x,
                                     const Value* indices) {
    const auto* axis = find_attribute(node, "axis");
    if (indices == nullptr || x.dims.size() > 1 || (axis != nullptr && axis->i() != 0)) {
      return std::nullopt;
    }
    Value out{indices->dims, {}};
    const auto size = static_cast<int64_t>(x.data.size());
    for (int64_t i : indices->data) {
      if (i < -size || i >= size) return std::nullopt;
      out.data.push_back(x.data[static_cast<size_t>(i < 0 ? i + size : i)]);
    }
    return out;
  }

  static std::optional<Value> slice(const Value& x, const std::vector<const Value*>& in) {
    if (in.size() < 3 || in[1] == nullptr || in[2] == nullptr || in[1]->data.size() != 1 ||
        in[2]->data.size() != 1) {
      return std::nullopt;
    }
    if (in.size() > 3 && in[3] != nullptr && (in[3]->data.size() != 1 || in[3]->data[0] != 0)) {
      return std::nullopt;
    }
    if (in.size() > 4 && in[4] != nullptr && (in[4]->data.size() != 1 || in[4]->data[0] != 1)) {
      return std::nullopt;
    }
    const auto size = static_cast<int64_t>(x.data.size());
    const int64_t lo = clamp_index(in[1]->data[0], size);
    const int64_t hi = clamp_index(std::min<int64_t>(in[2]->data[0], size), size);
    Value out;
    out.data.assign(x.data.begin() + lo, x.data.begin() + std::max(lo, hi));
    out.dims = {static_cast<int64_t>(out.data.size())};
    return out;
  }

  const std::map<std::string, Dims>& dims_;
  std::map<std::string, Value> values_;
};

}  // namespace

int fold_shape_subgraphs(onnx::GraphProto& graph, const std::map<std::string, Dims>& dims) {
  Evaluator eval(graph, dims);
  std::set<std::string> evaluated;  // outputs
  std::vector<bool> folded(static_cast<size_t>(graph.node_size()), false);
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& node = graph.node(i);
    if (node.output_size() != 1) continue;
    if (auto v = eval.evaluate(node)) {
      eval.set(node.output(0), std::move(*v));
      evaluated.insert(node.output(0));
      folded[static_cast<size_t>(i)] = true;
    }
  }
  if (evaluated.empty()) return 0;
  // Outputs still read by a node that stays become initializers; the folded nodes go.
  std::set<std::string> needed;
  for (int i = 0; i < graph.node_size(); ++i) {
    if (folded[static_cast<size_t>(i)]) continue;
    for (const std::string& in : graph.node(i).input()) {
      if (evaluated.count(in) != 0) needed.insert(in);
    }
  }
  for (const auto& out : graph.output()) {
    if (evaluated.count(out.name()) != 0) needed.insert(out.name());
  }
  for (const std::string& name : needed) {
    const Value& v = eval.value(name);
    onnx::TensorProto* t = graph.add_initializer();
    t->set_name(name);
    t->set_data_type(v.type);
    for (int64_t d : v.dims) t->add_dims(d);
    for (int64_t x : v.data) {
      if (v.type == onnx::TensorProto::INT64) {
        t->add_int64_data(x);
      } else {
        t->add_int32_data(static_cast<int32_t>(x));
      }
    }
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (int i = 0; i < graph.node_size(); ++i) {
    if (!folded[static_cast<size_t>(i)]) *kept.Add() = graph.node(i);
  }
  graph.mutable_node()->Swap(&kept);
  return static_cast<int>(evaluated.size());
}

}  // namespace tessera::onnx_import
