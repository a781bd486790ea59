// Fuzzes the trace reader (traces/FORMAT.md).
#include "fuzz/fuzz_input.h"
#include "sim/error.h"
#include "traces/trace_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    (void)tessera::parse_trace(tessera::fuzz::as_text(data, size), "fuzz.yaml");
  } catch (const tessera::InputError&) {
  }
  return 0;
}
