// Physical address -> (channel, rank, bank group, bank, row, column), from a string of two-letter
// fields, most significant first, as DRAMSim3's `address_mapping` key gives it: "rochrababgco" puts
// the row in the top bits and the column just above the burst offset. Each field takes log2 of
// its count bits; the column field counts bursts (columns / BL).
#pragma once

#include <cstdint>
#include <string>

namespace tessera::ddr {

struct Device;

struct Location {
  int channel = 0, rank = 0, bankgroup = 0, bank = 0;  // bank: within its group
  int64_t row = 0, column = 0;                         // column: in bursts
};

class AddressMap {
 public:
  // Throws std::invalid_argument naming the problem for a malformed mapping.
  AddressMap(const Device& device, const std::string& mapping);

  [[nodiscard]] Location decode(uint64_t address) const {  // inline: once per burst
    Location at;
    at.channel = static_cast<int>((address >> shift_[channel]) & mask_[channel]);
    at.rank = static_cast<int>((address >> shift_[rank]) & mask_[rank]);
    at.bankgroup = static_cast<int>((address >> shift_[bankgroup]) & mask_[bankgroup]);
    at.bank = static_cast<int>((address >> shift_[bank]) & mask_[bank]);
    at.row = static_cast<int64_t>((address >> shift_[row]) & mask_[row]);
    at.column = static_cast<int64_t>((address >> shift_[column]) & mask_[column]);
    return at;
  }
  // The address of the first byte of a location (the inverse of decode).
  [[nodiscard]] uint64_t encode(const Location& at) const;
  [[nodiscard]] uint64_t capacity_bytes() const { return capacity_; }
  // The address bits that choose the channel, rank, bank group, bank and row (all but the
  // column and the offset within a burst).
  [[nodiscard]] uint64_t location_mask() const {
    uint64_t m = 0;
    for (const Field f : {channel, rank, bankgroup, bank, row}) m |= mask_[f] << shift_[f];
    return m;
  }
  // Bytes of an aligned block whose bursts share every field above the column: a row of each
  // bank the block stripes over, a whole row set.
  [[nodiscard]] uint64_t row_set_bytes() const { return uint64_t{1} << row_set_shift_; }
  // Bytes from one column to the next of the same bank: the fields below the column stripe
  // consecutive bursts over that many bytes' worth of banks.
  [[nodiscard]] uint64_t stripe_bytes() const { return uint64_t{1} << shift_[column]; }

 private:
  enum Field { channel, rank, bankgroup, bank, row, column, kFields };
  int shift_[kFields] = {};
  uint64_t mask_[kFields] = {};
  int row_set_shift_ = 0;  // the bits above the column's
  uint64_t capacity_ = 0;
};

}  // namespace tessera::ddr
