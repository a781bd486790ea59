// sparse: nm — one fixed N:M pattern (2:4 by default), as in sparse tensor cores: weights whose
// pattern guarantees at most N nonzeros in every aligned group of M along k are stored as N
// values per group with ceil(log2 M)-bit positions, and the array multiplies exactly N of every M
// (zeros among them included). Weights with any other pattern run dense, uncompressed.
#include "models/sparse/compressed_decoder.h"
#include "sim/registry.h"

namespace tessera {
namespace {

class NmDecoder : public CompressedDecoder {
 public:
  NmDecoder(const sc_core::sc_module_name& name, const ParamValues& p)
      : CompressedDecoder(name, p),
        pattern_(parse_gh(p.get_string("pattern"), p.where("pattern"))) {
    stored_.kind = SparsitySpec::Kind::hss;
    stored_.ranks = {pattern_};
  }

 protected:
  [[nodiscard]] std::optional<WeightFormat> format_for(const Layer& layer) const override {
    const SparsitySpec& s = layer.weight_sparsity;
    if (s.kind != SparsitySpec::Kind::hss || layer.gemm()[2] % pattern_.h != 0) return std::nullopt;
    // The most nonzeros rank 0 lets into an aligned group of M values.
    const GH r0 = s.ranks[0];
    int64_t most = pattern_.h;
    if (r0.h % pattern_.h == 0)
      most = std::min(r0.g, pattern_.h);
    else if (pattern_.h % r0.h == 0)
      most = r0.g * (pattern_.h / r0.h);
    if (most > pattern_.g) return std::nullopt;
    return WeightFormat{WeightFormat::Kind::blocks, &stored_};
  }

  void count_read(const WeightFormat&, const GemmRange&, const WeightWork&, int64_t) override {}

 private:
  GH pattern_;
  SparsitySpec stored_;  // the pattern as a one-rank spec
};

}  // namespace

TESSERA_REGISTER(SparseDecoder, nm, NmDecoder,
                 "fixed N:M structured sparsity (sparse-tensor-core style); other patterns dense",
                 {choice_param("pattern", "2:4", {}, "the one N:M pattern the hardware runs")});

}  // namespace tessera
