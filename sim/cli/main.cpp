// The `tessera` program: picks the subcommand and turns errors into a message on stderr and an
// exit code: 0 success, 1 usage, 2 bad input, 3 simulation error.
#include <cstdlib>
#include <iostream>

#include <systemc>

#include "sim/cli/command.h"
#include "sim/error.h"
#include "sim/plugin.h"

namespace tessera::cli {
namespace {

// Adding a command: one file sim/cli/<name>_command.cpp and one line here.
// One command per line, so clang-format is told not to pack them.
// clang-format off
const Command* const kCommands[] = {
    &run_command,
    &config_command,
    &import_command,
    &dram_command,
    &secure_schedule_command,
    &spmspm_command,
    &tile_command,
    &validate_command,
    &model_command,
    &plot_command,
    &sweep_command,
};
// clang-format on

// Loads the plugins TESSERA_PLUGIN_PATH names, then those of every `--plugin FILE` (taken out of
// the command's arguments): before anything else, so their implementations are there for any
// command.
void load_plugins(Args& args) {
  std::vector<std::string> paths = plugins_from_environment();
  for (size_t i = 0; i < args.size();) {
    const std::string& a = args[i];
    if (a == "--plugin") {
      if (i + 1 == args.size()) throw boost::program_options::error("--plugin needs a FILE");
      paths.push_back(args[i + 1]);
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                 args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
    } else if (a.rfind("--plugin=", 0) == 0) {
      paths.push_back(a.substr(9));
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  for (const std::string& path : paths) load_plugin(path);
}

int run_command_line(Args args) {
  load_plugins(args);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::cout << usage_text();
    return 0;
  }
  const Command* command = &run_command;
  for (const Command* c : kCommands) {
    if (!args.empty() && args[0] == c->name) {
      command = c;
      args.erase(args.begin());
      break;
    }
  }
  return command->run(args);
}

int dispatch(int argc, char** argv) {
  try {
    return run_command_line(Args(argv + 1, argv + argc));
  } catch (const boost::program_options::error& e) {
    std::cerr << "tessera: " << e.what() << "\n" << usage_text();
    return kUsage;
  } catch (const InputError& e) {
    std::cerr << "tessera: error: " << e.what() << "\n";
    return kBadInput;
  } catch (const SimulationError& e) {
    std::cerr << "tessera: simulation error: " << e.what() << "\n";
    return kSimulationError;
  }
}

}  // namespace

std::string usage_text() {
  std::string text;
  for (const Command* c : kCommands)
    text += (text.empty() ? "usage: " : "       ") + std::string(c->usage);
  return text +
         "\nWith no TRACE, `run` simulates the built-in ResNet-50 trace on the built-in "
         "architecture.\nEvery command takes --plugin FILE (repeatable) to load implementations "
         "from a shared library,\nas does TESSERA_PLUGIN_PATH (files and folders, colon-separated)."
         "\n";
}

}  // namespace tessera::cli

int sc_main(int argc, char** argv) {
  return tessera::cli::dispatch(argc, argv);
}

int main(int argc, char** argv) {
  // Must be set before the SystemC kernel starts, or it prints its banner.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
