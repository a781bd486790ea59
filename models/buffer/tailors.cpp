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
#include <vector>

#include "models/buffer/slotted_buffer.h"
#include "sim/error.h"
#include "sim/registry.h"
#include "sparse/spmspm_plan.h"

namespace tessera {
namespace {

constexpr int64_t kStreamShare = 16;  // the streaming window is 1/16 of a region

class SparseBuffet : public SlottedBuffer {
 public:
  SparseBuffet(const sc_core::sc_module_name& name, const ParamValues& p, bool overbook)
      : SlottedBuffer(name, p),
        overbook_(overbook),
        regions_(operand_regions(capacity_bytes(), double_buffered())),
        overbooked_(stats().counter("overbooked_tiles", "tiles",
                                    "tiles larger than their region (bumped tail streamed)")),
        bumped_words_(stats().counter("bumped_words", "32-bit words",
                                      "words of tiles that did not stay resident")),
        refetched_bytes_(stats().counter("refetched_bytes", "bytes",
                                         "bumped bytes streamed from memory again on reuse")) {}

 protected:
  // Fetched or written by the PE array, a tile takes its slot the same way.
  void take_fetched(Slot& slot, const TileExtension& ext, uint64_t address) override {
    place(slot, ext, address);
  }
  void take_written(Slot& slot, const TileExtension& ext, uint64_t address) override {
    place(slot, ext, address);
  }

  // A spilled output tile's tail is in memory already: only the head goes out now.
  size_t writeback_extent(const Slot& slot, TileExtension& out) const override {
    const int64_t words = slot.box.volume() - (slot.spilled ? slot.bumped_words : 0);
    out.box.hi[3] = out.box.lo[3] + words;
    out.bytes = words * kWordBytes;
    return static_cast<size_t>(words);
  }

  sc_core::sc_time read_tile(Slot& slot, tlm::tlm_generic_payload& access,
                             const sc_core::sc_time& issue, int32_t* out) override {
    sc_core::sc_time memory_done = sc_core::SC_ZERO_TIME;
    std::vector<int32_t> tail;
    const bool refetch = slot.bumped_words > 0 && slot.passes > 0;
    if (refetch) memory_done = refetch_tail(slot, access, issue, tail);
    ++slot.passes;
    if (out != nullptr) {
      // A reuse pass of an overbooked tile reads the head here and the tail as it streams in.
      const auto head = static_cast<size_t>(slot.box.volume() - (refetch ? slot.bumped_words : 0));
      std::copy(slot.values.begin(), slot.values.begin() + static_cast<std::ptrdiff_t>(head), out);
      std::copy(tail.begin(), tail.end(), out + head);
    }
    return memory_done;
  }

  sc_core::sc_time after_write(Slot& slot, tlm::tlm_generic_payload& access,
                               const sc_core::sc_time& issue) override {
    if (slot.bumped_words > 0) return spill_tail(slot, access, issue);
    return sc_core::SC_ZERO_TIME;
  }

 private:
  // A tile takes the slot: it stays whole if it fits its region, else its head does.
  void place(Slot& slot, const TileExtension& ext, uint64_t address) {
    const int64_t words = ext.box.volume();
    const int64_t region = region_words(ext.tensor);
    slot = Slot{};
    slot.box = ext.box;
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
  }

  // An output tile that overbooks as the PE writes it: its tail streams out to its place in
  // memory, so a later pass re-fetches it and the writeback sends only the head.
  sc_core::sc_time spill_tail(Slot& slot, tlm::tlm_generic_payload& access,
                              const sc_core::sc_time& issue) {
    const TileExtension& ext = extension_of(access);
    const int64_t head = slot.box.volume() - slot.bumped_words;
    Transaction mem;
    mem.ext = ext;
    mem.forward_extensions(access);
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
    record_tail("bumped tail spilled", issue, done, mem.ext.bytes);
    slot.spilled = true;
    slot.passes = 1;  // the tail has left: any read re-fetches it
    return done;
  }

  // Streams the bumped tail from memory again for a reuse pass; returns when it has arrived.
  sc_core::sc_time refetch_tail(const Slot& slot, tlm::tlm_generic_payload& access,
                                const sc_core::sc_time& issue, std::vector<int32_t>& tail) {
    const TileExtension& ext = extension_of(access);
    const int64_t head = slot.box.volume() - slot.bumped_words;
    Transaction mem;
    mem.ext = ext;
    mem.forward_extensions(access);
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
    record_tail("bumped tail re-fetched", issue, done, mem.ext.bytes);
    refetched_bytes_ += static_cast<uint64_t>(mem.ext.bytes);
    count_write_words(mem.ext.bytes);
    return done;
  }

  // `issue` and `done` are delays from now, as on the socket.
  void record_tail(const char* what, const sc_core::sc_time& issue, const sc_core::sc_time& done,
                   int64_t bytes) const {
    Timeline* t = timeline();
    if (t == nullptr) return;
    t->span(timeline_track(*t), what, cycle_at(issue), cycle_at(done), {{"bytes", bytes}});
  }

  [[nodiscard]] int64_t region_words(Tensor t) const {
    switch (t) {
      case Tensor::inputs: return regions_.a;
      case Tensor::weights: return regions_.b;
      case Tensor::outputs: return regions_.z;
    }
    return 0;
  }

  bool overbook_;
  OperandRegions regions_;
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
  [[nodiscard]] double overbook_target() const override { return target_; }

 private:
  double target_;
};

class PrescientBuffer : public SparseBuffet {
 public:
  PrescientBuffer(const sc_core::sc_module_name& name, const ParamValues& p)
      : SparseBuffet(name, p, false) {}
};

}  // namespace

TESSERA_REGISTER_WITH_FACTS(
    Buffer, tailors, TailorsBuffer, Buffer::Facts{TilePolicy::swiftiles},
    "buffet whose sparse tiles may overbook it: bumped tails re-streamed on reuse",
    (slotted_buffer_params(
        {real_param("overbook_target", 0.1, "fraction",
                    "fraction of B's tiles Swiftiles lets overbook, in (0, 1)")})));

TESSERA_REGISTER_WITH_FACTS(
    Buffer, prescient, PrescientBuffer, Buffer::Facts{TilePolicy::prescient},
    "buffet whose sparse tiles are sized with full knowledge so that all fit",
    (slotted_buffer_params()));

}  // namespace tessera
