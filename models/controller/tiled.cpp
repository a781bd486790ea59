// controller: tiled — replays each layer as a tiled loop nest over the GEMM view.
//
// Per tile: fetch the operand tiles that changed, compute, and write an output tile back when the
// loop leaves it; which tiles those are is the loop-nest walker's (plan/loop_nest.h). With a
// double-buffered buffer a fetch may start as soon as the slot it fills is no longer used, so the
// next tile's data arrive while the current tile computes; the array stalls when they are late.
// Loosely timed: every target annotates its latency, the controller keeps the timeline in cycles
// and synchronises with the kernel once per layer.
//
// A grouped convolution (or batched GEMM) is its groups' GEMMs one after another: the group is
// the outermost loop, and each group walks the plan of one group (Layer::group_slice) over its
// own inputs, weights and outputs, stored group after group in DRAM (plan/tile_geometry.h).
//
// A vector-unit layer (pool, eltwise, softmax, norm) streams its elements in chunks as large as
// one buffer slot holds: each chunk's inputs are fetched, computed by the vector unit, and its
// outputs written back, double-buffered like tiles.
//
// A layer whose input tensor arrives in other authentication blocks than it reads
// (`reencrypt_from`, with an authenticating crypto engine) first re-encrypts it: the tensor, as
// its producer left it in DRAM (at the producer's output address), streams through the buffer in
// chunks, each fetched through the engine with the old blocks (whole blocks verified, tags read)
// and written back through it with the layer's own blocks (encrypted, tags written) to where the
// layer reads its inputs. A chunk is whole new blocks, and whole old ones too when a slot holds
// their common multiple; with tile blocks, one of the layer's input tiles.
#include <algorithm>
#include <array>
#include <map>
#include <numeric>
#include <random>

#include "models/controller/step_pipeline.h"
#include "models/crypto/interface.h"
#include "models/pe_array/interface.h"
#include "models/reference_compute.h"
#include "models/sparse/weight_tensor.h"
#include "models/vector/interface.h"
#include "plan/loop_nest.h"
#include "plan/tiler.h"
#include "sim/error.h"
#include "sim/numbers.h"
#include "sim/registry.h"

namespace tessera {
namespace {

class TiledController : public StepPipelineController {
 public:
  TiledController(const sc_core::sc_module_name& name, const ParamValues& p)
      : StepPipelineController(name, p, "tiles replayed", "partial-sum tiles read back") {}

  void set_workload(Workload w) override {
    workload_ = std::move(w);
    plans_.clear();
    std::map<PlanKey, TilePlan> planned;
    check_vector_unit();
    for (const Layer& layer : workload_.trace->layers) {
      if (layer.vector) {
        plans_.push_back(vector_plan(layer));
        continue;
      }
      if (layer.sparse) {
        throw InputError({workload_.trace->file, layer.line, "op"},
                         "layer '" + layer.name + "' is " + to_string(layer.op) +
                             "; it needs controller 'sparse_tiled'");
      }
      if (workload_.functional && layer.shape.groups > 1) {
        throw InputError({workload_.trace->file, layer.line, "groups"},
                         "layer '" + layer.name +
                             "': the functional check covers dense layers only, not grouped ones");
      }
      const Layer slice = layer.group_slice();
      PlanKey key = plan_key(slice);
      auto it = planned.find(key);
      if (it == planned.end()) {
        it = planned
                 .emplace(std::move(key), plan_layer(slice, workload_.facts, workload_.trace->file))
                 .first;
      }
      plans_.push_back(it->second);
    }
    plan_reencryptions();
  }

 private:
  // The re-encryption of a layer's inputs before its steps: chunks of one group's input tensor,
  // each fetched whole and written back whole or, with tile blocks, tile by tile.
  struct Reencryption {
    Layer source;              // the layer's group slice with its inputs in the old blocks
    uint64_t source_base = 0;  // where the tensor arrives: its producer's outputs
    struct Chunk {
      Box box;                       // fetched
      std::vector<GemmRange> tiles;  // with tile blocks: the input tiles written from it
    };
    std::vector<Chunk> chunks;
    bool two_slots = false;
  };

