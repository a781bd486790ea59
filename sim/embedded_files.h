// Files compiled into the binary (cmake/Embed.cmake), so `tessera run` works with no arguments
// and no data files installed.
#pragma once

#include <string>

namespace tessera::embedded {

const std::string& default_arch_yaml();   // traces/arch/default.yaml
const std::string& default_trace_yaml();  // traces/samples/resnet50.yaml

}  // namespace tessera::embedded
