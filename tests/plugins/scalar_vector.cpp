// vector: scalar — test only: one operation per cycle, after the chunk's inputs have been read
// and before its outputs are written, with nothing overlapped.
//
// With the other families' test modules, it shows that an implementation of any family is one
// file built against the family's interface header (tests/plugins/plugins.cmake).
#include "models/vector/interface.h"
#include "plan/tile_geometry.h"
#include "sim/plugin.h"
#include "sim/registry.h"

namespace {

using tessera::Tensor;
using tessera::TileExtension;

class ScalarVectorUnit : public tessera::VectorUnit {
 public:
  ScalarVectorUnit(const sc_core::sc_module_name& name, const tessera::ParamValues& p)
      : VectorUnit(name, p),
        ops_(stats().counter("op", "operations", "element-wise operations", true)) {
    counts_ops_in(ops_);
  }

  [[nodiscard]] int64_t ops_per_cycle() const override { return 1; }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    TileExtension& ext = tessera::extension_of(p);
    auto& chunk = tessera::family_extension<tessera::ChunkCompute>(p, name());
    const auto ops = static_cast<uint64_t>(ext.range.m() * chunk.layer->vector->ops);
    const sc_core::sc_time begin = delay;
    access(tlm::TLM_READ_COMMAND, p, Tensor::inputs, chunk.input_slot, delay);
    delay += cycles(ops);
    access(tlm::TLM_WRITE_COMMAND, p, Tensor::outputs, chunk.output_slot, delay);
    ops_ += ops;
    chunk.time = {};
    chunk.time.vector_ops = ops;
    chunk.time.streaming = ops;
    chunk.time.port_stall = to_cycles(delay - begin) - ops;
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

 private:
  void access(tlm::tlm_command cmd, tlm::tlm_generic_payload& command, Tensor tensor, int slot,
              sc_core::sc_time& delay) {
    const tessera::TileExtension& chunk = tessera::extension_of(command);
    const tessera::Layer& layer =
        *tessera::family_extension<tessera::ChunkCompute>(command, name()).layer;
    tessera::Transaction tr;
    tr.ext = chunk;
    tr.forward_extensions(command);
    tr.ext.command = tessera::Command::operand;
    tr.ext.tensor = tensor;
    tr.ext.slot = slot;
    tr.ext.box = tessera::vector_box(layer, tensor, chunk.range);
    tr.ext.bytes = tessera::box_bytes(tr.ext.box, layer.precision_bits);
    tr.prepare(cmd, 0);
    operands->b_transport(tr.payload, delay);
    tessera::check_response(tr.payload, name());
  }

  uint64_t& ops_;
};

}  // namespace

namespace tessera {
TESSERA_REGISTER(VectorUnit, scalar, ScalarVectorUnit,
                 "test only: one operation per cycle, reads, computes and writes in turn", {});
}  // namespace tessera

TESSERA_PLUGIN()
