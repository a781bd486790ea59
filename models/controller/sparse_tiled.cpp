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

#include "models/controller/interface.h"
#include "models/sparse_tile.h"
#include "sim/error.h"
#include "sim/registry.h"
#include "sparse/reference.h"
#include "traces/sparse_operands.h"

namespace tessera {
namespace {

size_t at(Tensor t) {
  return static_cast<size_t>(t);
}

class SparseTiledController : public Controller {
 public:
  SC_HAS_PROCESS(SparseTiledController);

  SparseTiledController(const sc_core::sc_module_name& name, const ParamValues& p)
      : Controller(name, p),
        tiles_(stats().counter("tiles", "tiles", "loop-nest steps replayed")),
        fetches_(stats().counter("fetches", "transfers", "operand tiles fetched")),
        writebacks_(stats().counter("writebacks", "transfers", "output tiles written back")),
        refills_(stats().counter("psum_refills", "transfers", "partial output tiles read back")) {
    SC_THREAD(run);
  }

  void set_workload(Workload w) override {
    workload_ = std::move(w);
    plans_.clear();
    const ArchitectureFacts& f = workload_.facts;
    const OperandRegions regions = operand_regions(f.buffer_capacity_bytes, f.double_buffered);
    for (const Layer& layer : workload_.trace->layers) {
      if (!layer.sparse) {
        throw InputError({workload_.trace->file, layer.line, "op"},
                         "layer '" + layer.name + "' is " + to_string(layer.op) +
                             "; controller 'sparse_tiled' runs only spmspm and spmm layers (use "
                             "'tiled')");
      }
      const SparseMatrix& a = *layer.sparse->a;
      const SparseMatrix& b = *layer.sparse->b;
      const SourceLocation at{workload_.trace->file, layer.line, "mapping.buffer_tile"};
      std::optional<TileShape> shape;
      if (layer.mapping.buffer_tile) {
        const GemmExtents& t = *layer.mapping.buffer_tile;
        shape =
            TileShape{t[dim_index(GemmDim::m)], t[dim_index(GemmDim::k)], t[dim_index(GemmDim::n)]};
        // Only tailors may overbook; for the other buffers a tile that does not fit is bad input.
        if (f.tile_policy != TilePolicy::swiftiles && !tiles_fit(a, b, *shape, regions)) {
          throw InputError(at, "layer '" + layer.name +
                                   "': some A, B or output tile of this size does not fit its "
                                   "buffer region (only the tailors buffer overbooks)");
        }
      } else {
        shape = choose_tile(a, b, f.tile_policy, regions, f.overbook_target);
      }
      if (!shape) {
        throw InputError({workload_.trace->file, layer.line, "buffer.capacity_kib"},
                         "layer '" + layer.name + "': the buffer (" +
                             std::to_string(f.buffer_capacity_bytes) +
                             " bytes) cannot hold even a 1 x 1 tile of each operand");
      }
      auto plan = std::make_unique<LayerPlan>();
      try {
        plan->plan = plan_spmspm(a, b, *shape);
      } catch (const std::invalid_argument&) {
        throw InputError(at, "layer '" + layer.name + "': tiles too small for this matrix");
      }
      plan->layout = sparse_layout(plan->plan);
      plans_.push_back(std::move(plan));
    }
  }

 private:
  struct LayerPlan {
    SpmspmPlan plan;
    SparseLayout layout;
  };

  struct StepState {
    size_t index = 0;
    std::array<int, kNumTensors> slots{};
    bool accumulate = false;
    uint64_t ready = 0;
  };

  struct Residency {
    std::optional<std::pair<int64_t, int64_t>> key;
    int slot = 0;
    std::array<uint64_t, 2> slot_free{};
  };

  void run() {
    try {
      for (size_t i = 0; i < workload_.trace->layers.size(); ++i) {
        run_layer(workload_.trace->layers[i], *plans_[i], i);
      }
    } catch (...) {
      failure_ = std::current_exception();
    }
  }

