// --timeline FILE, --timeline-layers and --timeline-limit, shared by the commands that simulate
// a trace (run, spmspm).
#pragma once

#include <string>

#include <boost/program_options.hpp>

#include "sim/top.h"

namespace tessera::cli {

struct TimelineOptions {
  std::string path;
  std::string layers;  // NAME[,NAME...] or FIRST:LAST (names, or positions counted from 1)
  int64_t limit = 2'000'000;
};

void add_timeline_options(boost::program_options::options_description& d, TimelineOptions& t);

// Checks the options against the trace and opens the timeline's file (its temporary, which
// becomes the file only when the run completes). Throws InputError, so nothing is simulated or
// written, for a layer selection naming no layer, a limit below 1, an unknown extension or a
// folder that cannot be written.
void apply_timeline_options(const TimelineOptions& t, const Trace& trace, RunOptions& options);

}  // namespace tessera::cli
