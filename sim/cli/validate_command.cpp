#include <iostream>

#include "plan/analytical_model.h"
#include "sim/atomic_file.h"
#include "sim/cli/command.h"
#include "sim/energy_table.h"
#include "sim/error.h"
#include "sim/model_report.h"
#include "sim/schedule_ranking.h"
#include "sim/top.h"
#include "sim/validation.h"
#include "sim/validation_plot.h"
#include "sim/validation_report.h"
#include "traces/predictions/candidates_csv.h"
#include "traces/predictions/prediction_sources.h"
#include "traces/trace_reader.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

// `--against model` names no file: tessera's own analytical model (plan/analytical_model.h)
// predicts every layer, planned as the simulation plans it.
constexpr const char* kModel = "model";

std::string kinds_help() {
  return prediction_sources_help() +
         "  model: tessera's analytical model (tessera model), no FILE\n";
}

const PredictionSource& prediction_source(const std::vector<std::string>& against) {
  if (!against.empty() && against[0] == kModel) {
    throw po::error("--against model takes no FILE: the model predicts from the trace");
  }
  if (against.size() != 2) {
    throw po::error(
        "--against takes two values, KIND FILE (or the one word model); the kinds "
        "are:\n" +
        kinds_help());
  }
  const PredictionSource* source = find_prediction_source(against[0]);
  if (source == nullptr) {
    throw po::error("--against: unknown kind '" + against[0] + "'; the kinds are:\n" +
                    kinds_help());
  }
  return *source;
}

// The analytical model's estimate of every layer, priced with the energy table.
std::vector<LayerPrediction> model_predictions(const Trace& trace, const ArchitectureFacts& facts,
                                               const EnergyTable& energy) {
  const std::vector<model::LayerEstimate> layers = model::estimate_trace(trace, facts, {});
  const std::vector<double> energy_pj = model_energy(energy, layers);
  std::vector<LayerPrediction> out;
  out.reserve(layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    const model::Actions& a = layers[i].actions;
    out.push_back({layers[i].name, 0, static_cast<double>(layers[i].cycles), energy_pj[i],
                   static_cast<double>(a.dram_read_bytes + a.dram_write_bytes)});
  }
  return out;
}

// Each layer's `count` best plans by the tiler's own estimate, predicted by that estimate or
// (by_model) by the analytical model.
CandidateSource tiler_candidates(const Trace& trace, size_t count, bool by_model) {
  return [&trace, count, by_model](size_t i, const ArchitectureFacts& facts) {
    const Layer& layer = trace.layers[i];
    std::vector<ScheduleCandidate> out;
    for (const RankedPlan& r : ranked_plans(layer, facts, trace.file, count)) {
      const int64_t predicted =
          by_model ? model::estimate_layer(layer, r.plan, facts, {}).cycles : r.estimated_cycles;
      out.push_back({r.plan, static_cast<double>(predicted)});
    }
    return out;
  };
}

// A scheduler's own candidates and predictions, read from a candidates file; each must be a
// plan the layer can run (its tile fits the buffer).
CandidateSource file_candidates(const Trace& trace, const CandidatesFile& file) {
  return [&trace, &file, rows = candidates_by_layer(file, trace)](size_t i,
                                                                  const ArchitectureFacts& facts) {
    std::vector<ScheduleCandidate> out;
    for (const CandidateRow& row : rows[i]) {
      Layer layer = trace.layers[i];
      layer.mapping.buffer_tile = row.tile;
      layer.mapping.loop_order = row.order;
      if (row.dataflow) layer.mapping.dataflow = row.dataflow;
      try {
        out.push_back({ranked_plans(layer, facts, trace.file, 1).front().plan, row.cycles});
      } catch (const InputError& e) {
        throw InputError({file.file, row.line, "m"},
                         "this candidate cannot run on the architecture: " + std::string(e.what()));
      }
    }
    return out;
  };
}

std::optional<std::string> given(const std::string& path) {
  return path.empty() ? std::nullopt : std::optional(path);
}

