#include "models/buffer/slotted_buffer.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "models/functional_store.h"
#include "sim/error.h"
#include "sim/numbers.h"

namespace tessera {
namespace {

constexpr int64_t kEnergyWordBytes = 8;  // energy is counted per 64-bit word access

}  // namespace

std::vector<ParamSpec> slotted_buffer_params(std::vector<ParamSpec> extra) {
  std::vector<ParamSpec> specs{
      int_param("capacity_kib", 512, "KiB", "capacity"),
      int_param("banks", 16, "", "number of banks"),
      int_param("bank_width_bytes", 8, "bytes", "bytes per bank per cycle, each port"),
      bool_param("double_buffered", true,
                 "two slots per tensor: the next tile fills while this one is used")};
  specs.insert(specs.end(), extra.begin(), extra.end());
  return specs;
}

SlottedBuffer::SlottedBuffer(const sc_core::sc_module_name& name, const ParamValues& p)
    : Buffer(name, p),
      capacity_(p.get_int("capacity_kib") * 1024),
      port_bytes_per_cycle_(p.get_int("banks") * p.get_int("bank_width_bytes")),
      double_buffered_(p.get_bool("double_buffered")),
      read_words_(stats().counter("read_word", "64-bit words", "words read", true)),
      write_words_(stats().counter("write_word", "64-bit words", "words written", true)),
      fills_(stats().counter("fills", "transfers", "tiles brought in from memory")),
      drains_(stats().counter("drains", "transfers", "tiles sent to memory")),
      peak_occupancy_(stats().counter("peak_occupancy", "bytes", "largest resident footprint")) {}

void SlottedBuffer::controller_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  TileExtension& ext = extension_of(p);
  if (ext.command == Command::place) {
    place(ext.tensor, family_extension<TilePlacement>(p, name()));
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  const bool functional = ext.functional;
  const uint64_t issue = cycle_at(delay);
  Slot& slot = slot_of(ext.tensor, ext.slot);
  Transaction mem;
  mem.ext = ext;
  mem.ext.command = Command::memory;
  mem.forward_extensions(p);
  std::vector<int32_t> part;  // the values of a writeback of part of the resident box
  if (ext.command == Command::fetch) {
    take_fetched(slot, ext, p.get_address());
    update_occupancy(issue);
    if (fetch_on_chip(slot, ext)) {
      ext.transfer_time = {};
      p.set_response_status(tlm::TLM_OK_RESPONSE);
      return;
    }
    ++fills_;
    write_words_ += energy_words(ext.bytes);
    if (functional) slot.values.assign(static_cast<size_t>(ext.box.volume()), 0);
    mem.prepare(tlm::TLM_READ_COMMAND, p.get_address(), functional ? slot.values.data() : nullptr,
                functional ? slot.values.size() : 0);
  } else if (ext.command == Command::writeback && within(slot.box, ext.box) &&
             !(slot.box == ext.box)) {
    // Part of the resident box (a re-encryption writes a fetched region's tiles one by one).
    ++drains_;
    read_words_ += energy_words(ext.bytes);
    if (functional) {
      Box at = ext.box;  // the part, in the resident box's own row-major layout
      for (size_t d = 0; d < 4; ++d) {
        at.shape[d] = slot.box.hi[d] - slot.box.lo[d];
        at.lo[d] -= slot.box.lo[d];
        at.hi[d] -= slot.box.lo[d];
      }
      part.resize(static_cast<size_t>(at.volume()));
      gather_box(slot.values, at, part.data());
    }
    mem.prepare(tlm::TLM_WRITE_COMMAND, p.get_address(), functional ? part.data() : nullptr,
                part.size());
  } else if (ext.command == Command::writeback) {
    ++drains_;
    require_resident(slot, ext);
    const size_t values = writeback_extent(slot, mem.ext);
    read_words_ += energy_words(mem.ext.bytes);
    mem.prepare(tlm::TLM_WRITE_COMMAND, p.get_address(), functional ? slot.values.data() : nullptr,
                functional ? values : 0);
  } else if (ext.command == Command::release) {
    slot = Slot{};
    placed_[tensor_index(ext.tensor)] = Placed{};
    update_occupancy(issue);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  } else {
    throw std::logic_error("buffer: unexpected command from the controller");
  }
  to_memory->b_transport(mem.payload, delay);
  check_response(mem.payload, name());
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  const auto record = [this, fill = ext.command == Command::fetch, tensor = ext.tensor, issue,
                       bytes = mem.ext.bytes](uint64_t done) {
    if (Timeline* t = timeline()) {
      t->span(timeline_track(*t), std::string(fill ? "fill " : "write-back ") + to_string(tensor),
              issue, done, {{"bytes", bytes}});
    }
  };
  if (mem.ext.completion.pending()) {  // the memory serves it later
    ext.completion = std::move(mem.ext.completion);
    ext.completion.then([record](Completion& c) { record(c.cycle); });
    return;
  }
  ext.transfer_time = mem.ext.transfer_time;
  record(cycle_at(delay));
}

void SlottedBuffer::pe_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  TileExtension& ext = extension_of(p);
  Slot& slot = slot_of(ext.tensor, ext.slot);
  sc_core::sc_time memory_done = sc_core::SC_ZERO_TIME;
  if (p.is_read()) {
    read_words_ += energy_words(ext.bytes);
    require_resident(slot, ext);
    memory_done = read_tile(slot, p, delay, reinterpret_cast<int32_t*>(p.get_data_ptr()));
  } else {
    write_words_ += energy_words(ext.bytes);
    take_written(slot, ext, p.get_address());
    update_occupancy(cycle_at(delay));
    if (p.get_data_ptr() != nullptr) {
      const auto* in = reinterpret_cast<const int32_t*>(p.get_data_ptr());
      slot.values.assign(in, in + ext.box.volume());
    }
    memory_done = after_write(slot, p, delay);
  }
  delay += cycles(port_cycles(ext.bytes));
  ext.refetch_wait = memory_done > delay ? to_cycles(memory_done - delay) : 0;
  delay = std::max(delay, memory_done);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

void SlottedBuffer::place(Tensor t, TilePlacement& where) {
  Placed& placed = placed_[tensor_index(t)];
  where.hit = placed.tile == where.tile;
  if (!where.hit) {
    if (double_buffered_) placed.slot ^= 1;
    placed.tile = where.tile;
  }
  where.slot = placed.slot;
}

void SlottedBuffer::take_fetched(Slot& slot, const TileExtension& ext, uint64_t /*address*/) {
  slot.box = ext.box;
  slot.resident_bytes = ext.bytes;
}

void SlottedBuffer::take_written(Slot& slot, const TileExtension& ext, uint64_t /*address*/) {
  if (!(slot.box == ext.box)) {
    slot.box = ext.box;
    slot.resident_bytes = box_bytes(ext.box, ext.element_bits);
  }
}

bool SlottedBuffer::fetch_on_chip(Slot& /*slot*/, const TileExtension& /*ext*/) {
  return false;
}

int64_t SlottedBuffer::resident_bytes() const {
  int64_t total = 0;
  for (const auto& tensor : slots_) {
    for (const auto& s : tensor) total += s.resident_bytes;
  }
  return total;
}

size_t SlottedBuffer::writeback_extent(const Slot& slot, TileExtension& /*out*/) const {
  return slot.values.size();
}

sc_core::sc_time SlottedBuffer::read_tile(Slot& slot, tlm::tlm_generic_payload& /*access*/,
                                          const sc_core::sc_time& /*issue*/, int32_t* out) {
  if (out != nullptr) std::copy(slot.values.begin(), slot.values.end(), out);
  return sc_core::SC_ZERO_TIME;
}

sc_core::sc_time SlottedBuffer::after_write(Slot& /*slot*/, tlm::tlm_generic_payload& /*access*/,
                                            const sc_core::sc_time& /*issue*/) {
  return sc_core::SC_ZERO_TIME;
}

uint64_t SlottedBuffer::energy_words(int64_t bytes) {
  return static_cast<uint64_t>(ceil_div(bytes, kEnergyWordBytes));
}

SlottedBuffer::Slot& SlottedBuffer::slot_of(Tensor t, int slot) {
  return slots_[tensor_index(t)][static_cast<size_t>(double_buffered_ ? slot & 1 : 0)];
}

bool SlottedBuffer::within(const Box& whole, const Box& part) {
  if (whole.shape != part.shape || part.empty()) return false;
  for (size_t d = 0; d < 4; ++d) {
    if (part.lo[d] < whole.lo[d] || part.hi[d] > whole.hi[d]) return false;
  }
  return true;
}

void SlottedBuffer::require_resident(const Slot& slot, const TileExtension& ext) const {
  if (!(slot.box == ext.box)) {
    throw SimulationError(std::string(name()) + ": " + to_string(ext.tensor) +
                          " tile requested but not resident (the controller did not fetch it)");
  }
}

// Run after every placement, also one that changed nothing (the PE rewriting its output tile):
// only a placement raises the total, so such a check passes and leaves the peak as it was.
void SlottedBuffer::update_occupancy(uint64_t cycle) {
  const int64_t total = resident_bytes();
  if (total > capacity_) {
    throw SimulationError(std::string(name()) + ": resident tiles need " + std::to_string(total) +
                          " bytes, more than the capacity " + std::to_string(capacity_));
  }
  peak_occupancy_ = std::max<uint64_t>(peak_occupancy_, static_cast<uint64_t>(total));
  if (Timeline* t = timeline()) {
    t->counter(t->track(std::string(basename()) + " occupancy", TrackKind::counter, {}, "bytes"),
               cycle, total);
  }
}

uint64_t SlottedBuffer::port_cycles(int64_t bytes) const {
  return static_cast<uint64_t>(ceil_div(bytes, port_bytes_per_cycle_));
}

}  // namespace tessera
