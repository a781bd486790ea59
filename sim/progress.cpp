#include "sim/progress.h"

#include <unistd.h>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include "sim/text_format.h"

namespace tessera {
namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

ProgressLine::Options stderr_options(bool quiet) {
  ProgressLine::Options o;
  o.enabled = !quiet && isatty(STDERR_FILENO) == 1;
  o.out = &std::cerr;
  if (const char* after = std::getenv("TESSERA_PROGRESS_AFTER")) {
    char* end = nullptr;
    const double s = std::strtod(after, &end);
    if (end != after && *end == '\0' && s >= 0) o.show_after_s = s;
  }
  return o;
}

// "3 s", "2 min 05 s", "1 h 04 min": a time left, as precise as is useful.
std::string duration_text(double s) {
  const auto whole = static_cast<uint64_t>(std::llround(s));
  if (whole < 60) return std::to_string(whole) + " s";
  if (whole < 3600) {
    const uint64_t sec = whole % 60;
    return std::to_string(whole / 60) + " min " + (sec < 10 ? "0" : "") + std::to_string(sec) +
           " s";
  }
  const uint64_t min = whole / 60 % 60;
  return std::to_string(whole / 3600) + " h " + (min < 10 ? "0" : "") + std::to_string(min) +
         " min";
}

}  // namespace

ProgressLine::ProgressLine(std::string unit, uint64_t total, bool quiet)
    : ProgressLine(std::move(unit), total, stderr_options(quiet)) {}

ProgressLine::ProgressLine(std::string unit, uint64_t total, Options options)
    : unit_(std::move(unit)), total_(total), options_(std::move(options)) {
  if (!options_.clock) options_.clock = steady_seconds;
  start_s_ = options_.clock();
}

ProgressLine::~ProgressLine() {
  if (drawn_) *options_.out << "\r\x1b[K" << std::flush;
}

std::string ProgressLine::text(uint64_t done, const std::string& detail, double elapsed_s) const {
  std::string line = std::to_string(done) + "/" + std::to_string(total_) + " " + unit_;
  if (!detail.empty()) line += "  " + detail;
  if (elapsed_s > 0 && done > 0) {
    const double rate = static_cast<double>(done) / elapsed_s;
    line += "  " + fixed(rate, rate < 10 ? 2 : 1) + " " + unit_ + "/s";
    if (done < total_) {
      line += "  ETA " + duration_text(static_cast<double>(total_ - done) / rate);
    }
  }
  return line;
}

void ProgressLine::update(uint64_t done, const std::string& detail) {
  if (!options_.enabled) return;
  const double now = options_.clock();
  const double elapsed = now - start_s_;
  if (elapsed < options_.show_after_s) return;
  if (drawn_ && now - last_draw_s_ < options_.redraw_every_s && done < total_) return;
  *options_.out << "\r\x1b[K" << text(done, detail, elapsed) << std::flush;
  drawn_ = true;
  last_draw_s_ = now;
}

}  // namespace tessera