  void plan_reencryptions() {
    const Trace& trace = *workload_.trace;
    const std::vector<int> producers = tensor_producers(trace);
    reencryptions_.assign(trace.layers.size(), std::nullopt);
    for (size_t i = 0; i < trace.layers.size(); ++i) {
      const Layer& layer = trace.layers[i];
      if (!layer.security || !layer.security->reencrypt_inputs_from) continue;
      if (producers[i] < 0) {
        throw InputError({trace.file, layer.line,
                          "layers[" + std::to_string(i) + "].security.inputs.reencrypt_from"},
                         "layer '" + layer.name +
                             "' re-encrypts its inputs from an earlier layer's output blocks, but "
                             "no earlier layer on the PE array writes a tensor of their shape");
      }
      // Without authentication blocks there is nothing to re-encrypt.
      if (!workload_.facts.crypto_authenticates) continue;
      reencryptions_[i] =
          plan_reencryption(layer, plans_[i], trace.layers[static_cast<size_t>(producers[i])]);
    }
  }

  [[nodiscard]] Reencryption plan_reencryption(const Layer& layer, const TilePlan& plan,
                                               const Layer& producer) const {
    Reencryption r;
    r.source = layer.group_slice();
    r.source.security->auth_block_words[tensor_index(Tensor::inputs)] =
        *layer.security->reencrypt_inputs_from;
    r.source.security->reencrypt_inputs_from.reset();
    r.source_base = dram_base(producer, Tensor::outputs);
    const Layer& slice = r.source;
    const ArchitectureFacts& f = workload_.facts;
    const int bits = slice.precision_bits;
    const int64_t slot = f.buffer_capacity_bytes / (f.double_buffered ? 2 : 1);
    auto bytes = [bits](int64_t elements) { return ceil_div(elements * bits, 8); };
    int64_t largest = 0;  // bytes of the largest chunk
    const int64_t to = layer.security->auth_block_words[tensor_index(Tensor::inputs)];
    if (to == Security::kTileBlocks) {
      // The input tiles of consecutive m ranges share rows: as many whole m ranges as a slot
      // holds are fetched together, so that each old block is read about once; an m range a
      // slot cannot hold is fetched tile by tile.
      const GemmExtents g = slice.gemm();
      const int64_t tm = plan.tile[dim_index(GemmDim::m)], tk = plan.tile[dim_index(GemmDim::k)];
      const auto rows = [&](int64_t m0, int64_t m1) {
        return tensor_box(slice, Tensor::inputs, {m0, m1, 0, g[1], 0, g[2]});
      };
      for (int64_t m = 0; m < g[0];) {
        int64_t end = std::min(g[0], m + tm);
        const bool together = box_bytes(rows(m, end), bits) <= slot;
        while (together && end < g[0] &&
               box_bytes(rows(m, std::min(g[0], end + tm)), bits) <= slot) {
          end = std::min(g[0], end + tm);
        }
        if (together) r.chunks.push_back({rows(m, end), {}});
        for (int64_t m0 = m; m0 < end; m0 += tm) {
          for (int64_t k = 0; k < g[2]; k += tk) {
            const GemmRange t{m0, std::min(end, m0 + tm), 0, g[1], k, std::min(g[2], k + tk)};
            if (!together) r.chunks.push_back({tensor_box(slice, Tensor::inputs, t), {}});
            r.chunks.back().tiles.push_back(t);
          }
        }
        m = end;
      }
    } else {
      const int64_t from = *layer.security->reencrypt_inputs_from;
      const int64_t total = whole_tensor(slice, Tensor::inputs).volume();
      // Whole blocks of both sizes where a slot holds their common multiple, else whole new
      // blocks, else (a block larger than the buffer) as much as the buffer holds, the blocks
      // written in parts. A chunk is a run of the tensor's layout, as a box of it laid flat.
      const int64_t slot_elements = slot * 8 / bits;
      const int64_t both = from / std::gcd(from, to) <= slot_elements / to
                               ? from / std::gcd(from, to) * to
                               : 0;  // more than a slot
      const int64_t unit = both > 0 && bytes(both) <= slot ? both
                           : bytes(to) <= f.buffer_capacity_bytes
                               ? to
                               : std::max<int64_t>(1, f.buffer_capacity_bytes * 8 / bits);
      const int64_t chunk = unit * std::max<int64_t>(1, slot / bytes(unit));
      for (int64_t lo = 0; lo < total; lo += chunk) {
        r.chunks.push_back(
            {Box{{1, 1, 1, total}, {0, 0, 0, lo}, {1, 1, 1, std::min(total, lo + chunk)}}, {}});
      }
    }
    for (const Reencryption::Chunk& c : r.chunks)
      largest = std::max(largest, box_bytes(c.box, bits));
    r.two_slots = f.double_buffered && 2 * largest <= f.buffer_capacity_bytes;
    return r;
  }
  // Every layer that needs a vector unit, named in one error when the architecture has none (or
  // when the functional check, which covers the array's layers only, is asked for).
  void check_vector_unit() const {
    const bool functional = workload_.functional;
    if (workload_.facts.vector_ops_per_cycle > 0 && !functional) return;
    std::vector<const Layer*> need;
    for (const Layer& layer : workload_.trace->layers) {
      if (layer.vector) need.push_back(&layer);
    }
    if (need.empty()) return;
    std::string names;
    for (size_t i = 0; i < need.size() && i < 5; ++i) {
      names += (i == 0 ? "'" : ", '") + need[i]->name + "'";
    }
    if (need.size() > 5) names += " and " + std::to_string(need.size() - 5) + " more";
    throw InputError({workload_.trace->file, need.front()->line, "op"},
                     functional ? std::to_string(need.size()) +
                                      " layers run on the vector unit, which the functional "
                                      "check does not cover: " +
                                      names
                                : "the architecture has no vector unit (vector: impl: none), so "
                                  "it cannot run " +
                                      std::to_string(need.size()) +
                                      " layers (pool, eltwise, softmax, norm): " + names +
                                      "; add `vector: {impl: simd}`");
  }

