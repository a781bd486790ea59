// What the compressing decoders (highlight, nm, unstructured, dstc) share: per-tile weight work in
// closed form from per-block counts, the weight reads they resize and annotate for the PE array,
// the metadata they count, and, in functional mode, a round trip of the tile's real values
// through the compressed format (a value the format cannot hold is a simulation error).
#pragma once

#include <optional>

#include "models/sparse/interface.h"
#include "traces/sparsity.h"

namespace tessera {

// How a decoder stores one layer's weights.
struct WeightFormat {
  enum class Kind {
    blocks,   // every block keeps exactly G of H sub-blocks, positions as per-rank metadata
    bitmask,  // the nonzero values and one bit per dense position
  };
  Kind kind = Kind::blocks;
  // blocks: the pattern stored; bitmask: the values the layer keeps. Owned by the layer or the
  // decoder (planning asks for formats often: no copies).
  const SparsitySpec* spec = nullptr;
};

class CompressedDecoder : public SparseDecoder {
 public:
  CompressedDecoder(const sc_core::sc_module_name& name, const ParamValues& p);

  [[nodiscard]] std::optional<WeightWork> weight_work(const Layer& layer,
                                                      const GemmRange& r) const override {
    return work(layer, r, true);
  }
  [[nodiscard]] std::optional<WeightWork> planned_weight_work(const Layer& layer,
                                                              const GemmRange& r) const override {
    return work(layer, r, false);
  }

 protected:
  // The format this decoder stores the layer's weights in; nothing to feed them dense.
  [[nodiscard]] virtual std::optional<WeightFormat> format_for(const Layer& layer) const = 0;
  // Decoder-specific action counts for one weight read that streams the tile `times` times.
  virtual void count_read(const WeightFormat& f, const GemmRange& r, const WeightWork& w,
                          int64_t times) = 0;

  // Zero inputs the decoder skips: turns the weights-only work `w` (rows, effectual) into the
  // work on both sides (rows of the slowest output, macs). `measured`: the tile's real inputs
  // (inputs=relu, DecodedOperand::inputs_nonzero and input_blocks_nonzero), or null to go by the
  // layer's input spec. By default the inputs are fed dense.
  virtual void skip_inputs(const Layer& layer, const GemmRange& r, const DecodedOperand* measured,
                           WeightWork& w) const {
    (void)layer;
    (void)measured;
    w.macs = r.m() * w.effectual;
  }
  // How the tile's inputs are fed, per pass; nothing when they are fed dense.
  [[nodiscard]] virtual std::optional<InputWork> input_work(const Layer& layer, const GemmRange& r,
                                                            const DecodedOperand* measured) const {
    (void)layer;
    (void)r;
    (void)measured;
    return std::nullopt;
  }

  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override;

  uint64_t& metadata_words_;

 private:
  [[nodiscard]] std::optional<WeightWork> work(const Layer& layer, const GemmRange& r,
                                               bool imbalance,
                                               const DecodedOperand* measured = nullptr) const;
  // Functional mode: the weight box's values through the compressed format and back.
  void round_trip(const Layer& layer, const WeightFormat& f, const Box& box, int32_t* values) const;

  // The array's read of a tile's inputs, resized to what the decoder feeds.
  void feed_inputs(const Layer& layer, TileExtension& ext, const DecodedOperand* measured);

  uint64_t& tiles_;
  uint64_t& weights_skipped_;
  uint64_t& input_skipped_;
};

}  // namespace tessera
