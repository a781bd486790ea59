#include "sim/timeline/chrome_trace.h"

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

#include "sim/text_format.h"

namespace tessera {
namespace {

constexpr int kPid = 1;

// A JSON string; invalid UTF-8 (a layer name can hold any bytes) is replaced, not refused.
std::string quoted(const std::string& s) {
  // Most names are plain ASCII and need no escaping.
  if (std::all_of(s.begin(), s.end(),
                  [](char c) { return c >= ' ' && c <= '~' && c != '"' && c != '\\'; })) {
    return '"' + s + '"';
  }
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Tracks are shown top-down as the data flows: layers, the controller, the array, the buffer,
// the crypto engine, DRAM and its banks; then in the order they appeared.
uint32_t sort_index(const std::string& track, uint32_t id, size_t lane) {
  static const char* const kOrder[] = {"layers", "controller", "pe_array", "sparse",
                                       "buffer", "crypto",     "dram"};
  const std::string family = track.substr(0, track.find_first_of(". "));
  uint32_t rank = std::size(kOrder);
  for (uint32_t i = 0; i < std::size(kOrder); ++i) {
    if (family == kOrder[i]) rank = i;
  }
  const bool sub_unit = track.find('.') != std::string::npos;
  return (rank * 2 + (sub_unit ? 1 : 0)) * 10000000 + id * 1000 + static_cast<uint32_t>(lane);
}

}  // namespace

ChromeTraceWriter::ChromeTraceWriter(const std::string& path) : file_(path) {}

std::string ChromeTraceWriter::time(uint64_t cycle) const {
  return fixed(static_cast<double>(cycle) / clock_mhz_, 6);
}

void ChromeTraceWriter::append(const std::string& object) {
  file_.append(first_ ? "\n" : ",\n");
  file_.append(object);
  first_ = false;
}

void ChromeTraceWriter::begin(const std::string& process, double clock_mhz) {
  clock_mhz_ = clock_mhz;
  file_.append("{\"displayTimeUnit\": \"ns\", \"otherData\": {\"clock_mhz\": " +
               fixed(clock_mhz, 3) + "},\n\"traceEvents\": [");
  append("{\"ph\": \"M\", \"pid\": " + std::to_string(kPid) +
         ", \"name\": \"process_name\", \"args\": {\"name\": " + quoted(process) + "}}");
}

void ChromeTraceWriter::thread_name(uint32_t tid, const std::string& name, uint32_t sort_index) {
  const std::string head =
      "{\"ph\": \"M\", \"pid\": " + std::to_string(kPid) + ", \"tid\": " + std::to_string(tid);
  append(head + ", \"name\": \"thread_name\", \"args\": {\"name\": " + quoted(name) + "}}");
  append(head + ", \"name\": \"thread_sort_index\", \"args\": {\"sort_index\": " +
         std::to_string(sort_index) + "}}");
}

void ChromeTraceWriter::track(uint32_t id, const TimelineTrack& track) {
  tracks_.resize(std::max<size_t>(tracks_.size(), id + 1));
  lanes_.resize(tracks_.size());
  tracks_[id] = track;
  if (track.kind == TrackKind::counter) return;  // counters are drawn per name, not per thread
  const uint32_t tid = ++next_tid_;
  lanes_[id].push_back({tid, 0});
  thread_name(tid, track.name, sort_index(track.name, id, 0));
}

uint32_t ChromeTraceWriter::lane_for(uint32_t track, uint64_t begin, uint64_t end) {
  std::vector<Lane>& lanes = lanes_[track];
  for (Lane& lane : lanes) {
    if (lane.free_at <= begin) {
      lane.free_at = end;
      return lane.tid;
    }
  }
  const uint32_t tid = ++next_tid_;
  lanes.push_back({tid, end});
  thread_name(tid, tracks_[track].name + " #" + std::to_string(lanes.size()),
              sort_index(tracks_[track].name, track, lanes.size() - 1));
  return tid;
}

void ChromeTraceWriter::event(const TimelineEvent& e) {
  const TimelineTrack& track = tracks_[e.track];
  std::string args;
  for (const TimelineArg& a : e.args) {
    if (a.key == nullptr) break;
    args += (args.empty() ? "" : ", ") + quoted(a.key) + ": " + std::to_string(a.value);
  }
  const std::string pid = "\"pid\": " + std::to_string(kPid);
  switch (e.kind) {
    case TimelineEvent::Kind::span: {
      const uint32_t tid = lane_for(e.track, e.begin, e.end);
      append("{\"ph\": \"X\", " + pid + ", \"tid\": " + std::to_string(tid) +
             ", \"ts\": " + time(e.begin) + ", \"dur\": " + time(e.end - e.begin) + ", \"name\": " +
             quoted(e.name) + ", \"args\": {\"cycles\": " + std::to_string(e.end - e.begin) +
             (args.empty() ? "" : ", " + args) + "}}");
      break;
    }
    case TimelineEvent::Kind::instant:
      append("{\"ph\": \"i\", \"s\": \"t\", " + pid + ", \"tid\": " +
             std::to_string(lanes_[e.track].front().tid) + ", \"ts\": " + time(e.begin) +
             ", \"name\": " + quoted(e.name) + ", \"args\": {" + args + "}}");
      break;
    case TimelineEvent::Kind::counter:
      append("{\"ph\": \"C\", " + pid + ", \"ts\": " + time(e.begin) +
             ", \"name\": " + quoted(track.name) + ", \"args\": {" +
             quoted(track.unit.empty() ? "value" : track.unit) + ": " + std::to_string(e.value) +
             "}}");
      break;
  }
}

void ChromeTraceWriter::finish(const std::string& note) {
  if (!note.empty()) {
    append("{\"ph\": \"i\", \"s\": \"g\", \"pid\": " + std::to_string(kPid) +
           ", \"ts\": 0, \"name\": " + quoted("incomplete: " + note) + "}");
  }
  file_.append("\n]");
  if (!note.empty()) file_.append(",\n\"incomplete\": " + quoted(note));
  file_.append("}\n");
  file_.commit();
}

}  // namespace tessera
