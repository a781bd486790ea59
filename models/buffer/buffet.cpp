// buffer: buffet — a banked global buffer filled and drained by explicit commands (a buffet in
// the sense of Pellauer et al., ASPLOS 2019: data arrive in order, are read while resident, and
// leave when the controller releases them). With double buffering each tensor has two slots,
// so the next tile is filled while the current one is read.
//
// Timing: on the PE side, the read and the write port each move banks * bank_width bytes per
// cycle. Fills and drains use the memory-side port, sized to the memory, so memory alone limits
// them.
#include <algorithm>
#include <array>
#include <map>
#include <vector>

#include "models/buffer/interface.h"
#include "sim/error.h"
#include "sim/registry.h"

namespace tessera {
namespace {

constexpr int64_t kWordBytes = 8;  // energy is counted per 64-bit word access

class Buffet : public Buffer {
 public:
  Buffet(const sc_core::sc_module_name& name, const ParamValues& p)
      : Buffer(name, p),
        capacity_(p.get_int("capacity_kib") * 1024),
        port_bytes_per_cycle_(p.get_int("banks") * p.get_int("bank_width_bytes")),
        double_buffered_(p.get_bool("double_buffered")),
        read_words_(stats().counter("read_word", "64-bit words", "words read", true)),
        write_words_(stats().counter("write_word", "64-bit words", "words written", true)),
        fills_(stats().counter("fills", "transfers", "tiles brought in from memory")),
        drains_(stats().counter("drains", "transfers", "tiles sent to memory")),
        peak_occupancy_(stats().counter("peak_occupancy", "bytes", "largest resident footprint")) {}

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
      write_words_ += words(ext.bytes);
      slot.box = ext.box;
      slot.bytes = ext.bytes;
      if (functional) slot.values.assign(static_cast<size_t>(ext.box.volume()), 0);
      mem.prepare(tlm::TLM_READ_COMMAND, p.get_address(), functional ? slot.values.data() : nullptr,
                  functional ? slot.values.size() : 0);
      update_occupancy();
    } else if (ext.command == Command::writeback) {
      ++drains_;
      read_words_ += words(ext.bytes);
      require_resident(slot, ext);
      mem.prepare(tlm::TLM_WRITE_COMMAND, p.get_address(),
                  functional ? slot.values.data() : nullptr, functional ? slot.values.size() : 0);
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
    if (p.is_read()) {
      read_words_ += words(ext.bytes);
      require_resident(slot, ext);
      if (p.get_data_ptr() != nullptr) {
        std::copy(slot.values.begin(), slot.values.end(),
                  reinterpret_cast<int32_t*>(p.get_data_ptr()));
      }
    } else {
      write_words_ += words(ext.bytes);
      if (!(slot.box == ext.box)) {  // a new output tile takes the slot
        slot.box = ext.box;
        slot.bytes = box_bytes(ext.box, ext.layer->precision_bits);
        update_occupancy();
      }
      if (p.get_data_ptr() != nullptr) {
        const auto* in = reinterpret_cast<const int32_t*>(p.get_data_ptr());
        slot.values.assign(in, in + ext.box.volume());
      }
    }
    delay += cycles(port_cycles(ext.bytes));
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

 private:
  struct Slot {
    Box box;
    int64_t bytes = 0;
    std::vector<int32_t> values;  // functional mode only
  };

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
      for (const auto& s : tensor) total += s.bytes;
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
  [[nodiscard]] static uint64_t words(int64_t bytes) {
    return static_cast<uint64_t>((bytes + kWordBytes - 1) / kWordBytes);
  }

  int64_t capacity_;
  int64_t port_bytes_per_cycle_;
  bool double_buffered_;
  std::array<std::array<Slot, 2>, kNumTensors> slots_;
  uint64_t& read_words_;
  uint64_t& write_words_;
  uint64_t& fills_;
  uint64_t& drains_;
  uint64_t& peak_occupancy_;
};

}  // namespace

TESSERA_REGISTER(Buffer, buffet, Buffet, "banked global buffer, optionally double-buffered",
                 {int_param("capacity_kib", 512, "KiB", "capacity"),
                  int_param("banks", 16, "", "number of banks"),
                  int_param("bank_width_bytes", 8, "bytes", "bytes per bank per cycle, each port"),
                  bool_param("double_buffered", true,
                             "two slots per tensor: the next tile fills while this one is used")});

}  // namespace tessera
