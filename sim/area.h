// Chip area per component, from the cited 40 nm figures of data/area/area_40nm.yaml (compiled in):
//   buffer    capacity bits x SRAM bit cell / array efficiency (banks: inside the efficiency)
//   pe_array  rows x cols PEs, each a multiplier, an adder and registers (Aladdin 40 nm)
//   crypto    AES-GCM engines x kGates per engine kind x one gate equivalent (NAND2)
//   vector    lanes, each a multiplier, adder, comparator and register (Aladdin 40 nm)
//   dram      0: off chip
//   sparse, controller  0: not modelled (no published figure)
// sim/REPORTS.md lists the model and its assumptions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sim/arch_config.h"

namespace tessera {

class AreaFigures {
 public:
  struct Figure {
    double value = 0;
    std::string unit;
    std::string source;
    int line = 0;
  };

  // Throws InputError (file, line, field) for a malformed or incomplete table.
  static AreaFigures parse(const std::string& text, const std::string& file);
  // The table compiled in from data/area/area_40nm.yaml.
  static AreaFigures builtin();

  [[nodiscard]] const std::map<std::string, Figure>& figures() const { return figures_; }
  [[nodiscard]] double value(const std::string& key) const { return figures_.at(key).value; }
  [[nodiscard]] const std::string& name() const { return name_; }

  // One gate equivalent (NAND2) at the reported node, um^2.
  [[nodiscard]] double gate_um2() const;
  [[nodiscard]] double sram_mm2_per_kib() const;
  [[nodiscard]] double pe_mm2() const;
  [[nodiscard]] double vector_lane_mm2() const;
  // One engine of that kind; nullopt when the table has no figure for it (serial).
  [[nodiscard]] std::optional<double> engine_mm2(const std::string& kind) const;

 private:
  std::string name_;
  std::map<std::string, Figure> figures_;
};

// Square millimetres per module family of the architecture (every family has an entry; 0 where
// the family has no area or no figure). Total: the sum.
[[nodiscard]] std::map<std::string, double> component_area_mm2(const ArchConfig& arch,
                                                               const AreaFigures& figures);
[[nodiscard]] double total_area_mm2(const std::map<std::string, double>& areas);

// The number of AES-GCM engines the architecture's crypto module instantiates (0 without one).
[[nodiscard]] int64_t crypto_engine_count(const ArchConfig& arch);

// An iso-area design point: the buffer capacity (whole KiB, rounded down) that `budget_mm2`
// leaves once every other component, engines included, is paid for. Throws InputError naming
// `option` when the budget does not cover the other parts and at least one KiB of buffer, or when
// the engine kind has no area figure.
struct BudgetSplit {
  double budget_mm2 = 0;
  double fixed_mm2 = 0;    // every component but the buffer
  double engines_mm2 = 0;  // of which the AES-GCM engines
  int64_t buffer_kib = 0;
  double buffer_mm2 = 0;
};
[[nodiscard]] BudgetSplit buffer_for_budget(const ArchConfig& arch, const AreaFigures& figures,
                                            double budget_mm2, const std::string& option);

// The exact bytes of data/area/area_40nm.yaml, compiled in at build time.
std::string_view default_area_yaml();

}  // namespace tessera
