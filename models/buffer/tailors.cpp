// buffer: tailors and prescient — buffets for sparse tiles whose size varies from tile to tile.
//
// Each slot of the buffer gives each operand a region (sparse/spmspm_plan.h operand_regions: B,
// the reused operand, half; A and the partial outputs a quarter each). `prescient` is a buffet
// whose tiles were sized with full knowledge so that every tile fits its region; one that does
// not is an error, as in `buffet`.
//
// `tailors` (Xue et al., MICRO 2023) lets a tile overbook its region. Data arrive in FIFO order;
// when a tile is larger than its region, its head (the region less a streaming window at the
// tail, kStreamShare of it) stays resident, and its bumped tail streams through that window on
// the way to the PE array. The first pass over the tile consumes the tail as it arrives with the
// fill; every later pass (a reuse of the tile) streams the bumped tail from memory again. Nothing
// else is re-fetched. An output tile that overbooks as the PE writes it spills its tail to memory
// (a read before its writeback re-fetches it; the writeback sends only the head). A tile that
// fits behaves exactly as in `buffet`.
//
// The tile sizes come from the controller: worst case for `buffet`, prescient for `prescient`,
// Swiftiles (sparse/swiftiles.h) with the target overbooked fraction for `tailors`.
#include <algorithm>
#include <array>
#include <vector>

#include "models/buffer/interface.h"
#include "sim/error.h"
#include "sim/registry.h"
#include "sparse/spmspm_plan.h"

namespace tessera {
namespace {

constexpr int64_t kEnergyWordBytes = 8;  // energy is counted per 64-bit word access, as in buffet
constexpr int64_t kStreamShare = 16;     // the streaming window is 1/16 of a region

class SparseBuffet : public Buffer {
 public:
  SparseBuffet(const sc_core::sc_module_name& name, const ParamValues& p, bool overbook)
      : Buffer(name, p),
        overbook_(overbook),
        capacity_(p.get_int("capacity_kib") * 1024),
        port_bytes_per_cycle_(p.get_int("banks") * p.get_int("bank_width_bytes")),
        double_buffered_(p.get_bool("double_buffered")),
        regions_(operand_regions(capacity_, double_buffered_)),
        read_words_(stats().counter("read_word", "64-bit words", "words read", true)),
        write_words_(stats().counter("write_word", "64-bit words", "words written", true)),
        fills_(stats().counter("fills", "transfers", "tiles brought in from memory")),
        drains_(stats().counter("drains", "transfers", "tiles sent to memory")),
        peak_occupancy_(stats().counter("peak_occupancy", "bytes", "largest resident footprint")),
        overbooked_(stats().counter("overbooked_tiles", "tiles",
                                    "tiles larger than their region (bumped tail streamed)")),
        bumped_words_(stats().counter("bumped_words", "32-bit words",
                                      "words of tiles that did not stay resident")),
        refetched_bytes_(stats().counter("refetched_bytes", "bytes",
                                         "bumped bytes streamed from memory again on reuse")) {}

  [[nodiscard]] int64_t capacity_bytes() const override { return capacity_; }
  [[nodiscard]] bool double_buffered() const override { return double_buffered_; }

 protected:
  void controller_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    TileExtension& ext = extension_of(p);
    const bool functional = ext.functional;
    Slot& slot = slot_of(ext.tensor, ext.slot);
    Transaction mem;
    mem.ext = ext;
    mem.ext.command = Command::memory;
    if (ext.command == Command::fetch) {
      ++fills_;
      write_words_ += energy_words(ext.bytes);
      place(slot, ext, p.get_address());
      if (functional) slot.values.assign(static_cast<size_t>(ext.box.volume()), 0);
      mem.prepare(tlm::TLM_READ_COMMAND, p.get_address(), functional ? slot.values.data() : nullptr,
                  functional ? slot.values.size() : 0);
    } else if (ext.command == Command::writeback) {
      ++drains_;
      require_resident(slot, ext);
      // A spilled output tile's tail is in memory already: only the head goes out now.
      const int64_t words = slot.box.volume() - (slot.spilled ? slot.bumped_words : 0);
      read_words_ += energy_words(words * kWordBytes);
      mem.ext.box.hi[3] = mem.ext.box.lo[3] + words;
      mem.ext.bytes = words * kWordBytes;
      mem.prepare(tlm::TLM_WRITE_COMMAND, p.get_address(),
                  functional ? slot.values.data() : nullptr,
                  functional ? static_cast<size_t>(words) : 0);
    } else if (ext.command == Command::release) {
      slot = Slot{};
      p.set_response_status(tlm::TLM_OK_RESPONSE);
      return;
    } else {
      throw std::logic_error("buffer: unexpected command from the controller");
    }
    to_memory->b_transport(mem.payload, delay);
    check_response(mem.payload, name());
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  void pe_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    TileExtension& ext = extension_of(p);
    Slot& slot = slot_of(ext.tensor, ext.slot);
    sc_core::sc_time memory_done = sc_core::SC_ZERO_TIME;
    if (p.is_read()) {
      read_words_ += energy_words(ext.bytes);
      require_resident(slot, ext);
      std::vector<int32_t> tail;
      const bool refetch = slot.bumped_words > 0 && slot.passes > 0;
      if (refetch) memory_done = refetch_tail(slot, ext, delay, tail);
      ++slot.passes;
      if (p.get_data_ptr() != nullptr) {
        // A reuse pass of an overbooked tile reads the head here and the tail as it streams in.
        auto* out = reinterpret_cast<int32_t*>(p.get_data_ptr());
        const auto head =
            static_cast<size_t>(slot.box.volume() - (refetch ? slot.bumped_words : 0));
        std::copy(slot.values.begin(), slot.values.begin() + static_cast<std::ptrdiff_t>(head),
                  out);
        std::copy(tail.begin(), tail.end(), out + head);
      }
    } else {
      write_words_ += energy_words(ext.bytes);
      place(slot, ext, p.get_address());
      if (p.get_data_ptr() != nullptr) {
        const auto* in = reinterpret_cast<const int32_t*>(p.get_data_ptr());
        slot.values.assign(in, in + ext.box.volume());
      }
      if (slot.bumped_words > 0) memory_done = spill_tail(slot, ext, delay);
    }
    delay += cycles(port_cycles(ext.bytes));
    delay = std::max(delay, memory_done);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