  // Chunks of output elements whose inputs and outputs fill one buffer slot.
  [[nodiscard]] TilePlan vector_plan(const Layer& layer) const {
    const VectorWork& w = *layer.vector;
    const ArchitectureFacts& f = workload_.facts;
    const int64_t slot = f.buffer_capacity_bytes / (f.double_buffered ? 2 : 1);
    const auto fits = [&](int64_t c) {
      const GemmRange r{0, c, 0, 1, 0, 1};
      return box_bytes(vector_box(layer, Tensor::inputs, r), layer.precision_bits) +
                 box_bytes(vector_box(layer, Tensor::outputs, r), layer.precision_bits) <=
             slot;
    };
    int64_t chunk = std::clamp<int64_t>(
        slot * 8 / (layer.precision_bits * ceil_div(w.reads + w.elements, w.elements)), 1,
        w.elements);
    while (chunk > 1 && !fits(chunk)) chunk = chunk * 7 / 8;
    if (!fits(chunk)) {
      throw InputError(
          {workload_.trace->file, layer.line, "reads"},
          "layer '" + layer.name + "': not even one element's operands fit a buffer slot");
    }
    TilePlan plan;
    plan.tile = {chunk, 1, 1};
    plan.order = {GemmDim::n, GemmDim::k, GemmDim::m};
    return plan;
  }

  // The layer being replayed: its plan, one group of it, GEMM extents and walk (of one group).
  struct Current {
    bool vector = false;
    const TilePlan* plan = nullptr;
    Layer slice;
    int64_t groups = 1;
    GemmExtents g{};
    LoopWalk walk;
    GemmDim streamed = GemmDim::m;
    bool chunked_stream = false;
  };

  uint64_t begin_layer(const Layer& layer, size_t index) override {
    const TilePlan& plan = plans_[index];
    buffer_tile_ = plan.tile;
    if (workload_.functional) load_inputs(layer, index);
    current_.plan = &plan;
    current_.slice = layer.group_slice();
    current_.groups = layer.shape.groups;
    current_.vector = layer.vector.has_value();
    current_.g = layer.vector ? GemmExtents{layer.vector->elements, 1, 1} : layer.gemm();
    current_.walk = LoopWalk(plan.order, tile_counts(current_.g, plan.tile));
    current_.streamed = fold_dims(plan.dataflow).streamed;
    current_.chunked_stream =
        streams_across_tiles(plan.order, current_.walk.tiles(), plan.dataflow);
    return static_cast<uint64_t>(current_.groups * current_.walk.steps());
  }

  // A step of the layer as its group and its step in that group's walk.
  [[nodiscard]] int64_t group_of(uint64_t step) const {
    return static_cast<int64_t>(step) / current_.walk.steps();
  }
  [[nodiscard]] int64_t in_group(uint64_t step) const {
    return static_cast<int64_t>(step) % current_.walk.steps();
  }

