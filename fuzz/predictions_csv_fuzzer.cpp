// Fuzzes the reader of a user's predictions CSV and its pairing by name with a trace's layers.
#include "fuzz/fuzz_input.h"
#include "sim/error.h"
#include "traces/predictions/predictions_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const tessera::Predictions p =
        tessera::parse_predictions_csv(tessera::fuzz::as_text(data, size), "predictions.csv");
    tessera::Trace trace;
    for (const char* name : {"conv1", "fc"}) trace.layers.emplace_back().name = name;
    (void)tessera::match_to_trace(p, trace);
  } catch (const tessera::InputError&) {
  }
  return 0;
}
