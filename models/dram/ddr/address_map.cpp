#include "models/dram/ddr/address_map.h"

#include <stdexcept>

#include "models/dram/ddr/device.h"

namespace tessera::ddr {
namespace {

int log2_exact(uint64_t v) {
  int bits = 0;
  while ((uint64_t{1} << bits) < v) ++bits;
  return bits;
}

}  // namespace

AddressMap::AddressMap(const Device& d, const std::string& mapping) {
  static const char* const kNames[kFields] = {"ch", "ra", "bg", "ba", "ro", "co"};
  const uint64_t counts[kFields] = {
      static_cast<uint64_t>(d.channels),   static_cast<uint64_t>(d.ranks),
      static_cast<uint64_t>(d.bankgroups), static_cast<uint64_t>(d.banks_per_group),
      static_cast<uint64_t>(d.rows),       static_cast<uint64_t>(d.columns / d.burst_length)};
  if (mapping.size() != size_t{2} * kFields) {
    throw std::invalid_argument("'" + mapping +
                                "' must name each of ch, ra, bg, ba, ro, co exactly once");
  }
  bool seen[kFields] = {};
  int shift = log2_exact(static_cast<uint64_t>(d.burst_bytes()));
  // The last field is the least significant.
  for (int i = kFields - 1; i >= 0; --i) {
    const std::string name = mapping.substr(2 * static_cast<size_t>(i), 2);
    int f = 0;
    while (f < kFields && name != kNames[f]) ++f;
    if (f == kFields) {
      throw std::invalid_argument("unknown field '" + name + "' in '" + mapping +
                                  "' (fields: ch, ra, bg, ba, ro, co)");
    }
    if (seen[f]) throw std::invalid_argument("field '" + name + "' repeated in '" + mapping + "'");
    seen[f] = true;
    const int bits = log2_exact(counts[f]);
    shift_[f] = shift;
    mask_[f] = (uint64_t{1} << bits) - 1;
    shift += bits;
    if (f == column) row_set_shift_ = shift;
  }
  if (shift >= 64) throw std::invalid_argument("the address needs more than 63 bits");
  capacity_ = uint64_t{1} << shift;
}

uint64_t AddressMap::encode(const Location& at) const {
  return (static_cast<uint64_t>(at.channel) << shift_[channel]) |
         (static_cast<uint64_t>(at.rank) << shift_[rank]) |
         (static_cast<uint64_t>(at.bankgroup) << shift_[bankgroup]) |
         (static_cast<uint64_t>(at.bank) << shift_[bank]) |
         (static_cast<uint64_t>(at.row) << shift_[row]) |
         (static_cast<uint64_t>(at.column) << shift_[column]);
}

}  // namespace tessera::ddr
