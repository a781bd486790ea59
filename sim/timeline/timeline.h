// The timeline of a run: what each module did when, as spans (begin and end cycle), instants
// and counter samples on named tracks. Modules record through Component::timeline(), which is
// null unless a timeline is being written, so recording costs nothing in a normal run.
//
// Events are kept for the layer being simulated, then sorted by time and handed to the writer
// (Chrome trace JSON or VCD) when the layer ends, so memory grows with one layer's events, never
// with the trace. A limit on the number of events ends the recording early, and says so.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tessera {

// What a track shows: activity (spans, busy or not), a state (spans named after the states
// the track declares, e.g. a DRAM bank's "open" and "refresh"), or a counter's value.
enum class TrackKind : uint8_t { activity, state, counter };

struct TimelineTrack {
  std::string name;  // "pe_array", "dram.ch0.rank0.bg1.bank2", ...
  TrackKind kind = TrackKind::activity;
  std::string unit;                 // counters: the value's unit
  std::vector<std::string> states;  // state tracks: state 0 is the idle one, unnamed spans
};

struct TimelineArg {
  const char* key = nullptr;  // a literal: args are recorded often
  int64_t value = 0;
};

struct TimelineEvent {
  enum class Kind : uint8_t { span, instant, counter };
  Kind kind = Kind::span;
  uint32_t track = 0;
  uint64_t begin = 0, end = 0;  // cycles; end == begin for instants and counters
  std::string name;
  int64_t value = 0;  // counters
  std::array<TimelineArg, 3> args{};
};

// Receives the events in time order, layer by layer.
class TimelineWriter {
 public:
  virtual ~TimelineWriter() = default;
  // Once, before any event: the accelerator (trace and architecture) and the clock.
  virtual void begin(const std::string& process, double clock_mhz) = 0;
  // A track, before its first event; ids count from 0 in the order they are declared.
  virtual void track(uint32_t id, const TimelineTrack& track) = 0;
  virtual void event(const TimelineEvent& e) = 0;
  // Once, last: `note` is empty unless the recording stopped early, and says why.
  virtual void finish(const std::string& note) = 0;
};

class Timeline {
 public:
  // DRAM bandwidth is sampled as the bytes transferred in windows of this many cycles.
  static constexpr uint64_t kBandwidthWindow = 1024;

  // `process` names the accelerator (trace and architecture); `clock_mhz` turns cycles into time.
  Timeline(std::shared_ptr<TimelineWriter> writer, uint64_t event_limit, const std::string& process,
           double clock_mhz);

  // A track's id, declared on first use (by name).
  uint32_t track(const std::string& name, TrackKind kind = TrackKind::activity,
                 std::vector<std::string> states = {}, std::string unit = {});

  void span(uint32_t track, std::string name, uint64_t begin, uint64_t end,
            std::initializer_list<TimelineArg> args = {});
  void instant(uint32_t track, std::string name, uint64_t at,
               std::initializer_list<TimelineArg> args = {});
  void counter(uint32_t track, uint64_t at, int64_t value);
  // A DRAM transfer: a span on `track` that also feeds the DRAM bandwidth counter track.
  void transfer(uint32_t track, std::string name, uint64_t begin, uint64_t end, uint64_t bytes,
                std::initializer_list<TimelineArg> args = {});

  // Set by the top level around each layer. Between layers, and in layers not selected, the
  // timeline records nothing (Component::timeline() is null).
  void begin_layer(const std::string& name, uint64_t start, bool selected);
  void end_layer(uint64_t end);
  [[nodiscard]] bool recording() const { return recording_; }

  // Writes what is left and the closing note; returns that note (empty when complete).
  std::string finish();
  [[nodiscard]] uint64_t events_written() const { return written_; }

 private:
  bool admit();
  void flush();

  std::shared_ptr<TimelineWriter> writer_;
  uint64_t limit_;
  uint64_t written_ = 0;  // events accepted, over the whole run
  bool recording_ = false;
  bool limited_ = false;
  std::vector<TimelineTrack> tracks_;
  std::unordered_map<std::string, uint32_t> track_ids_;
  uint32_t layers_track_ = 0, bandwidth_track_ = 0;
  std::string layer_name_;
  uint64_t layer_start_ = 0;
  std::vector<TimelineEvent> pending_;                    // this layer's events
  std::vector<std::pair<uint64_t, uint64_t>> bandwidth_;  // (window, bytes) of this layer
};

}  // namespace tessera
