// Fuzzes the Matrix Market reader (sparse/matrix_market.h) and the compressed matrix it builds.
#include "fuzz/fuzz_input.h"
#include "sim/error.h"
#include "sparse/matrix_market.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    (void)tessera::parse_matrix_market(tessera::fuzz::as_text(data, size), "fuzz.mtx", "fuzz");
  } catch (const tessera::InputError&) {
  }
  return 0;
}
