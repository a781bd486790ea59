// buffer: lru — a global buffer that keeps the input and weight tiles the controller has moved
// on from, in whatever capacity its current tiles leave free, and evicts the least recently used
// first. A fetch of a tile still kept is served on chip: no DRAM transfer, no time. Output tiles
// are written back and not kept. Everything else (slots, ports, timing) is the buffet's.
//
// An example of a buffer policy built outside tessera's tree: one file, built against the
// installed package, loaded with `tessera --plugin liblru_buffer.so -p buffer.impl=lru`.
#include <algorithm>
#include <array>
#include <list>
#include <map>
#include <tuple>
#include <vector>

#include "models/buffer/slotted_buffer.h"
#include "plan/tile_geometry.h"
#include "sim/plugin.h"
#include "sim/registry.h"

namespace {

using tessera::Tensor;

class LruBuffer : public tessera::SlottedBuffer {
 public:
  LruBuffer(const sc_core::sc_module_name& name, const tessera::ParamValues& p)
      : SlottedBuffer(name, p),
        hits_(stats().counter("lru_hits", "tiles", "fetches served from kept tiles")),
        kept_peak_(stats().counter("lru_kept_peak", "bytes", "largest footprint of kept tiles")) {}

 protected:
  void controller_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    // A layer's tiles leave when it ends: the next layer's are other tensors.
    if (tessera::extension_of(p).command == tessera::Command::release) forget_all();
    SlottedBuffer::controller_transport(p, delay);
  }

  // The tile the slot held is kept (if it is an operand that is only read), then the new one
  // takes the slot whole.
  void take_fetched(Slot& slot, const tessera::TileExtension& ext, uint64_t address) override {
    if (slot.resident_bytes > 0 && ext.tensor != Tensor::outputs) keep(ext, slot);
    SlottedBuffer::take_fetched(slot, ext, address);
  }

  bool fetch_on_chip(Slot& slot, const tessera::TileExtension& ext) override {
    const auto found = index_.find(key_of(ext, ext.box));
    const bool hit = found != index_.end();
    if (hit) {
      slot.values = std::move(found->second->values);
      kept_bytes_ -= found->second->bytes;
      order_.erase(found->second);
      index_.erase(found);
      ++hits_;
    }
    evict_to_fit();
    return hit;
  }

 private:
  // A tile of one tensor of the layer: its box's corners name it (the shape is the tensor's).
  using Corner = std::array<int64_t, 4>;
  using Key = std::tuple<Tensor, Corner, Corner>;
  struct Kept {
    Key key;
    int64_t bytes;
    std::vector<int32_t> values;  // functional mode
  };

  static Key key_of(const tessera::TileExtension& ext, const tessera::Box& box) {
    return {ext.tensor, box.lo, box.hi};
  }

  void keep(const tessera::TileExtension& ext, Slot& slot) {
    const Key key = key_of(ext, slot.box);
    if (index_.count(key) != 0) return;
    order_.push_front({key, slot.resident_bytes, std::move(slot.values)});
    index_.emplace(key, order_.begin());
    kept_bytes_ += slot.resident_bytes;
    kept_peak_ = std::max<uint64_t>(kept_peak_, static_cast<uint64_t>(kept_bytes_));
  }

  // Kept tiles live in what the slots leave free; the least recently used go first.
  void evict_to_fit() {
    while (!order_.empty() && kept_bytes_ > capacity_bytes() - resident_bytes()) {
      kept_bytes_ -= order_.back().bytes;
      index_.erase(order_.back().key);
      order_.pop_back();
    }
  }

  void forget_all() {
    order_.clear();
    index_.clear();
    kept_bytes_ = 0;
  }

  std::list<Kept> order_;  // most recently used first
  std::map<Key, std::list<Kept>::iterator> index_;
  int64_t kept_bytes_ = 0;
  uint64_t& hits_;
  uint64_t& kept_peak_;
};

}  // namespace

namespace tessera {
TESSERA_REGISTER(Buffer, lru, LruBuffer,
                 "buffet that keeps released input and weight tiles in its free space, evicting "
                 "the least recently used",
                 (slotted_buffer_params()));
}  // namespace tessera

TESSERA_PLUGIN()
