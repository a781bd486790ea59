// The common body of the buffers made of per-tensor slots (buffet, tailors, prescient): each
// tensor has one slot, or two when double-buffered. The controller asks where a tile goes, fetches
// it into a slot, writes it back and releases it; the PE side reads the resident tile or writes an
// output tile. A subclass decides which slot a tile takes and what a tile does to its slot (the
// hooks below); everything else is here.
// A writeback sends the resident box, or a part of it (each tile of a region fetched whole).
//
// Timing: on the PE side, the read and the write port each move banks * bank_width bytes per
// cycle. Fills and drains use the memory-side port, sized to the memory, so memory alone limits
// them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "models/buffer/interface.h"
#include "sim/params.h"

namespace tessera {

// The parameters every slotted buffer takes, followed by an implementation's own `extra`.
[[nodiscard]] std::vector<ParamSpec> slotted_buffer_params(std::vector<ParamSpec> extra = {});

class SlottedBuffer : public Buffer {
 public:
  SlottedBuffer(const sc_core::sc_module_name& name, const ParamValues& p);

  [[nodiscard]] int64_t capacity_bytes() const override { return capacity_; }
  [[nodiscard]] bool double_buffered() const override { return double_buffered_; }
  [[nodiscard]] int64_t port_bytes_per_cycle() const override { return port_bytes_per_cycle_; }

 protected:
  struct Slot {
    Box box;
    int64_t resident_bytes = 0;  // what the tile occupies in the buffer
    uint64_t address = 0;        // where the tile lives in memory
    // A tile only partly resident (tailors): the words of its bumped tail, the PE reads of the
    // tile so far, and whether an output tile's tail went to memory as it was written.
    int64_t bumped_words = 0;
    int64_t passes = 0;
    bool spilled = false;
    // Functional mode: the tile's values. Only the head of a partly resident tile is resident;
    // its tail's values are kept for the first pass (they stream in with the fill) and re-read
    // from memory after it.
    std::vector<int32_t> values;
  };

  // Where the tile `where` names goes among tensor `t`'s slots: answers where.hit and where.slot.
  // By default the tensor's last tile placed stays resident, and a new one takes the other slot
  // (double-buffered) or the only one.
  virtual void place(Tensor t, TilePlacement& where);
  // What a fetched tile does to its slot, before its values arrive. By default it occupies the
  // slot whole.
  virtual void take_fetched(Slot& slot, const TileExtension& ext, uint64_t address);
  // What an output tile the PE writes does to its slot, before its values are stored. By default
  // a new output tile occupies the slot whole (its box at the elements' width); a rewrite of the
  // resident tile changes nothing.
  virtual void take_written(Slot& slot, const TileExtension& ext, uint64_t address);
  // Whether a fetched tile, just placed in `slot`, is still on chip (a buffer that keeps tiles
  // after the controller moved on, say): then no memory transfer is made and the fetch takes no
  // time. In functional mode the override fills `slot.values`. By default never.
  virtual bool fetch_on_chip(Slot& slot, const TileExtension& ext);
  // What a writeback sends: narrows `out` (box and bytes) and returns how many values it carries.
  // By default the whole tile, as the controller describes it.
  virtual size_t writeback_extent(const Slot& slot, TileExtension& out) const;
  // A PE read `access` of the resident tile into `out` (null outside functional mode); returns
  // when any memory traffic the read needed, issued at `issue`, has finished (zero if none). Such
  // traffic forwards the access's extensions (Transaction::forward_extensions).
  virtual sc_core::sc_time read_tile(Slot& slot, tlm::tlm_generic_payload& access,
                                     const sc_core::sc_time& issue, int32_t* out);
  // After a PE write `access` has stored the tile: returns when any memory traffic it caused,
  // issued at `issue`, has finished (zero if none).
  virtual sc_core::sc_time after_write(Slot& slot, tlm::tlm_generic_payload& access,
                                       const sc_core::sc_time& issue);

  void controller_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override;
  void pe_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override;

  // The bytes the slots' tiles occupy now.
  [[nodiscard]] int64_t resident_bytes() const;

  // Energy is counted per 64-bit word access.
  [[nodiscard]] static uint64_t energy_words(int64_t bytes);
  void count_write_words(int64_t bytes) { write_words_ += energy_words(bytes); }

 private:
  Slot& slot_of(Tensor t, int slot);
  void require_resident(const Slot& slot, const TileExtension& ext) const;
  // Whether `part` is a nonempty box of the same tensor inside `whole`.
  [[nodiscard]] static bool within(const Box& whole, const Box& part);
  // Checks the resident tiles fit, and records their bytes at `cycle` on the timeline.
  void update_occupancy(uint64_t cycle);
  [[nodiscard]] uint64_t port_cycles(int64_t bytes) const;

  int64_t capacity_;
  int64_t port_bytes_per_cycle_;
  bool double_buffered_;
  std::array<std::array<Slot, 2>, kNumTensors> slots_;
  // Per tensor, for the default placement: the tile placed last and its slot.
  struct Placed {
    std::optional<TileName> tile;
    int slot = 0;
  };
  std::array<Placed, kNumTensors> placed_{};
  uint64_t& read_words_;
  uint64_t& write_words_;
  uint64_t& fills_;
  uint64_t& drains_;
  uint64_t& peak_occupancy_;
};

}  // namespace tessera
