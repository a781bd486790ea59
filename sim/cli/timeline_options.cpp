#include "sim/cli/timeline_options.h"

#include <algorithm>
#include <optional>

#include "sim/error.h"
#include "sim/timeline/writers.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

// A layer by name, or by its position counted from 1.
std::optional<size_t> find_layer(const Trace& trace, const std::string& token) {
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    if (trace.layers[i].name == token) return i;
  }
  if (!token.empty() && std::all_of(token.begin(), token.end(), ::isdigit) && token.size() < 10) {
    const size_t position = std::stoul(token);
    if (position >= 1 && position <= trace.layers.size()) return position - 1;
  }
  return std::nullopt;
}

std::vector<bool> select_layers(const Trace& trace, const std::string& spec) {
  const SourceLocation where{"--timeline-layers", 0, "--timeline-layers"};
  std::vector<bool> selected(trace.layers.size(), false);
  const auto layer = [&](const std::string& token) {
    const auto i = find_layer(trace, token);
    if (!i) {
      throw InputError(where, "'" + token + "' names no layer of the trace (" +
                                  std::to_string(trace.layers.size()) +
                                  " layers; give names, or positions from 1)");
    }
    return *i;
  };
  // A whole name may hold ':' or ','; it is tried first.
  if (find_layer(trace, spec)) {
    selected[layer(spec)] = true;
    return selected;
  }
  if (const size_t colon = spec.find(':'); colon != std::string::npos) {
    const size_t first = layer(spec.substr(0, colon)), last = layer(spec.substr(colon + 1));
    if (last < first) {
      throw InputError(where, "the range " + spec + " ends before it starts");
    }
    std::fill(selected.begin() + static_cast<std::ptrdiff_t>(first),
              selected.begin() + static_cast<std::ptrdiff_t>(last) + 1, true);
    return selected;
  }
  size_t from = 0;
  while (from <= spec.size()) {
    const size_t comma = std::min(spec.find(',', from), spec.size());
    selected[layer(spec.substr(from, comma - from))] = true;
    from = comma + 1;
  }
  return selected;
}

}  // namespace

void add_timeline_options(po::options_description& d, TimelineOptions& t) {
  d.add_options()("timeline", po::value(&t.path),
                  "write what each module did when to FILE: .json (Chrome trace, for Perfetto) "
                  "or .vcd (for GTKWave)")(
      "timeline-layers", po::value(&t.layers),
      "NAME[,NAME...] | FIRST:LAST: record only these layers (names, or positions from 1)")(
      "timeline-limit", po::value(&t.limit), "stop recording after N events (default 2000000)");
}

void apply_timeline_options(const TimelineOptions& t, const Trace& trace, RunOptions& options) {
  if (t.path.empty()) {
    if (!t.layers.empty()) {
      throw InputError({"--timeline-layers", 0, "--timeline-layers"}, "needs --timeline FILE");
    }
    return;
  }
  if (t.limit < 1) {
    throw InputError({"--timeline-limit", 0, "--timeline-limit"},
                     "must be at least 1, got " + std::to_string(t.limit));
  }
  options.timeline_layers = t.layers.empty() ? std::vector<bool>{} : select_layers(trace, t.layers);
  options.timeline_limit = static_cast<uint64_t>(t.limit);
  options.timeline = timeline_writer_for(t.path);
}

}  // namespace tessera::cli
