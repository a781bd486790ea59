// What every simulated module shares: its resolved parameters, its counters and the accelerator
// clock. Timing on the sockets is sc_time; modules think in cycles and convert with period().
#pragma once

#include <cstdint>
#include <string>

#include <systemc>

#include "sim/params.h"
#include "sim/stats.h"
#include "sim/timeline/timeline.h"

namespace tessera {

class Component : public sc_core::sc_module {
 public:
  Component(const sc_core::sc_module_name& name, ParamValues params)
      : sc_core::sc_module(name), params_(std::move(params)) {}

  // What tools know of an implementation before it is built: declared with its registration
  // (TESSERA_REGISTER_WITH_FACTS, sim/registry.h). A family whose tools need facts declares its
  // own Facts; the others have none.
  struct Facts {};

  [[nodiscard]] const ParamValues& params() const { return params_; }
  [[nodiscard]] StatGroup& stats() { return stats_; }
  [[nodiscard]] const StatGroup& stats() const { return stats_; }

  // The accelerator clock, set once by the top level before any module is built. Every delay a
  // module annotates is a whole number of periods, so conversions back to cycles are exact.
  static void set_clock_mhz(double mhz);
  [[nodiscard]] static const sc_core::sc_time& period();
  [[nodiscard]] static double clock_mhz();
  [[nodiscard]] static sc_core::sc_time cycles(uint64_t n) {
    return sc_core::sc_time::from_value(period().value() * n);
  }
  [[nodiscard]] static uint64_t to_cycles(const sc_core::sc_time& t);
  // Loosely-timed TLM: a call carries its own time as `delay` past the simulation time. The
  // accelerator cycle that local time is, and the local time of a cycle (not before now).
  [[nodiscard]] static uint64_t cycle_at(const sc_core::sc_time& delay);
  [[nodiscard]] static uint64_t now_cycle() { return cycle_at(sc_core::SC_ZERO_TIME); }
  [[nodiscard]] static sc_core::sc_time delay_until(uint64_t cycle);

  // The timeline being written, or null when none is or this layer is not recorded: modules
  // record only after this one check. Set by the top level.
  static void set_timeline(Timeline* timeline);
  [[nodiscard]] static Timeline* timeline() {
    return timeline_ != nullptr && timeline_->recording() ? timeline_ : nullptr;
  }
  // The module's own track (named after it), declared on first use.
  [[nodiscard]] uint32_t timeline_track(Timeline& t) const { return t.track(basename()); }

 private:
  static Timeline* timeline_;
  ParamValues params_;
  StatGroup stats_;
};

}  // namespace tessera
