// `tessera plot REPORT.json -o DIR`: pictures of a run's report (sim/run_plot.h).
#include <iostream>

#include "sim/cli/command.h"
#include "sim/run_plot.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

int plot(const Args& args) {
  std::string report, dir;
  po::options_description d("plot options");
  d.add_options()("help,h", "show this help")("report", po::value(&report),
                                              "a tessera run JSON report")(
      "output,o", po::value(&dir), "folder to draw causes.png, energy.png and roofline.png in");
  po::positional_options_description pos;
  pos.add("report", 1);
  const po::variables_map vm = parse(args, d, pos);
  if (vm.count("help") || report.empty() || dir.empty()) {
    std::cerr << usage_text();
    return vm.count("help") ? 0 : kUsage;
  }
  plot_run_report(report, dir);
  std::cout << "wrote " << dir << "/causes.png, energy.png and roofline.png\n";
  return 0;
}

}  // namespace

const Command plot_command{"plot", "tessera plot REPORT.json -o DIR\n", plot};

}  // namespace tessera::cli
