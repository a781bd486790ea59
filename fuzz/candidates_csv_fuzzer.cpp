// Fuzzes the reader of a scheduler's candidates CSV and its pairing by name with a trace's
// layers (which also checks each tile against the layer's extents).
#include "fuzz/fuzz_input.h"
#include "sim/error.h"
#include "traces/predictions/candidates_csv.h"
#include "traces/trace_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const tessera::Trace trace = tessera::parse_trace(
      "tessera_trace: 1\nlayers:\n  - {name: conv1, op: conv, input: [8, 8], channels: 4, "
      "filters: 8, filter: [3, 3]}\n  - {name: fc, op: gemm, m: 16, n: 32, k: 64}\n",
      "trace.yaml");
  try {
    const tessera::CandidatesFile f =
        tessera::parse_candidates_csv(tessera::fuzz::as_text(data, size), "candidates.csv");
    (void)tessera::candidates_by_layer(f, trace);
  } catch (const tessera::InputError&) {
  }
  return 0;
}
