#include "sim/stats.h"

#include <stdexcept>

namespace tessera {

uint64_t& StatGroup::counter(std::string name, std::string unit, std::string description,
                             bool energy_action) {
  for (const auto& e : entries_) {
    if (e.meta.name == name) throw std::logic_error("counter declared twice: " + name);
  }
  Entry& e = entries_.emplace_back();
  e.meta = {std::move(name), std::move(unit), std::move(description), 0, energy_action};
  return e.value;
}

uint64_t& StatGroup::measured_energy(std::string name, std::string description) {
  uint64_t& value = counter(std::move(name), "fJ", std::move(description));
  entries_.back().meta.measured_energy = true;
  return value;
}

std::vector<CounterValue> StatGroup::snapshot() const {
  if (update_) update_();
  std::vector<CounterValue> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) {
    out.push_back(e.meta);
    out.back().value = e.value;
  }
  return out;
}

std::vector<CounterValue> difference(const std::vector<CounterValue>& later,
                                     const std::vector<CounterValue>& earlier) {
  std::vector<CounterValue> out = later;
  for (size_t i = 0; i < out.size() && i < earlier.size(); ++i) out[i].value -= earlier[i].value;
  return out;
}

}  // namespace tessera
