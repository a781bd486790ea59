// Fuzzes the reader of SCALE-Sim's COMPUTE_REPORT.csv and its pairing by position with a trace.
#include "fuzz/fuzz_input.h"
#include "sim/error.h"
#include "traces/predictions/scalesim_compute_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const tessera::Predictions p = tessera::parse_scalesim_compute_report(
        tessera::fuzz::as_text(data, size), "COMPUTE_REPORT.csv");
    tessera::Trace trace;
    trace.layers.resize(2);
    (void)tessera::match_to_trace(p, trace);
  } catch (const tessera::InputError&) {
  }
  return 0;
}
