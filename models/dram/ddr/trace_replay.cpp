#include "models/dram/ddr/trace_replay.h"

#include <algorithm>
#include <charconv>

#include "models/dram/ddr/controller.h"

#include "sim/error.h"

namespace tessera::ddr {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

// The next whitespace-separated word of [p, end), advancing p past it.
std::string_view word(const char*& p, const char* end) {
  while (p < end && is_space(*p)) ++p;
  const char* start = p;
  while (p < end && !is_space(*p)) ++p;
  return {start, static_cast<size_t>(p - start)};
}

}  // namespace

std::vector<TraceRequest> parse_dram_trace(const std::string& text, const std::string& file,
                                           uint64_t capacity_bytes) {
  std::vector<TraceRequest> out;
  out.reserve(text.size() / 24);
  const char* p = text.data();
  const char* const end = p + text.size();
  int line = 0;
  uint64_t last_arrival = 0;
  while (p < end) {
    ++line;
    const char* eol = p;
    while (eol < end && *eol != '\n') ++eol;
    const char* q = p;
    p = eol + 1;
    const std::string_view address = word(q, eol);
    if (address.empty()) continue;  // blank line
    const std::string_view command = word(q, eol);
    const std::string_view arrival = word(q, eol);
    if (!word(q, eol).empty() || arrival.empty()) {
      throw InputError({file, line, "request"},
                       "expected 'ADDRESS READ|WRITE CYCLE', e.g. '0x1a2b3c40 READ 120'");
    }
    TraceRequest r;
    std::string_view hex = address;
    if (hex.size() > 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
    const auto a = std::from_chars(hex.data(), hex.data() + hex.size(), r.address, 16);
    if (a.ec != std::errc() || a.ptr != hex.data() + hex.size()) {
      throw InputError({file, line, "address"},
                       "expected a hexadecimal address, got '" + std::string(address) + "'");
    }
    if (r.address >= capacity_bytes) {
      throw InputError({file, line, "address"}, "address " + std::string(address) +
                                                    " is beyond the memory's capacity (" +
                                                    std::to_string(capacity_bytes) + " bytes)");
    }
    if (command == "READ") {
      r.write = false;
    } else if (command == "WRITE") {
      r.write = true;
    } else {
      throw InputError({file, line, "command"},
                       "expected READ or WRITE, got '" + std::string(command) + "'");
    }
    const auto c = std::from_chars(arrival.data(), arrival.data() + arrival.size(), r.arrival);
    if (c.ec != std::errc() || c.ptr != arrival.data() + arrival.size()) {
      throw InputError(
          {file, line, "cycle"},
          "expected a non-negative integer arrival cycle, got '" + std::string(arrival) + "'");
    }
    if (r.arrival > kMaxArrivalCycle) {
      throw InputError({file, line, "cycle"},
                       "arrival " + std::to_string(r.arrival) + " is beyond cycle " +
                           std::to_string(kMaxArrivalCycle) +
                           " (replay issues every refresh up to the last arrival)");
    }
    if (r.arrival < last_arrival) {
      throw InputError({file, line, "cycle"}, "arrival " + std::to_string(r.arrival) +
                                                  " is earlier than the line before (" +
                                                  std::to_string(last_arrival) +
                                                  "); requests must be in arrival order");
    }
    last_arrival = r.arrival;
    out.push_back(r);
  }
  return out;
}

ReplayResult replay(MemorySystem& memory, const std::vector<TraceRequest>& trace) {
  for (const TraceRequest& r : trace) memory.add(r.address, r.write, r.arrival);
  ReplayResult out;
  out.cycles = memory.drain();
  out.totals = memory.totals(out.cycles);
  out.channels = memory.channel_stats(out.cycles);
  return out;
}

}  // namespace tessera::ddr

namespace tessera::ddr {

ReplayResult replay_controllers(const Device& device, const AddressMap& map,
                                const std::vector<TraceRequest>& trace) {
  std::vector<Controller> controllers(static_cast<size_t>(device.channels), Controller(device));
  uint64_t cycle = 0;
  size_t next = 0;
  const auto all_done = [&] {
    return std::all_of(controllers.begin(), controllers.end(),
                       [](const Controller& c) { return c.done(); });
  };
  Location at;
  while (next < trace.size() || !all_done()) {
    // Skip to the first cycle where a controller can change anything or the next request may
    // enter (a request refused by a full queue waits for its controller's next change).
    uint64_t event = UINT64_MAX;
    if (next < trace.size()) {
      at = map.decode(trace[next].address);
      if (trace[next].arrival > cycle ||
          controllers[static_cast<size_t>(at.channel)].will_accept(trace[next].write)) {
        event = std::max(cycle, trace[next].arrival);
      }
    }
    for (const Controller& c : controllers) event = std::min(event, c.next_event());
    cycle = std::max(cycle, event);
    for (Controller& c : controllers) c.run_until(cycle + 1);
    if (next < trace.size() && trace[next].arrival <= cycle) {
      const TraceRequest& r = trace[next];
      Controller& c = controllers[static_cast<size_t>(at.channel)];
      if (c.will_accept(r.write)) {
        c.add(r.address, at, r.write);
        if (++next == trace.size()) {
          for (Controller& each : controllers) each.flush();
        }
      }
    }
    ++cycle;
  }
  ReplayResult out;
  for (const Controller& c : controllers) {
    out.cycles = std::max(out.cycles, c.stats(0).last_completion);
  }
  ChannelStats& t = out.totals;
  for (const Controller& c : controllers) {
    const ChannelStats s = c.stats(out.cycles);
    out.channels.push_back(s);
    accumulate(t, s);
  }
  return out;
}

}  // namespace tessera::ddr
