#include "models/controller/step_pipeline.h"

#include <algorithm>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>

#include "sim/numbers.h"

namespace tessera {

StepPipelineController::StepPipelineController(const sc_core::sc_module_name& name,
                                               const ParamValues& p, const char* step_description,
                                               const char* refill_description)
    : Controller(name, p),
      tiles_(stats().counter("tiles", "tiles", step_description)),
      fetches_(stats().counter("fetches", "transfers", "operand tiles fetched")),
      writebacks_(stats().counter("writebacks", "transfers", "output tiles written back")),
      refills_(stats().counter("psum_refills", "transfers", refill_description)) {
  SC_THREAD(run);
}

void StepPipelineController::run() {
  try {
    for (size_t i = 0; i < workload_.trace->layers.size(); ++i) {
      run_layer(workload_.trace->layers[i], i);
    }
  } catch (...) {
    // Returning ends the simulation: nothing else schedules events.
    failure_ = std::current_exception();
  }
}

void StepPipelineController::run_layer(const Layer& layer, size_t index) {
  if (workload_.events.on_start) workload_.events.on_start(layer);
  const uint64_t start = now_cycle();
  const uint64_t steps = begin_layer(layer, index);
  const uint64_t ready = reencrypt_inputs(layer, index, start);
  LayerTime t = replay_steps(layer, steps, ready);
  t.causes[CycleCause::reencryption] = ready - start;
  sc_core::wait(cycles(t.end - start));
  release_all();
  if (workload_.functional) check_layer(layer, index);
  if (workload_.events.on_end) {
    workload_.events.on_end(layer, t.end - start, t.stalls, steps, t.causes);
  }
}

// Double-buffered, software-pipelined by one step: request step i's operands, then compute step
// i-1, so that requests reach memory in time order and step i's data arrive while step i-1
// computes. Single-buffered, step i's operands replace step i-1's, so they are requested only
// once step i-1 has been computed.
StepPipelineController::LayerTime StepPipelineController::replay_steps(const Layer& layer,
                                                                       uint64_t steps,
                                                                       uint64_t start) {
  const bool two_slots = workload_.facts.double_buffered;
  std::array<Residency, kNumTensors> residency{};
  for (Residency& r : residency) r.slot_free = {start, start};

  std::optional<Step> pending;
  uint64_t compute_done = start;
  written_ = start;
  LayerTime t{start, 0, {}};
  macs_ = 0;
  vector_ops_ = 0;
  if (workload_.facts.buffer_needs_next_use) find_next_uses(steps);
  for (uint64_t i = 0; i <= steps; ++i) {
    std::optional<Step> next;
    const bool more = i < steps;
    if (more && two_slots) next = request(layer, i, start, residency);
    if (pending) {
      settle(*pending);
      const uint64_t begin = std::max(compute_done, pending->ready);
      const uint64_t stall = begin - compute_done;
      t.stalls += stall;
      compute_done = compute(layer, *pending, begin);
      attribute_step(t, *pending, stall, pending->index == 0);
      if (workload_.events.on_step) workload_.events.on_step(pending->index + 1, steps);
      if (tessera::Timeline* timeline = this->timeline()) {
        const uint32_t track = timeline_track(*timeline);
        const auto step = static_cast<int64_t>(pending->index);
        timeline->span(track, "waiting for data", begin - stall, begin, {{"step", step}});
        timeline->span(track, "step", begin, compute_done, {{"step", step}});
      }
      ++tiles_;
      for (size_t s = 0; s < kNumTensors; ++s) {
        residency[s].slot_free[static_cast<size_t>(pending->slots[s])] = compute_done;
      }
      t.end = std::max(t.end, compute_done);
      const bool output_changes =
          !more || tile_key(i, Tensor::outputs) != tile_key(pending->index, Tensor::outputs);
      if (output_changes && writes_back(pending->index)) {
        ++writebacks_;
        const auto slot = static_cast<size_t>(pending->slots[tensor_index(Tensor::outputs)]);
        Residency& r = residency[tensor_index(Tensor::outputs)];
        settle_write_back(r, slot);  // the slot's last one first, in issue order
        r.writing[slot] = write_back(layer, *pending, compute_done);
      }
    }
    if (more && !two_slots) next = request(layer, i, start, residency);
    pending = std::move(next);
  }
  for (size_t s = 0; s < 2; ++s) settle_write_back(residency[tensor_index(Tensor::outputs)], s);
  t.end = std::max(t.end, written_);
  // The array's streaming cycles so far stand under `compute`: the part a fully used array
  // would need stays there, the rest is under-use. A vector-unit layer's lanes are its compute.
  const uint64_t streaming = t.causes[CycleCause::compute];
  const auto pes = static_cast<uint64_t>(workload_.facts.array.rows * workload_.facts.array.cols);
  const uint64_t ideal =
      vector_ops_ > 0 ? streaming : std::min(streaming, pes == 0 ? streaming : macs_ / pes);
  t.causes[CycleCause::compute] = ideal;
  t.causes[CycleCause::array_underuse] = streaming - ideal;
  t.causes[CycleCause::layer_end] = t.end - compute_done;
  return t;
}

void StepPipelineController::attribute_step(LayerTime& t, const Step& step, uint64_t stall,
                                            bool first) {
  const ComputeTime& c = answer_.compute;
  macs_ += c.macs;
  vector_ops_ += c.vector_ops;
  t.causes[CycleCause::compute] += c.streaming;
  t.causes[CycleCause::fill_drain] += c.fill_drain;
  t.causes[CycleCause::sparse_imbalance] += c.imbalance;
  t.causes[CycleCause::buffer_port_stall] += c.port_stall;
  t.causes[CycleCause::overbook_refetch] += c.refetch;
  if (stall == 0) return;
  if (first) {
    t.causes[CycleCause::layer_start] += stall;
    return;
  }
  // The step waited for its last fetch: the wait is shared out as that fetch spent its time.
  const TransferTime& late = step.late;
  const std::array<uint64_t, 3> parts =
      split_in_proportion<3>(stall, {late.dram_bandwidth, late.dram_latency, late.crypto});
  t.causes[CycleCause::dram_bandwidth_stall] += parts[0];
  t.causes[CycleCause::dram_latency_stall] += parts[1];
  t.causes[CycleCause::crypto_stall] += parts[2];
}

// Asks the buffer where each of the step's tiles is, and fetches the ones it does not hold into
// the slots it chose, each as soon as that slot is free.
StepPipelineController::Step StepPipelineController::request(
    const Layer& layer, uint64_t index, uint64_t start,
    std::array<Residency, kNumTensors>& residency) {
  Step step;
  step.index = index;
  step.ready = start;
  for (Tensor tensor : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
    if (!moves(tensor)) continue;
    Residency& r = residency[tensor_index(tensor)];
    const TilePlacement where = place(index, tensor);
    if (where.slot < 0 || where.slot >= (workload_.facts.double_buffered ? 2 : 1)) {
      throw std::logic_error(std::string(name()) + ": the buffer placed a tile in slot " +
                             std::to_string(where.slot) + ", which it does not have");
    }
    const auto slot = static_cast<size_t>(where.slot);
    step.slots[tensor_index(tensor)] = where.slot;
    if (where.hit && r.writing[slot]) {
      // An output tile found again while it is written back: the step waits for the write-back
      // to have read the slot out.
      const uint64_t done = r.writing[slot]->settle();
      if (done > step.ready) {
        step.ready = done;
        step.late = r.writing[slot]->time;
      }
      settle_write_back(r, slot);
    }
    if (tensor == Tensor::outputs) {
      // Partial sums are already here, or come back from memory; a fresh output tile needs no
      // fetch.
      step.accumulate = accumulates(index, where.hit);
      if (where.hit || !step.accumulate) continue;
      ++refills_;
    } else if (where.hit) {
      continue;
    }
    ++fetches_;
    settle_write_back(r, slot);
    step.fetches[step.in_flight++] = fetch(layer, index, tensor, where.slot, r.slot_free[slot]);
  }
  return step;
}

TilePlacement StepPipelineController::place(uint64_t index, Tensor tensor) {
  TransactionWith<TilePlacement>& tr = placement_;
  tr.ext.command = Command::place;
  tr.ext.tensor = tensor;
  auto& where = tr.get<TilePlacement>();
  where = TilePlacement{};
  where.tile = tile_key(index, tensor);
  where.step = index;
  const std::vector<uint64_t>& next = next_use_[tensor_index(tensor)];
  if (index < next.size()) where.next_use = next[index];
  tr.prepare(tlm::TLM_IGNORE_COMMAND, 0);
  sc_core::sc_time none = sc_core::SC_ZERO_TIME;
  to_buffer->b_transport(tr.payload, none);
  check_response(tr.payload, name());
  return where;
}

void StepPipelineController::find_next_uses(uint64_t steps) {
  for (Tensor tensor : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
    std::vector<uint64_t>& next = next_use_[tensor_index(tensor)];
    next.assign(moves(tensor) ? steps : 0, TilePlacement::kNotAgain);
    std::map<TileKey, uint64_t> later;  // each tile's first step after the one looked at
    for (uint64_t s = next.size(); s-- > 0;) {
      const auto [it, fresh] = later.try_emplace(tile_key(s, tensor), s);
      if (!fresh) {
        next[s] = it->second;
        it->second = s;
      }
    }
  }
}

void StepPipelineController::settle(Step& step) {
  for (size_t i = 0; i < step.in_flight; ++i) {
    Completion& c = step.fetches[i];
    const uint64_t done = c.settle();
    if (done >= step.ready) step.late = c.time;
    step.ready = std::max(step.ready, done);
  }
  step.in_flight = 0;
}

void StepPipelineController::settle_write_back(Residency& r, size_t slot) {
  std::optional<Completion>& writing = r.writing[slot];
  if (!writing) return;
  const uint64_t done = writing->settle();
  r.slot_free[slot] = std::max(r.slot_free[slot], done);
  written_ = std::max(written_, done);
  writing.reset();
}

// A layer's tiles leave the buffer when it ends.
void StepPipelineController::release_all() {
  for (Tensor t : {Tensor::inputs, Tensor::weights, Tensor::outputs}) {
    for (int s = 0; s < 2; ++s) release(t, s);
  }
}

void StepPipelineController::release(Tensor tensor, int slot) {
  Transaction tr;
  tr.ext.command = Command::release;
  tr.ext.tensor = tensor;
  tr.ext.slot = slot;
  tr.prepare(tlm::TLM_IGNORE_COMMAND, 0);
  sc_core::sc_time none = sc_core::SC_ZERO_TIME;
  to_buffer->b_transport(tr.payload, none);
  check_response(tr.payload, name());
}

uint64_t StepPipelineController::timed_call(tlm_utils::simple_initiator_socket<Controller>& socket,
                                            Transaction& tr, uint64_t issue) {
  sc_core::sc_time delay = delay_until(issue);
  socket->b_transport(tr.payload, delay);
  check_response(tr.payload, name());
  answer_ = {{}, tr.ext.transfer_time};
  return cycle_at(delay);
}

Completion StepPipelineController::timed_transfer(
    tlm_utils::simple_initiator_socket<Controller>& socket, Transaction& tr, uint64_t issue) {
  tr.ext.may_defer = true;
  sc_core::sc_time delay = delay_until(issue);
  socket->b_transport(tr.payload, delay);
  check_response(tr.payload, name());
  if (tr.ext.completion.pending()) return std::move(tr.ext.completion);
  Completion done;
  done.cycle = cycle_at(delay);
  done.time = tr.ext.transfer_time;
  return done;
}

}  // namespace tessera