  [[nodiscard]] int64_t stream_chunks() const {
    return current_.walk.tiles()[dim_index(current_.streamed)];
  }

  [[nodiscard]] TileIndex tile_index(uint64_t step) const {
    return current_.walk.tile_index(in_group(step));
  }

  [[nodiscard]] GemmRange range_of(uint64_t step) const {
    return tile_range(tile_index(step), current_.plan->tile, current_.g);
  }

  [[nodiscard]] TileKey tile_key(uint64_t step, Tensor tensor) const override {
    // Another group's tiles are other data: the group is part of the key.
    const TileKey key = current_.walk.tile_key(in_group(step), tensor);
    return {key.first * current_.groups + group_of(step), key.second};
  }

  [[nodiscard]] bool moves(Tensor tensor) const override {
    return !current_.vector || tensor != Tensor::weights;
  }

  // A resident output tile is never at k index 0, so the walk's rule covers it.
  [[nodiscard]] bool accumulates(uint64_t step, bool /*output_resident*/) const override {
    return current_.walk.accumulates(in_group(step));
  }

  Completion fetch(const Layer& layer, uint64_t step, Tensor tensor, int slot,
                   uint64_t issue) override {
    return transfer(Command::fetch, layer, tensor, step, slot, issue);
  }

  Completion write_back(const Layer& layer, const Step& step, uint64_t issue) override {
    return transfer(Command::writeback, layer, Tensor::outputs, step.index,
                    step.slots[tensor_index(Tensor::outputs)], issue);
  }

  void check_layer(const Layer& layer, size_t /*index*/) override { check_outputs(layer); }

  uint64_t reencrypt_inputs(const Layer& layer, size_t index, uint64_t start) override {
    uint64_t done = start;
    if (reencryptions_[index]) done = reencrypt(layer, *reencryptions_[index], start);
    // The layer's other tensors are loaded once the pass has read the old copy (it may lie where
    // they go).
    if (workload_.functional) load_weights_and_outputs(layer);
    return done;
  }

  // Streams every group's input tensor through the buffer's input slots, chunk by chunk: fetched
  // from the old copy with the old blocks, written back to the layer's inputs with its own. With
  // two slots the next chunk is fetched while this one is written back.
  uint64_t reencrypt(const Layer& whole, const Reencryption& r, uint64_t start) {
    const size_t per_group = r.chunks.size();
    const size_t n = per_group * static_cast<size_t>(current_.groups);
    std::array<uint64_t, 2> slot_free{start, start};
    uint64_t done = start;
    const auto slot_of = [&](size_t i) { return r.two_slots ? static_cast<int>(i & 1) : 0; };
    const auto fetch_chunk = [&](size_t i) {
      const int s = slot_of(i);
      return pass_transfer(Command::fetch, whole, r, i / per_group, r.chunks[i % per_group].box, {},
                           s, slot_free[static_cast<size_t>(s)]);
    };
    uint64_t fetched = n > 0 ? fetch_chunk(0) : start;
    for (size_t i = 0; i < n; ++i) {
      uint64_t next = 0;
      if (r.two_slots && i + 1 < n) next = fetch_chunk(i + 1);
      const int s = slot_of(i);
      const Reencryption::Chunk& c = r.chunks[i % per_group];
      uint64_t written = fetched;
      if (c.tiles.empty()) {
        written = pass_transfer(Command::writeback, whole, r, i / per_group, c.box, {}, s, fetched);
      }
      for (const GemmRange& t : c.tiles) {
        written = std::max(
            written, pass_transfer(Command::writeback, whole, r, i / per_group,
                                   tensor_box(current_.slice, Tensor::inputs, t), t, s, fetched));
      }
      slot_free[static_cast<size_t>(s)] = written;
      done = std::max(done, written);
      ++reencrypted_chunks_;
      if (!r.two_slots && i + 1 < n) next = fetch_chunk(i + 1);
      fetched = next;
    }
    for (int s = 0; s < 2; ++s) release(Tensor::inputs, s);
    if (tessera::Timeline* timeline = this->timeline()) {
      timeline->span(timeline_track(*timeline), "re-encrypting inputs", start, done,
                     {{"chunks", static_cast<int64_t>(n)}});
    }
    return done;
  }

