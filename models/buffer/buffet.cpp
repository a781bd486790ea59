// buffer: buffet — a banked global buffer filled and drained by explicit commands (a buffet in
// the sense of Pellauer et al., ASPLOS 2019: data arrive in order, are read while resident, and
// leave when the controller releases them). With double buffering each tensor has two slots,
// so the next tile is filled while the current one is read. Slots, ports and timing:
// models/buffer/slotted_buffer.h.
#include "models/buffer/slotted_buffer.h"
#include "plan/tile_geometry.h"
#include "sim/registry.h"

namespace tessera {
namespace {

class Buffet : public SlottedBuffer {
 public:
  using SlottedBuffer::SlottedBuffer;

 protected:
  // A tile occupies its slot whole.
  void take_fetched(Slot& slot, const TileExtension& ext, uint64_t /*address*/) override {
    slot.box = ext.box;
    slot.resident_bytes = ext.bytes;
  }

  void take_written(Slot& slot, const TileExtension& ext, uint64_t /*address*/) override {
    if (!(slot.box == ext.box)) {  // a new output tile takes the slot
      slot.box = ext.box;
      slot.resident_bytes = box_bytes(ext.box, ext.element_bits);
    }
  }
};

}  // namespace

TESSERA_REGISTER(Buffer, buffet, Buffet, "banked global buffer, optionally double-buffered",
                 (slotted_buffer_params()));

}  // namespace tessera
