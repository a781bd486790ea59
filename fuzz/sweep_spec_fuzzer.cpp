// Fuzzes the sweep spec reader (sweep/FORMAT.md): axes, ranges, sampling, constraints, metrics.
// Only the reading: expanding points would read the trace and architecture files a spec names.
#include "fuzz/fuzz_input.h"
#include "sim/error.h"
#include "sweep/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    (void)tessera::sweep::parse_spec(tessera::fuzz::as_text(data, size), "fuzz.yaml");
  } catch (const tessera::InputError&) {
  }
  return 0;
}
