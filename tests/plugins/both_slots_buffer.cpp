// buffer: both_slots — test only: a buffet whose slots each keep their tile until another tile
// needs the slot, so that a tile still in a tensor's other slot is found there (a hit: no fetch,
// no partial-sum refill). A new tile takes the slot used longer ago.
//
// It shows that residency and replacement are the buffer's (models/buffer/interface.h): the
// placement is one hook of one file.
#include <array>
#include <optional>

#include "models/buffer/slotted_buffer.h"
#include "plan/tile_geometry.h"
#include "sim/plugin.h"
#include "sim/registry.h"

namespace {

using tessera::Tensor;

class BothSlotsBuffer : public tessera::SlottedBuffer {
 public:
  BothSlotsBuffer(const sc_core::sc_module_name& name, const tessera::ParamValues& p)
      : SlottedBuffer(name, p),
        hits_(stats().counter("other_slot_hits", "tiles", "tiles found in the other slot")) {}

 protected:
  void controller_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    // A layer's tiles leave when it ends: the next layer's are other tiles.
    const tessera::TileExtension& ext = tessera::extension_of(p);
    if (ext.command == tessera::Command::release) {
      held_[tessera::tensor_index(ext.tensor)] = {};
      last_[tessera::tensor_index(ext.tensor)] = 0;
    }
    SlottedBuffer::controller_transport(p, delay);
  }

  void place(Tensor t, tessera::TilePlacement& where) override {
    std::array<Held, 2>& held = held_[tessera::tensor_index(t)];
    const int slots = double_buffered() ? 2 : 1;
    int slot = 0;
    for (int s = 0; s < slots; ++s) {
      if (held[static_cast<size_t>(s)].tile == where.tile) {
        where.hit = true;
        slot = s;
        if (s != last_[tessera::tensor_index(t)]) ++hits_;
        break;
      }
      if (held[static_cast<size_t>(s)].last_use < held[static_cast<size_t>(slot)].last_use)
        slot = s;
    }
    if (!where.hit) held[static_cast<size_t>(slot)].tile = where.tile;
    held[static_cast<size_t>(slot)].last_use = static_cast<int64_t>(where.step);
    last_[tessera::tensor_index(t)] = slot;
    where.slot = slot;
  }

 private:
  struct Held {
    std::optional<tessera::TileName> tile;
    int64_t last_use = -1;  // the last step that used it; -1: never used
  };
  std::array<std::array<Held, 2>, tessera::kNumTensors> held_{};
  std::array<int, tessera::kNumTensors> last_{};  // the slot each tensor's last tile is in
  uint64_t& hits_;
};

}  // namespace

namespace tessera {
TESSERA_REGISTER(Buffer, both_slots, BothSlotsBuffer,
                 "buffet whose slots keep their tiles until needed: a tile still in the other "
                 "slot is a hit",
                 (slotted_buffer_params()));
}  // namespace tessera

TESSERA_PLUGIN()
