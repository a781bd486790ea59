// controller: sparse_tiled — replays spmspm and spmm layers (Z = A x B) as the loop nest of
// sparse/spmspm_plan.h over uniform coordinate-space tiles, sized by the buffer's tile policy
// (worst case, prescient or Swiftiles) unless the layer's mapping names a buffer_tile.
//
// Per step it fetches the tiles that changed (A on (m, k), B on (k, n); a revisited output tile's
// partial sums come back from memory), has the PE array intersect and multiply them, and writes
// the output tile back when the loop leaves it. With a double-buffered buffer the next step's
// fetches overlap this step's work, as in the dense `tiled` controller. Loosely timed; one
// synchronisation with the kernel per layer.
#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>

#include "models/controller/step_pipeline.h"
#include "models/crypto/interface.h"
#include "models/pe_array/interface.h"
#include "models/sparse_tile.h"
#include "sim/error.h"
#include "sim/registry.h"
#include "sparse/reference.h"
#include "traces/sparse_operands.h"

namespace tessera {
namespace {

class SparseTiledController : public StepPipelineController {
 public:
  SparseTiledController(const sc_core::sc_module_name& name, const ParamValues& p)
      : StepPipelineController(name, p, "loop-nest steps replayed",
                               "partial output tiles read back") {}

  void set_workload(Workload w) override {
    workload_ = std::move(w);
    plans_.clear();
    for (const Layer& layer : workload_.trace->layers) {
      if (!layer.sparse) {
        throw InputError({workload_.trace->file, layer.line, "op"},
                         "layer '" + layer.name + "' is " + to_string(layer.op) +
                             "; controller 'sparse_tiled' runs only spmspm and spmm layers (use "
                             "'tiled')");
      }
      auto plan = std::make_unique<LayerPlan>();
      plan->plan = plan_sparse_layer(layer, workload_.facts, workload_.trace->file);
      plan->layout = sparse_layout(plan->plan);
      plans_.push_back(std::move(plan));
    }
  }

 private:
  struct LayerPlan {
    SpmspmPlan plan;
    SparseLayout layout;
  };

  uint64_t begin_layer(const Layer& layer, size_t index) override {
    current_ = plans_[index].get();
    if (workload_.functional) load_operands(layer, *current_, index);
    return current_->plan.steps.size();
  }

  [[nodiscard]] TileKey tile_key(uint64_t step, Tensor tensor) const override {
    const SpmspmStep& s = current_->plan.steps[step];
    switch (tensor) {
      case Tensor::inputs: return {s.mt, s.kt};
      case Tensor::weights: return {s.kt, s.nt};
      case Tensor::outputs: break;
    }
    return {s.mt, s.nt};
  }

  [[nodiscard]] bool accumulates(uint64_t step, bool /*output_resident*/) const override {
    return current_->plan.steps[step].z_in_words > 0;
  }

  [[nodiscard]] bool writes_back(uint64_t step) const override {
    return current_->plan.steps[step].z_out_words > 0;
  }

  Completion fetch(const Layer& layer, uint64_t step, Tensor tensor, int slot,
                   uint64_t issue) override {
    const SpmspmStep& s = current_->plan.steps[step];
    const SparseLayout& layout = current_->layout;
    if (tensor == Tensor::outputs) {
      return transfer(Command::fetch, layer, tensor, layout.box(tensor, s.z_offset, s.z_in_words),
                      layout.address(tensor, s.z_offset), slot, issue);
    }
    const TileStats& t = tensor == Tensor::inputs ? s.a : s.b;
    return transfer(Command::fetch, layer, tensor, layout.box(tensor, t.offset, t.words()),
                    layout.address(tensor, t.offset), slot, issue);
  }

  Completion write_back(const Layer& layer, const Step& step, uint64_t issue) override {
    const SpmspmStep& s = current_->plan.steps[step.index];
    const SparseLayout& layout = current_->layout;
    return transfer(Command::writeback, layer, Tensor::outputs,
                    layout.box(Tensor::outputs, s.z_offset, s.z_out_words),
                    layout.address(Tensor::outputs, s.z_offset),
                    step.slots[tensor_index(Tensor::outputs)], issue);
  }

  void check_layer(const Layer& layer, size_t /*index*/) override {
    check_product(layer, *current_);
  }

  Completion transfer(Command cmd, const Layer& layer, Tensor tensor, const Box& box,
                      uint64_t address, int slot, uint64_t issue) {
    TransactionWith<StoredTensor> tr;
    tr.get<StoredTensor>().layer = &layer;
    tr.ext.command = cmd;
    tr.ext.tensor = tensor;
    tr.ext.box = box;
    tr.ext.element_bits = layer.precision_bits;
    tr.ext.bytes = box.volume() * kWordBytes;
    tr.ext.slot = slot;
    tr.ext.functional = workload_.functional;
    tr.prepare(cmd == Command::fetch ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND, address);
    return timed_transfer(to_buffer, tr, issue);
  }

