// buffer: belady — test only: the LRU example's buffet that keeps input and weight tiles in the
// capacity its current tiles leave free, with Belady's replacement instead: a tile never needed
// again is not kept, and room is made by dropping the kept tile needed furthest ahead. The
// controller tells each placement when the tile is needed next (Facts::needs_next_use).
//
// It shows that a replacement that looks ahead is one file (models/buffer/interface.h).
#include <algorithm>
#include <array>
#include <map>
#include <utility>
#include <vector>

#include "models/buffer/slotted_buffer.h"
#include "sim/plugin.h"
#include "sim/registry.h"

namespace {

using tessera::Tensor;
using tessera::TilePlacement;

class BeladyBuffer : public tessera::SlottedBuffer {
 public:
  BeladyBuffer(const sc_core::sc_module_name& name, const tessera::ParamValues& p)
      : SlottedBuffer(name, p),
        hits_(stats().counter("belady_hits", "tiles", "fetches served from kept tiles")) {}

 protected:
  void controller_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    // A layer's tiles leave when it ends: the next layer's are other tiles.
    if (tessera::extension_of(p).command == tessera::Command::release) {
      kept_.clear();
      kept_bytes_ = 0;
      in_slot_ = {};
    }
    SlottedBuffer::controller_transport(p, delay);
  }

  void place(Tensor t, TilePlacement& where) override {
    SlottedBuffer::place(t, where);
    const Named named{where.tile, where.next_use, true};
    const auto kept = kept_.find({t, where.tile});
    if (kept != kept_.end()) kept->second.next_use = where.next_use;
    if (where.hit) {
      in_slot_[tessera::tensor_index(t)][static_cast<size_t>(where.slot)] = named;
    } else {
      incoming_[tessera::tensor_index(t)] = named;
    }
  }

  // The tile the slot held is kept (an operand needed again), then the new one takes the slot.
  void take_fetched(Slot& slot, const tessera::TileExtension& ext, uint64_t address) override {
    Named& held = in_slot_[tessera::tensor_index(ext.tensor)][static_cast<size_t>(ext.slot & 1)];
    if (slot.resident_bytes > 0 && ext.tensor != Tensor::outputs && held.known &&
        held.next_use != TilePlacement::kNotAgain && kept_.count({ext.tensor, held.tile}) == 0) {
      kept_[{ext.tensor, held.tile}] = {held.next_use, slot.resident_bytes, std::move(slot.values)};
      kept_bytes_ += slot.resident_bytes;
    }
    held = incoming_[tessera::tensor_index(ext.tensor)];
    SlottedBuffer::take_fetched(slot, ext, address);
  }

  bool fetch_on_chip(Slot& slot, const tessera::TileExtension& ext) override {
    const auto found = kept_.find({ext.tensor, incoming_[tessera::tensor_index(ext.tensor)].tile});
    const bool hit = found != kept_.end();
    if (hit) {
      slot.values = std::move(found->second.values);
      kept_bytes_ -= found->second.bytes;
      kept_.erase(found);
      ++hits_;
    }
    // Kept tiles live in what the slots leave free; the one needed furthest ahead goes first.
    while (!kept_.empty() && kept_bytes_ > capacity_bytes() - resident_bytes()) {
      const auto furthest = std::max_element(
          kept_.begin(), kept_.end(),
          [](const auto& a, const auto& b) { return a.second.next_use < b.second.next_use; });
      kept_bytes_ -= furthest->second.bytes;
      kept_.erase(furthest);
    }
    return hit;
  }

 private:
  struct Named {
    tessera::TileName tile{};
    uint64_t next_use = TilePlacement::kNotAgain;
    bool known = false;  // a slot that has held no tile of the layer yet
  };
  struct Kept {
    uint64_t next_use;
    int64_t bytes;
    std::vector<int32_t> values;  // functional mode
  };

  std::map<std::pair<Tensor, tessera::TileName>, Kept> kept_;
  int64_t kept_bytes_ = 0;
  // Per tensor: the tile each slot holds, and the one a miss is bringing in.
  std::array<std::array<Named, 2>, tessera::kNumTensors> in_slot_{};
  std::array<Named, tessera::kNumTensors> incoming_{};
  uint64_t& hits_;
};

}  // namespace

namespace tessera {
TESSERA_REGISTER_WITH_FACTS(Buffer, belady, BeladyBuffer,
                            (Buffer::Facts{TilePolicy::worst_case, true}),
                            "buffet that keeps input and weight tiles in its free space, dropping "
                            "the one needed furthest ahead",
                            (slotted_buffer_params()));
}  // namespace tessera

TESSERA_PLUGIN()
