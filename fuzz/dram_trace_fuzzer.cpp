// Fuzzes the DRAMSim3 trace-line reader of `tessera dram` and replays what it accepts on a DDR4
// memory system with both controllers, as the command does.
#include <string>

#include "fuzz/fuzz_input.h"
#include "models/dram/ddr/memory_system.h"
#include "models/dram/ddr/policies.h"
#include "models/dram/ddr/presets.h"
#include "models/dram/ddr/trace_replay.h"
#include "sim/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const tessera::ddr::Device device =
      tessera::ddr::load_preset("DDR4-3200-x8", {"fuzz", 0, "preset"}).device;
  try {
    tessera::ddr::MemorySystem memory(device, tessera::ddr::make_policies(device, {}),
                                      device.address_mapping);
    const std::string text = tessera::fuzz::as_text(data, size);
    tessera::ddr::TraceReader for_queue(text, "fuzz.trace", memory.capacity_bytes());
    (void)tessera::ddr::replay(memory, for_queue);
    tessera::ddr::TraceReader for_controllers(text, "fuzz.trace", memory.capacity_bytes());
    (void)tessera::ddr::replay_controllers(device, memory.address_map(), for_controllers);
  } catch (const tessera::InputError&) {
  }
  return 0;
}
