#include <filesystem>
#include <iostream>

#include "sim/atomic_file.h"
#include "sim/cli/command.h"
#include "sim/error.h"
#include "traces/onnx/onnx_import.h"
#include "traces/scalesim_import.h"
#include "traces/timeloop/timeloop_import.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

// Writes both files, each atomically; nothing is written before the import has succeeded.
void write_outputs(const std::string& out_dir, const std::string& trace_yaml,
                   const std::string& arch_yaml) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw InputError({out_dir, 0, "output"}, "cannot create the folder: " + ec.message());
  write_file_atomically(out_dir + "/trace.yaml", trace_yaml);
  write_file_atomically(out_dir + "/arch.yaml", arch_yaml);
  std::cout << "wrote " << out_dir << "/trace.yaml and " << out_dir << "/arch.yaml\n";
}

int import_scalesim_files(const po::variables_map& vm, const std::string& topology,
                          const std::string& cfg, const std::string& out_dir) {
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
  write_outputs(out_dir, imported.trace_yaml, imported.arch_yaml);
  return 0;
}

int import_timeloop_files(const std::string& problem, const std::string& arch,
                          const std::string& mapping, const std::string& out_dir) {
  const timeloop::Import imported = timeloop::import_timeloop(problem, arch, mapping);
  for (const std::string& warning : imported.warnings) {
    std::cerr << "tessera: warning: " << warning << "\n";
  }
  write_outputs(out_dir, imported.trace_yaml, imported.arch_yaml);
  return 0;
}

// Writes DIR/trace.yaml; the layers run on whatever architecture the user picks.
int import_onnx_file(const po::variables_map& vm, const std::string& model,
                     const std::vector<std::string>& inputs, const std::string& out_dir) {
  onnx_import::Options options;
  if (vm.count("batch")) {
    const int64_t batch = vm["batch"].as<int64_t>();
    if (batch < 1) throw InputError({"--batch", 0, ""}, "must be at least 1");
    options.batch = batch;
  }
  for (const std::string& spec : inputs) {
    const size_t eq = spec.find('=');
    const auto dims =
        eq == std::string::npos ? std::nullopt : onnx_import::parse_dims(spec.substr(eq + 1));
    if (!dims) throw InputError({"--input", 0, spec}, "expected NAME=D0,D1,... (positive dims)");
    options.inputs[spec.substr(0, eq)] = *dims;
  }
  options.skip_unsupported = vm.count("skip-unsupported") > 0;
  const onnx_import::Import imported = onnx_import::import_file(model, options);
  for (const std::string& note : imported.notes) {
    std::cerr << "tessera: note: " << model << ": " << note << "\n";
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw InputError({out_dir, 0, "output"}, "cannot create the folder: " + ec.message());
  write_file_atomically(out_dir + "/trace.yaml", imported.trace_yaml);
  std::cout << "wrote " << out_dir << "/trace.yaml (" << imported.trace.layers.size()
            << " layers)\n";
  return 0;
}

int import_main(const Args& args) {
  std::string format, topology, cfg, out_dir, problem, arch, mapping;
  std::vector<std::string> inputs;
  po::options_description d("import options");
  d.add_options()("help,h", "show this help")("format", po::value(&format), "scalesim | timeloop")(
      "topology", po::value(&topology), "SCALE-Sim topology CSV")(
      "cfg", po::value(&cfg), "SCALE-Sim .cfg (default: SCALE-Sim's scale.cfg values)")(
      "gemm", "the topology has GEMM rows (Layer, M, N, K)")("problem", po::value(&problem),
                                                             "Timeloop problem YAML")(
      "arch", po::value(&arch), "Timeloop architecture YAML")("mapping", po::value(&mapping),
                                                              "Timeloop mapping YAML")(
      "output,o", po::value(&out_dir), "folder to write trace.yaml and arch.yaml into")(
      "batch", po::value<int64_t>(), "ONNX: the first dim of every graph input")(
      "input", po::value(&inputs), "ONNX: NAME=D0,D1,... a graph input's shape (repeatable)")(
      "skip-unsupported", "ONNX: leave out nodes of ops tessera does not model, with a note");
  po::positional_options_description pos;
  pos.add("format", 1).add("topology", 1);
  const po::variables_map vm = parse(args, d, pos);
  const bool scalesim = format == "scalesim" && !topology.empty();
  const bool onnx = format == "onnx" && !topology.empty();
  const bool timeloop = format == "timeloop" && topology.empty() && !problem.empty() &&
                        !arch.empty() && !mapping.empty();
  if (vm.count("help") || (!scalesim && !timeloop && !onnx) || out_dir.empty()) {
    std::cerr << usage_text();
    return vm.count("help") ? 0 : kUsage;
  }
  if (onnx) return import_onnx_file(vm, topology, inputs, out_dir);
  return scalesim ? import_scalesim_files(vm, topology, cfg, out_dir)
                  : import_timeloop_files(problem, arch, mapping, out_dir);
}

}  // namespace

const Command import_command{
    "import",
    "tessera import scalesim TOPOLOGY.csv [--cfg FILE.cfg] [--gemm] -o DIR\n"
    "       tessera import timeloop --problem P.yaml --arch A.yaml --mapping M.yaml -o DIR\n"
    "       tessera import onnx MODEL.onnx -o DIR [--batch N] [--input NAME=DIMS]...\n"
    "                           [--skip-unsupported]\n",
    import_main};

}  // namespace tessera::cli
