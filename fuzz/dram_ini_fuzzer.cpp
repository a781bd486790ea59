// Fuzzes the DRAMSim3 .ini device reader and the memory system `tessera dram --ini` builds from
// what it read, so that sizes in the file that the memory system allocates from are reached.
#include <stdexcept>

#include "fuzz/fuzz_input.h"
#include "models/dram/ddr/device.h"
#include "models/dram/ddr/memory_system.h"
#include "models/dram/ddr/policies.h"
#include "sim/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const tessera::ddr::LoadedDevice loaded =
        tessera::ddr::parse_device_ini(tessera::fuzz::as_text(data, size), "fuzz.ini");
    const tessera::ddr::Device& d = loaded.device;
    const tessera::ddr::MemorySystem memory(d, tessera::ddr::make_policies(d, {}),
                                            d.address_mapping);
    (void)memory.capacity_bytes();
    (void)d.peak_gbps();
  } catch (const tessera::InputError&) {
  }
  return 0;
}
