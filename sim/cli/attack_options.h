// --tamper, --tamper-tag and --replay, shared by the commands that simulate a trace (run,
// spmspm).
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "sim/top.h"

namespace tessera::cli {

struct AttackOptions {
  std::vector<std::string> tamper, tamper_tag, replay;
};

void add_attack_options(boost::program_options::options_description& d, AttackOptions& a);

// Parses the attacks and checks them against the trace (InputError, so nothing is simulated);
// attacks need real ciphertext in DRAM, so any attack turns functional mode on.
void apply_attack_options(const AttackOptions& a, const Trace& trace, RunOptions& options);

}  // namespace tessera::cli
