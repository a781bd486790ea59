// Fuzzes the trace reader (traces/FORMAT.md), and checks that reading a layer at a time gives
// exactly what the whole-document reader gives: the same trace or the same error.
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "fuzz/fuzz_input.h"
#include "sim/error.h"
#include "tests/support/trace_difference.h"
#include "traces/trace_reader.h"

namespace {

struct Reading {
  std::optional<tessera::Trace> trace;
  std::string error;
};

template <typename Parse>
Reading read_with(Parse parse, const std::string& text) {
  Reading r;
  try {
    r.trace = parse(text, "fuzz.yaml");
  } catch (const tessera::InputError& e) {
    r.error = e.what();
  }
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = tessera::fuzz::as_text(data, size);
  const Reading streamed = read_with(tessera::parse_trace, text);
  const Reading whole = read_with(tessera::parse_trace_whole_document, text);
  std::string difference;
  if (streamed.error != whole.error) {
    difference = "errors differ: '" + streamed.error + "' / '" + whole.error + "'";
  } else if (streamed.trace && whole.trace) {
    difference = tessera::test::trace_difference(*streamed.trace, *whole.trace);
  }
  if (!difference.empty()) {
    std::fprintf(stderr, "layer-by-layer and whole-document readings differ: %s\n",
                 difference.c_str());
    std::abort();
  }
  return 0;
}
