// controller: tiled — replays each layer as a tiled loop nest over the GEMM view.
//
// Per tile: fetch the operand tiles that changed (inputs depend on m,k; weights on k,n; partial
// sums come back when an output tile is revisited), compute, and write an output tile back when
// the loop leaves it. With a double-buffered buffer a fetch may start as soon as the slot it fills
// is no longer used, so the next tile's data arrive while the current tile computes; the array
// stalls when they are late. Loosely timed: every target annotates its latency, the controller
// keeps the timeline in cycles and synchronises with the kernel once per layer.
#include <algorithm>
#include <array>
#include <exception>
#include <map>
#include <optional>
#include <random>

#include "models/controller/interface.h"
#include "models/controller/tiler.h"
#include "models/reference_compute.h"
#include "models/sparse/weight_tensor.h"
#include "sim/error.h"
#include "sim/numbers.h"
#include "sim/registry.h"

namespace tessera {
namespace {

size_t at(Tensor t) {
  return static_cast<size_t>(t);
}

// Which GEMM dims each tensor depends on.
constexpr std::array<std::array<GemmDim, 2>, kNumTensors> kDependsOn{
    {{GemmDim::m, GemmDim::k}, {GemmDim::k, GemmDim::n}, {GemmDim::m, GemmDim::n}}};

class TiledController : public Controller {
 public:
  SC_HAS_PROCESS(TiledController);

  TiledController(const sc_core::sc_module_name& name, const ParamValues& p)
      : Controller(name, p),
        tiles_(stats().counter("tiles", "tiles", "tiles replayed")),
        fetches_(stats().counter("fetches", "transfers", "operand tiles fetched")),
        writebacks_(stats().counter("writebacks", "transfers", "output tiles written back")),
        refills_(stats().counter("psum_refills", "transfers", "partial-sum tiles read back")) {
    SC_THREAD(run);
  }

  void set_workload(Workload w) override {
    workload_ = std::move(w);
    plans_.clear();
    std::map<PlanKey, TilePlan> planned;
    for (const Layer& layer : workload_.trace->layers) {
      if (layer.sparse) {
        throw InputError({workload_.trace->file, layer.line, "op"},
                         "layer '" + layer.name + "' is " + to_string(layer.op) +
                             "; it needs controller 'sparse_tiled'");
      }
      PlanKey key = plan_key(layer);
      auto it = planned.find(key);
      if (it == planned.end()) {
        it = planned
                 .emplace(std::move(key), plan_layer(layer, workload_.facts, workload_.trace->file))
                 .first;
      }
      plans_.push_back(it->second);
    }
  }

 private:
  // A tile whose operands have been requested and that waits to be computed.
  struct TileState {
    std::array<int64_t, 3> idx{};
    GemmRange range;
    std::array<int, kNumTensors> slots{};  // buffer slot of each operand
    bool accumulate = false;               // the output tile holds partial sums already
    uint64_t ready = 0;                    // cycle its last fetch completes
  };

  // Per tensor: which tile is resident, in which slot, and when each slot is free again.
  struct Residency {
    std::optional<std::array<int64_t, 3>> idx;
    int slot = 0;
    std::array<uint64_t, 2> slot_free{};
  };

  void run() {
    try {
      for (size_t i = 0; i < workload_.trace->layers.size(); ++i) {
        run_layer(workload_.trace->layers[i], plans_[i], i);
      }
    } catch (...) {
      // Returning ends the simulation: nothing else schedules events.
      failure_ = std::current_exception();
    }
  }

