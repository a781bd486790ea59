// The two timeline formats, chosen by the file's extension:
//   .json  Chrome trace-event JSON, as Perfetto (ui.perfetto.dev), chrome://tracing and
//          speedscope read it: one process, one thread per track, counters as counter events.
//   .vcd   a value-change dump for GTKWave: a busy wire per activity track, a state number per
//          state track, an integer per counter.
// Both stream to a temporary file that appears under its name only when the run completes.
#pragma once

#include <memory>
#include <string>

#include "sim/timeline/timeline.h"

namespace tessera {

// Throws InputError (field "--timeline") for an unknown extension or a folder that cannot be
// written, before anything is simulated.
[[nodiscard]] std::unique_ptr<TimelineWriter> timeline_writer_for(const std::string& path);

}  // namespace tessera
