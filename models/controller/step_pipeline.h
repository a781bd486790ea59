// What the tiled controllers (dense `tiled`, sparse `sparse_tiled`) share: their transfer
// counters, the thread that replays the layers in order with the layer events around each, and
// the loop that replays one layer's steps software-pipelined over one or two buffer slots per
// tensor. A controller says what a step is: its tiles, how they move, how they are computed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "models/buffer/interface.h"
#include "models/controller/interface.h"

namespace tessera {

class StepPipelineController : public Controller {
 public:
  SC_HAS_PROCESS(StepPipelineController);

 protected:
  // The descriptions of the `tiles` and `psum_refills` counters: what this controller calls a
  // step and a partial-output refill.
  StepPipelineController(const sc_core::sc_module_name& name, const ParamValues& p,
                         const char* step_description, const char* refill_description);

  // Which tile of a tensor a step uses, by its two tile coordinates: the tile's name when the
  // buffer is asked where it is (TilePlacement), and the output tile is written back when the
  // loop leaves it.
  using TileKey = TileName;

  // A step whose operands have been requested and that waits to be computed.
  struct Step {
    uint64_t index = 0;
    std::array<int, kNumTensors> slots{};  // buffer slot of each operand
    bool accumulate = false;               // the output tile holds partial sums already
    uint64_t ready = 0;                    // cycle its last fetch completes, once settled
    TransferTime late;                     // how that fetch took its time
    // Its fetches in flight, in the order issued, until the step is about to be computed.
    std::array<Completion, kNumTensors> fetches;
    size_t in_flight = 0;
  };

  // Picks layer `index`'s plan (and loads its values when functional); returns its step count.
  virtual uint64_t begin_layer(const Layer& layer, size_t index) = 0;
  // Before the layer's steps, from cycle `start`: re-encrypts its input tensor where it arrives
  // in other authentication blocks than the layer reads (`reencrypt_from`). Returns the cycle it
  // is done, `start` when there is nothing to do; the cycles between are the layer's
  // `reencryption` cause.
  virtual uint64_t reencrypt_inputs(const Layer& /*layer*/, size_t /*index*/, uint64_t start) {
    return start;
  }
  [[nodiscard]] virtual TileKey tile_key(uint64_t step, Tensor tensor) const = 0;
  // Whether the step adds to partial sums, given whether its output tile is still resident.
  [[nodiscard]] virtual bool accumulates(uint64_t step, bool output_resident) const = 0;
  // Whether the layer being replayed has tiles of `tensor` (a vector-unit layer has no weights).
  [[nodiscard]] virtual bool moves(Tensor /*tensor*/) const { return true; }
  // Whether the step's output tile has anything to write back when the loop leaves it.
  [[nodiscard]] virtual bool writes_back(uint64_t /*step*/) const { return true; }
  // Fetches (for outputs: reads back the partial sums of) the step's tile of `tensor` into
  // `slot` at cycle `issue`; returns its completion, perhaps deferred (timed_transfer()).
  virtual Completion fetch(const Layer& layer, uint64_t step, Tensor tensor, int slot,
                           uint64_t issue) = 0;
  virtual uint64_t compute(const Layer& layer, const Step& step, uint64_t begin) = 0;
  virtual Completion write_back(const Layer& layer, const Step& step, uint64_t issue) = 0;
  // The functional check of the layer's outputs, once they are all written back.
  virtual void check_layer(const Layer& layer, size_t index) = 0;

  // Issues a blocking transport at absolute cycle `issue`; returns the completion cycle. Keeps
  // the target's account of the time (`answer_`).
  uint64_t timed_call(tlm_utils::simple_initiator_socket<Controller>& socket, Transaction& tr,
                      uint64_t issue);
  // Issues a compute command (a TransactionWith<TileCompute> or <ChunkCompute>) at absolute cycle
  // `begin`; returns the cycle it ends. Keeps the unit's account of its time (`answer_`).
  template <typename Command, typename... Others>
  uint64_t timed_compute(tlm_utils::simple_initiator_socket<Controller>& socket,
                         TransactionWith<Command, Others...>& tr, uint64_t begin) {
    const uint64_t end = timed_call(socket, tr, begin);
    answer_.compute = tr.template get<Command>().time;
    return end;
  }
  // Issues a fetch or writeback at absolute cycle `issue` that may stay in flight while later
  // ones are issued: the memory side may defer its completion, which the loop settles when the
  // step needs it.
  Completion timed_transfer(tlm_utils::simple_initiator_socket<Controller>& socket, Transaction& tr,
                            uint64_t issue);
  // Frees a buffer slot of `tensor`.
  void release(Tensor tensor, int slot);

  Workload workload_;

 private:
  // Per tensor: when each slot is free again (the buffer says which tile is in which).
  struct Residency {
    std::array<uint64_t, 2> slot_free{};
    std::array<std::optional<Completion>, 2> writing;  // a write-back in flight from the slot
  };

  struct LayerTime {
    uint64_t end = 0;
    uint64_t stalls = 0;
    CycleCauses causes;  // of the cycles from the layer's start to `end`
  };

  // The time accounts of the last transaction timed_call issued.
  struct Answer {
    ComputeTime compute;
    TransferTime transfer;
  };

  // Adds a computed step's cycles (answer_) to `t.causes`, and the `stall` cycles it waited for
  // its data before (the layer's start when it is the first step).
  void attribute_step(LayerTime& t, const Step& step, uint64_t stall, bool first);

  void run();
  void run_layer(const Layer& layer, size_t index);
  LayerTime replay_steps(const Layer& layer, uint64_t steps, uint64_t start);
  Step request(const Layer& layer, uint64_t index, uint64_t start,
               std::array<Residency, kNumTensors>& residency);
  // Asks the buffer where step `index`'s tile of `tensor` is, or goes.
  TilePlacement place(uint64_t index, Tensor tensor);
  // The one transaction every placement reuses (each is answered before the next is asked): a
  // payload costs more to build than the question it carries, asked for every tile of every step.
  // A placement carries its command, tensor and TilePlacement, set anew for each.
  TransactionWith<TilePlacement> placement_;
  // For a buffer that looks ahead: the next step needing each step's tile of each tensor.
  void find_next_uses(uint64_t steps);
  std::array<std::vector<uint64_t>, kNumTensors> next_use_;
  void release_all();
  // Settles the step's fetches: its `ready` and `late`.
  static void settle(Step& step);
  // Settles the write-back in flight from `slot`, if any: the slot is free when it completes.
  void settle_write_back(Residency& r, size_t slot);
  uint64_t written_ = 0;  // the last write-back of the layer so far completes

  Answer answer_;
  uint64_t macs_ = 0;        // of the layer being replayed
  uint64_t vector_ops_ = 0;  // of the layer being replayed
  uint64_t& tiles_;
  uint64_t& fetches_;
  uint64_t& writebacks_;
  uint64_t& refills_;
};

}  // namespace tessera