  void run_layer(const Layer& layer, const TilePlan& plan, size_t index) {
    if (workload_.events.on_start) workload_.events.on_start(layer);
    buffer_tile_ = plan.tile;
    const uint64_t start = to_cycles(sc_core::sc_time_stamp());
    if (workload_.functional) load_tensors(layer, index);

    const GemmExtents g = layer.gemm();
    const std::array<int64_t, 3> nt{ceil_div(g[0], plan.tile[0]), ceil_div(g[1], plan.tile[1]),
                                    ceil_div(g[2], plan.tile[2])};
    const int64_t total = nt[0] * nt[1] * nt[2];
    const GemmDim t_dim = fold_dims(plan.dataflow).streamed;
    const bool chunked_stream = plan.order[2] == t_dim && nt[dim_index(t_dim)] > 1;
    const bool two_slots = workload_.facts.double_buffered;

    std::array<Residency, kNumTensors> residency{};
    for (Residency& r : residency) r.slot_free = {start, start};

    std::array<int64_t, 3> idx{};  // odometer over plan.order, outermost first
    std::optional<TileState> pending;
    uint64_t compute_done = start, stalls = 0, end = start;

    // Double-buffered, software-pipelined by one tile: request tile i's operands, then compute
    // tile i-1, so that requests reach memory in time order. Single-buffered, tile i's operands
    // replace tile i-1's, so they are requested only once tile i-1 has been computed.
    for (int64_t i = 0; i <= total; ++i) {
      std::optional<TileState> next;
      const bool more = i < total;  // idx is the next tile's until the end of this step
      const auto request_next = [&] {
        next =
            request_operands(layer, idx, range_of(idx, plan.tile, g), two_slots, start, residency);
      };
      if (more && two_slots) request_next();
      if (pending) {
        const uint64_t begin = std::max(compute_done, pending->ready);
        stalls += begin - compute_done;
        const int64_t chunk = pending->idx[dim_index(t_dim)];
        const systolic::StreamPosition stream{!chunked_stream || chunk == 0,
                                              !chunked_stream || chunk == nt[dim_index(t_dim)] - 1};
        compute_done = compute(layer, plan, *pending, stream, i == 1, begin);
        ++tiles_;
        for (size_t t = 0; t < kNumTensors; ++t) {
          residency[t].slot_free[static_cast<size_t>(pending->slots[t])] = compute_done;
        }
        end = std::max(end, compute_done);
        const bool output_changes =
            !more || idx[dim_index(GemmDim::m)] != pending->idx[dim_index(GemmDim::m)] ||
            idx[dim_index(GemmDim::n)] != pending->idx[dim_index(GemmDim::n)];
        if (output_changes) {
          ++writebacks_;
          const int s = pending->slots[at(Tensor::outputs)];
          const uint64_t done =
              transfer(Command::writeback, layer, Tensor::outputs, pending->range, s, compute_done);
          residency[at(Tensor::outputs)].slot_free[static_cast<size_t>(s)] = done;
          end = std::max(end, done);
        }
      }
      if (more && !two_slots) request_next();
      if (more) advance(idx, plan.order, nt);
      pending = next;
    }

    sc_core::wait(cycles(end - start));
    release_all(layer);
    if (workload_.functional) check_outputs(layer);
    if (workload_.events.on_end) {
      workload_.events.on_end(layer, end - start, stalls, static_cast<uint64_t>(total));
    }
  }

  // Fetches the operand tiles of the tile at `idx` that are not resident yet, each into a free
  // slot (the other one when double-buffered) as soon as that slot is free.
  TileState request_operands(const Layer& layer, const std::array<int64_t, 3>& idx,
                             const GemmRange& range, bool two_slots, uint64_t start,
                             std::array<Residency, kNumTensors>& residency) {
    TileState tile;
    tile.idx = idx;
    tile.range = range;
    tile.ready = start;
    for (Tensor tensor : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
      Residency& r = residency[at(tensor)];
      const auto& dims = kDependsOn[at(tensor)];
      const bool resident = r.idx && (*r.idx)[dim_index(dims[0])] == idx[dim_index(dims[0])] &&
                            (*r.idx)[dim_index(dims[1])] == idx[dim_index(dims[1])];
      if (!resident) {
        if (two_slots) r.slot ^= 1;
        r.idx = idx;
      }
      tile.slots[at(tensor)] = r.slot;
      if (tensor == Tensor::outputs) {
        // Partial sums are already here, or, for a revisited output tile (not its first k
        // step), come back from memory; a fresh output tile needs no fetch.
        tile.accumulate = resident || idx[dim_index(GemmDim::k)] > 0;
        if (resident || !tile.accumulate) continue;
        ++refills_;
      } else if (resident) {
        continue;
      }
      ++fetches_;
      const uint64_t done = transfer(Command::fetch, layer, tensor, range, r.slot,
                                     r.slot_free[static_cast<size_t>(r.slot)]);
      tile.ready = std::max(tile.ready, done);
    }
    return tile;
  }

  static GemmRange range_of(const std::array<int64_t, 3>& idx, const GemmExtents& tile,
                            const GemmExtents& g) {
    GemmRange r;
    r.m0 = idx[0] * tile[0];
    r.m1 = std::min(g[0], r.m0 + tile[0]);
    r.n0 = idx[1] * tile[1];
    r.n1 = std::min(g[1], r.n0 + tile[1]);
    r.k0 = idx[2] * tile[2];
    r.k1 = std::min(g[2], r.k0 + tile[2]);
    return r;
  }

  static void advance(std::array<int64_t, 3>& idx, const LoopOrder& order,
                      const std::array<int64_t, 3>& nt) {
    for (int level = 2; level >= 0; --level) {
      const size_t d = dim_index(order[static_cast<size_t>(level)]);
      if (++idx[d] < nt[d]) return;
      idx[d] = 0;
    }
  }