  uint64_t compute(const Layer& layer, const Step& st, uint64_t begin) override {
    const LayerPlan& lp = *current_;
    const SpmspmStep& s = lp.plan.steps[st.index];
    SparseTile tile = sparse_tile(lp.layout, s);
    if (layer.sparse->b->dense_storage) {
      tile.b_dense_cols =
          std::min(lp.plan.n, (s.nt + 1) * lp.plan.shape.n) - s.nt * lp.plan.shape.n;
    }
    const TileShape& shape = lp.plan.shape;
    TransactionWith<TileCompute, StoredTensor> tr;
    tr.get<StoredTensor>().layer = &layer;
    tr.ext.command = Command::compute;
    tr.ext.element_bits = layer.precision_bits;
    tr.ext.range.m0 = s.mt * shape.m;
    tr.ext.range.m1 = std::min(lp.plan.m, tr.ext.range.m0 + shape.m);
    tr.ext.range.k0 = s.kt * shape.k;
    tr.ext.range.k1 = std::min(lp.plan.k, tr.ext.range.k0 + shape.k);
    tr.ext.range.n0 = s.nt * shape.n;
    tr.ext.range.n1 = std::min(lp.plan.n, tr.ext.range.n0 + shape.n);
    tr.ext.functional = workload_.functional;
    auto& compute = tr.get<TileCompute>();
    compute.layer = &layer;
    compute.accumulate = st.accumulate;
    compute.input_slot = st.slots[tensor_index(Tensor::inputs)];
    compute.weight_slot = st.slots[tensor_index(Tensor::weights)];
    compute.output_slot = st.slots[tensor_index(Tensor::outputs)];
    compute.sparse = &tile;
    tr.prepare(tlm::TLM_IGNORE_COMMAND, 0);
    return timed_compute(to_pe_array, tr, begin);
  }

  void debug_access(tlm::tlm_command cmd, const Layer& layer, const SparseLayout& layout, Tensor t,
                    std::vector<int32_t>& words,
                    const std::vector<int64_t>* tile_starts = nullptr) {
    if (words.empty()) return;  // an operand without nonzeros has no image
    TransactionWith<StoredTensor> tr;
    tr.get<StoredTensor>().layer = &layer;
    tr.get<StoredTensor>().tile_starts = tile_starts;
    tr.ext.tensor = t;
    tr.ext.box = layout.whole(t);
    tr.ext.element_bits = layer.precision_bits;
    tr.ext.functional = true;
    tr.prepare(cmd, layout.base[tensor_index(t)], words.data(), words.size());
    to_buffer->transport_dbg(tr.payload);
    check_response(tr.payload, name());
  }

  // The compressed images of A and B with seeded values, and an empty Z, in memory.
  void load_operands(const Layer& layer, const LayerPlan& lp, size_t index) {
    const SparseMatrix& a = *layer.sparse->a;
    const SparseMatrix& b = *layer.sparse->b;
    a_values_ = seeded_values(a, workload_.seed * 1000003u + 2 * index);
    b_values_ = seeded_values(b, workload_.seed * 1000003u + 2 * index + 1);
    const std::array<std::pair<const SparseMatrix*, const TileGrid*>, 2> operands{
        {{&a, &lp.plan.a_grid}, {&b, &lp.plan.b_grid}}};
    for (size_t o = 0; o < operands.size(); ++o) {
      const auto& [m, grid] = operands[o];
      const std::vector<int32_t>& values = o == 0 ? a_values_ : b_values_;
      std::vector<int32_t> image;
      std::vector<int64_t> starts;  // each tile's first word: an authentication block's
      image.reserve(static_cast<size_t>(grid->total_words));
      for (int64_t ti = 0; ti < grid->row_tiles; ++ti) {
        for (const auto& [tj, stats] : grid->by_row[static_cast<size_t>(ti)]) {
          const auto words =
              encode_tile(*m, values, ti * grid->tile_rows, (ti + 1) * grid->tile_rows,
                          tj * grid->tile_cols, (tj + 1) * grid->tile_cols);
          starts.push_back(static_cast<int64_t>(image.size()));
          image.insert(image.end(), words.begin(), words.end());
        }
      }
      debug_access(tlm::TLM_WRITE_COMMAND, layer, lp.layout, static_cast<Tensor>(o), image,
                   &starts);
    }
    std::vector<int32_t> z(static_cast<size_t>(lp.plan.z_words), 0);
    debug_access(tlm::TLM_WRITE_COMMAND, layer, lp.layout, Tensor::outputs, z);
  }

  // Every output tile in memory, decoded, must equal the reference product exactly.
  void check_product(const Layer& layer, const LayerPlan& lp) {
    std::vector<int32_t> z(static_cast<size_t>(lp.plan.z_words), 0);
    debug_access(tlm::TLM_READ_COMMAND, layer, lp.layout, Tensor::outputs, z);
    SparseProduct got;
    int64_t offset = 0;
    for (size_t i = 0; i < lp.plan.z_tiles.size(); ++i) {
      const auto [mt, nt] = lp.plan.z_tiles[i];
      for (const TileEntry& e : decode_tile(z.data() + offset, lp.plan.z_final[i])) {
        got[{mt * lp.plan.shape.m + e.row, nt * lp.plan.shape.n + e.col}] = e.value;
      }
      offset += lp.plan.z_final[i];
    }
    const SparseProduct want =
        reference_product(*layer.sparse->a, a_values_, *layer.sparse->b, b_values_);
    for (const auto& [at, value] : want) {
      auto it = got.find(at);
      if (it == got.end() || it->second != value) {
        throw SimulationError(
            "functional check failed in layer '" + layer.name + "': Z(" + std::to_string(at.first) +
            ", " + std::to_string(at.second) + ") is " +
            (it == got.end() ? std::string("missing") : std::to_string(it->second)) +
            ", the reference gives " + std::to_string(value));
      }
    }
    if (got.size() != want.size()) {
      throw SimulationError("functional check failed in layer '" + layer.name +
                            "': " + std::to_string(got.size()) +
                            " output nonzeros, the reference has " + std::to_string(want.size()));
    }
  }

  std::vector<std::unique_ptr<LayerPlan>> plans_;
  const LayerPlan* current_ = nullptr;  // of the layer being replayed
  std::vector<int32_t> a_values_, b_values_;
};

}  // namespace

TESSERA_REGISTER(Controller, sparse_tiled, SparseTiledController,
                 "spmspm/spmm loop nest over sparse tiles sized by the buffer's tile policy", {});

}  // namespace tessera
