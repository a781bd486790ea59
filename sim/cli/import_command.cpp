#include <filesystem>
#include <iostream>

#include "sim/atomic_file.h"
#include "sim/cli/command.h"
#include "sim/error.h"
#include "traces/scalesim_import.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

int run(const Args& args) {
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
    std::cerr << usage_text();
    return vm.count("help") ? 0 : kUsage;
  }
  const ScaleSimImport imported = import_scalesim(
      topology, cfg.empty() ? std::nullopt : std::optional(cfg), vm.count("gemm") > 0);
  if (!imported.ignored_keys.empty()) {
    std::string keys;
    for (const std::string& key : imported.ignored_keys) keys += (keys.empty() ? "" : ", ") + key;
    std::cerr << "tessera: note: " << cfg << ": keys with no effect in tessera: " << keys << "\n";
  }
  for (const std::string& rename : imported.renamed_layers) {
    std::cerr << "tessera: note: " << topology << ": repeated layer name renamed, " << rename
              << "\n";
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw InputError({out_dir, 0, "output"}, "cannot create the folder: " + ec.message());
  write_file_atomically(out_dir + "/trace.yaml", imported.trace_yaml);
  write_file_atomically(out_dir + "/arch.yaml", imported.arch_yaml);
  std::cout << "wrote " << out_dir << "/trace.yaml and " << out_dir << "/arch.yaml\n";
  return 0;
}

}  // namespace

const Command import_command{
    "import", "tessera import scalesim TOPOLOGY.csv [--cfg FILE.cfg] [--gemm] -o DIR\n", run};

}  // namespace tessera::cli
