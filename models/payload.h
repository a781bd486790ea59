// What travels on the sockets. Every transaction is a tlm_generic_payload; the facts about the
// tensor and tile it concerns that every module may read ride in a TileExtension. Facts that
// belong to one family ride in a small extension that family's interface header owns: a compute
// command's in TileCompute (models/pe_array/interface.h) or ChunkCompute
// (models/vector/interface.h), the sparse decoder's account of an operand read in DecodedOperand
// (models/sparse/interface.h), what the crypto engine needs to find a tensor's authentication
// blocks in StoredTensor (models/crypto/interface.h). A transaction carries them with
// TransactionWith; a module that passes a transaction on as new ones (a PE array's operand reads
// for a compute command, a buffer's memory transfers for a fetch or an operand access) marks them
// as made for it (Transaction::forward_extensions), and family_extension() finds the extensions
// of the transactions a payload was made for as well as its own.
//
// Size: the modelled size in bytes (at the layer's precision, TileExtension::element_bits) is
// TileExtension::bytes; timing and energy use only that. Data: in functional mode the payload's
// data array holds the box's values, one int32_t per element in the box's row-major order;
// otherwise it is empty (nullptr, length 0).
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <tlm>

#include "plan/tile_geometry.h"

namespace tessera {

enum class Command {
  place,      // controller -> buffer: where a tile a step needs is, or goes (untimed; the buffer
              // family's TilePlacement)
  fetch,      // controller -> buffer: bring a box from memory into the buffer
  writeback,  // controller -> buffer: send a box from the buffer to memory (the resident box of
              // a slot, or a part of it)
  release,    // controller -> buffer: the data in a slot are no longer needed
  operand,    // pe_array -> buffer: read (TLM_READ) or write (TLM_WRITE) a box held in the buffer
  memory,     // buffer -> crypto -> dram: read or write a box in memory
  compute,    // controller -> pe_array: compute one tile
};

// How a computed tile's cycles divide, as the PE array answers a compute command; the parts add
// up to the cycles it annotated. The controller turns them into the layer's cycle causes
// (sim/cycle_causes.h).
struct ComputeTime {
  uint64_t macs = 0;        // multiply-accumulates the tile performed
  uint64_t streaming = 0;   // folds' steady state: operands streaming through the array
  uint64_t fill_drain = 0;  // folds filling and draining the array
  uint64_t imbalance = 0;   // the fullest PE's work beyond the average PE's (sparse operands)
  uint64_t port_stall = 0;  // the array waiting for the buffer's PE-side ports
  uint64_t refetch = 0;     // the array waiting for data the buffer re-fetches from memory
  uint64_t vector_ops = 0;  // operations of a vector-unit chunk (then `streaming` is its lanes')
};

// How a memory transfer's cycles divide, as the memory side answers it; the parts add up to the
// transfer's cycles from its issue to its completion.
struct TransferTime {
  uint64_t dram_bandwidth = 0;  // DRAM time its bytes need at peak bandwidth, and queueing
                                // behind earlier transfers on a channel with no other timing
  uint64_t dram_latency = 0;    // the rest of the DRAM time: fixed latency, rows, refresh, ...
  uint64_t crypto = 0;          // the crypto engine's own time
};

// The completion of a memory transfer, which the memory side may work out after the call
// returns: deferred completion in loosely-timed mode, so that transfers issued one after another
// but in flight together share the memory as they would in hardware.
//
// An initiator that can wait sets TileExtension::may_defer on a fetch, writeback or memory
// transaction. The target may then queue the transfer and defer() its completion: the call
// returns with the delay meaningless, and the initiator calls settle() when it needs the
// completion. Settling promises that every transfer the initiator issues afterwards arrives no
// earlier than this completion, so that the memory can serve requests up to it knowing every
// request that competes with them. A module between the two that adds time of its own does so
// with then(). A target that answers at once leaves `completion` alone and answers with the
// delay and TileExtension::transfer_time as usual.
class Completion {
 public:
  using Finish = std::function<void(Completion&)>;

  Completion() = default;
  // A pending completion is settled once, by whoever holds it: it moves, and copying one is a
  // wiring bug (a transaction copied while its transfer is in flight).
  Completion(const Completion& other) : cycle(other.cycle), time(other.time) { not_pending(other); }
  Completion& operator=(const Completion& other) {
    not_pending(other);
    cycle = other.cycle;
    time = other.time;
    return *this;
  }
  Completion(Completion&& other) noexcept
      : cycle(other.cycle), time(other.time), finish_(std::exchange(other.finish_, nullptr)) {}
  Completion& operator=(Completion&& other) noexcept {
    cycle = other.cycle;
    time = other.time;
    finish_ = std::exchange(other.finish_, nullptr);
    return *this;
  }
  ~Completion() = default;

