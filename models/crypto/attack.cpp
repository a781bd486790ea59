#include "models/crypto/attack.h"

#include "sim/error.h"
#include "sim/numbers.h"

namespace tessera {

namespace {
constexpr const char* kSparseNames[] = {"A", "B", "Z"};
}  // namespace

const char* tensor_name(const Layer& layer, Tensor t) {
  return layer.sparse ? kSparseNames[static_cast<size_t>(t)] : to_string(t);
}

const char* to_string(Attack::Kind k) {
  switch (k) {
    case Attack::Kind::data: return "--tamper";
    case Attack::Kind::tag: return "--tamper-tag";
    case Attack::Kind::replay: return "--replay";
  }
  return "?";
}

Attack parse_attack(Attack::Kind kind, const std::string& text, const std::string& option) {
  const SourceLocation where{option, 0, text};
  const std::string shape =
      kind == Attack::Kind::replay ? "LAYER:TENSOR" : "LAYER:TENSOR:BYTE[:BIT]";
  // Split from the right: a layer name may itself contain ':'.
  std::string rest = text;
  Attack a;
  a.kind = kind;
  a.spec = text;
  auto tensor_of = [&a](const std::string& s, Tensor& t) {
    for (Tensor c : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
      a.sparse_name = s == kSparseNames[static_cast<size_t>(c)];
      if (s == to_string(c) || a.sparse_name) {
        t = c;
        return true;
      }
    }
    return false;
  };
  std::vector<std::string> tail;  // numbers after the tensor, right to left
  while (true) {
    const size_t colon = rest.rfind(':');
    if (colon == std::string::npos) throw InputError(where, "expected " + shape);
    const std::string last = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (tensor_of(last, a.tensor)) break;
    tail.push_back(last);
    if (tail.size() > 2) throw InputError(where, "expected " + shape);
  }
  a.layer = rest;
  if (a.layer.empty()) throw InputError(where, "expected " + shape + " (no layer named)");
  const size_t want_min = kind == Attack::Kind::replay ? 0 : 1;
  const size_t want_max = kind == Attack::Kind::replay ? 0 : 2;
  if (tail.size() < want_min || tail.size() > want_max) {
    throw InputError(where, "expected " + shape +
                                " with TENSOR one of inputs, weights, outputs (A, B, Z for a "
                                "sparse layer)");
  }
  if (!tail.empty()) {
    const auto byte = parse_int(tail.back());
    if (!byte || *byte < 0) throw InputError(where, "BYTE must be a number at least 0");
    a.byte = *byte;
  }
  if (tail.size() == 2) {
    const auto bit = parse_int(tail.front());
    if (!bit || *bit < 0 || *bit > 7) throw InputError(where, "BIT must be 0..7");
    a.bit = static_cast<int>(*bit);
  }
  return a;
}

void check_attacks(const std::vector<Attack>& attacks, const Trace& trace) {
  for (const Attack& a : attacks) {
    const SourceLocation where{to_string(a.kind), 0, a.spec};
    const Layer* layer = nullptr;
    for (const Layer& l : trace.layers) {
      if (l.name == a.layer) layer = &l;
    }
    if (layer == nullptr) {
      throw InputError(where, "the trace " + trace.file + " has no layer '" + a.layer + "'");
    }
    if (a.sparse_name != static_cast<bool>(layer->sparse)) {
      throw InputError(where, "layer '" + a.layer + "' is " +
                                  (layer->sparse ? "sparse: its tensors are A, B and Z"
                                                 : "dense: its tensors are inputs, weights and "
                                                   "outputs"));
    }
    if (layer->sparse) continue;
    const int64_t bytes = whole_tensor(*layer, a.tensor).volume() * 4;
    if (a.byte >= bytes) {
      throw InputError(where, "byte " + std::to_string(a.byte) + " is beyond the " +
                                  to_string(a.tensor) + " ciphertext of layer '" + a.layer + "' (" +
                                  std::to_string(bytes) + " bytes)");
    }
  }
}

}  // namespace tessera