  // A box of the pass: fetched (read from the old copy with the old blocks) or written back (to
  // the layer's inputs with its blocks; `tile` names a tile block), issued at cycle `issue`;
  // returns when it completes.
  uint64_t pass_transfer(Command cmd, const Layer& whole, const Reencryption& r, size_t group,
                         const Box& box, const GemmRange& tile, int slot, uint64_t issue) {
    const bool fetch = cmd == Command::fetch;
    const Layer& layer = fetch ? r.source : current_.slice;
    TransactionWith<StoredTensor> tr;
    tr.get<StoredTensor>() = stored(layer);
    tr.ext.command = cmd;
    tr.ext.tensor = Tensor::inputs;
    tr.ext.box = box;
    tr.ext.element_bits = layer.precision_bits;
    tr.ext.range = tile;
    tr.ext.bytes = box_bytes(box, layer.precision_bits);
    tr.ext.slot = slot;
    tr.ext.functional = workload_.functional;
    const uint64_t base = fetch ? r.source_base : dram_base(whole, Tensor::inputs);
    const uint64_t address =
        base + static_cast<uint64_t>(
                   static_cast<int64_t>(group) *
                       box_bytes(whole_tensor(layer, Tensor::inputs), layer.precision_bits) +
                   box.first_element() * layer.precision_bits / 8);
    tr.prepare(fetch ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND, address);
    return timed_call(to_buffer, tr, issue);
  }

  // A fetch or writeback of step `step`'s tile of `tensor`, issued at cycle `issue`; returns its
  // completion. The modules see the step's group as the layer.
  Completion transfer(Command cmd, const Layer& whole, Tensor tensor, uint64_t step, int s,
                      uint64_t issue) {
    const Layer& layer = current_.slice;
    const GemmRange r = range_of(step);
    TransactionWith<StoredTensor> tr;
    tr.get<StoredTensor>() = stored(layer);
    tr.ext.command = cmd;
    tr.ext.tensor = tensor;
    tr.ext.box = tensor_box(layer, tensor, r);
    tr.ext.element_bits = layer.precision_bits;
    tr.ext.range = r;
    tr.ext.bytes = box_bytes(tr.ext.box, layer.precision_bits);
    if (tensor == Tensor::weights && workload_.facts.compressed_weights) {
      if (const auto c = workload_.facts.compressed_weights(layer, r)) tr.ext.bytes = c->bytes;
    }
    tr.ext.slot = s;
    tr.ext.functional = workload_.functional;
    const uint64_t group_base =
        dram_base(whole, tensor) +
        static_cast<uint64_t>(group_of(step) *
                              box_bytes(whole_tensor(layer, tensor), layer.precision_bits));
    tr.prepare(
        cmd == Command::fetch ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND,
        group_base + static_cast<uint64_t>(tr.ext.box.first_element() * layer.precision_bits / 8));
    return timed_transfer(to_buffer, tr, issue);
  }

  uint64_t compute(const Layer& /*whole*/, const Step& step, uint64_t begin) override {
    const Layer& layer = current_.slice;
    if (current_.vector) {
      TransactionWith<ChunkCompute, StoredTensor> tr;
      tr.get<StoredTensor>() = stored(layer);
      tr.ext.command = Command::compute;
      tr.ext.element_bits = layer.precision_bits;
      tr.ext.range = range_of(step.index);
      auto& chunk = tr.get<ChunkCompute>();
      chunk.layer = &layer;
      chunk.input_slot = step.slots[tensor_index(Tensor::inputs)];
      chunk.output_slot = step.slots[tensor_index(Tensor::outputs)];
      tr.prepare(tlm::TLM_IGNORE_COMMAND, 0);
      return timed_compute(to_vector, tr, begin);
    }
    const TilePlan& plan = *current_.plan;
    const int64_t chunk = tile_index(step.index)[dim_index(current_.streamed)];
    const bool chunked = current_.chunked_stream;
    const int64_t chunks = stream_chunks();
    TransactionWith<TileCompute, StoredTensor> tr;
    tr.get<StoredTensor>() = stored(layer);
    tr.ext.command = Command::compute;
    tr.ext.element_bits = layer.precision_bits;
    tr.ext.range = range_of(step.index);
    tr.ext.functional = workload_.functional;
    auto& tile = tr.get<TileCompute>();
    tile.layer = &layer;
    tile.dataflow = plan.dataflow;
    tile.first_chunk = !chunked || chunk == 0;
    tile.last_chunk = !chunked || chunk == chunks - 1;
    tile.first_tile_of_layer = step.index == 0;
    tile.accumulate = step.accumulate;
    tile.input_slot = step.slots[tensor_index(Tensor::inputs)];
    tile.weight_slot = step.slots[tensor_index(Tensor::weights)];
    tile.output_slot = step.slots[tensor_index(Tensor::outputs)];
    if (workload_.functional && layer.input_relu) measure_inputs(layer, tr.ext.range, tile);
    tr.prepare(tlm::TLM_IGNORE_COMMAND, 0);
    return timed_compute(to_pe_array, tr, begin);
  }