  [[nodiscard]] bool pending() const { return static_cast<bool>(finish_); }
  // The target: `finish` sets `cycle` and `time` when the initiator settles.
  void defer(Finish finish) { finish_ = std::move(finish); }
  // A module between: `next` runs after the target's finish, and may move `cycle` later.
  void then(Finish next);
  // The initiator: works the completion out if it was deferred; returns `cycle`.
  uint64_t settle();

  uint64_t cycle = 0;  // accelerator cycle the transfer completes
  TransferTime time;   // how it took its time

 private:
  static void not_pending(const Completion& c);
  Finish finish_;
};

struct TileExtension : tlm::tlm_extension<TileExtension> {
  Command command = Command::memory;
  Tensor tensor = Tensor::inputs;
  Box box;               // the data moved (all commands but compute)
  int element_bits = 0;  // the width of the tensor's elements in memory (the layer's precision)
  int64_t bytes = 0;     // modelled size of the box
  int slot = 0;          // buffer half (double buffering) the box belongs to

  GemmRange range;          // the tile in the layer's GEMM view (compute, fetch and writeback)
  bool functional = false;  // carry values (the payload data array holds them where present)
  // Operand accesses, answered by the buffer: cycles the access waited for memory beyond its
  // port time (a bumped tail re-fetched).
  uint64_t refetch_wait = 0;

  // The transaction this one was made for (Transaction::forward_extensions), or null.
  tlm::tlm_generic_payload* served = nullptr;

  TransferTime transfer_time;  // fetch, writeback, memory: answered by the memory side
  // fetch, writeback, memory: the initiator can wait for a deferred completion (see Completion).
  bool may_defer = false;
  Completion completion;

  [[nodiscard]] tlm::tlm_extension_base* clone() const override { return new TileExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const TileExtension&>(other);
  }
};

// A payload with its extension attached, both owned here (no memory manager: transactions are
// blocking and live on the initiator's stack).
struct Transaction {
  tlm::tlm_generic_payload payload;
  TileExtension ext;

  Transaction() { payload.set_extension(&ext); }
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Resets the payload for a new request; `data` (functional mode) holds `elements` values.
  void prepare(tlm::tlm_command cmd, uint64_t address, int32_t* data = nullptr,
               size_t elements = 0);
  // This transaction is made for `from`: family_extension() finds the families' extensions of
  // `from` (and of what `from` was made for) on it too, where it has none of its own. Nothing is
  // copied; `from` must outlive this transaction.
  void forward_extensions(tlm::tlm_generic_payload& from) { ext.served = &from; }
};

// A transaction that also carries families' extensions, e.g. TransactionWith<TileCompute>.
template <typename... Family>
struct TransactionWith : Transaction {
  std::tuple<Family...> family;

  TransactionWith() {
    std::apply([this](auto&... e) { (payload.set_extension(&e), ...); }, family);
  }
  ~TransactionWith() {
    std::apply([this](auto&... e) { (payload.clear_extension(&e), ...); }, family);
  }
  TransactionWith(const TransactionWith&) = delete;
  TransactionWith& operator=(const TransactionWith&) = delete;

  template <typename E>
  [[nodiscard]] E& get() {
    return std::get<E>(family);
  }
};

// The extension of a payload; a payload without one is a wiring bug.
[[nodiscard]] TileExtension& extension_of(tlm::tlm_generic_payload& p);

// A family's extension `E` of a payload, its own or forwarded to it (found on the transactions it
// was made for, the nearest first); a payload without it is a wiring bug (`who` is the module that
// expected it).
template <typename E>
[[nodiscard]] E& family_extension(tlm::tlm_generic_payload& p, const char* who) {
  for (tlm::tlm_generic_payload* q = &p; q != nullptr;) {
    if (E* e = q->get_extension<E>()) return *e;
    const TileExtension* t = q->get_extension<TileExtension>();
    q = t != nullptr ? t->served : nullptr;
  }
  throw std::logic_error(std::string(who) + ": a transaction without its family's extension");
}

// Throws a SimulationError when a target answered with an error response.
void check_response(const tlm::tlm_generic_payload& p, const char* who);

}  // namespace tessera
