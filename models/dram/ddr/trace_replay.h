// DRAMSim3's trace format, one request per line: a hex address, READ or WRITE, and the arrival
// time in DRAM clock cycles, e.g. `0x1a2b3c40 READ 120`. Replaying a trace serves every request
// and reports the memory system's statistics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/dram/ddr/memory_system.h"

namespace tessera::ddr {

struct TraceRequest {
  uint64_t address = 0;
  uint64_t arrival = 0;
  bool write = false;
};

// Replay issues every refresh up to the last arrival, so its cost grows with the trace's span:
// arrivals are bounded (2^32 cycles are seconds of device time, longer than any recorded trace).
inline constexpr uint64_t kMaxArrivalCycle = uint64_t{1} << 32;

// Throws InputError (file, line, field) for a malformed line, an address at or beyond
// `capacity_bytes`, an arrival beyond kMaxArrivalCycle or earlier than the line before.
[[nodiscard]] std::vector<TraceRequest> parse_dram_trace(const std::string& text,
                                                         const std::string& file,
                                                         uint64_t capacity_bytes);

struct ReplayResult {
  uint64_t cycles = 0;  // cycle of the last data beat
  ChannelStats totals;
  std::vector<ChannelStats> channels;
};

// Serves every request (each one burst) and returns the statistics up to the last data beat.
[[nodiscard]] ReplayResult replay(MemorySystem& memory, const std::vector<TraceRequest>& trace);

// Replays the trace as DRAMSim3's trace reader feeds its controllers (controller.h), one channel
// controller each: every cycle the controllers tick, then the next request enters if its cycle
// has come and its queue has room; a refused request waits, and so do all after it. At the end
// the write buffers are emptied, so every request reaches the device.
[[nodiscard]] ReplayResult replay_controllers(const Device& device, const AddressMap& map,
                                              const std::vector<TraceRequest>& trace);

}  // namespace tessera::ddr
