// What tests that run the tessera program share: where the source tree and the program are, and
// the architectures they run it on.
#pragma once

#include <string>

#include "tests/support/files.h"

namespace tessera::test {

inline const std::string kSourceDir = TESSERA_SOURCE_DIR;
// Defined for the tests built with the tessera program (tests/CMakeLists.txt).
#ifdef TESSERA_BINARY
inline const std::string kBinary = TESSERA_BINARY;
#endif

inline const std::string kDefaultArch = kSourceDir + "/traces/arch/default.yaml";
// The default architecture with a DRAM of no latency and no bandwidth limit: nothing but the
// array and its ports takes time.
inline const std::string kIdealDram = " --arch " +
                                      quote(kSourceDir + "/traces/arch/default_ideal_dram.yaml") +
                                      " -p dram.bandwidth_gbps=0 -p dram.latency_ns=0";

}  // namespace tessera::test