  static uint64_t base_of(const Layer& layer, Tensor t) { return dram_base(layer, t); }

  // How `layer`'s tensors are stored, for the crypto engine.
  [[nodiscard]] StoredTensor stored(const Layer& layer) const {
    StoredTensor s;
    s.layer = &layer;
    s.buffer_tile = buffer_tile_;
    return s;
  }

  // A whole tensor of `layer` at `base`: written (loaded) or read. A write without values
  // (`values` null) reserves the tensor for transfers to write.
  void debug_access(tlm::tlm_command cmd, const Layer& layer, Tensor t, uint64_t base,
                    std::vector<int32_t>* values) {
    TransactionWith<StoredTensor> tr;
    tr.get<StoredTensor>() = stored(layer);
    tr.ext.tensor = t;
    tr.ext.box = whole_tensor(layer, t);
    tr.ext.element_bits = layer.precision_bits;
    tr.ext.functional = true;
    if (values != nullptr) {
      tr.prepare(cmd, base, values->data(), values->size());
    } else {
      tr.prepare(cmd, base);
    }
    to_buffer->transport_dbg(tr.payload);
    check_response(tr.payload, name());
  }

  // Seeded operand values, small enough that no int32 sum can overflow. The inputs are loaded
  // first: where they are re-encrypted, into the old copy with the old blocks (the tensor as its
  // producer left it), the layer's own input tensor being reserved for the pass to write.
  void load_inputs(const Layer& layer, size_t index) {
    std::mt19937_64 rng(workload_.seed * 1000003u + index);
    const auto seeded = [&](Tensor t) {
      std::vector<int32_t> v(static_cast<size_t>(whole_tensor(layer, t).volume()), 0);
      for (auto& x : v) x = static_cast<int32_t>(rng() % 16) - 8;
      return v;
    };
    inputs_ = seeded(Tensor::inputs);
    if (layer.input_relu && previous_outputs_.size() == inputs_.size()) {
      inputs_ = relu(previous_outputs_);
    } else {
      prune_inputs(layer, inputs_);
    }
    weights_ = seeded(Tensor::weights);  // sparse weights are the dense ones pruned by magnitude
    prune_weights(layer.weight_sparsity, weights_, layer.gemm()[2], layer.gemm()[1]);
    if (const std::optional<Reencryption>& r = reencryptions_[index]) {
      debug_access(tlm::TLM_WRITE_COMMAND, r->source, Tensor::inputs, r->source_base, &inputs_);
      debug_access(tlm::TLM_WRITE_COMMAND, layer, Tensor::inputs, base_of(layer, Tensor::inputs),
                   nullptr);
    } else {
      debug_access(tlm::TLM_WRITE_COMMAND, layer, Tensor::inputs, base_of(layer, Tensor::inputs),
                   &inputs_);
    }
  }

  void load_weights_and_outputs(const Layer& layer) {
    debug_access(tlm::TLM_WRITE_COMMAND, layer, Tensor::weights, base_of(layer, Tensor::weights),
                 &weights_);
    std::vector<int32_t> outputs(static_cast<size_t>(whole_tensor(layer, Tensor::outputs).volume()),
                                 0);
    debug_access(tlm::TLM_WRITE_COMMAND, layer, Tensor::outputs, base_of(layer, Tensor::outputs),
                 &outputs);
  }

