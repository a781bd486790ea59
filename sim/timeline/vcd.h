// Value-change dump (IEEE 1364 VCD) for GTKWave. Time is in picoseconds of simulated time. An
// activity track is a wire, 1 while any of its spans runs; a state track is an integer, the
// index of the running span's state in the track's list (0 when none runs); a counter track is
// an integer holding its last sample. Instants have no value to show and are left out.
//
// VCD declares every variable before the first change, but tracks appear as the modules first
// record; so the changes stream to a temporary file and the declarations are written before
// them when the run ends.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "sim/atomic_file.h"
#include "sim/timeline/timeline.h"

namespace tessera {

class VcdWriter : public TimelineWriter {
 public:
  explicit VcdWriter(const std::string& path);

  void begin(const std::string& process, double clock_mhz) override;
  void track(uint32_t id, const TimelineTrack& track) override;
  void event(const TimelineEvent& e) override;
  void finish(const std::string& note) override;

 private:
  struct Variable {
    TimelineTrack track;
    std::string code;  // VCD identifier
    int running = 0;   // spans in progress
  };
  using End = std::pair<uint64_t, uint32_t>;  // (cycle, track)

  void advance(uint64_t cycle);  // ends the spans that end by `cycle`
  void at(uint64_t cycle);       // the changes that follow happen at `cycle`
  void change(const Variable& v, int64_t value);

  AtomicFile file_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> body_;
  std::string process_;
  double clock_mhz_ = 1000;
  uint64_t now_ps_ = 0;
  std::vector<Variable> vars_;
  std::priority_queue<End, std::vector<End>, std::greater<>> ends_;
};

}  // namespace tessera