  void run_layer(const Layer& layer, const LayerPlan& lp, size_t index) {
    if (workload_.events.on_start) workload_.events.on_start(layer);
    const uint64_t start = to_cycles(sc_core::sc_time_stamp());
    if (workload_.functional) load_operands(layer, lp, index);
    const std::vector<SpmspmStep>& steps = lp.plan.steps;
    const bool two_slots = workload_.facts.double_buffered;
    std::array<Residency, kNumTensors> residency{};
    for (Residency& r : residency) r.slot_free = {start, start};

    std::optional<StepState> pending;
    uint64_t compute_done = start, stalls = 0, end = start;
    for (size_t i = 0; i <= steps.size(); ++i) {
      // Double-buffered, step i's tiles are requested before step i-1 computes, so they arrive
      // while it does; single-buffered, they replace step i-1's tiles, so only after it.
      std::optional<StepState> next;
      const bool more = i < steps.size();
      if (two_slots && more) next = request(layer, lp, i, two_slots, start, residency);
      if (pending) {
        const SpmspmStep& s = steps[pending->index];
        const uint64_t begin = std::max(compute_done, pending->ready);
        stalls += begin - compute_done;
        compute_done = compute(layer, lp, *pending, begin);
        ++tiles_;
        for (size_t t = 0; t < kNumTensors; ++t) {
          residency[t].slot_free[static_cast<size_t>(pending->slots[t])] = compute_done;
        }
        end = std::max(end, compute_done);
        const bool output_changes = !more || steps[i].mt != s.mt || steps[i].nt != s.nt;
        if (output_changes && s.z_out_words > 0) {
          ++writebacks_;
          const int slot = pending->slots[at(Tensor::outputs)];
          const uint64_t done =
              transfer(Command::writeback, layer, Tensor::outputs,
                       lp.layout.box(Tensor::outputs, s.z_offset, s.z_out_words),
                       lp.layout.address(Tensor::outputs, s.z_offset), slot, compute_done);
          residency[at(Tensor::outputs)].slot_free[static_cast<size_t>(slot)] = done;
          end = std::max(end, done);
        }
      }
      if (!two_slots && more) next = request(layer, lp, i, two_slots, start, residency);
      pending = next;
    }

    sc_core::wait(cycles(end - start));
    release_all(layer);
    if (workload_.functional) check_product(layer, lp);
    if (workload_.events.on_end) {
      workload_.events.on_end(layer, end - start, stalls, static_cast<uint64_t>(steps.size()));
    }
  }

  StepState request(const Layer& layer, const LayerPlan& lp, size_t index, bool two_slots,
                    uint64_t start, std::array<Residency, kNumTensors>& residency) {
    const SpmspmStep& s = lp.plan.steps[index];
    StepState st;
    st.index = index;
    st.ready = start;
    const std::array<std::pair<int64_t, int64_t>, kNumTensors> keys{
        {{s.mt, s.kt}, {s.kt, s.nt}, {s.mt, s.nt}}};
    for (Tensor tensor : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
      Residency& r = residency[at(tensor)];
      const bool resident = r.key && *r.key == keys[at(tensor)];
      if (!resident) {
        if (two_slots) r.slot ^= 1;
        r.key = keys[at(tensor)];
      }
      st.slots[at(tensor)] = r.slot;
      Box box;
      uint64_t address = 0;
      if (tensor == Tensor::outputs) {
        st.accumulate = s.z_in_words > 0;
        if (resident || !st.accumulate) continue;
        ++refills_;
        box = lp.layout.box(tensor, s.z_offset, s.z_in_words);
        address = lp.layout.address(tensor, s.z_offset);
      } else {
        if (resident) continue;
        const TileStats& t = tensor == Tensor::inputs ? s.a : s.b;
        box = lp.layout.box(tensor, t.offset, t.words());
        address = lp.layout.address(tensor, t.offset);
      }
      ++fetches_;
      const uint64_t done = transfer(Command::fetch, layer, tensor, box, address, r.slot,
                                     r.slot_free[static_cast<size_t>(r.slot)]);
      st.ready = std::max(st.ready, done);
    }
    return st;
  }

  uint64_t transfer(Command cmd, const Layer& layer, Tensor tensor, const Box& box,
                    uint64_t address, int slot, uint64_t issue) {
    Transaction tr;
    tr.ext.command = cmd;
    tr.ext.layer = &layer;
    tr.ext.tensor = tensor;
    tr.ext.box = box;
    tr.ext.bytes = box.volume() * kWordBytes;
    tr.ext.slot = slot;
    tr.ext.functional = workload_.functional;
    tr.prepare(cmd == Command::fetch ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND, address);
    return timed_call(to_buffer, tr, issue);
  }