 private:
  struct Slot {
    Box box;
    int64_t bytes = 0;
    int64_t resident_bytes = 0;
    int64_t bumped_words = 0;
    uint64_t address = 0;
    int64_t passes = 0;    // PE reads of the tile so far
    bool spilled = false;  // an output tile whose bumped tail went to memory as it was written
    // Functional mode: the tile's values. Only the head is resident; the tail's values are kept
    // for the first pass (they stream in with the fill) and re-read from memory after it.
    std::vector<int32_t> values;
  };

  // A tile takes the slot: it stays whole if it fits its region, else its head does.
  void place(Slot& slot, const TileExtension& ext, uint64_t address) {
    const int64_t words = ext.box.volume();
    const int64_t region = region_words(ext.tensor);
    slot = Slot{};
    slot.box = ext.box;
    slot.bytes = ext.bytes;
    slot.address = address;
    slot.resident_bytes = ext.bytes;
    if (words > region) {
      if (!overbook_) {
        throw SimulationError(std::string(name()) + ": a " + to_string(ext.tensor) + " tile of " +
                              std::to_string(words) + " words does not fit its region of " +
                              std::to_string(region) + " words");
      }
      const int64_t head = region - region / kStreamShare;
      slot.bumped_words = words - head;
      slot.resident_bytes = head * kWordBytes;
      ++overbooked_;
      bumped_words_ += static_cast<uint64_t>(slot.bumped_words);
    }
    update_occupancy();
  }

  // An output tile that overbooks as the PE writes it: its tail streams out to its place in
  // memory, so a later pass re-fetches it and the writeback sends only the head.
  sc_core::sc_time spill_tail(Slot& slot, const TileExtension& ext, const sc_core::sc_time& issue) {
    const int64_t head = slot.box.volume() - slot.bumped_words;
    Transaction mem;
    mem.ext = ext;
    mem.ext.command = Command::memory;
    mem.ext.box = slot.box;
    mem.ext.box.lo[3] += head;
    mem.ext.bytes = slot.bumped_words * kWordBytes;
    mem.prepare(tlm::TLM_WRITE_COMMAND, slot.address + static_cast<uint64_t>(head * kWordBytes),
                ext.functional ? slot.values.data() + head : nullptr,
                ext.functional ? static_cast<size_t>(slot.bumped_words) : 0);
    sc_core::sc_time done = issue;
    to_memory->b_transport(mem.payload, done);
    check_response(mem.payload, name());
    slot.spilled = true;
    slot.passes = 1;  // the tail has left: any read re-fetches it
    return done;
  }

  // Streams the bumped tail from memory again for a reuse pass; returns when it has arrived.
  sc_core::sc_time refetch_tail(const Slot& slot, const TileExtension& ext,
                                const sc_core::sc_time& issue, std::vector<int32_t>& tail) {
    const int64_t head = slot.box.volume() - slot.bumped_words;
    Transaction mem;
    mem.ext = ext;
    mem.ext.command = Command::memory;
    mem.ext.box = slot.box;
    mem.ext.box.lo[3] += head;
    mem.ext.bytes = slot.bumped_words * kWordBytes;
    if (ext.functional) tail.assign(static_cast<size_t>(slot.bumped_words), 0);
    mem.prepare(tlm::TLM_READ_COMMAND, slot.address + static_cast<uint64_t>(head * kWordBytes),
                ext.functional ? tail.data() : nullptr, tail.size());
    sc_core::sc_time done = issue;
    to_memory->b_transport(mem.payload, done);
    check_response(mem.payload, name());
    refetched_bytes_ += static_cast<uint64_t>(mem.ext.bytes);
    write_words_ += energy_words(mem.ext.bytes);
    return done;
  }

