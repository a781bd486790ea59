// sparse: highlight — the HighLight decoder (Wu et al., MICRO 2023) for weights with
// hierarchical structured sparsity. Weights are stored compressed: each block keeps exactly G of
// its H sub-blocks, and every kept sub-block records its position (ceil(log2 H) bits per rank).
// Blocks pruned at rank 1 are never stored, so they cost no buffer reads and no cycles; inside a
// kept rank-0 block the decoder hands the PEs the G values with their positions, so the array
// multiplies only the kept values. Dense layers bypass the decoder and run as on a dense design.
// The hardware supports a configurable set of patterns per rank; any other is an input error.
//
// Sparse activations are skipped by whole blocks, as HighLight skips operand B at rank 1: inputs
// with hierarchical structured sparsity of two ranks, whose rank-0 blocks span a whole number of
// the weights' rank-0 blocks, have whole rank-0 blocks pruned; a kept weight block that meets a
// pruned input block is never stepped through. Each input row carries the positions of its kept
// blocks (ceil(log2 H1) bits each), read and decoded with the inputs. Zeros anywhere (a density,
// as a ReLU leaves them) are skipped only where a whole weight-block-sized block of an input row
// is zero, found from one bit per block. The zeros inside a stepped block are multiplied (the
// rank-0 multiplexers serve the weights). With inputs=relu (functional runs) the share of
// weight-block-sized input blocks not all zero is the tile's real one, measured by the controller.
#include <algorithm>
#include <cmath>

#include "models/sparse/compressed_decoder.h"
#include "models/sparse/input_skipping.h"
#include "sim/numbers.h"
#include "sim/registry.h"

namespace tessera {
namespace {

// Bits to name one of h positions.
int64_t bits_for(int64_t h) {
  int64_t b = 0;
  while ((int64_t{1} << b) < h) ++b;
  return b;
}

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

 protected:
  void check_weights(const Layer& layer, const std::string& trace_file) const override {
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
    check_ranks(s, where, who);
  }

  void check_inputs(const Layer& layer, const std::string& trace_file) const override {
    const SparsitySpec& s = layer.input_sparsity;
    if (s.kind != SparsitySpec::Kind::hss) return;  // dense, or zeros anywhere (density)
    const SourceLocation where{trace_file, layer.line, "--sparsify inputs"};
    const std::string who = "layer '" + layer.name + "': ";
    if (s.ranks.size() != 2) {
      throw InputError(where, who + "highlight skips inputs by whole blocks pruned at rank 1, " +
                                  "so it needs two-rank hierarchical structured sparsity " +
                                  "(e.g. hss:4:4,1:2) or a density, not " + s.text() +
                                  " (sparse.impl=dstc skips single zeros)");
    }
    const auto& ok = ranks_[1];
    if (std::find(ok.begin(), ok.end(), s.ranks[1]) == ok.end()) {
      throw InputError(where, who + "input pattern " + std::to_string(s.ranks[1].g) + ":" +
                                  std::to_string(s.ranks[1].h) +
                                  " at rank 1 is not supported by the configured highlight " +
                                  "(sparse.rank1_patterns)");
    }
    const SparsitySpec& wts = layer.weight_sparsity;
    if (wts.kind == SparsitySpec::Kind::hss && s.block_span(0) % wts.ranks[0].h != 0) {
      throw InputError(where, who + "the input blocks of " + s.text() + " span " +
                                  std::to_string(s.block_span(0)) +
                                  " values, not a whole number of the weights' rank-0 blocks (" +
                                  std::to_string(wts.ranks[0].h) + ")");
    }
  }

  [[nodiscard]] std::optional<WeightFormat> format_for(const Layer& layer) const override {
    if (layer.weight_sparsity.kind != SparsitySpec::Kind::hss) return std::nullopt;
    return WeightFormat{WeightFormat::Kind::blocks, &layer.weight_sparsity};
  }

  void skip_inputs(const Layer& layer, const GemmRange& r, const DecodedOperand* measured,
                   WeightWork& w) const override {
    const SparsitySpec& in = layer.input_sparsity;
    w.macs = r.m() * w.effectual;
    if (in.is_dense() && measured == nullptr) return;
    // A kept weight block is stepped through when its input block is kept: with probability
    // the share of input blocks kept, independently of the weights' positions.
    const double kept_blocks = input_blocks_kept(layer, measured);
    // Structured inputs keep exactly that share of the range's blocks.
    const int64_t blocks = measured == nullptr && in.kind == SparsitySpec::Kind::hss
                               ? r.k() / in.block_span(0)
                               : int64_t{0};
    const DualWork d = skip_input_blocks(w.rows, w.effectual, layer.weight_sparsity.ranks[0].g,
                                         kept_blocks, blocks, r.m());
    w.rows = d.rows;
    w.macs = d.macs;
  }

  [[nodiscard]] std::optional<InputWork> input_work(const Layer& layer, const GemmRange& r,
                                                    const DecodedOperand* measured) const override {
    const SparsitySpec& in = layer.input_sparsity;
    if ((in.is_dense() && measured == nullptr) || !format_for(layer)) return std::nullopt;
    InputWork w;
    if (measured != nullptr || in.kind == SparsitySpec::Kind::density) {
      // Per input row: one bit per weight-sized block (all zero or not), the other blocks' values.
      const int64_t blocks = ceil_div(r.k(), layer.weight_sparsity.ranks[0].h);
      w.metadata_bits = r.m() * blocks;
      w.stored_bits =
          std::llround(static_cast<double>(r.m() * r.k()) * input_blocks_kept(layer, measured)) *
              layer.precision_bits +
          w.metadata_bits;
      return w;
    }
    // Per input row: the kept blocks' values and one rank-1 position per kept block.
    const int64_t blocks = ceil_div(r.k(), in.block_span(1));
    w.metadata_bits = r.m() * blocks * in.ranks[1].g * bits_for(in.ranks[1].h);
    w.stored_bits =
        r.m() * blocks * in.ranks[1].g * in.block_span(0) * layer.precision_bits + w.metadata_bits;
    return w;
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
  void check_ranks(const SparsitySpec& s, const SourceLocation& where,
                   const std::string& who) const {
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

  // The share of input blocks stepped through: those rank 1 keeps, or, for zeros anywhere (a
  // density), those of a weight block's size not all zero.
  [[nodiscard]] static double input_blocks_kept(const Layer& layer,
                                                const DecodedOperand* measured) {
    if (measured != nullptr) return measured->input_blocks_nonzero;  // the tile's real zeros
    const SparsitySpec& in = layer.input_sparsity;
    if (in.kind == SparsitySpec::Kind::density) {
      const auto block = static_cast<double>(layer.weight_sparsity.ranks[0].h);
      return 1 - std::pow(1 - in.kept, block);
    }
    return static_cast<double>(in.ranks[1].g) / static_cast<double>(in.ranks[1].h);
  }

  std::vector<std::vector<GH>> ranks_;
  uint64_t& decoded_blocks_;
  uint64_t& skipped_blocks_;
};

}  // namespace

TESSERA_REGISTER(
    SparseDecoder, highlight, HighLightDecoder,
    "HighLight: hierarchical structured sparse weights, skipping pruned blocks of weights "
    "and (at rank 1) of inputs",
    {choice_param("rank0_patterns", "G:4", {},
                  "patterns rank 0 supports, comma-separated, e.g. 2:4,3:4 (G:4: every G of 4)"),
     choice_param("rank1_patterns", "G:2,G:4,G:8", {},
                  "patterns rank 1 supports, comma-separated, e.g. 1:8,2:8 (G:8: every G of 8)")});

}  // namespace tessera
