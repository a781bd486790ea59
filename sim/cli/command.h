// One `tessera` subcommand: a name, its usage lines and the function that runs it. Library code
// throws typed errors; only main.cpp turns them into a message and an exit code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "sim/arch_config.h"
#include "sim/progress.h"
#include "sim/top.h"

namespace tessera::cli {

constexpr int kUsage = 1;
constexpr int kBadInput = 2;
constexpr int kSimulationError = 3;

using Args = std::vector<std::string>;

struct Command {
  const char* name;
  const char* usage;  // the command's usage lines, each ending in '\n'
  int (*run)(const Args& args);
};

// The usage text of every command, for `--help` and usage errors.
[[nodiscard]] std::string usage_text();

// --arch FILE and -p module.param=value, shared by every command that builds an architecture.
struct ArchOptions {
  std::optional<std::string> file;
  std::vector<std::string> overrides;
};
void add_arch_options(boost::program_options::options_description& d, ArchOptions& a);
[[nodiscard]] ArchConfig load_arch_options(const ArchOptions& a);

// Draws `progress` as the layers of a run finish: layers done, simulated cycles, rate, ETA.
void show_progress(ProgressLine& progress, RunOptions& options);

[[nodiscard]] boost::program_options::variables_map parse(
    const Args& args, const boost::program_options::options_description& d,
    const boost::program_options::positional_options_description& pos);

// The commands, one file each (sim/cli/<name>_command.cpp).
extern const Command run_command;
extern const Command config_command;
extern const Command import_command;
extern const Command dram_command;
extern const Command secure_schedule_command;
extern const Command spmspm_command;
extern const Command tile_command;
extern const Command validate_command;
extern const Command model_command;
extern const Command plot_command;
extern const Command sweep_command;

}  // namespace tessera::cli
