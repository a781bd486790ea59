// Chrome trace-event JSON (the "JSON Array Format" with metadata, as Perfetto reads it).
// Timestamps are microseconds of simulated time at the modelled clock. Spans that overlap on one
// track (transfers queued at a DRAM, say) go to numbered lanes of it, "dram #2", because a
// thread's slices must nest.
#pragma once

#include <string>
#include <vector>

#include "sim/atomic_file.h"
#include "sim/timeline/timeline.h"

namespace tessera {

class ChromeTraceWriter : public TimelineWriter {
 public:
  explicit ChromeTraceWriter(const std::string& path);

  void begin(const std::string& process, double clock_mhz) override;
  void track(uint32_t id, const TimelineTrack& track) override;
  void event(const TimelineEvent& e) override;
  void finish(const std::string& note) override;

 private:
  struct Lane {
    uint32_t tid;
    uint64_t free_at;  // cycle its last span ends
  };
  [[nodiscard]] uint32_t lane_for(uint32_t track, uint64_t begin, uint64_t end);
  void thread_name(uint32_t tid, const std::string& name, uint32_t sort_index);
  void append(const std::string& object);
  [[nodiscard]] std::string time(uint64_t cycle) const;

  AtomicFile file_;
  double clock_mhz_ = 1000;
  bool first_ = true;
  std::vector<TimelineTrack> tracks_;
  std::vector<std::vector<Lane>> lanes_;  // per track
  uint32_t next_tid_ = 0;
};

}  // namespace tessera
