// Fuzzes the Timeloop import (problem, architecture and mapping YAML). One input holds the three
// files in that order, separated by lines "#%% arch" and "#%% mapping"; a part left out is empty.
// The import may only fail with InputError, and what it writes must read back as a trace and an
// architecture.
#include <string>

#include "fuzz/fuzz_input.h"
#include "sim/arch_config.h"
#include "sim/error.h"
#include "traces/timeloop/timeloop_import.h"
#include "traces/trace_reader.h"

namespace {

// The text between `from` (or the start) and the next `to` line (or the end).
std::string part(const std::string& text, const std::string& from, const std::string& to) {
  size_t begin = 0;
  if (!from.empty()) {
    begin = text.find(from);
    if (begin == std::string::npos) return {};
    begin += from.size();
  }
  const size_t end = to.empty() ? std::string::npos : text.find(to, begin);
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

std::string scratch(const std::string& text, const char* suffix) {
  return tessera::fuzz::write_scratch_file(reinterpret_cast<const uint8_t*>(text.data()),
                                           text.size(), suffix);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = tessera::fuzz::as_text(data, size);
  const std::string arch_mark = "\n#%% arch\n", mapping_mark = "\n#%% mapping\n";
  const std::string problem = scratch(part(text, "", arch_mark), "-problem.yaml");
  const std::string arch = scratch(part(text, arch_mark, mapping_mark), "-arch.yaml");
  const std::string mapping = scratch(part(text, mapping_mark, ""), "-mapping.yaml");
  try {
    const tessera::timeloop::Import imported =
        tessera::timeloop::import_timeloop(problem, arch, mapping);
    (void)tessera::parse_trace(imported.trace_yaml, "imported-trace.yaml");
    (void)tessera::load_arch(imported.arch_yaml, "imported-arch.yaml", {});
  } catch (const tessera::InputError&) {
  }
  return 0;
}
