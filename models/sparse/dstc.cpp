// sparse: dstc — dual-side unstructured sparsity, as the dual-side sparse tensor core (DSTC, Wang
// et al., ISCA 2021): weights and inputs of any sparsity are both stored as their nonzero values
// plus a bitmask (one bit per dense position), and only the products where both operands are
// nonzero are computed. Each output steps through the intersection of its weight column and its
// input row; a tile lasts as long as its slowest output. Positions on the two sides are
// independent, so a kept weight meets a nonzero input with the inputs' density. Both bitmasks
// are read and decoded (a population count per 64-bit word) for every tile.
#include <cmath>

#include "models/sparse/compressed_decoder.h"
#include "models/sparse/input_skipping.h"
#include "sim/numbers.h"
#include "sim/registry.h"

namespace tessera {
namespace {

class DstcDecoder : public CompressedDecoder {
 public:
  DstcDecoder(const sc_core::sc_module_name& name, const ParamValues& p)
      : CompressedDecoder(name, p),
        popcounts_(stats().counter("mask_popcount", "64-bit words",
                                   "bitmask words decoded by a population count", true)) {}

 protected:
  // Any input sparsity: it is all unstructured to this hardware.
  void check_inputs(const Layer&, const std::string&) const override {}

  [[nodiscard]] std::optional<WeightFormat> format_for(const Layer& layer) const override {
    if (layer.weight_sparsity.is_dense() && layer.input_sparsity.is_dense() && !layer.input_relu) {
      return std::nullopt;
    }
    return WeightFormat{WeightFormat::Kind::bitmask, &layer.weight_sparsity};
  }

  void skip_inputs(const Layer& layer, const GemmRange& r, const DecodedOperand* measured,
                   WeightWork& w) const override {
    const DualWork d = skip_input_values(w.rows, w.effectual, nonzero(layer, measured), r.m());
    w.rows = d.rows;
    w.macs = d.macs;
  }

  [[nodiscard]] std::optional<InputWork> input_work(const Layer& layer, const GemmRange& r,
                                                    const DecodedOperand* measured) const override {
    if (!format_for(layer)) return std::nullopt;
    const int64_t positions = r.m() * r.k();
    InputWork w;
    w.metadata_bits = positions;
    w.stored_bits = std::llround(static_cast<double>(positions) * nonzero(layer, measured)) *
                        layer.precision_bits +
                    w.metadata_bits;
    return w;
  }

  void count_read(const WeightFormat&, const GemmRange& r, const WeightWork& w,
                  int64_t times) override {
    // The weights' bitmask, and the inputs' one the outputs are intersected with.
    popcounts_ +=
        static_cast<uint64_t>(ceil_div(w.metadata_bits, 64) * times + ceil_div(r.m() * r.k(), 64));
  }

 private:
  // The share of the inputs that is nonzero: the tile's real one, or the spec's.
  [[nodiscard]] static double nonzero(const Layer& layer, const DecodedOperand* measured) {
    return measured != nullptr ? measured->inputs_nonzero : layer.input_sparsity.density();
  }

  uint64_t& popcounts_;
};

}  // namespace

TESSERA_REGISTER(SparseDecoder, dstc, DstcDecoder,
                 "dual-side unstructured sparsity (DSTC): bitmasks on weights and inputs, only "
                 "products of two nonzeros computed",
                 {});

}  // namespace tessera
