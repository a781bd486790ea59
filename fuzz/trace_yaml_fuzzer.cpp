// Fuzzes the trace reader (traces/FORMAT.md), and checks that reading a layer at a time gives
// exactly what the whole-document reader gives: the same trace or the same error.
#include <cstdio>
#include <cstdlib>

#include "fuzz/fuzz_input.h"
#include "tests/support/trace_difference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string difference =
      tessera::test::readers_disagree(tessera::fuzz::as_text(data, size));
  if (!difference.empty()) {
    std::fprintf(stderr, "layer-by-layer and whole-document readings differ: %s\n",
                 difference.c_str());
    std::abort();
  }
  return 0;
}
