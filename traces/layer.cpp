#include "traces/layer.h"

namespace tessera {

const char* to_string(Op op) {
  switch (op) {
    case Op::conv: return "conv";
    case Op::gemm: return "gemm";
    case Op::spmspm: return "spmspm";
    case Op::spmm: return "spmm";
    case Op::pool: return "pool";
    case Op::eltwise: return "eltwise";
    case Op::softmax: return "softmax";
    case Op::norm: return "norm";
  }
  return "?";
}

const char* to_string(Dataflow df) {
  switch (df) {
    case Dataflow::ws: return "ws";
    case Dataflow::os: return "os";
    case Dataflow::is: return "is";
  }
  return "?";
}

const char* to_string(GemmDim d) {
  switch (d) {
    case GemmDim::m: return "m";
    case GemmDim::n: return "n";
    case GemmDim::k: return "k";
  }
  return "?";
}

std::optional<Dataflow> parse_dataflow(const std::string& s) {
  if (s == "ws") return Dataflow::ws;
  if (s == "os") return Dataflow::os;
  if (s == "is") return Dataflow::is;
  return std::nullopt;
}

std::optional<GemmDim> parse_gemm_dim(const std::string& s) {
  if (s == "m") return GemmDim::m;
  if (s == "n") return GemmDim::n;
  if (s == "k") return GemmDim::k;
  return std::nullopt;
}

std::vector<int> tensor_producers(const Trace& trace) {
  const auto on_array = [](const Layer& l) { return !l.sparse && !l.vector; };
  std::vector<int> producer(trace.layers.size(), -1);
  for (size_t j = 0; j < trace.layers.size(); ++j) {
    const Layer& c = trace.layers[j];
    if (!on_array(c)) continue;
    for (size_t i = j; i-- > 0;) {
      const Layer& p = trace.layers[i];
      if (!on_array(p)) continue;
      if (p.shape.batch * p.shape.out_h * p.shape.out_w ==
              c.shape.batch * c.shape.in_h * c.shape.in_w &&
          p.shape.filters == c.shape.channels && p.precision_bits == c.precision_bits) {
        producer[j] = static_cast<int>(i);
        break;
      }
    }
  }
  return producer;
}

}  // namespace tessera
