#include "sim/timeline/timeline.h"

#include <algorithm>
#include <map>

namespace tessera {

Timeline::Timeline(std::shared_ptr<TimelineWriter> writer, uint64_t event_limit,
                   const std::string& process, double clock_mhz)
    : writer_(std::move(writer)), limit_(event_limit) {
  writer_->begin(process, clock_mhz);
  layers_track_ = track("layers");
  bandwidth_track_ = track("dram bytes per " + std::to_string(kBandwidthWindow) + " cycles",
                           TrackKind::counter, {}, "bytes");
}

uint32_t Timeline::track(const std::string& name, TrackKind kind, std::vector<std::string> states,
                         std::string unit) {
  if (const auto found = track_ids_.find(name); found != track_ids_.end()) return found->second;
  tracks_.push_back({name, kind, std::move(unit), std::move(states)});
  const auto id = static_cast<uint32_t>(tracks_.size() - 1);
  track_ids_.emplace(name, id);
  writer_->track(id, tracks_.back());
  return id;
}

bool Timeline::admit() {
  if (!recording_) return false;
  if (written_ >= limit_) {
    limited_ = true;
    recording_ = false;
    return false;
  }
  ++written_;
  return true;
}

void Timeline::span(uint32_t track, std::string name, uint64_t begin, uint64_t end,
                    std::initializer_list<TimelineArg> args) {
  // A layer's timeline shows its own time: a DRAM row opened before the layer began (and still
  // open) is shown from the layer's start. A span of no time shows nothing.
  begin = std::max(begin, layer_start_);
  if (end <= begin || !admit()) return;
  TimelineEvent& e = pending_.emplace_back();
  e.kind = TimelineEvent::Kind::span;
  e.track = track;
  e.begin = begin;
  e.end = end;
  e.name = std::move(name);
  std::copy_n(args.begin(), std::min(args.size(), e.args.size()), e.args.begin());
}

void Timeline::instant(uint32_t track, std::string name, uint64_t at,
                       std::initializer_list<TimelineArg> args) {
  if (!admit()) return;
  TimelineEvent& e = pending_.emplace_back();
  e.kind = TimelineEvent::Kind::instant;
  e.track = track;
  e.begin = e.end = at;
  e.name = std::move(name);
  std::copy_n(args.begin(), std::min(args.size(), e.args.size()), e.args.begin());
}

void Timeline::counter(uint32_t track, uint64_t at, int64_t value) {
  if (!admit()) return;
  TimelineEvent& e = pending_.emplace_back();
  e.kind = TimelineEvent::Kind::counter;
  e.track = track;
  e.begin = e.end = at;
  e.value = value;
}

void Timeline::transfer(uint32_t track, std::string name, uint64_t begin, uint64_t end,
                        uint64_t bytes, std::initializer_list<TimelineArg> args) {
  if (!recording_) return;
  span(track, std::move(name), begin, end, args);
  if (bytes == 0 || !recording_) return;
  // The bytes are spread evenly over the transfer's cycles, window by window; the last window
  // takes what rounding leaves, so the windows add up to the bytes.
  const uint64_t stop = begin + std::max<uint64_t>(end - begin, 1);
  uint64_t given = 0;
  for (uint64_t w = begin / kBandwidthWindow;; ++w) {
    const uint64_t to = std::min(stop, (w + 1) * kBandwidthWindow);
    const uint64_t upto = to == stop ? bytes
                                     : static_cast<uint64_t>(static_cast<long double>(bytes) *
                                                             (to - begin) / (stop - begin));
    if (upto > given) bandwidth_.emplace_back(w, upto - given);
    given = upto;
    if (to == stop) break;
  }
}

void Timeline::begin_layer(const std::string& name, uint64_t start, bool selected) {
  layer_name_ = name;
  layer_start_ = start;
  recording_ = selected && !limited_;
}

void Timeline::end_layer(uint64_t end) {
  if (recording_) span(layers_track_, layer_name_, layer_start_, end);
  if (recording_ && !bandwidth_.empty()) {
    std::map<uint64_t, uint64_t> windows;
    for (const auto& [w, bytes] : bandwidth_) windows[w] += bytes;
    for (const auto& [w, bytes] : windows) {
      counter(bandwidth_track_, std::max(w * kBandwidthWindow, layer_start_),
              static_cast<int64_t>(bytes));
      // A window followed by a quiet one drops back to zero.
      if (windows.count(w + 1) == 0) {
        counter(bandwidth_track_, std::min((w + 1) * kBandwidthWindow, end), 0);
      }
    }
  }
  bandwidth_.clear();
  recording_ = false;
  flush();
}

void Timeline::flush() {
  // Counters and instants at a span's start come after spans that end there, so a reader that
  // replays the events in order sees a track go idle before it goes busy again.
  std::stable_sort(
      pending_.begin(), pending_.end(),
      [](const TimelineEvent& a, const TimelineEvent& b) { return a.begin < b.begin; });
  for (const TimelineEvent& e : pending_) writer_->event(e);
  pending_.clear();
  pending_.shrink_to_fit();
}

std::string Timeline::finish() {
  flush();
  std::string note = limited_
                         ? "the timeline stopped after its limit of " + std::to_string(limit_) +
                               " events; later events are not in it (raise --timeline-limit)"
                         : "";
  writer_->finish(note);
  return note;
}

}  // namespace tessera