  // Sparse inputs, where every input value is one GEMM input (m, k) (1x1 filters, stride 1, no
  // padding): the seeded ones pruned by magnitude along k, row by row, as the weights are along
  // k column by column. Other layers' im2col rows share values, so their inputs stay dense.
  static void prune_inputs(const Layer& layer, std::vector<int32_t>& v) {
    const ConvShape& s = layer.shape;
    if (layer.input_sparsity.is_dense() || s.filter_h != 1 || s.filter_w != 1 || s.stride_h != 1 ||
        s.stride_w != 1 || s.pad_h != 0 || s.pad_w != 0 || s.groups != 1 || s.out_h != s.in_h ||
        s.out_w != s.in_w) {
      return;
    }
    const GemmExtents g = layer.gemm();
    const int64_t m = g[0], k = g[2];
    std::vector<int32_t> by_k(v.size());  // k x m: each input row a column, as prune_weights reads
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t x = 0; x < k; ++x)
        by_k[static_cast<size_t>(x * m + i)] = v[static_cast<size_t>(i * k + x)];
    }
    prune_weights(layer.input_sparsity, by_k, k, m);
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t x = 0; x < k; ++x)
        v[static_cast<size_t>(i * k + x)] = by_k[static_cast<size_t>(x * m + i)];
    }
  }

  // The producer's outputs after a ReLU, scaled down (by a power of two) into the seeded values'
  // range so no sum can overflow; a positive value stays nonzero, so the zeros are the ReLU's.
  static std::vector<int32_t> relu(const std::vector<int32_t>& outputs) {
    int32_t most = 0;
    for (const int32_t x : outputs) most = std::max(most, x);
    int shift = 0;
    while ((most >> shift) > 7) ++shift;
    std::vector<int32_t> v(outputs.size());
    for (size_t i = 0; i < v.size(); ++i) {
      v[i] = outputs[i] > 0 ? std::max(1, outputs[i] >> shift) : 0;
    }
    return v;
  }

  // The tile's real GEMM inputs (m x k, through im2col; padding is zero) for a decoder that
  // skips zero inputs: the share that is nonzero, and the share of each row's blocks of the
  // weights' rank-0 size along k that are not all zero.
  void measure_inputs(const Layer& layer, const GemmRange& r, TileCompute& tile) const {
    const ConvShape& s = layer.shape;
    const SparsitySpec& w = layer.weight_sparsity;
    const int64_t block = w.kind == SparsitySpec::Kind::hss ? w.ranks[0].h : 1;
    int64_t nonzero = 0, blocks = 0, blocks_nonzero = 0;
    std::array<int64_t, 4> at{};
    for (int64_t m = r.m0; m < r.m1; ++m) {
      bool any = false;
      for (int64_t k = r.k0; k < r.k1; ++k) {
        if (k % block == 0) any = false;
        if (input_coordinate(layer, m, k, at)) {
          const int64_t i = ((at[0] * s.in_h + at[1]) * s.in_w + at[2]) * s.channels + at[3];
          if (inputs_[static_cast<size_t>(i)] != 0) {
            ++nonzero;
            any = true;
          }
        }
        if (k % block == block - 1 || k == r.k1 - 1) {
          ++blocks;
          blocks_nonzero += any ? 1 : 0;
        }
      }
    }
    const int64_t values = r.m() * r.k();
    tile.inputs_nonzero =
        values > 0 ? static_cast<double>(nonzero) / static_cast<double>(values) : 1;
    tile.input_blocks_nonzero =
        blocks > 0 ? static_cast<double>(blocks_nonzero) / static_cast<double>(blocks) : 1;
  }

  void check_outputs(const Layer& layer) {
    std::vector<int32_t> got(static_cast<size_t>(whole_tensor(layer, Tensor::outputs).volume()));
    debug_access(tlm::TLM_READ_COMMAND, layer, Tensor::outputs, base_of(layer, Tensor::outputs),
                 &got);
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
    previous_outputs_ = std::move(got);
  }

  std::vector<TilePlan> plans_;
  std::vector<std::optional<Reencryption>> reencryptions_;  // per layer
  uint64_t& reencrypted_chunks_ =
      stats().counter("reencryption_chunks", "transfers",
                      "chunks of input tensors re-encrypted from their producers' blocks");
  Current current_;
  GemmExtents buffer_tile_{};  // of the layer being replayed
  std::vector<int32_t> inputs_, weights_;
  std::vector<int32_t> previous_outputs_;  // of the layer checked last (inputs=relu feeds on them)
};

}  // namespace

TESSERA_REGISTER(Controller, tiled, TiledController,
                 "tiled loop nest with double-buffered prefetch", {});

}  // namespace tessera
