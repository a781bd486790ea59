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

}  // namespace tessera
