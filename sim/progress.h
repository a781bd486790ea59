// A one-line progress report on stderr for work that takes a while: how much is done of the
// total, a detail (simulated cycles so far), the rate and the time left. It is drawn only on a
// terminal and only once the work has run for about a second, so short runs, scripts and CI logs
// never see it.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

namespace tessera {

class ProgressLine {
 public:
  using Clock = std::function<double()>;  // monotonic seconds

  struct Options {
    bool enabled = false;
    std::ostream* out = nullptr;
    double show_after_s = 1.0;    // nothing is drawn before the work has run this long
    double redraw_every_s = 0.1;  // and the line is redrawn at most this often
    Clock clock;                  // default: std::chrono::steady_clock
  };

  // On stderr, enabled when not `quiet` and stderr is a terminal. TESSERA_PROGRESS_AFTER
  // (seconds) moves the one-second threshold, e.g. to 0 to see the line on a short run.
  ProgressLine(std::string unit, uint64_t total, bool quiet);
  ProgressLine(std::string unit, uint64_t total, Options options);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine();  // erases the line it drew

  // `done` of the total units are finished; `detail` is shown after the count.
  void update(uint64_t done, const std::string& detail = {});
  // For work whose size is known only once it starts (the tiles of a layer).
  void set_total(uint64_t total) { total_ = total; }

  // The text of the line for `done` units after `elapsed_s` seconds (without the terminal's
  // line control), e.g. "12/53 layers  3.1e+08 cycles  24.0 layers/s  ETA 2 s".
  [[nodiscard]] std::string text(uint64_t done, const std::string& detail, double elapsed_s) const;

 private:
  std::string unit_;
  uint64_t total_;
  Options options_;
  double start_s_;
  double last_draw_s_ = -1.0;
  bool drawn_ = false;
};

}  // namespace tessera
