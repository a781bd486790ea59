// The `tessera` command line. Library code throws typed errors; only this file turns them into a
// message on stderr and an exit code: 0 success, 1 usage, 2 bad input, 3 simulation error.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <systemc>

#include "sim/arch_config.h"
#include "sim/atomic_file.h"
#include "sim/embedded_files.h"
#include "sim/energy_table.h"
#include "sim/report.h"
#include "sim/top.h"
#include "traces/scalesim_import.h"
#include "traces/text_file.h"
#include "traces/trace_reader.h"

namespace po = boost::program_options;

namespace tessera {
namespace {

constexpr int kUsage = 1;
constexpr int kBadInput = 2;
constexpr int kSimulationError = 3;

const char* const kUsageText =
    "usage: tessera [run] [TRACE] [--arch FILE] [-p module.param=value]... [--energy FILE]\n"
    "                     [--json FILE] [--csv FILE] [--functional] [--seed N] [--quiet]\n"
    "       tessera config --dump [--arch FILE] [-p module.param=value]...\n"
    "       tessera import scalesim TOPOLOGY.csv [--cfg FILE.cfg] [--gemm] -o DIR\n"
    "\n"
    "With no TRACE, `run` simulates the built-in ResNet-50 trace on the built-in architecture.\n";

struct ArchOptions {
  std::optional<std::string> file;
  std::vector<std::string> overrides;
};

void add_arch_options(po::options_description& d, ArchOptions& a) {
  d.add_options()("arch",
                  po::value<std::string>()->notifier([&](const std::string& s) { a.file = s; }),
                  "architecture YAML (default: the built-in architecture)")(
      "param,p", po::value<std::vector<std::string>>(&a.overrides)->composing(),
      "override one parameter: module.param=value");
}

ArchConfig load_arch_options(const ArchOptions& a) {
  if (a.file) return load_arch(read_text_file(*a.file), *a.file, a.overrides);
  return load_arch(default_arch_yaml(), "<built-in architecture>", a.overrides);
}

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& d,
                        const po::positional_options_description& pos) {
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(d).positional(pos).run(), vm);
  po::notify(vm);
  return vm;
}

int run_command(const std::vector<std::string>& args) {
  ArchOptions arch;
  std::string trace_path, energy_path, json_path, csv_path;
  uint64_t seed = 1;
  po::options_description d("run options");
  d.add_options()("help,h", "show this help")("trace", po::value(&trace_path), "trace YAML")(
      "energy", po::value(&energy_path), "energy table YAML (default: the built-in table)")(
      "json", po::value(&json_path), "write the JSON report to FILE")(
      "csv", po::value(&csv_path), "write the per-layer CSV report to FILE")(
      "functional", "carry real values and check every output against a reference")(
      "seed", po::value(&seed), "seed of the functional-mode tensors (default 1)")(
      "quiet,q", "print no summary");
  add_arch_options(d, arch);
  po::positional_options_description pos;
  pos.add("trace", 1);
  const po::variables_map vm = parse(args, d, pos);
  if (vm.count("help")) {
    std::cout << kUsageText << "\n" << d;
    return 0;
  }
  // Everything is read and checked before anything is simulated or written.
  const Trace trace = trace_path.empty() ? parse_trace(std::string(embedded_trace_yaml()),
                                                       "<built-in resnet50 trace>")
                                         : read_trace_file(trace_path);
  const ArchConfig config = load_arch_options(arch);
  const EnergyTable energy =
      energy_path.empty() ? EnergyTable::builtin() : EnergyTable::load(energy_path);
  RunOptions options;
  options.functional = vm.count("functional") > 0;
  options.seed = seed;
  const RunResult result = simulate(trace, config, energy, options);
  write_reports(result, json_path.empty() ? std::nullopt : std::optional(json_path),
                csv_path.empty() ? std::nullopt : std::optional(csv_path));
  if (!vm.count("quiet")) std::cout << summary_text(result);
  return 0;
}

int config_command(const std::vector<std::string>& args) {
  ArchOptions arch;
  po::options_description d("config options");
  d.add_options()("help,h", "show this help")("dump", "print the effective configuration");
  add_arch_options(d, arch);
  const po::variables_map vm = parse(args, d, {});
  if (vm.count("help") || !vm.count("dump")) {
    std::cout << kUsageText << "\n" << d;
    return vm.count("help") ? 0 : kUsage;
  }
  std::cout << dump_arch(load_arch_options(arch));
  return 0;
}

int import_command(const std::vector<std::string>& args) {
  std::string format, topology, cfg, out_dir;
  po::options_description d("import options");
  d.add_options()("help,h", "show this help")("format", po::value(&format), "scalesim")(
      "topology", po::value(&topology), "SCALE-Sim topology CSV")(
      "cfg", po::value(&cfg), "SCALE-Sim .cfg (default: SCALE-Sim's scale.cfg values)")(
      "gemm", "the topology has GEMM rows (Layer, M, N, K)")(
      "output,o", po::value(&out_dir), "folder to write trace.yaml and arch.yaml into");
  po::positional_options_description pos;
  pos.add("format", 1).add("topology", 1);
  const po::variables_map vm = parse(args, d, pos);
  if (vm.count("help") || format != "scalesim" || topology.empty() || out_dir.empty()) {
    std::cerr << kUsageText;
    return vm.count("help") ? 0 : kUsage;
  }
  const ScaleSimImport imported = import_scalesim(
      topology, cfg.empty() ? std::nullopt : std::optional(cfg), vm.count("gemm") > 0);
  if (!imported.ignored_keys.empty()) {
    std::string keys;
    for (const std::string& key : imported.ignored_keys) keys += (keys.empty() ? "" : ", ") + key;
    std::cerr << "tessera: note: " << cfg << ": keys with no effect in tessera: " << keys << "\n";
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw InputError({out_dir, 0, "output"}, "cannot create the folder: " + ec.message());
  write_file_atomically(out_dir + "/trace.yaml", imported.trace_yaml);
  write_file_atomically(out_dir + "/arch.yaml", imported.arch_yaml);
  std::cout << "wrote " << out_dir << "/trace.yaml and " << out_dir << "/arch.yaml\n";
  return 0;
}

int dispatch(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "run";
  if (!args.empty() && (args[0] == "run" || args[0] == "config" || args[0] == "import")) {
    command = args[0];
    args.erase(args.begin());
  } else if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::cout << kUsageText;
    return 0;
  }
  try {
    if (command == "config") return config_command(args);
    if (command == "import") return import_command(args);
    return run_command(args);
  } catch (const po::error& e) {
    std::cerr << "tessera: " << e.what() << "\n" << kUsageText;
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
}  // namespace tessera

int sc_main(int argc, char** argv) {
  return tessera::dispatch(argc, argv);
}

int main(int argc, char** argv) {
  // Must be set before the SystemC kernel starts, or it prints its banner.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
