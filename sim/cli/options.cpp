#include <iostream>

#include "sim/cli/command.h"
#include "sim/embedded_files.h"
#include "sim/text_format.h"
#include "traces/text_file.h"

namespace po = boost::program_options;

namespace tessera::cli {

void add_arch_options(po::options_description& d, ArchOptions& a) {
  d.add_options()("arch",
                  po::value<std::string>()->notifier([&](const std::string& s) { a.file = s; }),
                  "architecture YAML (default: the built-in architecture)")(
      "param,p", po::value<std::vector<std::string>>(&a.overrides)->composing(),
      "override one parameter: module.param=value");
}

ArchConfig load_arch_options(const ArchOptions& a) {
  ArchConfig arch = a.file ? load_arch(read_text_file(*a.file), *a.file, a.overrides)
                           : load_arch(default_arch_yaml(), "<built-in architecture>", a.overrides);
  for (const std::string& note : arch.notes) std::cerr << "tessera: note: " << note << "\n";
  return arch;
}

void show_progress(ProgressLine& progress, RunOptions& options) {
  options.on_trace = [&progress](size_t layers) { progress.set_total(layers); };
  options.on_layer_done = [&progress](size_t done, uint64_t cycles) {
    progress.update(done, scientific(static_cast<double>(cycles), 2) + " cycles");
  };
}

po::variables_map parse(const Args& args, const po::options_description& d,
                        const po::positional_options_description& pos) {
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(d).positional(pos).run(), vm);
  po::notify(vm);
  return vm;
}

}  // namespace tessera::cli
