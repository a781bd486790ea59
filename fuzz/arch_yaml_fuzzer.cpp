// Fuzzes the architecture reader, with the registered implementations linked in so that every
// family, impl and parameter check is reached.
#include "fuzz/fuzz_input.h"
#include "sim/arch_config.h"
#include "sim/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    (void)tessera::load_arch(tessera::fuzz::as_text(data, size), "fuzz.yaml", {});
  } catch (const tessera::InputError&) {
  }
  return 0;
}
