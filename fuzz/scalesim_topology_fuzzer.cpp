// Fuzzes the SCALE-Sim topology CSV reader (conv rows, or GEMM rows when built with
// TESSERA_FUZZ_GEMM=1) and the mapping step the importer runs on what it read.
#include "fuzz/fuzz_input.h"
#include "sim/error.h"
#include "traces/scalesim_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tessera::fuzz::write_scratch_file(data, size, ".csv");
  try {
    tessera::Trace trace = tessera::read_scalesim_topology(path, TESSERA_FUZZ_GEMM != 0);
    tessera::add_scalesim_mappings(trace, tessera::ScaleSimConfig{});
  } catch (const tessera::InputError&) {
  }
  return 0;
}
