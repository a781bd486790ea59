// buffer: buffet — a banked global buffer filled and drained by explicit commands (a buffet in
// the sense of Pellauer et al., ASPLOS 2019: data arrive in order, are read while resident, and
// leave when the controller releases them). With double buffering each tensor has two slots,
// so the next tile is filled while the current one is read. Slots, ports and timing:
// models/buffer/slotted_buffer.h.
#include "models/buffer/slotted_buffer.h"
#include "sim/registry.h"

namespace tessera {
namespace {

// A tile occupies its slot whole: the slotted buffer's defaults.
class Buffet : public SlottedBuffer {
 public:
  using SlottedBuffer::SlottedBuffer;
};

}  // namespace

TESSERA_REGISTER(Buffer, buffet, Buffet, "banked global buffer, optionally double-buffered",
                 (slotted_buffer_params()));

}  // namespace tessera
