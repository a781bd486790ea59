// What a simulation produced: plain data, filled by the top level, read by the reports.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/cycle_causes.h"

namespace tessera {

// One counted action of one component, e.g. {"pe_array", "mac", 1234, "MACs", "..."}.
struct CounterValue {
  std::string name;
  std::string unit;
  std::string description;
  uint64_t value = 0;
  bool energy_action = false;  // costs energy: the energy table must have an entry for it
  // The value is energy in fJ the component computed itself (e.g. DRAM from its IDD currents);
  // it is reported as energy without the energy table.
  bool measured_energy = false;
};

// A component's counters over some span (a layer or the whole run) and the energy they cost.
struct ComponentResult {
  std::string name;                         // instance name: "pe_array", "buffer", "dram", ...
  std::string impl;                         // implementation: "systolic", "buffet", ...
  std::vector<CounterValue> counters;       // in declaration order
  std::map<std::string, double> energy_pj;  // per energy action; absent actions cost nothing
  double area_mm2 = 0;                      // sim/area.h; 0 where not modelled or off chip
  [[nodiscard]] double total_energy_pj() const {
    double sum = 0;
    for (const auto& [action, pj] : energy_pj) sum += pj;
    return sum;
  }
};

// A component's energy over one layer. Counters are reported for the whole run only, so a layer
// keeps no more than this: a long trace's results grow by a few hundred bytes a layer.
struct ComponentEnergy {
  std::string name;
  double energy_pj = 0;
};

struct LayerResult {
  std::string name;
  std::string op;  // the layer's op (conv, gemm, pool, ...)
  uint64_t cycles = 0;
  uint64_t stall_cycles = 0;  // cycles the PE array waited for data
  uint64_t macs = 0;
  uint64_t vector_ops = 0;  // operations of the vector unit
  double utilization = 0;   // macs / (cycles * number of PEs)
  uint64_t dram_bytes_read = 0;
  uint64_t dram_bytes_written = 0;
  uint64_t tiles = 0;
  CycleCauses cycles_by_cause;  // adds up to `cycles`
  std::vector<ComponentEnergy> components;
  [[nodiscard]] double energy_pj() const {
    double sum = 0;
    for (const auto& c : components) sum += c.energy_pj;
    return sum;
  }
};

struct RunResult {
  std::string trace_name;
  std::string trace_file;
  std::string arch_file;
  double clock_mhz = 0;
  uint64_t pes = 0;
  double dram_peak_bytes_per_cycle = 0;  // 0: unlimited
  std::string timeline_note;             // why the timeline is incomplete; empty when it is whole
  bool functional_checked = false;       // --functional ran and every output matched the reference
  std::vector<LayerResult> layers;
  std::vector<ComponentResult> components;  // whole-run totals per component

  [[nodiscard]] uint64_t cycles() const {
    uint64_t s = 0;
    for (const auto& l : layers) s += l.cycles;
    return s;
  }
  [[nodiscard]] uint64_t macs() const {
    uint64_t s = 0;
    for (const auto& l : layers) s += l.macs;
    return s;
  }
  [[nodiscard]] uint64_t vector_ops() const {
    uint64_t s = 0;
    for (const auto& l : layers) s += l.vector_ops;
    return s;
  }
  [[nodiscard]] double energy_pj() const {
    double s = 0;
    for (const auto& c : components) s += c.total_energy_pj();
    return s;
  }
  [[nodiscard]] double area_mm2() const {
    double s = 0;
    for (const auto& c : components) s += c.area_mm2;
    return s;
  }
};

}  // namespace tessera
