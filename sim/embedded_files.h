// Files compiled into the binary (cmake/Embed.cmake), so `tessera run` works with no arguments
// and no data files installed.
#pragma once

#include <string_view>

namespace tessera {

std::string_view embedded_arch_yaml();   // traces/arch/default.yaml
std::string_view embedded_trace_yaml();  // traces/samples/resnet50.yaml
// traces/arch/sparse.yaml, the architecture of `tessera spmspm` and `tessera tile`.
std::string_view embedded_sparse_arch_yaml();

}  // namespace tessera
