// Reads trace format v1 (FORMAT.md). Every problem is an InputError naming file, line and field.
#pragma once

#include <string>

#include "traces/layer.h"

namespace tessera {

[[nodiscard]] Trace read_trace_file(const std::string& path);
// `file` names the text in messages ("<embedded>" for the built-in default trace).
[[nodiscard]] Trace parse_trace(const std::string& text, const std::string& file);

// The same reader on yaml-cpp's tree of the whole document, which takes kilobytes per layer:
// parse_trace falls back to it for a document it cannot read a layer at a time, and is tested
// against it.
[[nodiscard]] Trace parse_trace_whole_document(const std::string& text, const std::string& file);

}  // namespace tessera
