// Fuzzes the ONNX importer: protobuf parsing, the opset and input checks, shape inference, the
// folding of shape subgraphs and the mapping of nodes to layers. With and without a batch, so
// that models with a dynamic first dim reach shape inference too.
#include "fuzz/fuzz_input.h"
#include "sim/error.h"
#include "traces/onnx/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes = tessera::fuzz::as_text(data, size);
  for (bool batch : {false, true}) {
    tessera::onnx_import::Options options;
    if (batch) options.batch = 2;
    try {
      (void)tessera::onnx_import::import_bytes(bytes, "fuzz.onnx", options);
    } catch (const tessera::InputError&) {
    }
  }
  return 0;
}
