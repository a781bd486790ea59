// DRAMSim3's trace format, one request per line: a hex address, READ or WRITE, and the arrival
// time in DRAM clock cycles, e.g. `0x1a2b3c40 READ 120`. Replaying a trace serves every request
// and reports the memory system's statistics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/dram/ddr/controller.h"
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

// Where a replay takes its requests from, one at a time in arrival order.
class RequestSource {
 public:
  virtual ~RequestSource() = default;
  // Sets `request` to the next request; false when there are no more.
  virtual bool next(TraceRequest& request) = 0;
};

// Reads a trace's text a line at a time as the replay asks for requests, so a replay holds one
// request, never the whole trace: a trace of a billion requests needs no more memory than one of
// ten. next() throws InputError (file, line, field) for a malformed line, an address at or
// beyond `capacity_bytes`, an arrival beyond kMaxArrivalCycle or earlier than the line before.
class TraceReader final : public RequestSource {
 public:
  // `text` must outlive the reader.
  TraceReader(std::string_view text, std::string file, uint64_t capacity_bytes);
  bool next(TraceRequest& request) override;

 private:
  // The usual line (`0x`, up to 15 hex digits, READ or WRITE and up to 19 decimal digits, a
  // space between them) read in one pass; false, having read nothing, for any other line, which
  // next() then reads or reports as it reads every line.
  bool next_plain(TraceRequest& request);

  const char* at_;
  const char* end_;
  std::string file_;
  uint64_t capacity_bytes_;
  int line_ = 0;
  uint64_t last_arrival_ = 0;
};

// Requests already in memory, in arrival order.
class RequestList final : public RequestSource {
 public:
  explicit RequestList(const std::vector<TraceRequest>& requests) : requests_(requests) {}
  bool next(TraceRequest& request) override;

 private:
  const std::vector<TraceRequest>& requests_;
  size_t next_ = 0;
};

struct ReplayResult {
  uint64_t cycles = 0;  // cycle of the last data beat
  ChannelStats totals;
  std::vector<ChannelStats> channels;
};

// Serves every request (each one burst) and returns the statistics up to the last data beat.
[[nodiscard]] ReplayResult replay(MemorySystem& memory, RequestSource& trace);

// Replays the trace as DRAMSim3's trace reader feeds its controllers (controller.h), one channel
// controller each: every cycle the controllers tick, then the next request enters if its cycle
// has come and its queue has room; a refused request waits, and so do all after it. At the end
// the write buffers are emptied, so every request reaches the device.
[[nodiscard]] ReplayResult replay_controllers(
    const Device& device, const AddressMap& map, RequestSource& trace,
    Controller::Stepping stepping = Controller::Stepping::skip);

}  // namespace tessera::ddr
