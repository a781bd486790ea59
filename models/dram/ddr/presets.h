// Devices by name. Each preset is a DRAMSim3 device file shipped in data/dram/ and compiled into
// the binary byte for byte, so a preset and its file cannot differ.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models/dram/ddr/device.h"
#include "sim/error.h"

namespace tessera::ddr {

struct Preset {
  const char* name;  // e.g. "DDR4-3200-x8"
  const char* file;  // the shipped file, e.g. "data/dram/DDR4_8Gb_x8_3200.ini"
  std::string_view (*text)();
};

[[nodiscard]] const std::vector<Preset>& presets();

// Throws InputError at `where` naming the known presets when `name` is not one of them.
[[nodiscard]] LoadedDevice load_preset(const std::string& name, const SourceLocation& where);

}  // namespace tessera::ddr
