#include "sim/timeline/writers.h"

#include "sim/error.h"
#include "sim/timeline/chrome_trace.h"
#include "sim/timeline/vcd.h"

namespace tessera {

std::unique_ptr<TimelineWriter> timeline_writer_for(const std::string& path) {
  const auto ends_with = [&path](const std::string& ext) {
    return path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  if (ends_with(".json")) return std::make_unique<ChromeTraceWriter>(path);
  if (ends_with(".vcd")) return std::make_unique<VcdWriter>(path);
  throw InputError({path, 0, "--timeline"},
                   "unknown timeline format: the file must end in .json (Chrome trace, for "
                   "Perfetto) or .vcd (value-change dump, for GTKWave)");
}

}  // namespace tessera
