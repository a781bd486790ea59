#include <iostream>

#include "sim/cli/attack_options.h"
#include "sim/cli/command.h"
#include "sim/cli/timeline_options.h"
#include "sim/embedded_files.h"
#include "sim/energy_table.h"
#include "sim/report.h"
#include "sim/top.h"
#include "traces/sparsify.h"
#include "traces/trace_reader.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

int run(const Args& args) {
  ArchOptions arch;
  std::string trace_path, energy_path, json_path, csv_path;
  std::vector<std::string> sparsify;
  uint64_t seed = 1;
  po::options_description d("run options");
  d.add_options()("help,h", "show this help")("trace", po::value(&trace_path), "trace YAML")(
      "energy", po::value(&energy_path), "energy table YAML (default: the built-in table)")(
      "json", po::value(&json_path), "write the JSON report to FILE")(
      "csv", po::value(&csv_path), "write the per-layer CSV report to FILE")(
      "functional", "carry real values and check every output against a reference")(
      "seed", po::value(&seed), "seed of the functional-mode tensors (default 1)")(
      "quiet,q", "print no summary and no progress line")(
      "sparsify", po::value(&sparsify),
      "weights=SPEC or inputs=SPEC, repeatable: every layer's weight or input sparsity (dense, "
      "hss:G:H[,G:H...], nm:G:H, density:X); inputs=relu: the zeros of real values");
  add_arch_options(d, arch);
  AttackOptions attacks;
  add_attack_options(d, attacks);
  TimelineOptions timeline;
  add_timeline_options(d, timeline);
  po::positional_options_description pos;
  pos.add("trace", 1);
  const po::variables_map vm = parse(args, d, pos);
  if (vm.count("help")) {
    std::cout << usage_text() << "\n" << d;
    return 0;
  }
  // Everything is read and checked before anything is simulated or written.
  Trace trace = trace_path.empty()
                    ? parse_trace(std::string(embedded_trace_yaml()), "<built-in resnet50 trace>")
                    : read_trace_file(trace_path);
  std::vector<SparsifyOption> sparsify_options;
  sparsify_options.reserve(sparsify.size());
  for (const std::string& text : sparsify) sparsify_options.push_back(parse_sparsify_option(text));
  for (const std::string& note :
       apply_sparsify_options(trace, sparsify_options, vm.count("functional") > 0)) {
    std::cerr << "tessera: note: --sparsify: " << note << "\n";
  }
  const ArchConfig config = load_arch_options(arch);
  const EnergyTable energy =
      energy_path.empty() ? EnergyTable::builtin() : EnergyTable::load(energy_path);
  RunOptions options;
  options.functional = vm.count("functional") > 0;
  options.seed = seed;
  apply_attack_options(attacks, trace, options);
  apply_timeline_options(timeline, trace, options);
  ProgressLine progress("layers", trace.layers.size(), vm.count("quiet") > 0);
  show_progress(progress, options);
  const RunResult result = simulate(trace, config, energy, options);
  if (!result.timeline_note.empty()) {
    std::cerr << "tessera: note: " << timeline.path << ": " << result.timeline_note << "\n";
  }
  write_reports(result, json_path.empty() ? std::nullopt : std::optional(json_path),
                csv_path.empty() ? std::nullopt : std::optional(csv_path));
  if (!vm.count("quiet")) std::cout << summary_text(result);
  return 0;
}

}  // namespace

const Command run_command{
    "run",
    "tessera [run] [TRACE] [--arch FILE] [-p module.param=value]... [--energy FILE]\n"
    "                     [--json FILE] [--csv FILE] [--functional] [--seed N] [--quiet]\n"
    "                     [--tamper L:T:BYTE[:BIT]] [--tamper-tag L:T:BYTE[:BIT]] [--replay L:T]\n"
    "                     [--sparsify weights=SPEC] [--sparsify inputs=SPEC|relu]\n"
    "                     [--timeline FILE.json|FILE.vcd] [--timeline-layers NAMES|FIRST:LAST]\n"
    "                     [--timeline-limit N]\n",
    run};

}  // namespace tessera::cli
