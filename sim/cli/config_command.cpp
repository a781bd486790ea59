#include <iostream>

#include "sim/cli/command.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

int config_main(const Args& args) {
  ArchOptions arch;
  po::options_description d("config options");
  d.add_options()("help,h", "show this help")("dump", "print the effective configuration")(
      "list", "list every registered implementation, one line each");
  add_arch_options(d, arch);
  const po::variables_map vm = parse(args, d, {});
  if (vm.count("help") || vm.count("dump") + vm.count("list") != 1) {
    std::cout << usage_text() << "\n" << d;
    return vm.count("help") ? 0 : kUsage;
  }
  if (vm.count("list")) {
    std::cout << list_implementations();
    return 0;
  }
  std::cout << dump_arch(load_arch_options(arch));
  return 0;
}

}  // namespace

const Command config_command{"config",
                             "tessera config --dump [--arch FILE] [-p module.param=value]...\n"
                             "       tessera config --list\n",
                             config_main};

}  // namespace tessera::cli