  // A fetch or writeback issued at cycle `issue`; returns the cycle it completes.
  uint64_t transfer(Command cmd, const Layer& layer, Tensor tensor, const GemmRange& r, int s,
                    uint64_t issue) {
    Transaction tr;
    tr.ext.command = cmd;
    tr.ext.layer = &layer;
    tr.ext.tensor = tensor;
    tr.ext.box = tensor_box(layer, tensor, r);
    tr.ext.range = r;
    tr.ext.buffer_tile = buffer_tile_;
    tr.ext.bytes = box_bytes(tr.ext.box, layer.precision_bits);
    if (tensor == Tensor::weights && workload_.facts.compressed_weights) {
      if (const auto c = workload_.facts.compressed_weights(layer, r)) tr.ext.bytes = c->bytes;
    }
    tr.ext.slot = s;
    tr.ext.functional = workload_.functional;
    tr.prepare(cmd == Command::fetch ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND,
               address_of(layer, tensor, tr.ext.box));
    return timed_call(to_buffer, tr, issue);
  }

  // A layer's tiles leave the buffer when it ends.
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

  uint64_t compute(const Layer& layer, const TilePlan& plan, const TileState& tile,
                   systolic::StreamPosition stream, bool first, uint64_t begin) {
    Transaction tr;
    tr.ext.command = Command::compute;
    tr.ext.layer = &layer;
    tr.ext.range = tile.range;
    tr.ext.dataflow = plan.dataflow;
    tr.ext.stream = stream;
    tr.ext.first_tile_of_layer = first;
    tr.ext.accumulate = tile.accumulate;
    tr.ext.functional = workload_.functional;
    tr.ext.input_slot = tile.slots[at(Tensor::inputs)];
    tr.ext.weight_slot = tile.slots[at(Tensor::weights)];
    tr.ext.output_slot = tile.slots[at(Tensor::outputs)];
    tr.prepare(tlm::TLM_IGNORE_COMMAND, 0);
    return timed_call(to_pe_array, tr, begin);
  }

  // Issues a blocking transport at absolute cycle `issue`; returns the completion cycle.
  uint64_t timed_call(tlm_utils::simple_initiator_socket<Controller>& socket, Transaction& tr,
                      uint64_t issue) {
    const uint64_t now = to_cycles(sc_core::sc_time_stamp());
    sc_core::sc_time delay = cycles(issue - now);
    socket->b_transport(tr.payload, delay);
    check_response(tr.payload, name());
    return now + to_cycles(delay);
  }

  static uint64_t base_of(const Layer& layer, Tensor t) { return dram_base(layer, t); }
  static uint64_t address_of(const Layer& layer, Tensor t, const Box& box) {
    return base_of(layer, t) +
           static_cast<uint64_t>(box.first_element() * layer.precision_bits / 8);
  }

  void debug_access(tlm::tlm_command cmd, const Layer& layer, Tensor t,
                    std::vector<int32_t>& values) {
    Transaction tr;
    tr.ext.layer = &layer;
    tr.ext.tensor = t;
    tr.ext.box = whole_tensor(layer, t);
    tr.ext.buffer_tile = buffer_tile_;
    tr.ext.functional = true;
    tr.prepare(cmd, base_of(layer, t), values.data(), values.size());
    to_buffer->transport_dbg(tr.payload);
    check_response(tr.payload, name());
  }

  // Seeded operand values, small enough that no int32 sum can overflow.
  void load_tensors(const Layer& layer, size_t index) {
    std::mt19937_64 rng(workload_.seed * 1000003u + index);
    for (Tensor t : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
      std::vector<int32_t> v(static_cast<size_t>(whole_tensor(layer, t).volume()), 0);
      if (t != Tensor::outputs) {
        for (auto& x : v) x = static_cast<int32_t>(rng() % 16) - 8;
      }
      if (t == Tensor::weights) {  // sparse weights are the dense ones pruned by magnitude
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

  void check_outputs(const Layer& layer) {
    std::vector<int32_t> got(static_cast<size_t>(whole_tensor(layer, Tensor::outputs).volume()));
    debug_access(tlm::TLM_READ_COMMAND, layer, Tensor::outputs, got);
    const std::vector<int32_t> want = reference_outputs(layer, inputs_, weights_);
    const int64_t n = layer.shape.filters;
    for (size_t i = 0; i < want.size(); ++i) {
      if (got[i] != want[i]) {
        throw SimulationError("functional check failed in layer '" + layer.name +
                              "': output (m=" + std::to_string(static_cast<int64_t>(i) / n) +
                              ", n=" + std::to_string(static_cast<int64_t>(i) % n) + ") is " +
                              std::to_string(got[i]) + ", the reference gives " +
                              std::to_string(want[i]));
      }
    }
  }

  Workload workload_;
  std::vector<TilePlan> plans_;
  GemmExtents buffer_tile_{};  // of the layer being replayed
  std::vector<int32_t> inputs_, weights_;
  uint64_t& tiles_;
  uint64_t& fetches_;
  uint64_t& writebacks_;
  uint64_t& refills_;
};

}  // namespace

TESSERA_REGISTER(Controller, tiled, TiledController,
                 "tiled loop nest with double-buffered prefetch", {});

}  // namespace tessera
