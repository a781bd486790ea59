// What the streams service has worked out for a stripe, remembered by what the work-out read
// (Channel::stripes_from_now()). The key holds small values, 16 bits each; the table finds a key
// by open addressing and forgets everything when three quarters full, so that its memory stays
// bounded however long the run.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace tessera::ddr {

// Up to kLanes values, 16 bits each.
class StripeKey {
 public:
  static constexpr size_t kLanes = 64;

  void clear() {
    lanes_ = 0;
    widest_ = 0;
  }
  // Appends a value; the caller adds at most kLanes. One of 2^16 or more leaves a key that fits()
  // no more.
  void add(uint64_t value) {
    lane_[lanes_++] = static_cast<uint16_t>(value);
    widest_ |= value;
  }
  [[nodiscard]] bool fits() const { return widest_ <= 0xFFFF; }
  [[nodiscard]] uint64_t hash() const {
    uint64_t h = lanes_;
    for (size_t i = 0; i < lanes_; i += 4) {
      uint64_t word = 0;
      std::memcpy(&word, &lane_[i], sizeof word);  // lanes past the last may hold anything
      if (lanes_ - i < 4) word &= (uint64_t{1} << (16 * (lanes_ - i))) - 1;
      h = (h ^ word) * 0x9E3779B97F4A7C15ULL ^ (h >> 31);
    }
    return h ^ (h >> 29);
  }
  [[nodiscard]] bool operator==(const StripeKey& o) const {
    return lanes_ == o.lanes_ && std::memcmp(lane_.data(), o.lane_.data(), 2 * lanes_) == 0;
  }

 private:
  std::array<uint16_t, kLanes + 3> lane_{};  // room to read the last lanes as a whole word
  size_t lanes_ = 0;
  uint64_t widest_ = 0;  // every value or'ed
};

template <typename Value>
class StripeMemo {
 public:
  // `slots` a power of two.
  explicit StripeMemo(size_t slots) : capacity_(slots) {}

  // The value remembered for `key`, or null.
  [[nodiscard]] const Value* find(const StripeKey& key, uint64_t hash) const {
    if (slots_.empty()) return nullptr;
    for (size_t i = hash & (capacity_ - 1);; i = (i + 1) & (capacity_ - 1)) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.key == key) return &s.value;
    }
  }
  // Remembers `value` for `key` (not remembered yet).
  void add(const StripeKey& key, uint64_t hash, const Value& value) {
    if (slots_.empty() || 4 * (used_ + 1) > 3 * capacity_) {
      slots_.assign(capacity_, Slot{});
      used_ = 0;
    }
    size_t i = hash & (capacity_ - 1);
    while (slots_[i].used) i = (i + 1) & (capacity_ - 1);
    slots_[i] = {key, value, true};
    ++used_;
  }

 private:
  struct Slot {
    StripeKey key;
    Value value;
    bool used = false;
  };
  size_t capacity_, used_ = 0;
  std::vector<Slot> slots_;  // allocated at the first add
};

}  // namespace tessera::ddr