int validate(const Args& args) {
  ArchOptions arch;
  std::string trace_path, energy_path, json_path, csv_path, plot_dir;
  std::vector<std::string> against;
  size_t candidates = 0;
  std::string candidates_path;
  po::options_description d("validate options");
  d.add_options()("help,h", "show this help")("trace", po::value(&trace_path), "trace YAML")(
      "against", po::value(&against)->multitoken(),
      "KIND FILE: the predictions to check (KIND: timeloop, scalesim or csv), or model")(
      "energy", po::value(&energy_path), "energy table YAML (default: the built-in table)")(
      "json", po::value(&json_path), "write the JSON comparison to FILE")(
      "csv", po::value(&csv_path), "write the per-layer CSV comparison to FILE")(
      "plot", po::value(&plot_dir), "write predicted_vs_simulated.png and causes.png into DIR")(
      "candidates", po::value(&candidates),
      "rank each layer's N best schedules by the tiler's estimate (or --against model) "
      "against their simulated cycles")(
      "candidates-file", po::value(&candidates_path),
      "rank the candidate schedules and predictions in FILE (layer,m,n,k,loop_order,"
      "[dataflow,]cycles) against their simulated cycles")("quiet,q",
                                                           "print no table and no progress line");
  add_arch_options(d, arch);
  po::positional_options_description pos;
  pos.add("trace", 1);
  const po::variables_map vm = parse(args, d, pos);
  if (vm.count("help")) {
    std::cout << usage_text() << "\n" << d << "\nprediction kinds:\n" << kinds_help();
    return 0;
  }
  if (trace_path.empty()) throw po::error("validate needs a TRACE");
  const bool by_model = against.size() == 1 && against[0] == kModel;
  if (vm.count("candidates") || !candidates_path.empty()) {
    if (vm.count("candidates") && !candidates_path.empty()) {
      throw po::error("--candidates N and --candidates-file FILE: give one");
    }
    if (vm.count("candidates") && candidates == 0) {
      throw po::error("--candidates needs a count of at least 1");
    }
    if (!against.empty() && !(by_model && vm.count("candidates"))) {
      throw po::error(
          "--candidates ranks the tiler's plans by its own estimate or by --against "
          "model; --candidates-file brings its own predictions (no --against)");
    }
    if (!csv_path.empty() || !plot_dir.empty()) {
      throw po::error("ranking candidates writes its table and --json only (no --csv or --plot)");
    }
    // Every input is read and checked before anything is simulated or written.
    const Trace trace = read_trace_file(trace_path);
    std::optional<CandidatesFile> file;
    if (!candidates_path.empty()) file = read_candidates_csv(candidates_path);
    const ArchConfig config = load_arch_options(arch);
    const EnergyTable energy =
        energy_path.empty() ? EnergyTable::builtin() : EnergyTable::load(energy_path);
    ProgressLine progress("schedules", 0, vm.count("quiet") > 0);
    RunOptions options;
    show_progress(progress, options);
    const ScheduleRanking ranking = simulate_candidates(
        trace, file ? file_candidates(trace, *file) : tiler_candidates(trace, candidates, by_model),
        config, energy, options);
    if (!json_path.empty()) write_file_atomically(json_path, ranking_json(ranking));
    if (!vm.count("quiet")) {
      const std::string by = file       ? "the predictions of " + candidates_path
                             : by_model ? std::string("tessera's analytical model")
                                        : std::string("the tiler's estimate");
      std::cout << "tessera validate: " << trace.name << ", candidate schedules ranked by " << by
                << "\n\n"
                << ranking_table(ranking);
    }
    return 0;
  }
  const PredictionSource* source = by_model ? nullptr : &prediction_source(against);
  // Every input is read and checked before anything is simulated or written.
  const Trace trace = read_trace_file(trace_path);
  std::vector<LayerPrediction> predicted;
  if (source != nullptr) predicted = match_to_trace(source->read(against[1]), trace);
  const ArchConfig config = load_arch_options(arch);
  const EnergyTable energy =
      energy_path.empty() ? EnergyTable::builtin() : EnergyTable::load(energy_path);
  if (!plot_dir.empty()) prepare_plot_folder(plot_dir);
  ProgressLine progress("layers", trace.layers.size(), vm.count("quiet") > 0);
  RunOptions options;
  show_progress(progress, options);

  // The model plans with the same facts as the controller: they are read from the modules the
  // simulation elaborates (a process elaborates once).
  const RunResult run = simulate(
      [&](const ArchitectureFacts& facts) -> const Trace& {
        if (by_model) predicted = model_predictions(trace, facts, energy);
        return trace;
      },
      config, energy, options);
  const Validation validation = compare(predicted, run);
  write_validation_reports(validation, given(json_path), given(csv_path));
  if (!plot_dir.empty()) write_validation_plots(validation, plot_dir);
  if (!vm.count("quiet")) {
    std::cout << "tessera validate: " << trace.name << " against "
              << (by_model ? std::string("tessera's analytical model")
                           : std::string(source->kind) + " " + against[1])
              << "\n\n"
              << validation_table(validation);
  }
  return 0;
}

}  // namespace

const Command validate_command{
    "validate",
    "tessera validate TRACE --against timeloop|scalesim|csv FILE|model [--arch FILE]\n"
    "                     [-p module.param=value]... [--energy FILE] [--json FILE] [--csv FILE]\n"
    "                     [--plot DIR] [--quiet]\n"
    "tessera validate TRACE --candidates N [--against model] | --candidates-file FILE\n"
    "                     [--arch FILE] [-p module.param=value]... [--json FILE] [--quiet]\n",
    validate};

}  // namespace tessera::cli
