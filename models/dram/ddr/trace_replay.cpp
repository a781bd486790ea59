#include "models/dram/ddr/trace_replay.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "sim/error.h"

namespace tessera::ddr {
namespace {

// What each byte is to a trace line, looked up rather than compared: a trace is read at tens of
// megabytes a second, a handful of instructions per byte.
enum CharClass : uint8_t { kWordChar, kBlank, kNewline };
constexpr std::array<CharClass, 256> kCharClass = [] {
  std::array<CharClass, 256> c{};
  c[' '] = c['\t'] = c['\r'] = kBlank;
  c['\n'] = kNewline;
  return c;
}();
constexpr uint8_t kNotDigit = 0xff;
constexpr std::array<uint8_t, 256> kHexDigit = [] {
  std::array<uint8_t, 256> d{};
  for (auto& each : d) each = kNotDigit;
  for (size_t i = 0; i < 10; ++i) d['0' + i] = static_cast<uint8_t>(i);
  for (size_t i = 0; i < 6; ++i) d['a' + i] = d['A' + i] = static_cast<uint8_t>(10 + i);
  return d;
}();

CharClass class_of(char c) {
  return kCharClass[static_cast<unsigned char>(c)];
}

// The next whitespace-separated word of the line at p, advancing p past it; empty at the line's
// end (p then points at its newline, or at `end`).
std::string_view word(const char*& p, const char* end) {
  while (p < end && class_of(*p) == kBlank) ++p;
  const char* start = p;
  while (p < end && class_of(*p) == kWordChar) ++p;
  return {start, static_cast<size_t>(p - start)};
}

// All of `digits` as a number in base 16 or 10, as std::from_chars reads it (digits only, no
// sign); false for any other character or beyond 64 bits.
bool parse_number(std::string_view digits, unsigned base, uint64_t& value) {
  // Up to 15 hexadecimal or 19 decimal digits cannot overflow: only longer numbers are checked.
  const bool may_overflow = digits.size() > (base == 16 ? 15u : 19u);
  uint64_t v = 0;
  for (const char ch : digits) {
    const uint8_t digit = kHexDigit[static_cast<unsigned char>(ch)];
    if (digit >= base) return false;
    if (!may_overflow) {
      v = v * base + digit;
    } else if (__builtin_mul_overflow(v, uint64_t{base}, &v) ||
               __builtin_add_overflow(v, digit, &v)) {
      return false;
    }
  }
  value = v;
  return !digits.empty();
}

}  // namespace

TraceReader::TraceReader(std::string_view text, std::string file, uint64_t capacity_bytes)
    : at_(text.data()),
      end_(text.data() + text.size()),
      file_(std::move(file)),
      capacity_bytes_(capacity_bytes) {}

bool TraceReader::next_plain(TraceRequest& request) {
  // The longest such line is 45 characters: with 64 left, no character read can lie past the end.
  if (end_ - at_ < 64) return false;
  const char* p = at_;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
  const char* digits = p;
  uint64_t address = 0;
  for (uint8_t d; (d = kHexDigit[static_cast<unsigned char>(*p)]) < 16; ++p) {
    address = address * 16 + d;
  }
  if (p == digits || p - digits > 15 || *p++ != ' ') return false;
  bool write = false;
  if (std::memcmp(p, "READ ", 5) == 0) {
    p += 5;
  } else if (std::memcmp(p, "WRITE ", 6) == 0) {
    write = true;
    p += 6;
  } else {
    return false;
  }
  digits = p;
  uint64_t arrival = 0;
  for (unsigned d; (d = static_cast<unsigned char>(*p) - unsigned{'0'}) < 10; ++p) {
    arrival = arrival * 10 + d;
  }
  if (p == digits || p - digits > 19) return false;
  if (*p == '\r') ++p;
  if (*p++ != '\n') return false;
  if (address >= capacity_bytes_ || arrival > kMaxArrivalCycle || arrival < last_arrival_) {
    return false;  // the general reading reports it
  }
  at_ = p;
  ++line_;
  last_arrival_ = arrival;
  request = {address, arrival, write};
  return true;
}

bool TraceReader::next(TraceRequest& request) {
  if (next_plain(request)) return true;
  while (at_ < end_) {
    ++line_;
    const std::string_view address = word(at_, end_);
    const std::string_view command = word(at_, end_);
    const std::string_view arrival = word(at_, end_);
    const bool more = !word(at_, end_).empty();
    if (at_ < end_ && *at_ == '\n') ++at_;
    if (address.empty()) continue;  // blank line
    if (more || arrival.empty()) {
      throw InputError({file_, line_, "request"},
                       "expected 'ADDRESS READ|WRITE CYCLE', e.g. '0x1a2b3c40 READ 120'");
    }
    TraceRequest r;
    std::string_view hex = address;
    if (hex.size() > 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
    if (!parse_number(hex, 16, r.address)) {
      throw InputError({file_, line_, "address"},
                       "expected a hexadecimal address, got '" + std::string(address) + "'");
    }
    if (r.address >= capacity_bytes_) {
      throw InputError({file_, line_, "address"}, "address " + std::string(address) +
                                                      " is beyond the memory's capacity (" +
                                                      std::to_string(capacity_bytes_) + " bytes)");
    }
    if (command == "READ") {
      r.write = false;
    } else if (command == "WRITE") {
      r.write = true;
    } else {
      throw InputError({file_, line_, "command"},
                       "expected READ or WRITE, got '" + std::string(command) + "'");
    }
    if (!parse_number(arrival, 10, r.arrival)) {
      throw InputError(
          {file_, line_, "cycle"},
          "expected a non-negative integer arrival cycle, got '" + std::string(arrival) + "'");
    }
    if (r.arrival > kMaxArrivalCycle) {
      throw InputError({file_, line_, "cycle"},
                       "arrival " + std::to_string(r.arrival) + " is beyond cycle " +
                           std::to_string(kMaxArrivalCycle) +
                           " (replay issues every refresh up to the last arrival)");
    }
    if (r.arrival < last_arrival_) {
      throw InputError({file_, line_, "cycle"}, "arrival " + std::to_string(r.arrival) +
                                                    " is earlier than the line before (" +
                                                    std::to_string(last_arrival_) +
                                                    "); requests must be in arrival order");
    }
    last_arrival_ = r.arrival;
    request = r;
    return true;
  }
  return false;
}

bool RequestList::next(TraceRequest& request) {
  if (next_ == requests_.size()) return false;
  request = requests_[next_++];
  return true;
}

ReplayResult replay(MemorySystem& memory, RequestSource& trace) {
  for (TraceRequest r; trace.next(r);) memory.add(r.address, r.write, r.arrival);
  ReplayResult out;
  out.cycles = memory.drain();
  out.totals = memory.totals(out.cycles);
  out.channels = memory.channel_stats(out.cycles);
  return out;
}

}  // namespace tessera::ddr

namespace tessera::ddr {

ReplayResult replay_controllers(const Device& device, const AddressMap& map, RequestSource& trace,
                                Controller::Stepping stepping) {
  std::vector<Controller> controllers(static_cast<size_t>(device.channels),
                                      Controller(device, stepping));
  uint64_t cycle = 0;
  const auto all_done = [&] {
    return std::all_of(controllers.begin(), controllers.end(),
                       [](const Controller& c) { return c.done(); });
  };
  // The next request to enter, read one ahead so that the controllers flush as the last enters.
  TraceRequest next;
  bool waiting = trace.next(next);
  Location at;
  if (waiting) at = map.decode(next.address);
  while (waiting || !all_done()) {
    // Skip to the first cycle where a controller can change anything or the next request may
    // enter (a request refused by a full queue waits for its controller's next change).
    uint64_t event = UINT64_MAX;
    if (waiting && (next.arrival > cycle ||
                    controllers[static_cast<size_t>(at.channel)].will_accept(next.write))) {
      event = std::max(cycle, next.arrival);
    }
    for (const Controller& c : controllers) event = std::min(event, c.next_event());
    cycle = std::max(cycle, event);
    for (Controller& c : controllers) c.run_until(cycle + 1);
    if (waiting && next.arrival <= cycle) {
      Controller& c = controllers[static_cast<size_t>(at.channel)];
      if (c.will_accept(next.write)) {
        c.add(next.address, at, next.write);
        waiting = trace.next(next);
        if (waiting) {
          at = map.decode(next.address);
        } else {
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
