// The sparse-decoder family: sits between the PE array and the buffer, turning compressed operand
// data into what the PEs consume.
//
// A decoder that stores a layer's weights compressed says so per tile with weight_work(): the
// bits held in the buffer and DRAM (values and metadata), and what the PEs do with them. The
// controller sizes weight fetches with it; on the PE array's weight reads the decoder sets the
// read's size and DecodedOperand::weights_compressed, weight_rows and effectual_weights (and
// effectual_macs when it skips zero inputs; otherwise the array counts m x effectual_weights),
// from which the array times the tile and counts its MACs. A decoder that feeds a layer dense
// returns nothing, and the layer runs exactly as without a decoder.
//
// Activations: a layer's input_sparsity (each input row, k values of the GEMM view, follows the
// spec along k) reaches the decoder with the layer; with input_relu (functional runs), the
// controller measures each tile's real inputs instead and the array hands them to its reads in
// DecodedOperand::inputs_nonzero and input_blocks_nonzero. check_layer refuses a spec the hardware
// cannot use (every decoder but highlight and dstc runs dense inputs only). A decoder that skips
// zero inputs answers, in weight_work, the work on both sides: `rows` becomes the reduction steps
// of the slowest output (weights kept and inputs kept meeting), `macs` the multiplies performed for
// the tile's m input rows, which it passes on as DecodedOperand::effectual_macs (MACs and their
// energy follow). On the array's input reads it resizes the read to the compressed inputs
// (values and metadata, input_work) and counts the metadata it decodes. Inputs stay dense in DRAM:
// the decoder compresses them on the way from the buffer to the PEs.
#pragma once

#include <optional>
#include <string>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/component.h"
#include "models/payload.h"
#include "sim/error.h"
#include "traces/layer.h"

namespace tessera {

// What a PE array's operand read carries to the decoder and what the decoder answers on it.
// Every read through a decoder carries one; a decoder leaves it alone for data it feeds dense.
struct DecodedOperand : tlm::tlm_extension<DecodedOperand> {
  const Layer* layer = nullptr;  // given by the array: the layer the tile belongs to
  // Given by the array: the tile's measured inputs (TileCompute), negative when not measured.
  double inputs_nonzero = -1, input_blocks_nonzero = -1;
  // Answered on weight reads by a decoder that feeds the tile's weights compressed.
  bool weights_compressed = false;
  int64_t weight_rows = 0;        // reduction values the slowest output column steps through
  int64_t effectual_weights = 0;  // weights multiplied, summed over the tile's columns
  // Multiplies for the whole tile, set by a decoder that skips zero inputs; negative when it
  // does not: then m x effectual_weights.
  int64_t effectual_macs = -1;

  [[nodiscard]] tlm::tlm_extension_base* clone() const override {
    return new DecodedOperand(*this);
  }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const DecodedOperand&>(other);
  }
};

// One tile's weights (a k-range x n-range of the GEMM view) as a decoder feeds them.
struct WeightWork {
  int64_t stored_bits = 0;    // values and metadata, as held in the buffer and in DRAM
  int64_t metadata_bits = 0;  // of which metadata
  int64_t rows = 0;           // reduction values the slowest output column steps through
  int64_t effectual = 0;      // weights multiplied, summed over the tile's columns
  int64_t macs = 0;           // multiplies for the tile's m input rows (m x effectual when the
                              // inputs are fed dense; fewer when zero inputs are skipped)
};

// One tile's inputs (an m-range x k-range) as a decoder that skips zero inputs feeds them, per
// pass over them.
struct InputWork {
  int64_t stored_bits = 0;    // values and metadata read from the buffer
  int64_t metadata_bits = 0;  // of which metadata
};

class SparseDecoder : public Component {
 public:
  static constexpr const char* kFamily = "sparse";

  tlm_utils::simple_target_socket<SparseDecoder> from_pe;
  tlm_utils::simple_initiator_socket<SparseDecoder> to_buffer;

  SparseDecoder(const sc_core::sc_module_name& name, ParamValues params)
      : Component(name, std::move(params)), from_pe("from_pe"), to_buffer("to_buffer") {
    from_pe.register_b_transport(this, &SparseDecoder::b_transport);
  }

  // Throws InputError, naming the layer's sparsity in `trace_file`, when this hardware cannot
  // run the layer's weights or inputs. Called for every layer before anything is simulated.
  void check_layer(const Layer& layer, const std::string& trace_file) const {
    check_weights(layer, trace_file);
    check_inputs(layer, trace_file);
  }

  // How the tile's weights are fed; nothing when they are fed dense.
  [[nodiscard]] virtual std::optional<WeightWork> weight_work(const Layer& layer,
                                                              const GemmRange& r) const {
    (void)layer;
    (void)r;
    return std::nullopt;
  }
  // The same on average, for planning: cheap enough to ask for every candidate tile, without
  // what varies from tile to tile (load imbalance).
  [[nodiscard]] virtual std::optional<WeightWork> planned_weight_work(const Layer& layer,
                                                                      const GemmRange& r) const {
    return weight_work(layer, r);
  }

 protected:
  virtual void check_weights(const Layer& layer, const std::string& trace_file) const {
    (void)layer;
    (void)trace_file;
  }
  // By default the inputs must be dense: the decoder has no way to skip their zeros.
  virtual void check_inputs(const Layer& layer, const std::string& trace_file) const {
    if (layer.input_sparsity.is_dense() && !layer.input_relu) return;
    throw InputError({trace_file, layer.line, "--sparsify inputs"},
                     "layer '" + layer.name + "': the configured sparse decoder runs dense " +
                         "inputs only, not " +
                         (layer.input_relu ? std::string("relu") : layer.input_sparsity.text()) +
                         " (sparse.impl=highlight or dstc skip zero inputs)");
  }

  virtual void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) = 0;
};

}  // namespace tessera
