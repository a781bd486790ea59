#include "models/dram/ddr/memory_system.h"

#include <algorithm>
#include <utility>

namespace tessera::ddr {

MemorySystem::MemorySystem(const Device& device, const Policies& policies,
                           const std::string& address_mapping, PowerDown power_down,
                           Service service)
    : device_(device), map_(device, address_mapping) {
  device_.address_mapping = address_mapping;
  device_.open_page = !policies.page->close_after_column(0);
  channels_.reserve(static_cast<size_t>(device.channels));
  for (int c = 0; c < device.channels; ++c)
    channels_.emplace_back(device_, policies, power_down, service);
}

void MemorySystem::add(uint64_t address, bool write, uint64_t arrival) {
  const Location at = map_.decode(address);
  channels_[static_cast<size_t>(at.channel)].add(at, write, arrival);
}

void MemorySystem::add_run(uint64_t address, uint64_t count, bool write, uint64_t arrival,
                           uint64_t transfer) {
  const auto burst = static_cast<uint64_t>(device_.burst_bytes());
  if (channels_.size() == 1) {  // one channel: the run waits as one entry
    channels_.front().add_run(map_, address, count, write, arrival, transfer);
    return;
  }
  for (uint64_t i = 0; i < count; ++i) {
    const Location at = map_.decode(address + i * burst);
    channels_[static_cast<size_t>(at.channel)].add(at, write, arrival, transfer);
  }
}

uint64_t MemorySystem::settle(uint64_t transfer) {
  uint64_t last = 0;
  for (Channel& c : channels_) last = std::max(last, c.settle(transfer));
  return last;
}

uint64_t MemorySystem::drain() {
  uint64_t last = 0;
  for (Channel& c : channels_) {
    if (!c.idle()) last = std::max(last, c.drain());
  }
  return last;
}

std::vector<ChannelStats> MemorySystem::channel_stats(uint64_t until) const {
  std::vector<ChannelStats> out;
  for (const Channel& c : channels_) out.push_back(c.stats(until));
  return out;
}

ChannelStats MemorySystem::totals(uint64_t until) const {
  ChannelStats t;
  for (const ChannelStats& s : channel_stats(until)) accumulate(t, s);
  return t;
}

void accumulate(ChannelStats& t, const ChannelStats& s) {
  for (auto [to, from] : {std::pair{&t.reads, s.reads},
                          {&t.writes, s.writes},
                          {&t.read_row_hits, s.read_row_hits},
                          {&t.write_row_hits, s.write_row_hits},
                          {&t.row_misses, s.row_misses},
                          {&t.row_conflicts, s.row_conflicts},
                          {&t.activates, s.activates},
                          {&t.precharges, s.precharges},
                          {&t.refreshes, s.refreshes},
                          {&t.read_latency_sum, s.read_latency_sum},
                          {&t.queue_occupancy_sum, s.queue_occupancy_sum},
                          {&t.powerdown_exits, s.powerdown_exits},
                          {&t.self_refresh_exits, s.self_refresh_exits},
                          {&t.active_standby_cycles, s.active_standby_cycles},
                          {&t.precharge_standby_cycles, s.precharge_standby_cycles},
                          {&t.active_powerdown_cycles, s.active_powerdown_cycles},
                          {&t.precharge_powerdown_cycles, s.precharge_powerdown_cycles},
                          {&t.self_refresh_cycles, s.self_refresh_cycles}}) {
    *to += from;
  }
  t.read_latency_max = std::max(t.read_latency_max, s.read_latency_max);
  t.last_completion = std::max(t.last_completion, s.last_completion);
  for (auto [to, from] : {std::pair{&t.act_pj, s.act_pj},
                          {&t.pre_pj, s.pre_pj},
                          {&t.rd_pj, s.rd_pj},
                          {&t.wr_pj, s.wr_pj},
                          {&t.ref_pj, s.ref_pj},
                          {&t.background_pj, s.background_pj},
                          {&t.active_standby_pj, s.active_standby_pj},
                          {&t.precharge_standby_pj, s.precharge_standby_pj},
                          {&t.active_powerdown_pj, s.active_powerdown_pj},
                          {&t.precharge_powerdown_pj, s.precharge_powerdown_pj},
                          {&t.self_refresh_pj, s.self_refresh_pj}}) {
    *to += from;
  }
}

}  // namespace tessera::ddr
