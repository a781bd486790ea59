// The PE-array family: computes tiles. Receives `compute` transactions from the controller, each
// with a TileCompute, and reads/writes its operands in the buffer through the sparse decoder,
// each read with a DecodedOperand (models/sparse/interface.h) that the decoder answers.
#pragma once

#include <string>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/component.h"
#include "models/payload.h"
#include "plan/systolic_timing.h"
#include "traces/layer.h"

namespace tessera {

struct SparseTile;  // models/sparse_tile.h

// What a compute command carries to the PE array besides the tile (TileExtension::range,
// functional), and the time the array answers. The array forwards the command's other extensions
// to its operand accesses (Transaction::forward_extensions).
struct TileCompute : tlm::tlm_extension<TileCompute> {
  const Layer* layer = nullptr;  // the layer the tile belongs to
  Dataflow dataflow = Dataflow::ws;
  // Where the tile sits in a stream of chunks along the streamed dimension: a chunk that is not
  // the stream's first finds the array already filled, one that is not its last leaves it to
  // the next to drain (plan/systolic_timing.h).
  bool first_chunk = true, last_chunk = true;
  bool first_tile_of_layer = false;
  bool accumulate = false;  // the output tile already holds partial sums to add to
  int input_slot = 0, weight_slot = 0, output_slot = 0;  // buffer halves of its operands
  const SparseTile* sparse = nullptr;  // spmspm layers: the step's tiles and their work
  // A layer with inputs=relu (functional): the tile's real inputs (its m x k GEMM inputs),
  // measured by the controller; negative when not measured. The array hands them to the decoder.
  double inputs_nonzero = -1;        // share of them that are nonzero
  double input_blocks_nonzero = -1;  // share of each row's k-blocks (the weights' rank-0 block
                                     // size) that are not all zero
  ComputeTime time;                  // answered by the array

  [[nodiscard]] tlm::tlm_extension_base* clone() const override { return new TileCompute(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const TileCompute&>(other);
  }
};

class PeArray : public Component {
 public:
  static constexpr const char* kFamily = "pe_array";

  tlm_utils::simple_target_socket<PeArray> compute;
  tlm_utils::simple_initiator_socket<PeArray> operands;

  PeArray(const sc_core::sc_module_name& name, ParamValues params)
      : Component(name, std::move(params)), compute("compute"), operands("operands") {
    compute.register_b_transport(this, &PeArray::b_transport);
  }

  [[nodiscard]] virtual systolic::ArrayShape shape() const = 0;
  [[nodiscard]] virtual Dataflow dataflow() const = 0;
  // Throws InputError, naming the layer in `trace_file`, when this array cannot compute it.
  // Called for every layer before anything is simulated.
  virtual void check_layer(const Layer& layer, const std::string& trace_file) const = 0;

  // The multiply-accumulates computed so far, which the reports' `macs` are made of. Every array
  // names the counter it counts them in with counts_macs_in(), in its constructor; the top level
  // refuses one that does not, before anything runs.
  [[nodiscard]] bool counts_macs() const { return macs_ != nullptr; }
  [[nodiscard]] uint64_t macs() const { return *macs_; }

 protected:
  void counts_macs_in(const uint64_t& counter) { macs_ = &counter; }

  virtual void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) = 0;

 private:
  const uint64_t* macs_ = nullptr;
};

}  // namespace tessera
