// controller: whole_layer — test only: each layer as one tile. Its inputs and weights are fetched
// whole, computed in one go and its outputs written back, with no overlap between layers. Dense
// GEMM and convolution layers only; a layer whose tensors do not fit one buffer slot is refused
// before anything runs.
//
// With the other families' test modules, it shows that an implementation of any family is one
// file built against the family's interface header (tests/plugins/plugins.cmake). It reuses the
// step pipeline the built-in controllers share: a layer of one step.
#include <random>

#include "models/controller/step_pipeline.h"
#include "models/crypto/interface.h"
#include "models/pe_array/interface.h"
#include "models/reference_compute.h"
#include "models/sparse/weight_tensor.h"
#include "plan/tile_geometry.h"
#include "sim/error.h"
#include "sim/plugin.h"
#include "sim/registry.h"

namespace {

using namespace tessera;  // NOLINT(google-build-using-namespace): one file of one module

class WholeLayerController : public StepPipelineController {
 public:
  WholeLayerController(const sc_core::sc_module_name& name, const ParamValues& p)
      : StepPipelineController(name, p, "layers replayed as one tile", "never: no partial sums") {}

  void set_workload(Workload w) override {
    workload_ = std::move(w);
    const int64_t slot_bytes =
        workload_.facts.buffer_capacity_bytes / (workload_.facts.double_buffered ? 2 : 1);
    for (const Layer& layer : workload_.trace->layers) {
      const SourceLocation where{workload_.trace->file, layer.line, "op"};
      if (layer.vector || layer.sparse || layer.shape.groups > 1) {
        throw InputError(where, "layer '" + layer.name +
                                    "': controller 'whole_layer' runs dense ungrouped GEMM and "
                                    "convolution layers only");
      }
      int64_t bytes = 0;
      for (Tensor t : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
        bytes += box_bytes(whole_tensor(layer, t), layer.precision_bits);
      }
      if (bytes > slot_bytes) {
        throw InputError(where, "layer '" + layer.name + "' needs " + std::to_string(bytes) +
                                    " bytes in the buffer; one slot holds " +
                                    std::to_string(slot_bytes));
      }
    }
  }

 protected:
  uint64_t begin_layer(const Layer& layer, size_t index) override {
    if (workload_.functional) load_tensors(layer, index);
    return 1;
  }
  [[nodiscard]] TileKey tile_key(uint64_t /*step*/, Tensor /*tensor*/) const override {
    return {0, 0};
  }
  [[nodiscard]] bool accumulates(uint64_t /*step*/, bool /*resident*/) const override {
    return false;
  }

  Completion fetch(const Layer& layer, uint64_t /*step*/, Tensor tensor, int slot,
                   uint64_t issue) override {
    return transfer(Command::fetch, layer, tensor, slot, issue);
  }
  Completion write_back(const Layer& layer, const Step& step, uint64_t issue) override {
    return transfer(Command::writeback, layer, Tensor::outputs,
                    step.slots[tensor_index(Tensor::outputs)], issue);
  }

  uint64_t compute(const Layer& layer, const Step& step, uint64_t begin) override {
    TransactionWith<TileCompute, StoredTensor> tr;
    tr.get<StoredTensor>() = stored(layer);
    tr.ext.command = Command::compute;
    tr.ext.element_bits = layer.precision_bits;
    tr.ext.range = whole_range(layer);
    tr.ext.functional = workload_.functional;
    auto& tile = tr.get<TileCompute>();
    tile.layer = &layer;
    tile.dataflow = workload_.facts.dataflow;
    tile.first_tile_of_layer = true;
    tile.input_slot = step.slots[tensor_index(Tensor::inputs)];
    tile.weight_slot = step.slots[tensor_index(Tensor::weights)];
    tile.output_slot = step.slots[tensor_index(Tensor::outputs)];
    tr.prepare(tlm::TLM_IGNORE_COMMAND, 0);
    return timed_compute(to_pe_array, tr, begin);
  }

  void check_layer(const Layer& layer, size_t /*index*/) override {
    std::vector<int32_t> got(static_cast<size_t>(whole_tensor(layer, Tensor::outputs).volume()));
    debug_access(tlm::TLM_READ_COMMAND, layer, Tensor::outputs, got);
    if (got != reference_outputs(layer, inputs_, weights_)) {
      throw SimulationError("functional check failed in layer '" + layer.name + "'");
    }
  }

 private:
  // The whole layer is one tile (and so one tile block for an authenticating engine).
  static StoredTensor stored(const Layer& layer) {
    StoredTensor s;
    s.layer = &layer;
    s.buffer_tile = layer.gemm();
    return s;
  }

  static GemmRange whole_range(const Layer& layer) {
    const GemmExtents g = layer.gemm();
    return GemmRange{0, g[0], 0, g[1], 0, g[2]};
  }

  Completion transfer(Command cmd, const Layer& layer, Tensor tensor, int slot, uint64_t issue) {
    TransactionWith<StoredTensor> tr;
    tr.get<StoredTensor>() = stored(layer);
    tr.ext.command = cmd;
    tr.ext.tensor = tensor;
    tr.ext.range = whole_range(layer);
    tr.ext.box = whole_tensor(layer, tensor);
    tr.ext.element_bits = layer.precision_bits;
    tr.ext.bytes = box_bytes(tr.ext.box, layer.precision_bits);
    if (tensor == Tensor::weights && workload_.facts.compressed_weights) {
      if (const auto c = workload_.facts.compressed_weights(layer, tr.ext.range)) {
        tr.ext.bytes = c->bytes;
      }
    }
    tr.ext.slot = slot;
    tr.ext.functional = workload_.functional;
    tr.prepare(cmd == Command::fetch ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND,
               dram_base(layer, tensor));
    return timed_transfer(to_buffer, tr, issue);
  }

  void debug_access(tlm::tlm_command cmd, const Layer& layer, Tensor t,
                    std::vector<int32_t>& values) {
    TransactionWith<StoredTensor> tr;
    tr.get<StoredTensor>() = stored(layer);
    tr.ext.tensor = t;
    tr.ext.box = whole_tensor(layer, t);
    tr.ext.element_bits = layer.precision_bits;
    tr.ext.functional = true;
    tr.prepare(cmd, dram_base(layer, t), values.data(), values.size());
    to_buffer->transport_dbg(tr.payload);
    check_response(tr.payload, name());
  }

  // Seeded operand values, small enough that no int32 sum overflows.
  void load_tensors(const Layer& layer, size_t index) {
    std::mt19937_64 rng(workload_.seed * 7919u + index);
    for (Tensor t : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
      std::vector<int32_t> v(static_cast<size_t>(whole_tensor(layer, t).volume()), 0);
      if (t != Tensor::outputs) {
        for (auto& x : v) x = static_cast<int32_t>(rng() % 16) - 8;
      }
      if (t == Tensor::weights) {
        prune_weights(layer.weight_sparsity, v, layer.gemm()[2], layer.gemm()[1]);
      }
      debug_access(tlm::TLM_WRITE_COMMAND, layer, t, v);
      if (t == Tensor::inputs) {
        inputs_ = std::move(v);
      } else if (t == Tensor::weights) {
        weights_ = std::move(v);
      }
    }
  }

  std::vector<int32_t> inputs_, weights_;
};

}  // namespace

namespace tessera {
TESSERA_REGISTER(Controller, whole_layer, WholeLayerController,
                 "test only: each dense layer as one tile, fetched whole, no prefetch", {});
}  // namespace tessera

TESSERA_PLUGIN()
