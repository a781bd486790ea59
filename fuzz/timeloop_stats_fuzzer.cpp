// Fuzzes the reader of timeloop-model's stats file and its pairing with a one-layer trace.
#include "fuzz/fuzz_input.h"
#include "sim/error.h"
#include "traces/predictions/timeloop_stats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const tessera::Predictions p =
        tessera::parse_timeloop_stats(tessera::fuzz::as_text(data, size), "stats.txt");
    tessera::Trace trace;
    trace.layers.resize(1);
    (void)tessera::match_to_trace(p, trace);
  } catch (const tessera::InputError&) {
  }
  return 0;
}
