// Fuzzes the SCALE-Sim .cfg reader and the architecture it turns a config into.
#include "fuzz/fuzz_input.h"
#include "sim/arch_config.h"
#include "sim/error.h"
#include "traces/scalesim_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = tessera::fuzz::write_scratch_file(data, size, ".cfg");
  try {
    const tessera::ScaleSimConfig cfg = tessera::read_scalesim_config(path);
    (void)tessera::load_arch(tessera::scalesim_arch_yaml(cfg), "scalesim-arch.yaml", {});
  } catch (const tessera::InputError&) {
  }
  return 0;
}