  [[nodiscard]] int64_t region_words(Tensor t) const {
    switch (t) {
      case Tensor::inputs: return regions_.a;
      case Tensor::weights: return regions_.b;
      case Tensor::outputs: return regions_.z;
    }
    return 0;
  }

  Slot& slot_of(Tensor t, int slot) {
    return slots_[static_cast<size_t>(t)][static_cast<size_t>(double_buffered_ ? slot & 1 : 0)];
  }

  void require_resident(const Slot& slot, const TileExtension& ext) const {
    if (!(slot.box == ext.box)) {
      throw SimulationError(std::string(name()) + ": " + to_string(ext.tensor) +
                            " tile requested but not resident (the controller did not fetch it)");
    }
  }

  void update_occupancy() {
    int64_t total = 0;
    for (const auto& tensor : slots_) {
      for (const auto& s : tensor) total += s.resident_bytes;
    }
    if (total > capacity_) {
      throw SimulationError(std::string(name()) + ": resident tiles need " + std::to_string(total) +
                            " bytes, more than the capacity " + std::to_string(capacity_));
    }
    peak_occupancy_ = std::max<uint64_t>(peak_occupancy_, static_cast<uint64_t>(total));
  }

  [[nodiscard]] uint64_t port_cycles(int64_t bytes) const {
    return static_cast<uint64_t>((bytes + port_bytes_per_cycle_ - 1) / port_bytes_per_cycle_);
  }
  [[nodiscard]] static uint64_t energy_words(int64_t bytes) {
    return static_cast<uint64_t>((bytes + kEnergyWordBytes - 1) / kEnergyWordBytes);
  }

  bool overbook_;
  int64_t capacity_;
  int64_t port_bytes_per_cycle_;
  bool double_buffered_;
  OperandRegions regions_;
  std::array<std::array<Slot, 2>, kNumTensors> slots_;
  uint64_t& read_words_;
  uint64_t& write_words_;
  uint64_t& fills_;
  uint64_t& drains_;
  uint64_t& peak_occupancy_;
  uint64_t& overbooked_;
  uint64_t& bumped_words_;
  uint64_t& refetched_bytes_;
};

class TailorsBuffer : public SparseBuffet {
 public:
  TailorsBuffer(const sc_core::sc_module_name& name, const ParamValues& p)
      : SparseBuffet(name, p, true), target_(p.get_real("overbook_target")) {
    if (target_ <= 0 || target_ >= 1) {
      throw InputError(p.where("overbook_target"),
                       "must be a fraction in (0, 1), is " + p.text("overbook_target"));
    }
  }
  [[nodiscard]] TilePolicy tile_policy() const override { return TilePolicy::swiftiles; }
  [[nodiscard]] double overbook_target() const override { return target_; }

 private:
  double target_;
};

class PrescientBuffer : public SparseBuffet {
 public:
  PrescientBuffer(const sc_core::sc_module_name& name, const ParamValues& p)
      : SparseBuffet(name, p, false) {}
  [[nodiscard]] TilePolicy tile_policy() const override { return TilePolicy::prescient; }
};

}  // namespace

TESSERA_REGISTER(Buffer, tailors, TailorsBuffer,
                 "buffet whose sparse tiles may overbook it: bumped tails re-streamed on reuse",
                 {int_param("capacity_kib", 512, "KiB", "capacity"),
                  int_param("banks", 16, "", "number of banks"),
                  int_param("bank_width_bytes", 8, "bytes", "bytes per bank per cycle, each port"),
                  bool_param("double_buffered", true,
                             "two slots per tensor: the next tile fills while this one is used"),
                  real_param("overbook_target", 0.1, "fraction",
                             "fraction of B's tiles Swiftiles lets overbook, in (0, 1)")});

TESSERA_REGISTER(Buffer, prescient, PrescientBuffer,
                 "buffet whose sparse tiles are sized with full knowledge so that all fit",
                 {int_param("capacity_kib", 512, "KiB", "capacity"),
                  int_param("banks", 16, "", "number of banks"),
                  int_param("bank_width_bytes", 8, "bytes", "bytes per bank per cycle, each port"),
                  bool_param("double_buffered", true,
                             "two slots per tensor: the next tile fills while this one is used")});

}  // namespace tessera
