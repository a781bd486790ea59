// The buffer family: the on-chip global buffer. Takes place/fetch/writeback/release commands from
// the controller, operand reads/writes from the PE side, and talks to memory through its
// initiator.
//
// Residency is the buffer's. Each tensor has slots (two when double-buffered, else one). For every
// tile a step needs, the controller asks where it is (Command::place, with a TilePlacement): the
// buffer answers whether it is resident in a slot (a hit: no fetch) and the slot it is in or is to
// be fetched into (a miss: the buffer chose which tile gives way). On a miss the controller then
// fetches the tile into that slot once the slot's last user is done. A release (at a layer's end)
// empties a slot, and the layer's next tiles are other tiles. A pass that streams chunks through
// the buffer once each (the tiled controller's re-encryption) fetches into slots of its choosing
// without asking, and releases them when it is done.
//
// A fetch or writeback may arrive with may_defer set (models/payload.h, Completion): the buffer
// passes it on to memory, and a deferred completion back (adding its own time with then()), or
// clears it and answers at once.
#pragma once

#include <cstdint>
#include <utility>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/component.h"
#include "models/payload.h"
#include "sparse/tile_choice.h"

namespace tessera {

// A tile's name within a layer and tensor: the same tile keeps it from step to step (the
// controller's loop coordinates of the tile).
using TileName = std::pair<int64_t, int64_t>;

// A tile a step needs (Command::place): given by the controller, answered by the buffer.
struct TilePlacement : tlm::tlm_extension<TilePlacement> {
  static constexpr uint64_t kNotAgain = UINT64_MAX;

  TileName tile{};
  uint64_t step = 0;  // the step that needs it
  // The next step of the layer that needs it, or kNotAgain; given only to a buffer whose facts
  // ask for it (Facts::needs_next_use: working it out costs the controller a pass over the
  // layer's steps).
  uint64_t next_use = kNotAgain;
  bool hit = false;  // answered: resident in `slot`, no fetch needed
  int slot = 0;      // answered: the slot it is in, or is to be fetched into

  [[nodiscard]] tlm::tlm_extension_base* clone() const override { return new TilePlacement(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const TilePlacement&>(other);
  }
};

class Buffer : public Component {
 public:
  static constexpr const char* kFamily = "buffer";

  struct Facts {
    // How sparse layers' tiles are sized for this buffer (sparse/tile_choice.h); for swiftiles,
    // the fraction of tiles allowed to overbook is the buffer's overbook_target().
    TilePolicy tile_policy = TilePolicy::worst_case;
    // Whether its placements need TilePlacement::next_use (a replacement that looks ahead).
    bool needs_next_use = false;
  };

  tlm_utils::simple_target_socket<Buffer> from_controller;
  tlm_utils::simple_target_socket<Buffer> from_pe;
  // The vector unit's operand reads and result writes: PE-side accesses like the array's.
  tlm_utils::simple_target_socket<Buffer> from_vector;
  tlm_utils::simple_initiator_socket<Buffer> to_memory;

  Buffer(const sc_core::sc_module_name& name, ParamValues params)
      : Component(name, std::move(params)),
        from_controller("from_controller"),
        from_pe("from_pe"),
        from_vector("from_vector"),
        to_memory("to_memory") {
    from_controller.register_b_transport(this, &Buffer::controller_transport);
    from_controller.register_transport_dbg(this, &Buffer::debug_transport);
    from_pe.register_b_transport(this, &Buffer::pe_transport);
    from_vector.register_b_transport(this, &Buffer::pe_transport);
  }

  [[nodiscard]] virtual int64_t capacity_bytes() const = 0;
  [[nodiscard]] virtual bool double_buffered() const = 0;
  // Bytes per cycle each PE-side port (read, write) moves.
  [[nodiscard]] virtual int64_t port_bytes_per_cycle() const = 0;
  // For a buffer whose tile policy is swiftiles: the fraction of tiles allowed to overbook.
  [[nodiscard]] virtual double overbook_target() const { return 0; }

 protected:
  virtual void controller_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) = 0;
  virtual void pe_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) = 0;
  // Debug (untimed) accesses go straight through to memory: loading tensors, reading results.
  virtual unsigned debug_transport(tlm::tlm_generic_payload& p) {
    return to_memory->transport_dbg(p);
  }
};

}  // namespace tessera
