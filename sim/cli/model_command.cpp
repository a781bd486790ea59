// `tessera model`: tessera's analytical estimate of every layer of a trace, planned as the
// simulator plans it but simulated not at all (plan/analytical_model.h, docs/model.md).
#include <chrono>
#include <ctime>
#include <iostream>

#include "plan/analytical_model.h"
#include "sim/area.h"
#include "sim/cli/command.h"
#include "sim/energy_table.h"
#include "sim/model_report.h"
#include "sim/top.h"
#include "traces/trace_reader.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

model::Accounting parse_accounting(const std::string& text) {
  if (text == "tessera") return model::Accounting::tessera;
  if (text == "timeloop") return model::Accounting::timeloop;
  throw InputError({"--accounting", 0, text},
                   "unknown accounting '" + text + "' (expected tessera or timeloop)");
}

int model_main(const Args& args) {
  ArchOptions arch;
  std::string trace_path, energy_path, json_path, csv_path, accounting = "tessera";
  po::options_description d("model options");
  d.add_options()("help,h", "show this help")("trace", po::value(&trace_path), "trace YAML")(
      "fill-drain", "add each fold's fill and drain to the compute cycles")(
      "accounting", po::value(&accounting),
      "tessera (the simulator's counts, default) or timeloop (timeloop-model v3.0.3's)")(
      "energy", po::value(&energy_path), "energy table YAML (default: the built-in table)")(
      "json", po::value(&json_path), "write the JSON report to FILE")(
      "csv", po::value(&csv_path), "write the per-layer CSV report to FILE")("quiet,q",
                                                                             "print no summary")(
      "timing", "print the wall-clock time of the estimate (planning included) to stderr");
  add_arch_options(d, arch);
  po::positional_options_description pos;
  pos.add("trace", 1);
  const po::variables_map vm = parse(args, d, pos);
  if (vm.count("help") || trace_path.empty()) {
    std::cerr << usage_text();
    return vm.count("help") ? 0 : kUsage;
  }
  // Everything is read and checked before anything is written.
  model::Options options;
  options.accounting = parse_accounting(accounting);
  options.fill_drain = vm.count("fill-drain") > 0;
  const Trace trace = read_trace_file(trace_path);
  const ArchConfig config = load_arch_options(arch);
  const EnergyTable energy =
      energy_path.empty() ? EnergyTable::builtin() : EnergyTable::load(energy_path);
  ModelReport report;
  report.trace_name = trace.name;
  report.trace_file = trace.file;
  report.arch_file = config.file;
  report.accounting = options.accounting;
  report.fill_drain = options.fill_drain;
  report.area_mm2 = component_area_mm2(config, AreaFigures::builtin());
  const ArchitectureFacts facts = architecture_facts(config);
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  report.layers = model::estimate_trace(trace, facts, options);
  report.energy_pj = model_energy(energy, report.layers);
  const double cpu_ms = 1e3 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const std::chrono::duration<double, std::milli> wall = std::chrono::steady_clock::now() - start;
  if (vm.count("timing")) {
    std::cerr << "tessera: model time " << wall.count() << " ms wall, " << cpu_ms << " ms CPU for "
              << trace.layers.size() << " layers\n";
  }
  write_model_reports(report, json_path.empty() ? std::nullopt : std::optional(json_path),
                      csv_path.empty() ? std::nullopt : std::optional(csv_path));
  if (!vm.count("quiet")) std::cout << model_summary_text(report);
  return 0;
}

}  // namespace

const Command model_command{
    "model",
    "tessera model TRACE [--arch FILE] [-p module.param=value]... [--fill-drain]\n"
    "                    [--accounting tessera|timeloop] [--energy FILE] [--json FILE]\n"
    "                    [--csv FILE] [--quiet] [--timing]\n",
    model_main};

}  // namespace tessera::cli
