// The channels of a memory system behind one address map. Channels are independent: each has its
// own queue, banks and data bus, so each drains on its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/dram/ddr/address_map.h"
#include "models/dram/ddr/channel.h"
#include "models/dram/ddr/device.h"

namespace tessera::ddr {

class MemorySystem {
 public:
  // Throws std::invalid_argument for a malformed address mapping.
  MemorySystem(const Device& device, const Policies& policies, const std::string& address_mapping,
               PowerDown power_down = {}, Service service = Service::queue);

  [[nodiscard]] const Device& device() const { return device_; }
  [[nodiscard]] const AddressMap& address_map() const { return map_; }
  [[nodiscard]] uint64_t capacity_bytes() const { return map_.capacity_bytes(); }

  // Queues one burst-sized request; `address` must be below capacity_bytes().
  void add(uint64_t address, bool write, uint64_t arrival);
  // Queues `count` requests for consecutive bursts from `address` (burst-aligned), all arriving
  // at `arrival`; the last must be below capacity_bytes(). A nonzero `transfer` names them for
  // settle().
  void add_run(uint64_t address, uint64_t count, bool write, uint64_t arrival,
               uint64_t transfer = 0);
  // Serves every queued request; returns the cycle of the last data beat of any channel.
  uint64_t drain();
  // Serves requests until those of `transfer` have all been served, and no further (see
  // Channel::settle); returns the cycle of their last data beat.
  uint64_t settle(uint64_t transfer);

  [[nodiscard]] std::vector<ChannelStats> channel_stats(uint64_t until) const;
  // All channels together: counts and energies summed, the maximum latency the largest.
  [[nodiscard]] ChannelStats totals(uint64_t until) const;
  [[nodiscard]] Channel& channel(int index) { return channels_[static_cast<size_t>(index)]; }

 private:
  Device device_;
  AddressMap map_;
  std::vector<Channel> channels_;
};

}  // namespace tessera::ddr
