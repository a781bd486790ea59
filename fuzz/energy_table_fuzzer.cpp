// Fuzzes the energy-table reader (sim/REPORTS.md).
#include "fuzz/fuzz_input.h"
#include "sim/energy_table.h"
#include "sim/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    (void)tessera::EnergyTable::parse(tessera::fuzz::as_text(data, size), "fuzz.yaml");
  } catch (const tessera::InputError&) {
  }
  return 0;
}
