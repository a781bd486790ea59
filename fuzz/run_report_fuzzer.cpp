// Fuzzes the reader of a run's JSON report that `tessera plot` draws from.
#include "fuzz/fuzz_input.h"
#include "sim/error.h"
#include "sim/run_plot.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    (void)tessera::parse_run_report(tessera::fuzz::as_text(data, size), "report.json");
  } catch (const tessera::InputError&) {
  }
  return 0;
}
