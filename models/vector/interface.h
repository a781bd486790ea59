// The vector-unit family: runs the layers between the GEMMs (ops pool, eltwise, softmax, norm)
// element by element. Receives `compute` transactions from the controller, one per chunk of a
// layer's elements held in the buffer, each with a ChunkCompute, reads the chunk's inputs from the
// buffer and writes its outputs there, and answers with the cycles the chunk takes.
#pragma once

#include <cstdint>
#include <string>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/component.h"
#include "models/payload.h"
#include "traces/layer.h"

namespace tessera {

// What a compute command carries to the vector unit besides the chunk (TileExtension::range), and
// the time the unit answers. The unit forwards the command's other extensions to its operand
// accesses (Transaction::forward_extensions).
struct ChunkCompute : tlm::tlm_extension<ChunkCompute> {
  const Layer* layer = nullptr;         // the layer the chunk belongs to
  int input_slot = 0, output_slot = 0;  // buffer halves of its inputs and outputs
  ComputeTime time;                     // answered by the unit

  [[nodiscard]] tlm::tlm_extension_base* clone() const override { return new ChunkCompute(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const ChunkCompute&>(other);
  }
};

class VectorUnit : public Component {
 public:
  static constexpr const char* kFamily = "vector";

  tlm_utils::simple_target_socket<VectorUnit> compute;
  tlm_utils::simple_initiator_socket<VectorUnit> operands;  // to the buffer

  VectorUnit(const sc_core::sc_module_name& name, ParamValues params)
      : Component(name, std::move(params)), compute("compute"), operands("operands") {
    compute.register_b_transport(this, &VectorUnit::b_transport);
  }

  // Vector operations per cycle at full use; 0: there is no vector unit.
  [[nodiscard]] virtual int64_t ops_per_cycle() const = 0;

  // The operations done so far, which the reports' `vector_ops` are made of. Every unit that has
  // lanes (ops_per_cycle() > 0) names the counter it counts them in with counts_ops_in(), in its
  // constructor; the top level refuses one that does not, before anything runs.
  [[nodiscard]] bool counts_ops() const { return ops_ != nullptr; }
  [[nodiscard]] uint64_t ops() const { return ops_ == nullptr ? 0 : *ops_; }

 protected:
  void counts_ops_in(const uint64_t& counter) { ops_ = &counter; }

  virtual void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) = 0;

 private:
  const uint64_t* ops_ = nullptr;
};

}  // namespace tessera
