// Writes a Trace as YAML in trace format v1 (traces/FORMAT.md). The output is deterministic: the
// same trace always gives the same bytes, so generated samples can be checked in and diffed.
#pragma once

#include <string>

#include "traces/layer.h"

namespace tessera {

// Conv layers are written with every shape key (output included, so a reader never has to
// re-derive it); GEMM layers as m/n/k. `mapping` appears only when some part of it is set.
// `comment` (may hold several lines) is written as '#' lines under the generated header.
[[nodiscard]] std::string write_trace_yaml(const Trace& trace, const std::string& comment = {});

}  // namespace tessera
