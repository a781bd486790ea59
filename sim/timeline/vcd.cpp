#include "sim/timeline/vcd.h"

#include <algorithm>
#include <cmath>

#include "sim/error.h"

namespace tessera {
namespace {

// Identifiers are short strings of printable characters, '!' to '~'.
std::string identifier(size_t index) {
  std::string code;
  do {
    code += static_cast<char>('!' + index % 94);
    index /= 94;
  } while (index > 0);
  return code;
}

// VCD names hold no spaces: "dram bytes per 1024 cycles" becomes dram_bytes_per_1024_cycles.
std::string vcd_name(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '.' || c == '#';
    out += plain ? c : '_';
  }
  return out;
}

std::string binary(uint64_t v) {
  if (v == 0) return "0";
  std::string out;
  for (; v > 0; v >>= 1) out += static_cast<char>('0' + (v & 1));
  std::reverse(out.begin(), out.end());
  return out;
}

constexpr int kCounterBits = 64;

}  // namespace

VcdWriter::VcdWriter(const std::string& path) : file_(path), body_(std::tmpfile(), std::fclose) {
  if (!body_) throw InputError({path, 0, "--timeline"}, "cannot create a temporary file");
}

void VcdWriter::begin(const std::string& process, double clock_mhz) {
  process_ = process;
  clock_mhz_ = clock_mhz;
}

void VcdWriter::track(uint32_t id, const TimelineTrack& track) {
  vars_.resize(std::max<size_t>(vars_.size(), id + 1));
  vars_[id] = {track, identifier(id), 0};
}

void VcdWriter::at(uint64_t cycle) {
  const auto ps =
      static_cast<uint64_t>(std::llround(static_cast<double>(cycle) * 1e6 / clock_mhz_));
  if (ps == now_ps_) return;
  now_ps_ = ps;
  std::fprintf(body_.get(), "#%llu\n", static_cast<unsigned long long>(ps));
}

void VcdWriter::change(const Variable& v, int64_t value) {
  if (v.track.kind == TrackKind::activity) {
    std::fprintf(body_.get(), "%d%s\n", value != 0 ? 1 : 0, v.code.c_str());
    return;
  }
  std::fprintf(body_.get(), "b%s %s\n", binary(static_cast<uint64_t>(value)).c_str(),
               v.code.c_str());
}

void VcdWriter::advance(uint64_t cycle) {
  while (!ends_.empty() && ends_.top().first <= cycle) {
    const auto [end, track] = ends_.top();
    ends_.pop();
    Variable& v = vars_[track];
    if (--v.running == 0) {
      at(end);
      change(v, 0);
    }
  }
}

void VcdWriter::event(const TimelineEvent& e) {
  advance(e.begin);
  Variable& v = vars_[e.track];
  switch (e.kind) {
    case TimelineEvent::Kind::span: {
      int64_t value = 1;
      if (v.track.kind == TrackKind::state) {
        const auto& s = v.track.states;
        value = std::find(s.begin(), s.end(), e.name) - s.begin();
      }
      if (v.running++ == 0 || v.track.kind == TrackKind::state) {
        at(e.begin);
        change(v, value);
      }
      ends_.emplace(e.end, e.track);
      break;
    }
    case TimelineEvent::Kind::counter:
      at(e.begin);
      change(v, e.value);
      break;
    case TimelineEvent::Kind::instant: break;
  }
}

void VcdWriter::finish(const std::string& note) {
  advance(UINT64_MAX);
  file_.append("$comment " + process_ + " $end\n$version tessera $end\n$timescale 1ps $end\n");
  if (!note.empty()) file_.append("$comment incomplete: " + note + " $end\n");
  file_.append("$scope module accelerator $end\n");
  for (const Variable& v : vars_) {
    std::string decl;
    switch (v.track.kind) {
      case TrackKind::activity: decl = "wire 1"; break;
      case TrackKind::state:
        decl =
            "integer " + std::to_string(std::max<size_t>(binary(v.track.states.size()).size(), 1));
        break;
      case TrackKind::counter: decl = "integer " + std::to_string(kCounterBits); break;
    }
    file_.append("$var " + decl + " " + v.code + " " + vcd_name(v.track.name) + " $end\n");
    if (v.track.kind == TrackKind::state) {
      std::string states;
      for (size_t i = 0; i < v.track.states.size(); ++i) {
        states += " " + std::to_string(i) + "=" + v.track.states[i];
      }
      file_.append("$comment " + vcd_name(v.track.name) + ":" + states + " $end\n");
    }
  }
  file_.append("$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n");
  for (const Variable& v : vars_) {
    file_.append(v.track.kind == TrackKind::activity ? "0" + v.code + "\n" : "b0 " + v.code + "\n");
  }
  file_.append("$end\n");
  std::rewind(body_.get());
  char block[1 << 16];
  size_t n = 0;
  while ((n = std::fread(block, 1, sizeof block, body_.get())) > 0) {
    file_.append(std::string_view(block, n));
  }
  file_.commit();
}

}  // namespace tessera
