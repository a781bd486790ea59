#include "models/component.h"

#include <cmath>
#include <stdexcept>

namespace tessera {

namespace {
double g_clock_mhz = 1000.0;
sc_core::sc_time g_period(1, sc_core::SC_NS);
}  // namespace

Timeline* Component::timeline_ = nullptr;

void Component::set_timeline(Timeline* timeline) {
  timeline_ = timeline;
}

void Component::set_clock_mhz(double mhz) {
  if (!(mhz > 0)) throw std::invalid_argument("clock must be positive");
  g_clock_mhz = mhz;
  // Rounded to the kernel's time resolution (1 ps by default); all delays are multiples of it.
  g_period = sc_core::sc_time(std::round(1e6 / mhz), sc_core::SC_PS);
}

const sc_core::sc_time& Component::period() {
  return g_period;
}
double Component::clock_mhz() {
  return g_clock_mhz;
}

uint64_t Component::to_cycles(const sc_core::sc_time& t) {
  return t.value() / g_period.value();
}

uint64_t Component::cycle_at(const sc_core::sc_time& delay) {
  return to_cycles(sc_core::sc_time_stamp() + delay);
}

sc_core::sc_time Component::delay_until(uint64_t cycle) {
  const uint64_t now = now_cycle();
  // A time before now cannot be annotated: the caller's clock ran behind the kernel's.
  if (cycle < now) throw std::logic_error("a local time before the simulation time");
  return cycles(cycle - now);
}

}  // namespace tessera
