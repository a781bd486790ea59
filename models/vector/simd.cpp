// vector: simd — `lanes` element-wise operations per cycle, behind a pipeline of
// `pipeline_depth` stages. A chunk of a layer of `ops` operations per output element streams
//   ceil(elements * ops / lanes)
// cycles while it reads the chunk's inputs from the buffer and writes its outputs there through
// the buffer's PE-side ports; the chunk takes the longer of the lanes and the ports, plus the
// pipeline's depth.
#include "models/vector/interface.h"
#include "plan/tile_geometry.h"
#include "sim/numbers.h"
#include "sim/registry.h"

namespace tessera {
namespace {

class SimdVectorUnit : public VectorUnit {
 public:
  SimdVectorUnit(const sc_core::sc_module_name& name, const ParamValues& p)
      : VectorUnit(name, p),
        lanes_(p.get_int("lanes")),
        depth_(p.get_int("pipeline_depth")),
        ops_(stats().counter("op", "operations", "element-wise operations of the lanes", true)),
        chunks_(stats().counter("chunks", "chunks", "chunks of elements computed")),
        busy_(stats().counter("busy_cycles", "cycles", "cycles the lanes computed")) {
    counts_ops_in(ops_);
  }

  [[nodiscard]] int64_t ops_per_cycle() const override { return lanes_; }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    TileExtension& ext = extension_of(p);
    auto& chunk = family_extension<ChunkCompute>(p, name());
    const Layer& layer = *chunk.layer;
    const int64_t ops = ext.range.m() * layer.vector->ops;
    const auto streaming = static_cast<uint64_t>(ceil_div(ops, lanes_));
    // Both accesses start with the chunk: the ports and the lanes work side by side.
    sc_core::sc_time read_done = delay, write_done = delay;
    access(tlm::TLM_READ_COMMAND, p, Tensor::inputs, chunk.input_slot, read_done);
    access(tlm::TLM_WRITE_COMMAND, p, Tensor::outputs, chunk.output_slot, write_done);
    const uint64_t ports = to_cycles(std::max(read_done, write_done) - delay);
    ops_ += static_cast<uint64_t>(ops);
    ++chunks_;
    busy_ += streaming;
    chunk.time = {};
    chunk.time.vector_ops = static_cast<uint64_t>(ops);
    chunk.time.streaming = streaming;
    chunk.time.fill_drain = static_cast<uint64_t>(depth_);
    chunk.time.port_stall = ports > streaming ? ports - streaming : 0;
    delay += cycles(std::max(streaming, ports) + static_cast<uint64_t>(depth_));
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

 private:
  void access(tlm::tlm_command cmd, tlm::tlm_generic_payload& command, Tensor tensor, int slot,
              sc_core::sc_time& delay) {
    const TileExtension& chunk = extension_of(command);
    const Layer& layer = *family_extension<ChunkCompute>(command, name()).layer;
    Transaction tr;
    tr.ext = chunk;
    tr.forward_extensions(command);
    tr.ext.command = Command::operand;
    tr.ext.tensor = tensor;
    tr.ext.slot = slot;
    tr.ext.box = vector_box(layer, tensor, chunk.range);
    tr.ext.bytes = box_bytes(tr.ext.box, layer.precision_bits);
    tr.prepare(cmd, 0);
    operands->b_transport(tr.payload, delay);
    check_response(tr.payload, name());
  }

  int64_t lanes_;
  int64_t depth_;
  uint64_t& ops_;
  uint64_t& chunks_;
  uint64_t& busy_;
};

}  // namespace

TESSERA_REGISTER(VectorUnit, simd, SimdVectorUnit,
                 "SIMD vector unit for pooling, element-wise, softmax and normalisation layers",
                 {int_param("lanes", 64, "lanes", "element-wise operations per cycle"),
                  int_param("pipeline_depth", 4, "cycles",
                            "latency of one chunk beyond its streaming cycles", 0)});

}  // namespace tessera