  uint64_t compute(const Layer& layer, const LayerPlan& lp, const StepState& st, uint64_t begin) {
    const SpmspmStep& s = lp.plan.steps[st.index];
    SparseTile tile = sparse_tile(lp.layout, s);
    if (layer.sparse->b->dense_storage) {
      tile.b_dense_cols =
          std::min(lp.plan.n, (s.nt + 1) * lp.plan.shape.n) - s.nt * lp.plan.shape.n;
    }
    const TileShape& shape = lp.plan.shape;
    Transaction tr;
    tr.ext.command = Command::compute;
    tr.ext.layer = &layer;
    tr.ext.range.m0 = s.mt * shape.m;
    tr.ext.range.m1 = std::min(lp.plan.m, tr.ext.range.m0 + shape.m);
    tr.ext.range.k0 = s.kt * shape.k;
    tr.ext.range.k1 = std::min(lp.plan.k, tr.ext.range.k0 + shape.k);
    tr.ext.range.n0 = s.nt * shape.n;
    tr.ext.range.n1 = std::min(lp.plan.n, tr.ext.range.n0 + shape.n);
    tr.ext.accumulate = st.accumulate;
    tr.ext.functional = workload_.functional;
    tr.ext.input_slot = st.slots[at(Tensor::inputs)];
    tr.ext.weight_slot = st.slots[at(Tensor::weights)];
    tr.ext.output_slot = st.slots[at(Tensor::outputs)];
    tr.ext.sparse = &tile;
    tr.prepare(tlm::TLM_IGNORE_COMMAND, 0);
    return timed_call(to_pe_array, tr, begin);
  }

  uint64_t timed_call(tlm_utils::simple_initiator_socket<Controller>& socket, Transaction& tr,
                      uint64_t issue) {
    const uint64_t now = to_cycles(sc_core::sc_time_stamp());
    sc_core::sc_time delay = cycles(issue - now);
    socket->b_transport(tr.payload, delay);
    check_response(tr.payload, name());
    return now + to_cycles(delay);
  }

  void release_all(const Layer& layer) {
    for (Tensor t : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
      for (int s = 0; s < 2; ++s) {
        Transaction tr;
        tr.ext.command = Command::release;
        tr.ext.layer = &layer;
        tr.ext.tensor = t;
        tr.ext.slot = s;
        tr.prepare(tlm::TLM_IGNORE_COMMAND, 0);
        sc_core::sc_time none = sc_core::SC_ZERO_TIME;
        to_buffer->b_transport(tr.payload, none);
        check_response(tr.payload, name());
      }
    }
  }

  void debug_access(tlm::tlm_command cmd, const Layer& layer, const SparseLayout& layout, Tensor t,
                    std::vector<int32_t>& words) {
    if (words.empty()) return;  // an operand without nonzeros has no image
    Transaction tr;
    tr.ext.layer = &layer;
    tr.ext.tensor = t;
    tr.ext.box = layout.whole(t);
    tr.ext.functional = true;
    tr.prepare(cmd, layout.base[at(t)], words.data(), words.size());
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
      image.reserve(static_cast<size_t>(grid->total_words));
      for (int64_t ti = 0; ti < grid->row_tiles; ++ti) {
        for (const auto& [tj, stats] : grid->by_row[static_cast<size_t>(ti)]) {
          const auto words =
              encode_tile(*m, values, ti * grid->tile_rows, (ti + 1) * grid->tile_rows,
                          tj * grid->tile_cols, (tj + 1) * grid->tile_cols);
          image.insert(image.end(), words.begin(), words.end());
        }
      }
      debug_access(tlm::TLM_WRITE_COMMAND, layer, lp.layout, static_cast<Tensor>(o), image);
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

  Workload workload_;
  std::vector<std::unique_ptr<LayerPlan>> plans_;
  std::vector<int32_t> a_values_, b_values_;
  uint64_t& tiles_;
  uint64_t& fetches_;
  uint64_t& writebacks_;
  uint64_t& refills_;
};

}  // namespace

TESSERA_REGISTER(Controller, sparse_tiled, SparseTiledController,
                 "spmspm/spmm loop nest over sparse tiles sized by the buffer's tile policy", {});

}  // namespace tessera
