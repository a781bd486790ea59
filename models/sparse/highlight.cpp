// sparse: highlight — the HighLight decoder (Wu et al., MICRO 2023) for weights with
// hierarchical structured sparsity. Weights are stored compressed: each block keeps exactly G of
// its H sub-blocks, and every kept sub-block records its position (ceil(log2 H) bits per rank).
// Blocks pruned at rank 1 are never stored, so they cost no buffer reads and no cycles; inside a
// kept rank-0 block the decoder hands the PEs the G values with their positions, so the array
// multiplies only the kept values. Dense layers bypass the decoder and run as on a dense design.
// The hardware supports a configurable set of patterns per rank; any other is an input error.
#include <algorithm>

#include "models/sparse/compressed_decoder.h"
#include "sim/numbers.h"
#include "sim/registry.h"

namespace tessera {
namespace {

// A rank's supported patterns: "2:4" items, or "G:4" (the letter G) for every G of that H.
std::vector<GH> supported_patterns(const ParamValues& p, const std::string& param) {
  const std::string& text = p.get_string(param);
  const SourceLocation where = p.where(param);
  std::vector<GH> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const size_t end = comma == std::string::npos ? text.size() : comma;
    const std::string item = text.substr(start, end - start);
    if (item.rfind("G:", 0) == 0) {
      const GH any = parse_gh("1:" + item.substr(2), where);
      for (int64_t g = 1; g <= any.h; ++g) out.push_back({g, any.h});
    } else {
      out.push_back(parse_gh(item, where));
    }
    start = end + 1;
  }
  return out;
}

class HighLightDecoder : public CompressedDecoder {
 public:
  HighLightDecoder(const sc_core::sc_module_name& name, const ParamValues& p)
      : CompressedDecoder(name, p),
        ranks_{supported_patterns(p, "rank0_patterns"), supported_patterns(p, "rank1_patterns")},
        decoded_blocks_(stats().counter("decoded_block", "blocks",
                                        "top-rank weight blocks whose metadata was decoded", true)),
        skipped_blocks_(stats().counter("skipped_block", "blocks",
                                        "rank-0 weight blocks pruned at rank 1: never read")) {}

  void check_layer(const Layer& layer, const std::string& trace_file) const override {
    const SparsitySpec& s = layer.weight_sparsity;
    const SourceLocation where{trace_file, layer.line, "sparsity.weights"};
    const std::string who = "layer '" + layer.name + "': ";
    if (s.kind == SparsitySpec::Kind::density) {
      throw InputError(where, who + "highlight runs hierarchical structured sparsity only, not " +
                                  s.text() + " (use sparse.impl=unstructured)");
    }
    if (s.kind != SparsitySpec::Kind::hss) return;
    if (s.ranks.size() > ranks_.size()) {
      throw InputError(where, who + s.text() + " has " + std::to_string(s.ranks.size()) +
                                  " ranks; highlight supports " + std::to_string(ranks_.size()));
    }
    for (size_t r = 0; r < s.ranks.size(); ++r) {
      const auto& ok = ranks_[r];
      if (std::find(ok.begin(), ok.end(), s.ranks[r]) == ok.end()) {
        throw InputError(where, who + "pattern " + std::to_string(s.ranks[r].g) + ":" +
                                    std::to_string(s.ranks[r].h) + " at rank " + std::to_string(r) +
                                    " is not supported by the configured " +
                                    "highlight (sparse.rank" + std::to_string(r) + "_patterns)");
      }
    }
  }

 protected:
  [[nodiscard]] std::optional<WeightFormat> format_for(const Layer& layer) const override {
    if (layer.weight_sparsity.kind != SparsitySpec::Kind::hss) return std::nullopt;
    return WeightFormat{WeightFormat::Kind::blocks, &layer.weight_sparsity};
  }

  void count_read(const WeightFormat& f, const GemmRange& r, const WeightWork& w,
                  int64_t times) override {
    const int64_t n = r.n();
    decoded_blocks_ += static_cast<uint64_t>(ceil_div(r.k(), f.spec->top_span()) * n * times);
    // Rank-0 blocks in the range, less the kept ones (each holds G0 of the kept values).
    const GH rank0 = f.spec->ranks[0];
    const int64_t kept_blocks = ceil_div(w.effectual / n, rank0.g);
    skipped_blocks_ +=
        static_cast<uint64_t>(std::max<int64_t>(0, r.k() / rank0.h - kept_blocks) * n);
  }

 private:
  std::vector<std::vector<GH>> ranks_;
  uint64_t& decoded_blocks_;
  uint64_t& skipped_blocks_;
};

}  // namespace

TESSERA_REGISTER(
    SparseDecoder, highlight, HighLightDecoder,
    "HighLight: hierarchical structured sparse weights, skipping pruned blocks",
    {choice_param("rank0_patterns", "G:4", {},
                  "patterns rank 0 supports, comma-separated, e.g. 2:4,3:4 (G:4: every G of 4)"),
     choice_param("rank1_patterns", "G:2,G:4,G:8", {},
                  "patterns rank 1 supports, comma-separated, e.g. 1:8,2:8 (G:8: every G of 8)")});

}  // namespace tessera
